"""Walk a library folder: photo files with their stat identity, and what could not be read.

Rules: hidden entries (dot names) are skipped; folders holding a
``.phototriageignore`` file, and well-known system/cache folders, are skipped;
symlinked folders are followed once (a loop, or a second path to a folder
already walked, is not entered again).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator

from .formats import is_photo

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
    path: str
    reason: str


def walk(root: str) -> Iterator[FileEntry | ScanError]:
    """Yield every photo under ``root`` (depth-first, sorted) and every unreadable folder."""
    root = os.path.abspath(root)
    try:
        st = os.stat(root)
    except OSError as exc:
        yield ScanError(root, f"cannot open folder: {exc.strerror or exc}")
        return
    seen: set[tuple[int, int]] = {(st.st_dev, st.st_ino)}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield ScanError(folder, f"cannot read folder: {exc.strerror or exc}")
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
                yield ScanError(entry.path, f"cannot stat: {exc.strerror or exc}")
                continue
            yield FileEntry(entry.path, fst.st_size, fst.st_mtime_ns)
        stack.extend(reversed(subdirs))
