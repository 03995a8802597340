"""Files sent to the system trash, by batch (one user action), so a batch can be put back.
A photo's entry and its sidecars' entries (``owner`` = the photo's entry) are written in one
transaction before any of them goes, and come back together or not at all."""
from __future__ import annotations

import sqlite3

from .. import paths
from .photos import now_iso

_PATHS = ("original", "trashed", "info")


class TrashJournal:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def new_batch(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(batch), 0) + 1 FROM trash_journal").fetchone()[0]

    def intend(self, batch: int, photo_id: int, files: list[tuple[str, str | None, int]]) -> list[int]:
        """Call inside a transaction, before anything goes. ``files``: (path, content hash,
        size), the photo first. Returns the entry ids, the photo's first."""
        ids: list[int] = []
        for n, (path, digest, size) in enumerate(files):
            ids.append(self.conn.execute(
                "INSERT INTO trash_journal (batch, photo_id, owner, original, content_hash, size, trashed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (batch, photo_id if n == 0 else None, ids[0] if ids else None, paths.to_db(path), digest, size,
                 now_iso())).lastrowid)
        return ids

    def trashed(self, entry_id: int, trashed: str, info: str) -> None:
        self.conn.execute("UPDATE trash_journal SET trashed = ?, info = ? WHERE id = ?",
                          (paths.to_db(trashed), paths.to_db(info), entry_id))

    def forget(self, entry_ids: list[int]) -> None:
        """The files were not trashed after all (rolled back)."""
        self.conn.executemany("DELETE FROM trash_journal WHERE id = ?", [(i,) for i in entry_ids])

    def _rows(self, where: str, args: tuple = ()) -> list[dict]:
        cur = self.conn.execute(f"SELECT * FROM trash_journal WHERE {where} ORDER BY id", args)
        names = [d[0] for d in cur.description]
        out = []
        for row in cur:
            entry = dict(zip(names, row))
            for key in _PATHS:
                if entry[key] is not None:
                    entry[key] = paths.from_db(entry[key])
            out.append(entry)
        return out

    def unfinished(self) -> list[dict]:
        """Entries whose trashing a kill interrupted (written, never completed or undone)."""
        return self._rows("trashed IS NULL AND restored_at IS NULL")

    def last_batch(self) -> int | None:
        """The latest batch with something to put back that an undo has not already failed on."""
        return self.conn.execute("SELECT MAX(batch) FROM trash_journal WHERE restored_at IS NULL "
                                 "AND undo_failed IS NULL").fetchone()[0]

    def failed_batches(self) -> list[int]:
        """Batches an undo could not finish, with files still to put back (newest first)."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT batch FROM trash_journal WHERE restored_at IS NULL AND undo_failed IS NOT NULL "
            "ORDER BY batch DESC")]

    def in_trash(self) -> set[int]:
        """The photos PhotoTriage sent to the trash and no undo brought back."""
        return {r[0] for r in self.conn.execute(
            "SELECT DISTINCT photo_id FROM trash_journal WHERE trashed IS NOT NULL AND restored_at IS NULL")}

    def entries(self, batch: int) -> list[dict]:
        return self._rows("batch = ? AND restored_at IS NULL", (batch,))

    def restored(self, entry_id: int) -> None:
        self.conn.execute("UPDATE trash_journal SET restored_at = ?, undo_failed = NULL WHERE id = ?",
                          (now_iso(), entry_id))

    def undo_failed(self, entry_id: int, reason: str) -> None:
        """An undo could not put this back (said to the user); a later undo moves on to the batch
        before, and ``trash --undo --batch N`` tries this one again."""
        self.conn.execute("UPDATE trash_journal SET undo_failed = ? WHERE id = ?", (reason, entry_id))
