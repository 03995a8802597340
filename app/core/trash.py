"""Rejects to the system trash, and back: ``phototriage trash --rejected`` sends rejected
photos and their sidecars to the trash (send2trash: the freedesktop.org trash on Linux, the
platform's own elsewhere) and writes each file into a journal in the catalog first;
``phototriage trash --undo`` puts the latest batch back at the exact paths and checks that
every file is byte-identical to what was trashed. Nothing is deleted permanently: emptying
the trash stays the user's own act.

A photo and its own sidecars are one unit: they go together (a failure puts back what went)
and come back together (a sidecar is never put beside another picture). Every run first
finishes what a kill interrupted (``finish_pending``), and each step can be run again:
a file found at its original path under both names, or already back with its bytes, counts
as restored."""
from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_to_bytes

from . import paths
from .catalog.lock import exclusive
from .catalog.photos import iso_seconds
from .fileio import ReadError, read_original
from .jobs import CancelToken, Job, Progress
from .text import reason
from .sidecar_owners import left, library_stems, own_sidecars


OPEN_BATCH = "trash.open_batch"        # the batch of a trash run that has not ended (a kill cut it short)


@dataclass
class TrashReport:
    action: str                                   # "trash" or "undo"
    dry_run: bool = False
    files: list[str] = field(default_factory=list)
    photos: int = 0
    bytes: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)         # rejects deleted outside PhotoTriage already
    finished: list[str] = field(default_factory=list)     # what a killed run left, finished now
    batch: int | None = None
    imported: list[str] = field(default_factory=list)     # photos whose decisions came from their sidecars first
    kept: list[str] = field(default_factory=list)         # no longer rejected when their turn came

    def to_json(self) -> dict:
        return {"action": self.action, "dry_run": self.dry_run, "batch": self.batch, "photos": self.photos,
                "files": list(self.files), "bytes": self.bytes,
                "failed_count": len(self.failed), "finished_from_before": self.finished,
                "already_gone": list(self.gone), "imported_from_xmp": [paths.display(p) for p in self.imported],
                "no_longer_rejected": [paths.display(p) for p in self.kept],
                "failed": [{"path": p, "reason": r} for p, r in self.failed],
                "exit_code": 1 if self.failed else 0}


def _file_hash(path: str) -> str:
    return read_original(path, os.path.getsize(path))[1]


def _trash_dirs(original: str) -> list[tuple[Path, Path | None]]:
    """(trash folder, the top folder relative paths in its .trashinfo are under) candidates."""
    from send2trash import plat_other

    out = [(Path(plat_other.HOMETRASH), None)]
    try:
        top = Path(os.fsdecode(plat_other.find_mount_point(os.fsencode(original))))
    except Exception:                 # noqa: BLE001 (not on Linux, or no mount point found)
        return out
    uid = os.getuid()
    out += [(top / ".Trash" / str(uid), top), (top / f".Trash-{uid}", top)]
    return out


def _infos_for(original: str, since: float):
    """(info file, its trashed file, info mtime) in the trash for ``original``, trashed at ``since`` or later."""
    for trash, top in _trash_dirs(original):
        info_dir = trash / "info"
        if not info_dir.is_dir():
            continue
        for info in info_dir.glob("*.trashinfo"):
            try:
                if info.stat().st_mtime < since - 2:
                    continue
                lines = info.read_bytes().splitlines()
            except OSError:
                continue
            raw = next((unquote_to_bytes(line[5:]) for line in lines if line.startswith(b"Path=")), None)
            if raw is None:
                continue
            path = os.fsdecode(raw)
            full = path if os.path.isabs(path) or top is None else str(top / path)
            if os.path.normpath(full) == os.path.normpath(original):
                yield info, trash / "files" / info.name[:-len(".trashinfo")], info.stat().st_mtime


def locate(original: str, since: float) -> tuple[str, str]:
    """The trashed file of ``original`` and its .trashinfo (trashed at ``since`` or later)."""
    found = [(mtime, str(trashed), str(info)) for info, trashed, mtime in _infos_for(original, since)
             if trashed.exists()]
    if not found:
        raise OSError(errno.ENOENT, "sent to the trash but not found there", original)
    _, trashed, info = max(found)
    return trashed, info


def drop_orphan_infos(original: str, since: float) -> None:
    """A .trashinfo written for ``original`` whose file never reached the trash (a kill between
    the two steps of send2trash)."""
    for info, trashed, _ in list(_infos_for(original, since)):
        if not trashed.exists():
            info.unlink(missing_ok=True)


def send_to_trash(path: str) -> tuple[str, str]:
    """Trash one file; returns (where it is in the trash, its .trashinfo)."""
    from send2trash import send2trash

    before = time.time()
    send2trash(path)
    return locate(path, before)


