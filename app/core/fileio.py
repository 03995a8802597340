"""Read-only access to the user's originals, and content hashing."""
from __future__ import annotations

import hashlib
import os

from .text import reason

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
    except OSError as exc:
        raise ReadError(reason(exc)) from exc


SAMPLES = 8            # chunks read by the sampled hash: the first, the last and six between
SAMPLE_CHUNK = 4096


def _sample_offsets(size: int) -> list[int]:
    if size <= SAMPLES * SAMPLE_CHUNK:
        return [0]
    last = size - SAMPLE_CHUNK
    return [round(i * last / (SAMPLES - 1)) for i in range(SAMPLES)]


def _sample_digest(size: int, chunks) -> str:
    h = hashlib.blake2b(digest_size=12)
    h.update(str(size).encode())
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()


def sample_hash_of(data: bytes) -> str:
    """The sampled hash of bytes already in memory (same value as :func:`sample_hash`)."""
    size = len(data)
    span = size if size <= SAMPLES * SAMPLE_CHUNK else SAMPLE_CHUNK
    view = memoryview(data)
    return _sample_digest(size, (view[o:o + span] for o in _sample_offsets(size)))


def sample_hash(path: str) -> str:
    """A cheap check that a file still holds the same bytes when its size and mtime did not
    change: 32 KB read at eight places (header, entropy-coded data, trailer). A full re-hash is
    ``index --rehash``. Raises ReadError / Vanished like :func:`read_original`."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            span = size if size <= SAMPLES * SAMPLE_CHUNK else SAMPLE_CHUNK
            chunks = []
            for offset in _sample_offsets(size):
                fh.seek(offset)
                chunks.append(fh.read(span))
            return _sample_digest(size, chunks)
    except FileNotFoundError as exc:
        raise Vanished("file disappeared during the scan") from exc
    except OSError as exc:
        raise ReadError(reason(exc)) from exc
