"""Local features per picture (content hash): ORB keypoint positions and descriptors of the
thumbnail, for search re-ranking and duplicate verification (app/core/local_features.py)."""
from __future__ import annotations

import sqlite3
from typing import Iterable

import numpy as np

from .connection import transaction


class LocalFeatureStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def load(self, hashes: Iterable[str], version: int) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
        hashes = list(hashes)
        out = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i:i + 500]
            rows = self.conn.execute(
                f"SELECT content_hash, points, descriptors FROM local_features WHERE version = ? AND content_hash IN "
                f"({','.join('?' * len(chunk))})", [version, *chunk])
            for h, pts, desc in rows:
                points = np.frombuffer(pts, np.float32).reshape(-1, 2)
                out[h] = (points, None if desc is None else np.frombuffer(desc, np.uint8).reshape(-1, 32))
        return out

    def save(self, items: dict[str, tuple[np.ndarray, np.ndarray | None]], version: int) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO local_features (content_hash, version, points, descriptors) VALUES (?, ?, ?, ?)",
            [(h, version, np.ascontiguousarray(p, np.float32).tobytes(),
              None if d is None else np.ascontiguousarray(d, np.uint8).tobytes()) for h, (p, d) in items.items()])

    def prune(self) -> int:
        """Forget the features of pictures no longer in the library."""
        with transaction(self.conn):
            return self.conn.execute("DELETE FROM local_features WHERE content_hash NOT IN (SELECT content_hash "
                                     "FROM photos WHERE status = 'ok' AND content_hash IS NOT NULL)").rowcount
