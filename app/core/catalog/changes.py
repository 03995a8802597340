"""Whether another connection changed the catalog, and what: SQLite's ``data_version`` moves
when another connection commits; a cheap stamp of the decisions, the photos' states and the
trash journal then tells which of them changed (the window's catalog watch reads both)."""
from __future__ import annotations

import sqlite3

from .photos import MOVES_KEY


def data_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA data_version").fetchone()[0]


# settings that change what the views show: the moves, the ranker in use (`train`, a rollback,
# the Training tab: the suggestions change) and the burst grouping (the Settings tab)
VIEW_KEYS = (MOVES_KEY, "ranker.current", "bursts.max_gap_s", "bursts.min_similarity")


def catalog_stamp(conn: sqlite3.Connection) -> tuple:
    """(the decisions' count, last id and undone total; the photos per status plus the trash
    journal's entries and restores, the moves, the ranker and the burst settings): equal stamps,
    nothing a view shows has changed."""
    return (conn.execute("SELECT COUNT(*), MAX(id), SUM(undone) FROM decisions").fetchone(),
            conn.execute("SELECT status, COUNT(*) FROM photos GROUP BY status").fetchall()
            + conn.execute("SELECT COUNT(*), COUNT(restored_at) FROM trash_journal").fetchall()
            + conn.execute(f"SELECT key, value FROM settings WHERE key IN ({', '.join('?' * len(VIEW_KEYS))}) "
                           "ORDER BY key", VIEW_KEYS).fetchall())
