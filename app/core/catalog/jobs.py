"""Rows of long jobs (index runs): progress survives a crash for the UI to show."""
from __future__ import annotations

import sqlite3

from .connection import transaction
from .photos import now_iso


LIBRARY_ROOT = "library.root"      # settings: the exact folder the latest index ran on


class JobStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def start(self, kind: str, root: str) -> int:
        """A new running job; one left 'running' by a killed process becomes 'interrupted'."""
        with transaction(self.conn):
            self.conn.execute("UPDATE jobs SET state = 'interrupted' WHERE state = 'running'")
            cur = self.conn.execute(
                "INSERT INTO jobs (kind, root, state, done, total, started_at, updated_at) "
                "VALUES (?, ?, 'running', 0, NULL, ?, ?)", (kind, root, now_iso(), now_iso()))
        return cur.lastrowid

    def update(self, job_id: int, done: int, total: int) -> None:
        """Call inside the batch transaction."""
        self.conn.execute("UPDATE jobs SET done = ?, total = ?, updated_at = ? WHERE id = ?",
                          (done, total, now_iso(), job_id))

    def finish(self, job_id: int, state: str, message: str | None = None) -> None:
        self.conn.execute("UPDATE jobs SET state = ?, message = ?, updated_at = ? WHERE id = ?",
                          (state, message, now_iso(), job_id))

    def states(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT state FROM jobs ORDER BY id")]

    def last_root(self) -> str | None:
        """The folder the latest index ran on."""
        row = self.conn.execute("SELECT root FROM jobs WHERE kind = 'index' ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def roots(self) -> list[str]:
        """Every folder an index ran on."""
        return [r[0] for r in self.conn.execute("SELECT DISTINCT root FROM jobs WHERE kind = 'index' AND root IS NOT NULL")]


class ThumbnailStore:
    """Which thumbnails exist on disk (files keyed by content hash, shared by copies)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def record(self, content_hash: str, size: tuple[int, int]) -> None:
        self.conn.execute("INSERT OR IGNORE INTO thumbnails (content_hash, width, height, created_at) "
                          "VALUES (?, ?, ?, ?)", (content_hash, *size, now_iso()))

    def hashes(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT content_hash FROM thumbnails")}

    def forget(self, hashes) -> None:
        with transaction(self.conn):
            self.conn.executemany("DELETE FROM thumbnails WHERE content_hash = ?", [(h,) for h in hashes])
