"""What the catalog knows about XMP outside it: each photo's sidecar as last read or written
(so a sidecar changed on disk is read again, and one we wrote ourselves is not re-imported),
and the pictures whose embedded XMP was read already."""
from __future__ import annotations

import sqlite3
from typing import Iterable

from .photos import now_iso


class SidecarStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def known(self) -> dict[int, tuple[str, int, int]]:
        """photo id -> (sidecar path, mtime_ns, size) when last read or written."""
        return {r[0]: (r[1], r[2], r[3]) for r in self.conn.execute(
            "SELECT photo_id, path, mtime_ns, size FROM sidecars")}

    def remember(self, photo_id: int, path: str, mtime_ns: int, size: int) -> None:
        self.conn.execute("INSERT OR REPLACE INTO sidecars (photo_id, path, mtime_ns, size, synced_at) "
                          "VALUES (?, ?, ?, ?, ?)", (photo_id, path, mtime_ns, size, now_iso()))

    def embedded_checked(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT content_hash FROM xmp_embedded")}

    def mark_embedded(self, hashes: Iterable[str]) -> None:
        stamp = now_iso()
        self.conn.executemany("INSERT OR IGNORE INTO xmp_embedded (content_hash, checked_at) VALUES (?, ?)",
                              [(h, stamp) for h in hashes])

    def latest_decision_at(self) -> dict[int, str]:
        """photo id -> when its latest decision in effect was made (ISO time)."""
        from .decisions import LIVE

        return {r[0]: r[1] for r in self.conn.execute(
            f"SELECT d.photo_id, MAX(d.created_at) FROM decisions d WHERE {LIVE} GROUP BY d.photo_id")}

