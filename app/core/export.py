"""Hand the picks over: ``phototriage export --picks DEST`` copies (``--move``: moves) the
accepted and best photos with their sidecars, keeping the library's folder structure or flat
with collision-safe names.

Each photo is one journaled operation (``catalog.file_ops``): planned and committed before a
file moves, its photo and sidecars placed together or not at all (app/core/file_moves.py), a
move's catalog row following in the same transaction that marks the files placed, the
originals removed last. Every run first finishes or rolls back what a kill left
(``finish_pending``). A re-run never duplicates: a picture already at its place in DEST (same
bytes) counts as exported. Picks outside the library folder (moved out by an earlier export)
are listed and left where they are. DEST inside the library, or a sidecar in DEST that belongs to
another picture, is refused with a reason. Nothing is overwritten."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .catalog.lock import exclusive
from .file_moves import place, remove_sources, rollback, same_content
from .jobs import CancelToken, Job, Progress
from .sidecar_owners import left, library_stems, own_sidecars
from .tempfiles import sweep
from .text import reason
from .xmp.sidecars import FolderListings, sidecar_names


class ExportRefused(Exception):
    """The export as asked would harm the library (the message says why); nothing was done."""


@dataclass
class ExportReport:
    dest: str
    move: bool = False
    dry_run: bool = False
    done: list[tuple[str, str]] = field(default_factory=list)       # (source, destination)
    already: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)               # what a killed run left, finished now
    gone: list[str] = field(default_factory=list)                   # picks deleted outside PhotoTriage
    bytes: int = 0
    imported: list[str] = field(default_factory=list)               # decisions read from their sidecars first
    stale: list[str] = field(default_factory=list)                  # sidecars at DEST that differ from the library's
    outside: list[str] = field(default_factory=list)                # picks outside the library (moved out before)
    kept: list[str] = field(default_factory=list)                   # a move: no longer picked when its turn came

    def to_json(self) -> dict:
        return {"dest": self.dest, "move": self.move, "dry_run": self.dry_run,
                "exported": len(self.done), "already_there": len(self.already), "failed_count": len(self.failed),
                "bytes": self.bytes, "finished_from_before": self.finished, "already_gone": list(self.gone),
                "imported_from_xmp": [paths.display(p) for p in self.imported],
                "sidecars_differ": [paths.display(p) for p in self.stale],
                "outside_library": [paths.display(p) for p in self.outside],
                "no_longer_picked": [paths.display(p) for p in self.kept],
                "files": [{"from": s, "to": d} for s, d in self.done],
                "failed": [{"path": p, "reason": r} for p, r in self.failed],
                "exit_code": 1 if self.failed else 0}


def _picked(state) -> bool:
    return state.pick == 1 or bool(state.best)


def picked_photos(catalog, states: dict | None = None) -> list[tuple[int, dict]]:
    """(photo id, photo row) of the accepted and best photos present in the library;
    ``states``: as photos_where."""
    from .culling import photos_where

    return photos_where(catalog, _picked, states)


def _under(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def library_root(catalog, files: list[str]) -> str:
    """The folder the structure is kept from: the library folder last indexed when it holds
    every file, else the files' common folder."""
    root = catalog.jobs.last_root()
    if root and all(_under(f, root) for f in files):
        return root
    return os.path.commonpath([os.path.dirname(f) for f in files]) if files else ""


def check_destination(catalog, dest: Path) -> None:
    """DEST must not be inside a library the catalog indexes (its copies would become photos of
    the library, and the next export would nest)."""
    for root in catalog.jobs.roots():
        if _under(str(dest), root):
            raise ExportRefused(f"{paths.display(str(dest))} is inside the library {paths.display(root)}: "
                                f"choose a folder outside it")


def _candidates(target: Path):
    yield target
    n = 2
    while True:
        yield target.with_name(f"{target.stem} ({n}){target.suffix}")
        n += 1


def _sidecar_target(photo_target: Path, sidecar: Path, photo: Path) -> Path:
    """The sidecar follows the photo's (possibly new) name, in the same convention."""
    return sidecar_names(photo_target)["ext" if sidecar == sidecar_names(photo)["ext"] else "base"]


def _foreign_sidecar(candidate: Path, sidecars: list[Path], photo: Path) -> Path | None:
    """A sidecar at the candidate's names that is not this photo's own (by content)."""
    for key, there in sidecar_names(candidate).items():
        if os.path.lexists(there):
            mine = sidecar_names(photo)[key]
            if not (mine in sidecars and same_content(mine, there)):
                return there
    return None


class _Taken(dict):
    """A place in DEST -> the photo planned there, with the photos planned under each (folder,
    name without extension), so a flat export of thousands stays linear."""

    def __init__(self) -> None:
        super().__init__()
        self.by_stem: dict[tuple[Path, str], set[Path]] = {}
        self.there = FolderListings()            # DEST's files before this export (it fills them)

    def __setitem__(self, place: Path, photo: Path) -> None:
        super().__setitem__(place, photo)
        self.by_stem.setdefault((place.parent, place.stem), set()).add(photo)


