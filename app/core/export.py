"""Hand the picks over: ``phototriage export --picks DEST`` copies (``--move``: moves) the
accepted and best photos with their sidecars, keeping the library's folder structure or flat
with collision-safe names. A copy is written beside its destination and renamed into place
once complete, and checked against the original's size; a move is a rename on one file
system, else a verified copy and then the original's removal. Nothing is overwritten: a file
already at the destination with other content makes a new name ``name (2).ext``; one with the
same bytes counts as exported already."""
from __future__ import annotations

import filecmp
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .jobs import CancelToken, Job, Progress
from .tempfiles import sweep, temp_path
from .xmp.sidecars import existing_sidecars


@dataclass
class ExportReport:
    dest: str
    move: bool = False
    dry_run: bool = False
    done: list[tuple[str, str]] = field(default_factory=list)       # (source, destination)
    already: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    bytes: int = 0

    def to_json(self) -> dict:
        return {"dest": self.dest, "move": self.move, "dry_run": self.dry_run, "exported": len(self.done),
                "already_there": len(self.already), "bytes": self.bytes,
                "files": [{"from": s, "to": d} for s, d in self.done],
                "failed": [{"path": p, "reason": r} for p, r in self.failed]}


def picked_photos(catalog) -> list[tuple[int, str, int]]:
    """(photo id, path, size) of the accepted and best photos present in the library."""
    from .culling import photos_where

    return [(pid, photo["path"], photo.get("size") or 0)
            for pid, photo in photos_where(catalog, lambda s: s.pick == 1 or s.best)]


def library_root(catalog, files: list[str]) -> str:
    """The folder the structure is kept from: the library folder last indexed when it holds
    every file, else the files' common folder."""
    root = catalog.jobs.last_root()
    if root and all(f.startswith(root.rstrip(os.sep) + os.sep) for f in files):
        return root
    return os.path.commonpath([os.path.dirname(f) for f in files]) if files else ""


def free_name(target: Path, taken: set[Path]) -> Path:
    """``target`` or ``name (2).ext``, ``name (3).ext``... whichever is free on disk and not
    planned for another file of this export."""
    n, candidate = 1, target
    while candidate in taken or candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem} ({n}){target.suffix}")
    return candidate


def _sidecar_target(photo_target: Path, photo: Path, sidecar: Path) -> Path:
    """The sidecar follows the photo's (possibly new) name, in the same convention."""
    if sidecar.name == photo.name + ".xmp":
        return photo_target.with_name(photo_target.name + ".xmp")
    return photo_target.with_suffix(".xmp")


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(dst, "part")
    try:
        shutil.copy2(src, tmp)
        if tmp.stat().st_size != src.stat().st_size:
            raise OSError(f"incomplete copy of {src}")
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _move(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)                  # never replaces an existing file (rename would)
        os.unlink(src)
    except OSError:
        _copy(src, dst)
        if not filecmp.cmp(src, dst, shallow=False):
            dst.unlink()
            raise OSError(f"the copy of {src} differs from the original: not moved")
        os.unlink(src)


def export_picks(catalog, dest: str, move: bool = False, flat: bool = False, dry_run: bool = False,
                 cancel: CancelToken | None = None) -> Job[ExportReport]:
    dest_dir = Path(dest).absolute()
    report = ExportReport(str(dest_dir), move, dry_run)
    photos = picked_photos(catalog)
    root = library_root(catalog, [p for _, p, _ in photos])
    if photos and not dry_run:
        dest_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(dest_dir, os.W_OK):
            raise OSError(f"cannot write to {dest_dir}")
        sweep(dest_dir, recursive=True)        # partial copies of an export a kill interrupted
    taken: set[Path] = set()
    for i, (pid, path, size) in enumerate(photos):
        if cancel is not None and cancel.cancelled:
            break
        yield Progress("export", i, len(photos), current=path)
        src = Path(path)
        if not src.is_file():
            report.failed.append((path, "the file is gone"))
            continue
        rel = Path(src.name) if flat else Path(os.path.relpath(src, root))
        target = dest_dir / rel
        if target.exists() and filecmp.cmp(src, target, shallow=False):
            report.already.append(path)
            continue
        target = free_name(target, taken)
        taken.add(target)
        sidecars = [(s, _sidecar_target(target, src, s)) for s in existing_sidecars(src)]
        report.done.append((path, str(target)))
        report.bytes += size
        if dry_run:
            continue
        try:
            (_move if move else _copy)(src, target)
            for side, side_target in sidecars:
                if side.exists() and not side_target.exists():
                    (_move if move else _copy)(side, side_target)
        except OSError as exc:
            report.done.pop()
            report.failed.append((path, str(exc)))
            continue
        if move:
            st = target.stat()
            with catalog.transaction():
                catalog.photos.move(pid, str(target), st.st_size, st.st_mtime_ns)
    yield Progress("export", len(photos), len(photos))
    return report

