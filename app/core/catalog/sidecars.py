"""What the catalog knows about XMP outside it: each photo's sidecar as last read or written
(so a sidecar unchanged on disk is not read again); what was synced lives in xmp_base.py."""
from __future__ import annotations

import sqlite3

from .photos import now_iso


class SidecarStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def known(self) -> dict[int, tuple[str, int, int]]:
        """photo id -> (sidecar path, mtime_ns, size) when last read or written."""
        from ..paths import from_db

        return {r[0]: (from_db(r[1]), r[2], r[3]) for r in self.conn.execute(
            "SELECT photo_id, path, mtime_ns, size FROM sidecars")}

    def remember(self, photo_id: int, path: str, mtime_ns: int, size: int) -> None:
        from ..paths import to_db

        self.conn.execute("INSERT OR REPLACE INTO sidecars (photo_id, path, mtime_ns, size, synced_at) "
                          "VALUES (?, ?, ?, ?, ?)", (photo_id, to_db(path), mtime_ns, size, now_iso()))

    def latest_decision_at(self) -> dict[int, str]:
        """photo id -> when its latest decision in effect was made (ISO time)."""
        from .decisions import LIVE

        return {r[0]: r[1] for r in self.conn.execute(
            f"SELECT d.photo_id, MAX(d.created_at) FROM decisions d WHERE {LIVE} GROUP BY d.photo_id")}