def restore(trashed: str, info: str | None, original: str, content_hash: str | None) -> None:
    """Put a trashed file back at its original path (never over another file). Run again after
    a kill at any point, it finishes: the same file under both names, or the file back with
    its bytes and gone from the trash, counts as restored."""
    if os.path.lexists(original):
        if os.path.exists(trashed) and os.path.samefile(trashed, original):
            os.unlink(trashed)                       # killed between the link and the unlink
        elif content_hash and _file_hash(original) == content_hash and (
                not os.path.exists(trashed) or _file_hash(trashed) == content_hash):
            if os.path.exists(trashed):
                os.unlink(trashed)                   # killed after a checked copy back, before the trash's went
        else:
            raise OSError(errno.EEXIST, "another file is at its place now: this one stays in the trash", original)
    elif not os.path.exists(trashed):
        raise OSError(errno.ENOENT, "no longer in the trash (emptied?)", original)
    else:
        os.makedirs(os.path.dirname(original), exist_ok=True)
        try:
            os.link(trashed, original)               # a rename that can never replace a file
            os.unlink(trashed)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP):
                raise
            # another file system: a verified copy beside it first, linked into place (a kill
            # mid-copy leaves a temp file the next run sweeps, never half a photo at its place)
            from .file_moves import copy_into_place

            copy_into_place(trashed, Path(original), verify=True)
            os.unlink(trashed)
    if info:
        Path(info).unlink(missing_ok=True)


def rejected_photos(catalog, states: dict | None = None) -> list[tuple[int, dict]]:
    """(photo id, photo row) of the rejected photos present; ``states``: as photos_where."""
    from .culling import photos_where

    return photos_where(catalog, lambda s: s.pick == -1, states)


def finish_pending(catalog) -> list[str]:
    """Entries a kill left between the journal and the trash: a file still at its place never
    left (its orphan .trashinfo, if any, goes); a file gone is found in the trash and recorded.
    Photo groups are settled together: a group is trashed whole or not at all."""
    said: list[str] = []
    groups: dict[int, list[dict]] = {}
    for e in catalog.trash.unfinished():
        groups.setdefault(e["owner"] or e["id"], []).append(e)
    for entries in groups.values():
        since = iso_seconds(entries[0]["trashed_at"])
        photo = paths.display(entries[0]["original"])
        if _still_there(entries[0]):
            for e in entries:
                drop_orphan_infos(e["original"], since)
            _put_back_group(catalog, entries, since)
            said.append(f"{photo}: its interrupted trashing was rolled back (it is still in the library)")
            continue
        found: dict[int, tuple[str, str] | None] = {}
        for e in entries:                   # the photo went: its sidecars go after it
            if _still_there(e):
                drop_orphan_infos(e["original"], since)
                try:
                    found[e["id"]] = send_to_trash(e["original"])
                except OSError:
                    found[e["id"]] = None
            else:
                try:
                    found[e["id"]] = locate(e["original"], since)
                except OSError:
                    found[e["id"]] = None
        with catalog.transaction():
            for e in entries:
                if found[e["id"]] is not None:
                    catalog.trash.trashed(e["id"], *found[e["id"]])
                elif not os.path.exists(e["original"]):
                    catalog.trash.undo_failed(e["id"], "neither at its place nor in the trash")
            if entries[0]["photo_id"] is not None:
                catalog.photos.mark_missing([entries[0]["photo_id"]])
        said.append(f"{photo}: its interrupted trashing was finished (it is in the trash)")
    return said


def _still_there(entry: dict) -> bool:
    """Whether the journal entry's file is at its place with its own bytes (another file that
    took its name since is not it: a review found a new photo from the card, given the name
    after a kill, taken for the trashed one; the trashed photo lost its way back and its
    sidecar came back beside the new picture)."""
    original = entry["original"]
    if not os.path.exists(original):
        return False
    try:
        return not entry["content_hash"] or _file_hash(original) == entry["content_hash"]
    except OSError:
        return True                         # there, but not readable now: never taken for gone


def _put_back_group(catalog, entries: list[dict], since: float) -> None:
    """Roll a group back: files that reached the trash come back, the journal forgets it."""
    for e in entries:
        if not os.path.exists(e["original"]):
            try:
                restore(*locate(e["original"], since), e["original"], e["content_hash"])
            except OSError:
                continue
    with catalog.transaction():
        catalog.trash.forget([e["id"] for e in entries])


