"""Walk a library folder: photo files with their stat identity, and what could not be read.

Rules: hidden entries (dot names) are skipped; folders holding a
``.phototriageignore`` file, and well-known system/cache folders, are skipped;
symlinked folders are followed once (a loop, or a second path to a folder
already walked, is not entered again); a folder named like a photo or a sidecar
(``X.jpg``, ``X.jpg.xmp``) is not entered and is reported, since a sidecar or an
export would be written over its name.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Iterator

from .formats import is_photo
from .text import reason

IGNORE_MARKER = ".phototriageignore"
IGNORED_DIRS = frozenset({
    "@eaDir", "#recycle", "$RECYCLE.BIN", "System Volume Information", "__MACOSX",
    "lost+found", "node_modules",
})


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ScanError:
    """A folder or file not taken: ``failed`` when the system refused it (an index that met
    one exits 1), not when the scanner left it out on purpose."""
    path: str
    reason: str
    failed: bool = True


def _photo_like(name: str) -> bool:
    return is_photo(name) or name.lower().endswith(".xmp")


def walk(root: str, own: Iterable[str | os.PathLike] = ()) -> Iterator[FileEntry | ScanError]:
    """Yield every photo under ``root`` (depth-first, sorted) and every unreadable folder.
    ``own``: the catalog's folders (thumbnails...), never entered when they lie in the library."""
    root = os.path.abspath(root)
    try:
        st = os.stat(root)
    except OSError as exc:
        yield ScanError(root, f"cannot open the folder: {reason(exc)}")
        return
    seen: set[tuple[int, int]] = {(st.st_dev, st.st_ino)}
    for folder in own:
        try:
            ost = os.stat(folder)
            seen.add((ost.st_dev, ost.st_ino))
        except OSError:
            pass
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield ScanError(folder, f"cannot read the folder: {reason(exc)}")
            continue
        if any(e.name == IGNORE_MARKER for e in entries):
            continue
        subdirs: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=True):
                    if entry.name in IGNORED_DIRS:
                        continue
                    if _photo_like(entry.name):
                        yield ScanError(entry.path, "a folder named like a photo or a sidecar: not looked into",
                                        failed=False)
                        continue
                    dst = entry.stat(follow_symlinks=True)
                    key = (dst.st_dev, dst.st_ino)
                    if key not in seen:
                        seen.add(key)
                        subdirs.append(entry.path)
                    continue
                if not entry.is_file(follow_symlinks=True) or not is_photo(entry.name):
                    continue
                fst = entry.stat(follow_symlinks=True)
            except FileNotFoundError:
                continue  # vanished (or a dangling link) between listing and stat
            except OSError as exc:
                yield ScanError(entry.path, f"cannot look at the file: {reason(exc)}")
                continue
            yield FileEntry(entry.path, fst.st_size, fst.st_mtime_ns)
        stack.extend(reversed(subdirs))
