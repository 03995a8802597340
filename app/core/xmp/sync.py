"""XMP for a whole library: write every decided photo's sidecar (``phototriage xmp write``, or
after each decision when the user turns it on) and import what sidecars and embedded XMP say
(at the end of each index). Between a sidecar and the catalog the newer one wins, and the
user is told."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..catalog.photos import iso_seconds
from ..jobs import CancelToken, Job, Progress, Throttle, drive
from ..tempfiles import sweep
from .convention import Convention, XmpDecision
from .document import XmpError
from .sidecars import SidecarError, read_embedded, read_sidecar, sidecar_for, write_sidecar

AUTO_WRITE = "xmp.auto_write"


def auto_write_on(catalog) -> bool:
    return (catalog.settings.get(AUTO_WRITE) or "0") == "1"


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False

    def to_json(self) -> dict:
        return {"dry_run": self.dry_run, "written": len(self.written), "unchanged": self.unchanged,
                "sidecars": self.written, "failed": [{"path": p, "reason": r} for p, r in self.failed]}


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)            # photos whose decisions came from XMP
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (photo, "sidecar" | "catalog": which won)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"imported": len(self.imported), "imported_photos": self.imported,
                "conflicts": [{"path": p, "newer": w} for p, w in self.conflicts],
                "failed": [{"path": p, "reason": r} for p, r in self.failed]}

    @classmethod
    def from_json(cls, doc: dict) -> "ImportReport":
        return cls(imported=list(doc["imported_photos"]), conflicts=[(c["path"], c["newer"]) for c in doc["conflicts"]],
                   failed=[(f["path"], f["reason"]) for f in doc["failed"]])

    def lines(self) -> list[str]:
        return import_lines(self.to_json())


def import_lines(doc: dict) -> list[str]:
    """What an import told, for people (the CLI's index and `xmp read` outputs), from its JSON."""
    from ..text import plural

    out = [f"ratings and picks imported from XMP for {plural(doc['imported'], 'photo')}"] if doc["imported"] else []
    for c in doc["conflicts"]:
        out.append(f"{c['path']}: sidecar and catalog disagreed; the {c['newer']} was newer and wins"
                   + ("" if c["newer"] == "sidecar" else " (run `phototriage xmp write` to update the sidecar)"))
    return out + [f"{f['path']}: {f['reason']}" for f in doc["failed"]]


def _decided_photos(catalog, photo_ids: Iterable[int] | None, suggested: set[int]) -> list[tuple[int, str]]:
    states = catalog.decisions.states()
    wanted = set(photo_ids) if photo_ids is not None else set(states) | suggested
    out = []
    for pid in sorted(wanted):
        photo = catalog.photos.get(pid)
        if photo is not None and photo.get("status") == "ok":
            out.append((pid, photo["path"]))
    return out


def write_sidecars(catalog, photo_ids: Iterable[int] | None = None, suggested: Iterable[int] = (),
                   dry_run: bool = False, cancel: CancelToken | None = None) -> Job[WriteReport]:
    """Merge the decisions of ``photo_ids`` (default: every decided photo) into their sidecars.
    ``suggested``: photos suggested as their burst's best (keyword), unless the user marked
    another frame best or rejected them."""
    conv = Convention.from_settings(catalog.settings)
    report = WriteReport(dry_run=dry_run)
    suggested = set(suggested)
    todo = _decided_photos(catalog, photo_ids, suggested)
    if not dry_run:
        for folder in {os.path.dirname(p) for _, p in todo}:
            sweep(Path(folder))               # temp files of a write a kill interrupted
    throttle = Throttle()
    for i, (pid, path) in enumerate(todo):
        if cancel is not None and cancel.cancelled:
            break
        if throttle.ready():
            yield Progress("xmp", i, len(todo), current=path)
        state = catalog.decisions.state(pid)
        best = state.best or (pid in suggested and state.pick != -1)
        if dry_run:
            report.written.append(str(sidecar_for(path, conv)))
            continue
        try:
            side, changed = write_sidecar(path, state, best, conv)
        except SidecarError as exc:
            report.failed.append((path, exc.strerror or str(exc)))
            continue
        if changed:
            report.written.append(str(side))
        else:
            report.unchanged += 1
        st = side.stat()
        with catalog.transaction():
            catalog.sidecars.remember(pid, str(side), st.st_mtime_ns, st.st_size)
    yield Progress("xmp", len(todo), len(todo))
    return report


def write_after_decision(catalog, photo_ids: Iterable[int]) -> WriteReport | None:
    """The sidecars of photos a decision just changed, when the user turned that on. A
    failure is reported, never raised: the decision itself is already safe in the catalog."""
    if not auto_write_on(catalog) or catalog.readonly:
        return None
    conv = Convention.from_settings(catalog.settings)
    keep = set()
    for pid in photo_ids:                 # a suggested-best keyword already there stays unless rejected
        photo = catalog.photos.get(pid)
        if photo is None:
            continue
        try:
            res = read_sidecar(sidecar_for(photo["path"], conv), conv)
            if res.decision.best:
                keep.add(pid)
        except (OSError, XmpError):
            pass
    return drive(write_sidecars(catalog, list(photo_ids), suggested=keep))


def _changes(state, xd: XmpDecision, pid: int) -> list[tuple[int, str, int | None, str | None]]:
    out = []
    if xd.best and not state.best:
        out.append((pid, "best", 1, None))
    elif not xd.best and state.best:
        out.append((pid, "best", 0, None))
    pick = 1 if xd.best else xd.pick
    if pick != state.pick and not (xd.best and state.pick == 1):
        out.append((pid, "pick", pick, None))
    rating = xd.rating or 0
    if rating != (state.rating or 0):
        out.append((pid, "rating", rating, None))
    return out


def import_xmp(catalog, cancel: CancelToken | None = None) -> Job[ImportReport]:
    """Read sidecars that are new or changed on disk since last read or written, and XMP
    embedded in photos not looked at yet; import what they say where it is newer than the
    catalog's own decision."""
    conv = Convention.from_settings(catalog.settings)
    report = ImportReport()
    known = catalog.sidecars.known()
    checked = catalog.sidecars.embedded_checked()
    latest = catalog.sidecars.latest_decision_at()
    rows = [(pid, path, h) for pid, path, h, status, _t, _r in catalog.photos.grid() if status == "ok"]
    throttle = Throttle()
    embedded_seen = []
    for i, (pid, path, content_hash) in enumerate(rows):
        if cancel is not None and cancel.cancelled:
            break
        if throttle.ready():
            yield Progress("xmp import", i, len(rows), current=path)
        side = sidecar_for(path, conv)
        try:
            st = side.stat()
        except OSError:
            st = None
        xd, source_ns, side_path = None, None, None
        if st is not None:
            if known.get(pid) == (str(side), st.st_mtime_ns, st.st_size):
                continue                   # as last read or written
            try:
                res = read_sidecar(side, conv)
            except (XmpError, OSError) as exc:
                report.failed.append((str(side), f"sidecar not read: {exc}"))
                continue
            xd, source_ns, side_path = res.decision, res.mtime_ns, side
        elif content_hash and content_hash not in checked:
            embedded_seen.append(content_hash)
            if pid in latest:
                continue                   # the user decided in PhotoTriage already
            try:
                xd = read_embedded(path, conv)
            except OSError:
                xd = None
            source_ns = os.stat(path).st_mtime_ns if xd is not None else None
        if xd is None:
            continue
        state = catalog.decisions.state(pid)
        changes = _changes(state, xd, pid)
        if changes:
            decided_ns = int(iso_seconds(latest[pid]) * 1e9) if pid in latest else None
            # the catalog keeps whole seconds: a sidecar is newer when it is past that second
            if decided_ns is None or source_ns >= decided_ns + 1_000_000_000:
                catalog.decisions.apply(changes, source="xmp")
                report.imported.append(path)
                if decided_ns is not None:
                    report.conflicts.append((path, "sidecar"))
            else:
                report.conflicts.append((path, "catalog"))
        if side_path is not None:
            with catalog.transaction():
                catalog.sidecars.remember(pid, str(side_path), st.st_mtime_ns, st.st_size)
    if embedded_seen:
        with catalog.transaction():
            catalog.sidecars.mark_embedded(embedded_seen)
    yield Progress("xmp import", len(rows), len(rows))
    return report


