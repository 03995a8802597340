"""Read-only access to the user's originals, and content hashing."""
from __future__ import annotations

import hashlib

LARGE_FILE = 512 * 1024 * 1024   # above this, hash by streaming and decode lazily from disk
_CHUNK = 4 * 1024 * 1024


class ReadError(Exception):
    pass


class Vanished(ReadError):
    pass


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_original(path: str, size_hint: int) -> tuple[bytes | None, str]:
    """Read a file (opened read-only) -> (bytes, or None when too large to hold, hash)."""
    try:
        with open(path, "rb") as fh:
            if size_hint <= LARGE_FILE:
                data = fh.read()
                return data, content_hash(data)
            h = hashlib.blake2b(digest_size=16)
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
            return None, h.hexdigest()
    except FileNotFoundError as exc:
        raise Vanished("file disappeared during the scan") from exc
    except PermissionError as exc:
        raise ReadError("permission denied") from exc
    except IsADirectoryError as exc:
        raise ReadError("is a folder") from exc
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from exc
