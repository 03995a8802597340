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


class TrashJournal:
    """Files sent to the system trash, by batch (one user action), so a batch can be put back."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def new_batch(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(batch), 0) + 1 FROM trash_journal").fetchone()[0]

    def intend(self, batch: int, photo_id: int | None, original: str, content_hash: str | None, size: int) -> int:
        """Written (and committed) before the file goes: a kill between the two still leaves
        the way back. Returns the entry id."""
        return self.conn.execute(
            "INSERT INTO trash_journal (batch, photo_id, original, content_hash, size, trashed_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (batch, photo_id, original, content_hash, size, now_iso())).lastrowid

    def trashed(self, entry_id: int, trashed: str, info: str) -> None:
        self.conn.execute("UPDATE trash_journal SET trashed = ?, info = ? WHERE id = ?", (trashed, info, entry_id))

    def forget(self, entry_id: int) -> None:
        """The file was not trashed after all (an error before it went)."""
        self.conn.execute("DELETE FROM trash_journal WHERE id = ?", (entry_id,))

    def last_batch(self) -> int | None:
        """The latest batch with something not put back yet."""
        row = self.conn.execute("SELECT MAX(batch) FROM trash_journal WHERE restored_at IS NULL").fetchone()
        return row[0]

    def entries(self, batch: int) -> list[dict]:
        cur = self.conn.execute("SELECT * FROM trash_journal WHERE batch = ? AND restored_at IS NULL ORDER BY id",
                                (batch,))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def restored(self, entry_id: int) -> None:
        self.conn.execute("UPDATE trash_journal SET restored_at = ? WHERE id = ?", (now_iso(), entry_id))
