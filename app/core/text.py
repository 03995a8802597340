"""Words for people, shared by the command line and the window: counts ("1 photo"), sizes,
file names that are not UTF-8 shown readably, and failures said in plain words."""
from __future__ import annotations

import errno
import os
import re

# errno -> the reason as a photographer reads it (no numbers, no C names)
_ERRNO_WORDS = {
    errno.EACCES: "permission denied", errno.EPERM: "not permitted",
    errno.ENOENT: "no such file or folder", errno.EEXIST: "already exists",
    errno.ENOSPC: "no space left on the disk", errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only", errno.EIO: "the disk could not be read or written (input/output error)",
    errno.EISDIR: "is a folder", errno.ENOTDIR: "not a folder", errno.ENOTEMPTY: "the folder is not empty",
    errno.ENAMETOOLONG: "the name is too long", errno.EXDEV: "on another disk",
    errno.EBUSY: "in use by another program", errno.ETXTBSY: "in use by another program",
    errno.EMFILE: "too many open files", errno.ENFILE: "too many open files",
    errno.ELOOP: "too many levels of links", errno.EINVAL: "not possible here (invalid argument)",
    errno.ENOMEM: "out of memory", errno.EFBIG: "the file is too large",
    errno.ESTALE: "the network file is no longer there", errno.ENODEV: "the device is gone",
    errno.ENXIO: "the device is gone", errno.ETIMEDOUT: "timed out", errno.ECONNREFUSED: "connection refused",
}
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def size_text(n: int | None) -> str:
    """A size in bytes as people read it, in one convention everywhere (the window's facts,
    duplicates, confirmations, the command line): binary units named as such, three figures."""
    n = max(0, int(n or 0))
    if n < 1024:
        return f"{n} bytes" if n != 1 else "1 byte"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        shown = round(value, 1)
        digits = 0 if shown >= 100 else 1
        if round(value, digits) < 1024 or unit == "TiB":
            return f"{value:.{digits}f} {unit}"
    raise AssertionError("unreachable")


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _escape(match: re.Match) -> str:
    code = ord(match[0])
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\x{code - 0xdc00:02x}" if 0xdc80 <= code <= 0xdcff else f"\\u{code:04x}"


def readable(text: str) -> str:
    """One line of ``text`` printable on any terminal: the bytes of a file name that are not
    UTF-8 (held by Python as lone surrogates, see app/core/paths.py) and control characters
    (a newline or an escape sequence in a name) shown as ``\\xNN``."""
    return _UNPRINTABLE.sub(_escape, text)


def _name(value) -> str:
    return readable(os.fsdecode(value)) if isinstance(value, (str, bytes, os.PathLike)) else str(value)


def reason(exc: BaseException, with_path: bool = False) -> str:
    """What went wrong, as one plain sentence for a failure line: an OSError in words
    ("permission denied", "no space left on the disk"), never an errno number or a Python byte
    string; with ``with_path``, the file it names follows (decoded readably). Other exceptions
    give their own message (their class name only when they have none)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        stock = os.strerror(exc.errno)
        words = _ERRNO_WORDS.get(exc.errno)
        if exc.strerror and exc.strerror != stock:
            words = exc.strerror            # a message written for people (SidecarError and alike)
        words = readable(words or (exc.strerror or stock).lower())
        if with_path and exc.filename is not None:
            words += f": {_name(exc.filename)}" + (f" -> {_name(exc.filename2)}" if exc.filename2 else "")
        return words
    message = readable(" ".join(str(exc).split()))
    return message or type(exc).__name__
