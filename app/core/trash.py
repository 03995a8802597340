"""Rejects to the system trash, and back: ``phototriage trash --rejected`` sends rejected
photos and their sidecars to the trash (send2trash: the freedesktop.org trash on Linux, the
platform's own elsewhere) and writes each file into a journal in the catalog;
``phototriage trash --undo`` puts the latest batch back at the exact paths and checks that
every file is byte-identical to what was trashed. Nothing is deleted permanently: emptying
the trash stays the user's own act."""
from __future__ import annotations

import errno
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .catalog.photos import iso_seconds
from .fileio import ReadError, read_original
from .jobs import CancelToken, Job, Progress
from .xmp.sidecars import sidecar_names


@dataclass
class TrashReport:
    action: str                                   # "trash" or "undo"
    dry_run: bool = False
    files: list[str] = field(default_factory=list)
    photos: int = 0
    bytes: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    batch: int | None = None

    def to_json(self) -> dict:
        return {"action": self.action, "dry_run": self.dry_run, "batch": self.batch, "photos": self.photos,
                "files": self.files, "bytes": self.bytes,
                "failed": [{"path": p, "reason": r} for p, r in self.failed]}


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


def locate(original: str, since: float) -> tuple[str, str]:
    """The trashed file of ``original`` and its .trashinfo (trashed at ``since`` or later)."""
    best = None
    for trash, top in _trash_dirs(original):
        info_dir = trash / "info"
        if not info_dir.is_dir():
            continue
        for info in info_dir.glob("*.trashinfo"):
            try:
                if info.stat().st_mtime < since - 2:
                    continue
                lines = info.read_text(errors="replace").splitlines()
            except OSError:
                continue
            path = next((unquote(line[5:]) for line in lines if line.startswith("Path=")), None)
            if path is None:
                continue
            full = path if os.path.isabs(path) or top is None else str(top / path)
            if os.path.normpath(full) == os.path.normpath(original):
                trashed = trash / "files" / info.name[:-len(".trashinfo")]
                mtime = info.stat().st_mtime
                if trashed.exists() and (best is None or mtime > best[0]):
                    best = (mtime, str(trashed), str(info))
    if best is None:
        raise OSError(errno.ENOENT, f"sent to the trash but not found there: {original}")
    return best[1], best[2]


def send_to_trash(path: str) -> tuple[str, str]:
    """Trash one file; returns (where it is in the trash, its .trashinfo)."""
    from send2trash import send2trash

    before = time.time()
    send2trash(path)
    return locate(path, before)


def restore(trashed: str, info: str, original: str) -> None:
    """Put a trashed file back at its original path (never over another file)."""
    if os.path.lexists(original):
        raise OSError(errno.EEXIST, f"another file is at {original} now: left in the trash")
    if not os.path.exists(trashed):
        raise OSError(errno.ENOENT, f"no longer in the trash (emptied?): {original}")
    os.makedirs(os.path.dirname(original), exist_ok=True)
    try:
        os.link(trashed, original)               # a rename that can never replace a file
        os.unlink(trashed)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP):
            raise
        shutil.copy2(trashed, original)
        os.unlink(trashed)
    try:
        os.unlink(info)
    except FileNotFoundError:
        pass


def _files_of(photo: str, stems: dict[str, int]) -> list[str]:
    """The photo and its own sidecars (a ``name.xmp`` shared with another file of the same
    name stays). ``stems``: how many library files share each path without its extension."""
    files = [photo]
    names = sidecar_names(photo)
    if names["ext"].is_file():
        files.append(str(names["ext"]))
    if names["base"].is_file() and stems.get(str(Path(photo).with_suffix("")), 0) <= 1:
        files.append(str(names["base"]))
    return files


def rejected_photos(catalog) -> list[tuple[int, dict]]:
    from .culling import photos_where

    return photos_where(catalog, lambda s: s.pick == -1)