def _trash_group(catalog, batch: int, pid: int, photo: dict, files: list[str]) -> None:
    """Trash a photo and its sidecars, all or none (raises OSError with the files put back)."""
    hashed = [(f, photo["content_hash"] if n == 0 else _file_hash(f), os.path.getsize(f))
              for n, f in enumerate(files)]
    with catalog.transaction():             # the journal first: a kill after this keeps the way back
        ids = catalog.trash.intend(batch, pid, hashed)
    since = time.time()
    sent = []
    try:
        for entry, f in zip(ids, files):
            trashed, info = send_to_trash(f)
            sent.append((entry, trashed, info))
    except OSError:
        for (entry, trashed, info), f, (_, digest, _) in zip(sent, files, hashed):
            restore(trashed, info, f, digest)
        for f in files[len(sent):]:
            drop_orphan_infos(f, since)
        with catalog.transaction():
            catalog.trash.forget(ids)
        raise
    with catalog.transaction():
        for entry, trashed, info in sent:
            catalog.trash.trashed(entry, trashed, info)
        catalog.photos.mark_missing([pid])


def trash_rejected(catalog, dry_run: bool = False, cancel: CancelToken | None = None) -> Job[TrashReport]:
    """Send the rejected photos and their own sidecars to the system trash, one batch (one
    undo); one writer at a time (app/core/catalog/lock.py)."""
    return (yield from exclusive(catalog.path, "trashing rejected photos", _trash_rejected(catalog, dry_run, cancel),
                                 cancel, lambda: TrashReport("trash", dry_run), needed=not dry_run))


def _trash_rejected(catalog, dry_run: bool, cancel: CancelToken | None) -> Job[TrashReport]:
    report = TrashReport("trash", dry_run)
    if not dry_run:
        from .recovery import finish_interrupted

        report.finished = finish_interrupted(catalog)
    from .xmp.sync import import_xmp

    # what an editor changed in the sidecars first: a photo un-rejected in darktable stays
    imported = yield from import_xmp(catalog, cancel, dry_run=dry_run or catalog.readonly)
    report.imported = list(imported.imported)
    todo = rejected_photos(catalog, imported.states)
    stems = library_stems(catalog)
    if not dry_run:                     # a run a kill cut short and this one are one batch: one undo
        open_batch = catalog.settings.get(OPEN_BATCH)
        report.batch = int(open_batch) if open_batch else catalog.trash.new_batch()
        catalog.settings.set({OPEN_BATCH: report.batch})
    for i, (pid, photo) in enumerate(todo):
        if cancel is not None and cancel.cancelled:
            break
        path = photo["path"]
        yield Progress("trash", i, len(todo), current=paths.display(path))
        if pid in imported.unread:
            report.failed.append((path, "its sidecar could not be read (it may say the photo is no longer "
                                  "rejected): not trashed"))
            continue
        if not dry_run and catalog.decisions.state(pid).pick != -1:
            report.kept.append(path)        # decided otherwise since this run began (the window, an editor)
            continue
        try:
            st = os.stat(path)
        except FileNotFoundError:           # deleted outside PhotoTriage: what the user wanted is done
            report.gone.append(path)
            left(stems, path)
            if not dry_run:
                with catalog.transaction():
                    catalog.photos.mark_missing([pid])
            continue
        if (st.st_size, st.st_mtime_ns) != (photo.get("size"), photo.get("mtime_ns")):
            report.failed.append((path, "changed since it was indexed: index again before trashing it"))
            continue
        files = [path] + [str(s) for s in own_sidecars(path, stems)[0]]
        size = sum(os.path.getsize(f) for f in files)
        if not dry_run:
            try:
                _trash_group(catalog, report.batch, pid, photo, files)
            except (OSError, ReadError) as exc:
                report.failed.append((path, f"not trashed (nor its sidecars): {reason(exc, with_path=True)}"))
                continue
        report.files += files
        report.photos += 1
        report.bytes += size
        left(stems, path)
    if not dry_run and not (cancel is not None and cancel.cancelled):
        catalog.settings.set({OPEN_BATCH: ""})
    yield Progress("trash", len(todo), len(todo))
    return report


def _restore_entry(catalog, e: dict) -> None:
    trashed, info = e["trashed"], e["info"]
    if trashed is None:                  # interrupted between the journal and the trash
        if os.path.exists(e["original"]) and (not e["content_hash"] or _file_hash(e["original"]) == e["content_hash"]):
            return                       # it never left
        trashed, info = locate(e["original"], iso_seconds(e["trashed_at"]))
    restore(trashed, info, e["original"], e["content_hash"])
    if e["content_hash"] and _file_hash(e["original"]) != e["content_hash"]:
        raise OSError(errno.EIO, "restored, but its content differs from what was trashed", e["original"])


