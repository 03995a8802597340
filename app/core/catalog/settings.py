"""Per-library settings (key -> text) kept in the catalog: the ranker version in use, the
embedding model, burst grouping. The application's own preferences (window, recent libraries)
live in QSettings; what belongs to a library travels with its catalog."""
from __future__ import annotations

import sqlite3

from .connection import transaction


class SettingsStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def with_prefix(self, prefix: str) -> dict[str, str]:
        return {k: v for k, v in self.conn.execute("SELECT key, value FROM settings") if k.startswith(prefix)}

    def set(self, values: dict[str, str]) -> None:
        """Write several settings in one transaction."""
        with transaction(self.conn):
            self.conn.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                  [(k, str(v)) for k, v in values.items()])

    def delete(self, key: str) -> None:
        with transaction(self.conn):
            self.conn.execute("DELETE FROM settings WHERE key = ?", (key,))