def trash_rejected(catalog, dry_run: bool = False, cancel: CancelToken | None = None) -> Job[TrashReport]:
    report = TrashReport("trash", dry_run)
    todo = rejected_photos(catalog)
    from collections import Counter

    stems = Counter(str(Path(path).with_suffix("")) for _i, path, _h, status, _t, _r in catalog.photos.grid()
                    if status == "ok")
    report.batch = None if dry_run else catalog.trash.new_batch()
    for i, (pid, photo) in enumerate(todo):
        if cancel is not None and cancel.cancelled:
            break
        yield Progress("trash", i, len(todo), current=photo["path"])
        path = photo["path"]
        try:
            st = os.stat(path)
        except OSError:
            report.failed.append((path, "the file is gone"))
            continue
        if (st.st_size, st.st_mtime_ns) != (photo.get("size"), photo.get("mtime_ns")):
            report.failed.append((path, "changed since it was indexed: index again before trashing it"))
            continue
        files = _files_of(path, stems)
        if dry_run:
            report.files += files
            report.photos += 1
            report.bytes += sum(os.path.getsize(f) for f in files)
            continue
        for n, f in enumerate(files):
            try:
                digest, size = (photo["content_hash"] if n == 0 else _file_hash(f)), os.path.getsize(f)
            except (OSError, ReadError) as exc:
                report.failed.append((f, f"not trashed: {exc}"))
                if n == 0:
                    break
                continue
            with catalog.transaction():         # the journal first: a kill after this keeps the way back
                entry = catalog.trash.intend(report.batch, pid if n == 0 else None, f, digest, size)
            try:
                trashed, info = send_to_trash(f)
            except OSError as exc:
                if os.path.exists(f):
                    with catalog.transaction():
                        catalog.trash.forget(entry)
                report.failed.append((f, f"not trashed: {exc}"))
                if n == 0:
                    break
                continue
            with catalog.transaction():
                catalog.trash.trashed(entry, trashed, info)
                if n == 0:
                    catalog.photos.mark_missing([pid])
            report.files.append(f)
            report.bytes += size
            report.photos += n == 0
    yield Progress("trash", len(todo), len(todo))
    return report


def undo_trash(catalog, dry_run: bool = False, cancel: CancelToken | None = None) -> Job[TrashReport]:
    """Put the latest trashed batch back, byte-identical, at the exact paths."""
    report = TrashReport("undo", dry_run)
    report.batch = catalog.trash.last_batch()
    entries = catalog.trash.entries(report.batch) if report.batch is not None else []
    for i, e in enumerate(entries):
        if cancel is not None and cancel.cancelled:
            break
        yield Progress("undo trash", i, len(entries), current=e["original"])
        if dry_run:
            report.files.append(e["original"])
            report.bytes += e["size"] or 0
            report.photos += e["photo_id"] is not None
            continue
        try:
            trashed, info = e["trashed"], e["info"]
            if trashed is None:                  # interrupted between the journal and the trash
                if os.path.exists(e["original"]) and (not e["content_hash"] or
                                                      _file_hash(e["original"]) == e["content_hash"]):
                    with catalog.transaction():
                        catalog.trash.restored(e["id"])      # it never left
                    continue
                trashed, info = locate(e["original"], iso_seconds(e["trashed_at"]))
            restore(trashed, info, e["original"])
            if e["content_hash"] and _file_hash(e["original"]) != e["content_hash"]:
                raise OSError(errno.EIO, f"restored, but its content differs from what was trashed: {e['original']}")
        except (OSError, ReadError) as exc:
            report.failed.append((e["original"], str(exc)))
            continue
        with catalog.transaction():
            catalog.trash.restored(e["id"])
            if e["photo_id"] is not None:
                st = os.stat(e["original"])
                catalog.photos.move(e["photo_id"], e["original"], st.st_size, st.st_mtime_ns)
        report.files.append(e["original"])
        report.bytes += e["size"] or 0
        report.photos += e["photo_id"] is not None
    yield Progress("undo trash", len(entries), len(entries))
    return report
