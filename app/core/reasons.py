"""Why something failed, in plain words: no errno numbers, no Python byte strings, the file
named readably (undecodable bytes shown as U+FFFD)."""
from __future__ import annotations

import errno
import os

from . import paths

_WORDS = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted",
    errno.EROFS: "the disk is read-only",
    errno.ENOENT: "no such file or folder",
    errno.EEXIST: "another file is there",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EIO: "a read or write error on the disk",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EXDEV: "it is on another disk",
    errno.EBUSY: "the file is in use",
}


def plain_reason(exc: BaseException) -> str:
    """One sentence for an exception: an OSError's plain meaning and the file it concerns."""
    if isinstance(exc, OSError) and exc.errno is not None:
        ours = exc.strerror and exc.strerror != os.strerror(exc.errno)     # a sentence we wrote ourselves
        words = exc.strerror if ours else _WORDS.get(exc.errno) or (exc.strerror or "a system error").lower()
        name = exc.filename
        if isinstance(name, bytes):
            name = paths.display(name.decode("utf-8", "surrogateescape"))
        elif isinstance(name, str):
            name = paths.display(name)
        return f"{words}: {name}" if name else words
    text = str(exc) or type(exc).__name__
    return paths.display(text)
