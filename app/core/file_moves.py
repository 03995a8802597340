"""A photo and its sidecars put somewhere else as one unit: every file reaches its destination
or none stays there. Nothing is ever overwritten (a destination is linked into place, which
fails where a file exists), and a move keeps its originals until the caller has recorded the
new place (``remove_sources``), so a kill at any point leaves each file at least once, and a
re-run finds the same state and finishes it."""
from __future__ import annotations

import errno
import filecmp
import os
import shutil
from pathlib import Path

from .tempfiles import temp_path

_NO_LINK = (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.EOPNOTSUPP)


def same_content(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Two names of one file, or two files with the same bytes."""
    try:
        if os.path.samefile(a, b):
            return True
        return os.path.getsize(a) == os.path.getsize(b) and filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def _link_into_place(tmp: Path, dst: Path) -> None:
    try:
        os.link(tmp, dst)                       # never replaces a file (a rename would)
        os.unlink(tmp)
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        if os.path.lexists(dst):                # a file system without hard links
            raise FileExistsError(errno.EEXIST, "another file is there", str(dst)) from exc
        os.rename(tmp, dst)


def copy_into_place(src: str, dst: Path, verify: bool) -> None:
    """A copy of ``src`` written beside ``dst`` (checked whole with ``verify``), then linked into
    place, never over a file: a kill leaves a temp file the next run sweeps, never half a file."""
    tmp = temp_path(dst, "part")
    try:
        shutil.copy2(src, tmp)
        if tmp.stat().st_size != os.path.getsize(src) or (verify and not filecmp.cmp(src, tmp, shallow=False)):
            raise OSError(errno.EIO, "the copy differs from the original", src)
        _link_into_place(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def _place_one(src: str, dst: Path, move: bool) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if move:
        try:
            os.link(src, dst)                   # a second name; the original goes in remove_sources
            return
        except OSError as exc:
            if exc.errno not in _NO_LINK:
                raise
    copy_into_place(src, dst, verify=move)                # a move's original is removed only after a full compare


def rollback(files: list[tuple[str, str]]) -> None:
    """Remove every destination that is a copy (or a second name) of its existing source."""
    for src, dst in files:
        if os.path.realpath(src) == os.path.realpath(dst):
            continue
        if os.path.lexists(dst) and os.path.exists(src) and same_content(src, dst):
            os.unlink(dst)


def _refresh(src: str, dst: Path) -> None:
    """Replace an older copy of ``src`` (one an earlier export made) with its current bytes."""
    tmp = temp_path(dst, "part")
    try:
        shutil.copy2(src, tmp)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def place(files: list[tuple[str, str]], move: bool, ours: dict[str, float] | None = None) -> None:
    """Put every (source, destination) in place, or none: a failure (no space, a file in the
    way, a source gone) removes what this call placed and raises. Destinations that already
    hold their source's bytes count as placed; one in ``ours`` (destination -> when an earlier
    export of the same photo put it there: a sidecar written since in the library) gets the
    current bytes, unless it was changed there after (a review: a move after a copy wrote the
    library's sidecar over the one the user developed at the destination)."""
    created: list[tuple[str, str]] = []
    ours = ours or {}
    try:
        for src, dst in files:
            if os.path.lexists(dst):
                if same_content(src, dst):
                    continue
                if dst not in ours:
                    raise FileExistsError(errno.EEXIST, "another file is there", dst)
                # unchanged there since: it keeps the time of the bytes copied, from before the
                # second that export finished in (where that cannot be told, it is left alone)
                if os.lstat(dst).st_mtime >= ours[dst]:
                    raise FileExistsError(errno.EEXIST, "changed there since PhotoTriage put it there (edited at the "
                                          "destination?): left as it is, and the photo not moved", dst)
                _refresh(src, Path(dst))
                continue
            _place_one(src, Path(dst), move)
            created.append((src, dst))
    except BaseException:
        rollback(created)
        raise


def remove_sources(files: list[tuple[str, str]]) -> None:
    """A move's last step: each original goes once its destination holds the same bytes."""
    for src, dst in files:
        if os.path.realpath(src) == os.path.realpath(dst):     # one directory entry under two names
            continue
        if os.path.lexists(src) and os.path.exists(dst) and same_content(src, dst):
            os.unlink(src)
