"""Every photo of the library as the grid shows it: its decisions, its burst and the burst's
suggestion, filtered and sorted the way a photographer culls (Qt-free; the GUI's library grid
is a thin model over it)."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

from . import paths
from .catalog.decisions import DecisionState


@dataclass
class GridRow:
    photo_id: int
    path: str
    name: str                       # the file name, with its folder where names repeat
    content_hash: str | None
    status: str
    captured: float | None
    state: DecisionState
    burst: str | None = None        # burst id
    burst_ids: tuple[int, ...] = ()
    suggested: bool = False         # the ranker's best of its burst
    score: float | None = None      # mean win probability in its burst
    reason: str | None = None       # why a photo is skipped or missing
    duplicate: bool = False         # an exact copy, or a near copy verified by `duplicates`
    people: frozenset[str] = frozenset()      # the people the user named on it
    kind: str = "burst"             # its set's kind (app/core/sets/kinds.py): burst, bracket, panorama, ...

    @property
    def can_be_best(self) -> bool:
        """A frame of a burst (a single photo, or a set kept whole such as a bracket, has no best)."""
        return bool(self.burst_ids) and self.kind == "burst"

    def set_badge(self) -> str:
        """The set mark: "▣ 5" for a burst, "▣ bracket 3", "▣ panorama 6" for a set kept whole;
        "" for a photo in no set."""
        if not self.burst:
            return ""
        if self.kind == "burst":
            return f"▣ {len(self.burst_ids)}"
        return f"▣ {self.kind.replace('_', ' ')} {len(self.burst_ids)}"

    def badges(self) -> str:
        if self.status != "ok":
            return f"⚠ {self.status}: {self.reason}" if self.reason else f"⚠ {self.status}"
        marks = decision_marks(self.state, self.suggested)
        if self.burst:
            marks.append(self.set_badge())
        return " ".join(marks)


def decision_marks(state: DecisionState, suggested: bool = False) -> list[str]:
    """The marks a photo's decisions show, the same in the grid and on the cull view's strip."""
    marks = []
    if state.best:
        marks.append("✔ best")                       # the best is always picked: no second mark
    elif state.pick == 1:
        marks.append("✓ picked")
    if state.pick == -1:
        marks.append("✗ rejected")
    if state.rating:
        marks.append("★" * state.rating)
    if state.label:
        marks.append(f"■ {state.label}")
    if suggested and not state.best:
        marks.append("◆ suggested")         # its own mark: never a star (a rating)
    if state.imported:
        marks.append("⇣ XMP")                       # taken from a sidecar or the file's own XMP
    return marks


FILTERS = {
    "all": lambda r, n: True,
    "unreadable": lambda r, n: r.status != "ok",
    "undecided": lambda r, n: not r.state.decided,
    "picked": lambda r, n: r.state.pick == 1,
    "rejected": lambda r, n: r.state.pick == -1,
    "rated": lambda r, n: (r.state.rating or 0) >= n,
    "bursts": lambda r, n: r.burst is not None,
    "best": lambda r, n: r.state.best or r.suggested,
    "duplicates": lambda r, n: r.duplicate,
}
SORTS = {
    "time": lambda r: (r.captured is None, r.captured or 0.0, r.path),
    "name": lambda r: (r.name.lower(), r.path),
    "folder": lambda r: (os.path.dirname(r.path), r.name.lower()),
    "score": lambda r: (r.score is None, -(r.score or 0.0), r.path),
}


def display_names(all_paths: list[str]) -> list[str]:
    """File names, with the parent folder where a name occurs more than once (f01.jpg from two
    bursts becomes tree/f01.jpg and hamilton/f01.jpg)."""
    names = [os.path.basename(p) for p in all_paths]
    repeated = {n for n, c in Counter(names).items() if c > 1}
    return [f"{os.path.basename(os.path.dirname(p))}/{n}" if n in repeated else n for p, n in zip(all_paths, names)]


def grid_rows(catalog, bursts=None) -> list[GridRow]:
    """Every photo in capture order; ``bursts``: ranked bursts (app/core/triage.BurstView) when
    known, for burst badges, suggestions and scores."""
    trashed = catalog.trash.in_trash()          # sent to the trash: not in the library (an undo brings them back)
    photos = [p for p in catalog.photos.grid() if not (p[0] in trashed and p[3] != "ok")]
    states = catalog.decisions.states()
    copies = Counter(h for _, _, h, status, _, _ in photos if h and status == "ok")
    near = catalog.pair_checks.duplicate_hashes()
    named = catalog.people.named_in_photos()
    names = display_names([paths.display(p) for _, p, _, _, _, _ in photos])
    burst_of = {}
    for b in bursts or ():
        for pid in b.photo_ids:
            burst_of[pid] = b
    rows = []
    for (pid, path, h, status, ts, reason), name in zip(photos, names):
        row = GridRow(pid, path, name, h, status, ts, states.get(pid) or DecisionState(), reason=reason,
                      duplicate=bool(h) and (copies[h] > 1 or h in near), people=frozenset(named.get(pid, ())))
        b = burst_of.get(pid)
        if b is not None:
            row.burst, row.burst_ids, row.kind = b.id, tuple(b.photo_ids), getattr(b, "kind", "burst")
            row.suggested, row.score = b.best == pid, b.scores.get(pid)
        rows.append(row)
    return rows


def select(rows: list[GridRow], filter_name: str = "all", min_rating: int = 1, sort: str = "time",
           person: str | None = None, folder: str | None = None, min_stars: int = 0,
           label: str | None = None) -> list[GridRow]:
    """The rows every filter keeps, sorted. The filters combine (AND), as a folder tree and a
    filter bar do in Lightroom: ``filter_name`` (picked, rejected, ...), ``min_stars`` (rated at
    least that many stars; 0: any rating), ``person`` (a named person is on it), ``label`` (its
    colour label, case-insensitive; ``NO_LABEL``: none) and ``folder`` (in that folder or below)."""
    return sorted((r for r in rows if matches(r, filter_name, min_rating, person, folder, min_stars, label)),
                  key=SORTS[sort])


NO_LABEL = ""


def matches(row: GridRow, filter_name: str = "all", min_rating: int = 1, person: str | None = None,
            folder: str | None = None, min_stars: int = 0, label: str | None = None) -> bool:
    """Whether one row passes every filter (see :func:`select`)."""
    if not FILTERS[filter_name](row, min_rating):
        return False
    if min_stars and (row.state.rating or 0) < min_stars:
        return False
    if person is not None and person not in row.people:
        return False
    if label is not None and (row.state.label or "").lower() != label.lower():
        return False
    if folder is not None:
        inside = os.path.abspath(folder).rstrip(os.sep) + os.sep
        return os.path.abspath(row.path).startswith(inside)
    return True


def people_names(rows: list[GridRow]) -> list[str]:
    return sorted({name for r in rows for name in r.people}, key=str.lower)