def _free_for(src: Path, candidate: Path, taken: dict[Path, Path]) -> bool:
    """Whether ``candidate`` can be ``src``'s place: not another photo's in this run, and free or
    holding ``src``'s bytes already."""
    if candidate in taken:
        return taken[candidate] == src            # (where a move put it already)
    return not os.path.lexists(candidate) or same_content(src, candidate)


def _foreign_twin(src: Path, candidate: Path, partners: list[Path], taken: _Taken) -> bool:
    """Whether another picture of the same name (another extension) is at DEST or planned there:
    beside it this photo would look like its raw + JPEG pair, and a ``name.xmp`` would be read as
    both's (a review: a camera's IMG_0001.CR2 with its Lightroom sidecar beside a phone's
    IMG_0001.jpg in a flat export). Its own pair partners are not foreign."""
    mine = {candidate.with_name(candidate.stem + p.suffix): p for p in partners}
    for there in taken.there.named(candidate.parent, candidate.stem):
        if there == candidate:
            continue
        partner = mine.get(there)
        if partner is None or not _free_for(partner, there, taken):
            return True
    owners = taken.by_stem.get((candidate.parent, candidate.stem), set()) - {taken.get(candidate)}
    return any(owner != src and owner not in partners for owner in owners)


def _plan_target(src: Path, base: Path, sidecars: list[Path], taken: _Taken,
                 partners: list[Path] = ()) -> tuple[str, Path | str]:
    """("already", path) | ("to", path) | ("refused", reason). ``partners``: the other files of its
    raw + JPEG pair in this export: a name is taken only where theirs is free too, so the pair
    keeps one name (and one ``name.xmp``) when a name clashes."""
    for candidate in _candidates(base):
        if taken.get(candidate, src) != src:
            continue
        if not all(_free_for(p, candidate.with_name(candidate.stem + p.suffix), taken) for p in partners):
            continue
        if os.path.lexists(candidate):
            if same_content(src, candidate):
                return "already", candidate
            continue
        if _foreign_twin(src, candidate, partners, taken):
            continue
        foreign = _foreign_sidecar(candidate, sidecars, src)
        if foreign is not None:
            return "refused", (f"{paths.display(str(foreign))} is a sidecar of another picture: move it away "
                               f"or choose another DEST (the photo would take its decisions)")
        return "to", candidate
    raise AssertionError("unreachable")


def _sidecars_there(src: Path, where: Path, sidecars: list[Path], dry_run: bool) -> list[str]:
    """A photo exported before: a sidecar of it not at the destination yet is copied there (there
    is nothing to lose); one there that differs from the library's (the decisions changed since,
    or it was edited there) is left as it is and returned, for the report to say so."""
    differ = []
    for side in sidecars:
        there = _sidecar_target(where, side, src)
        if not os.path.lexists(there):
            if not dry_run:
                place([(str(side), str(there))], move=False)
        elif not same_content(side, there):
            differ.append(str(there))
    return differ


def carry_out(catalog, op: dict) -> None:
    """Take one planned or placed operation to 'done', or roll it back and record 'failed'
    (then raise the OSError)."""
    move, files = op["kind"] == "move", op["files"]
    if op["state"] == "planned":
        ours = catalog.file_ops.placed_for(op["photo_id"]) if op["photo_id"] is not None else {}
        try:
            place(files, move, ours)
        except OSError as exc:
            rollback(files)
            with catalog.transaction():
                catalog.file_ops.set_state(op["id"], "failed", reason(exc, with_path=True))
            raise
        with catalog.transaction():
            if move and op["photo_id"] is not None and catalog.photos.get(op["photo_id"]) is not None:
                st = os.stat(files[0][1])
                catalog.photos.move(op["photo_id"], files[0][1], st.st_size, st.st_mtime_ns)
            catalog.file_ops.set_state(op["id"], "placed" if move else "done")
    if move:
        remove_sources(files)
        with catalog.transaction():
            catalog.file_ops.set_state(op["id"], "done")


def finish_pending(catalog) -> list[str]:
    """Finish (or roll back) every export operation a kill interrupted; says what it did."""
    said = []
    for op in catalog.file_ops.pending():
        photo = paths.display(op["files"][0][0])
        try:
            carry_out(catalog, op)
            said.append(f"finished the interrupted {op['kind']} of {photo}")
        except OSError as exc:
            said.append(f"rolled back the interrupted {op['kind']} of {photo}: {reason(exc, with_path=True)}")
    return said


def export_picks(catalog, dest: str, move: bool = False, flat: bool = False, dry_run: bool = False,
                 cancel: CancelToken | None = None) -> Job[ExportReport]:
    """Copy (or ``move``) the picked photos and their sidecars to ``dest``; one writer at a time
    (app/core/catalog/lock.py): it waits while an index, a trashing or another export runs."""
    return (yield from exclusive(catalog.path, "moving photos" if move else "exporting",
                                 _export_picks(catalog, dest, move, flat, dry_run, cancel), cancel,
                                 lambda: ExportReport(os.path.abspath(dest), move, dry_run), needed=not dry_run))


