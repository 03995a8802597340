"""Pictures ready for geometric comparison (``near_duplicate.Prepared``: the gray thumbnail and
its ORB features), with the features kept in the catalog per content hash: a search re-ranks
its candidates and ``duplicates`` verifies its pairs without computing any picture's features
twice. Computing runs in threads (OpenCV releases the interpreter lock); the catalog is read
and written by the calling thread only."""
from __future__ import annotations

import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .catalog.connection import CatalogError, cache_write
from .near_duplicate import Prepared, prepare
from .thumbnails import gray_thumbnail

VERSION = 1            # bump when near_duplicate's features change: stored ones are recomputed


def _from_thumbnail(thumbs_dir: Path, content_hash: str, cached) -> Prepared | None:
    gray = gray_thumbnail(thumbs_dir, content_hash)
    if gray is None:
        return None
    if cached is not None:
        return Prepared(prepare(gray), *cached)
    return Prepared.of(gray)


def prepared_pictures(catalog, hashes, workers: int | None = None) -> dict[str, Prepared]:
    """content hash -> Prepared for each picture whose thumbnail exists; features computed
    once and stored (best effort: a read-only or busy catalog just does not keep them)."""
    hashes = [h for h in dict.fromkeys(hashes) if h]
    cached = catalog.local_features.load(hashes, VERSION)
    workers = workers or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="local") as pool:
        results = list(pool.map(lambda h: _from_thumbnail(catalog.thumbs_dir, h, cached.get(h)), hashes))
    out = {h: p for h, p in zip(hashes, results) if p is not None}
    fresh = {h: (p.points, p.descriptors) for h, p in out.items() if h not in cached}
    if fresh and not catalog.readonly:
        try:
            with cache_write(catalog.conn):
                catalog.local_features.save(fresh, VERSION)
        except (sqlite3.Error, CatalogError):     # another process holds the write lock, or read-only now: next time
            pass
    return out