def undo_trash(catalog, dry_run: bool = False, cancel: CancelToken | None = None,
               batch: int | None = None) -> Job[TrashReport]:
    """Put the latest trashed batch (or ``batch``) back, byte-identical, at the exact paths; one
    writer at a time (app/core/catalog/lock.py)."""
    return (yield from exclusive(catalog.path, "putting trashed photos back",
                                 _undo_trash(catalog, dry_run, cancel, batch), cancel,
                                 lambda: TrashReport("undo", dry_run), needed=not dry_run))


def _undo_trash(catalog, dry_run: bool, cancel: CancelToken | None, batch: int | None) -> Job[TrashReport]:
    report = TrashReport("undo", dry_run)
    resuming = catalog.settings.get(UNDOING)      # a killed undo: this one goes on with its batch
    if not dry_run:
        from .recovery import finish_interrupted

        report.finished = finish_interrupted(catalog)
    if batch is None and resuming is not None:
        batch = int(resuming)
    report.batch = batch if batch is not None else catalog.trash.last_batch()
    entries = catalog.trash.entries(report.batch) if report.batch is not None else []
    groups = _groups(entries)
    if entries and not dry_run:           # a kill from here on is finished by the next operation
        catalog.settings.set({UNDOING: str(report.batch)})
    for i, group in enumerate(groups):
        if cancel is not None and cancel.cancelled:
            break
        yield Progress("undo trash", i, len(groups), current=paths.display(group[0]["original"]))
        if dry_run:
            for e in group:
                report.files.append(e["original"])
                report.bytes += e["size"] or 0
                report.photos += e["photo_id"] is not None
            continue
        _undo_group(catalog, group, report)
    if entries and not dry_run and not interrupted_undo(catalog):   # (a cancel stops between photos)
        catalog.settings.delete(UNDOING)      # kept while a photo is back without a sidecar: check says so
    yield Progress("undo trash", len(groups), len(groups))
    return report


UNDOING = "trash.undoing"           # settings: the batch an undo is putting back (a kill leaves it set)


def _groups(entries: list[dict]) -> list[list[dict]]:
    """A photo's entry with its sidecars' (the photo first)."""
    groups: dict[int, list[dict]] = {}
    for e in entries:
        groups.setdefault(e["owner"] or e["id"], []).append(e)
    return list(groups.values())


def _undo_group(catalog, group: list[dict], report: TrashReport) -> None:
    """Put one photo and its sidecars back (the photo first: never a sidecar beside another picture)."""
    for n, e in enumerate(group):
        try:
            _restore_entry(catalog, e)
        except (OSError, ReadError) as exc:
            why = reason(exc, with_path=True)
            if n == 0 and len(group) > 1:
                why += "; its sidecars stay in the trash with it"
            with catalog.transaction():
                for left in (group if n == 0 else [e]):
                    catalog.trash.undo_failed(left["id"], why)
            report.failed.append((e["original"], why))
            if n == 0:
                return
            continue
        with catalog.transaction():
            catalog.trash.restored(e["id"])
            if e["photo_id"] is not None:
                st = os.stat(e["original"])
                catalog.photos.move(e["photo_id"], e["original"], st.st_size, st.st_mtime_ns)
        report.files.append(e["original"])
        report.bytes += e["size"] or 0
        report.photos += e["photo_id"] is not None


def interrupted_undo(catalog) -> list[dict]:
    """The groups a killed undo left split: the photo back (or its entry restored) while a
    sidecar of it is still in the trash."""
    batch = catalog.settings.get(UNDOING)
    if batch is None:
        return []
    split = []
    for group in _groups(catalog.trash.entries(int(batch))):
        head = group[0]
        back = head["owner"] is not None or (os.path.exists(head["original"]) and (
            not head["content_hash"] or _file_hash(head["original"]) == head["content_hash"]))
        if back and any(e["trashed"] is not None for e in group):
            split.append(group)
    return split


def finish_undo(catalog) -> list[str]:
    """Finish what a killed undo left split (a photo back without its sidecars): they come
    back beside it; the rest of its batch stays in the trash for `trash --undo`."""
    if catalog.settings.get(UNDOING) is None:
        return []
    said = []
    for group in interrupted_undo(catalog):
        report = TrashReport("undo", False)
        _undo_group(catalog, group, report)
        photo = paths.display(group[0]["original"])
        said.append(f"{photo}: its interrupted undo was finished (its sidecars are back with it)" if not report.failed
                    else f"{photo}: its sidecar could not come back from the trash: {report.failed[0][1]} (move that "
                         f"file away, then `phototriage trash --undo --batch {catalog.settings.get(UNDOING)}`)")
    if not interrupted_undo(catalog):     # what could not be finished stays listed by check
        catalog.settings.delete(UNDOING)
    return said