def _export_picks(catalog, dest: str, move: bool, flat: bool, dry_run: bool,
                  cancel: CancelToken | None) -> Job[ExportReport]:
    dest_dir = Path(os.path.abspath(dest))
    report = ExportReport(str(dest_dir), move, dry_run)
    check_destination(catalog, dest_dir)
    if not dry_run:
        from .recovery import finish_interrupted

        report.finished = finish_interrupted(catalog)
    from .xmp.sync import import_xmp

    # what an editor changed in the sidecars first: a photo un-picked in darktable is not exported
    imported = yield from import_xmp(catalog, cancel, dry_run=dry_run or catalog.readonly)
    report.imported = list(imported.imported)
    photos = picked_photos(catalog, imported.states)
    already_in_dest = [(pid, p) for pid, p in photos if _under(p["path"], str(dest_dir))]
    report.already += [p["path"] for _, p in already_in_dest]
    photos = [(pid, p) for pid, p in photos if not _under(p["path"], str(dest_dir))]
    # a pick an earlier `export --move` took out of the library stays in that export: not taken
    # again (a move would take it out of the earlier destination), nor nesting this one's layout
    roots = [r for r in catalog.jobs.roots() if os.path.isdir(r)]    # (a name not UTF-8 is kept as shown: not a path)
    outside = {pid for pid, p in photos if roots and not any(_under(p["path"], r) for r in roots)}
    report.outside += [p["path"] for pid, p in photos if pid in outside]
    photos = [(pid, p) for pid, p in photos if pid not in outside]
    root = library_root(catalog, [p["path"] for _, p in photos])
    stems = library_stems(catalog) if move else {}
    if photos and not dry_run:
        dest_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(dest_dir, os.W_OK):
            raise PermissionError(13, "permission denied", str(dest_dir))
        sweep(dest_dir, recursive=True)        # partial copies of an export a kill interrupted
    batch = catalog.file_ops.new_batch() if photos and not dry_run else 0
    taken = _Taken()                             # a place in DEST -> the photo planned there
    pairs: dict[tuple[Path, str], list[Path]] = {}
    for _, photo in photos:
        src = Path(photo["path"])
        pairs.setdefault((src.parent, src.stem), []).append(src)
    for i, (pid, photo) in enumerate(photos):
        if cancel is not None and cancel.cancelled:
            break
        path = photo["path"]
        yield Progress("export", i, len(photos), current=paths.display(path))
        src = Path(path)
        if not os.path.lexists(src):        # deleted outside PhotoTriage: nothing left to hand over
            report.gone.append(path)
            left(stems, path)
            if not dry_run:
                with catalog.transaction():
                    catalog.photos.mark_missing([pid])
            continue
        if not src.is_file():
            report.failed.append((path, "not a file any more"))
            continue
        if move and not dry_run and not _picked(catalog.decisions.state(pid)):
            report.kept.append(path)            # un-picked in the window while the move ran: it stays
            continue
        if move and pid in imported.unread:  # (a copy leaves it where it is: nothing is taken away)
            report.failed.append((path, "its sidecar could not be read (it may say the photo is no longer "
                                  "picked): not moved"))
            continue
        sidecars, shared = own_sidecars(path, stems) if move else (own_sidecars(path, {})[0], [])
        rel = Path(src.name) if flat else Path(os.path.relpath(src, root))
        partners = [p for p in pairs[src.parent, src.stem] if p != src]
        verdict, where = _plan_target(src, dest_dir / rel, sidecars + shared, taken, partners)
        if verdict == "already" and not move:
            report.already.append(path)
            report.stale += _sidecars_there(src, where, sidecars, dry_run)
            continue                            # (a move still takes the original away: its bytes are there)
        if verdict == "refused":
            report.failed.append((path, where))
            continue
        taken[where] = src
        report.done.append((path, str(where)))
        report.bytes += photo.get("size") or 0
        if dry_run:
            left(stems, path)
            continue
        files = [(path, str(where))] + [(str(s), str(_sidecar_target(where, s, src))) for s in sidecars]
        with catalog.transaction():
            op_id = catalog.file_ops.plan(batch, "move" if move else "copy", pid, photo.get("content_hash"),
                                          str(dest_dir), files)
        copies = [(str(s), str(_sidecar_target(where, s, src))) for s in shared]
        try:
            place(copies, move=False)           # a name.xmp another photo of the library still uses: copied
            carry_out(catalog, {"id": op_id, "kind": "move" if move else "copy", "photo_id": pid,
                                "state": "planned", "files": files})
            left(stems, path)
        except OSError as exc:
            rollback(copies)
            report.done.pop()
            report.bytes -= photo.get("size") or 0
            report.failed.append((path, reason(exc, with_path=True)))
    yield Progress("export", len(photos), len(photos))
    return report
