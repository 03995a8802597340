"""The user's decisions: an append-only log (so nothing is lost and undo is exact).

Kinds: ``pick`` (1 accept, -1 reject, 0 cleared), ``rating`` (0-5), ``label``
(text), ``best`` (1 marked best in its burst, 0 unmarked). Each call commits at once.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .connection import transaction
from .photos import now_iso

KINDS = {"pick", "rating", "label", "best"}


@dataclass
class DecisionState:
    pick: int = 0
    rating: int | None = None
    label: str | None = None
    best: bool = False


class DecisionStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def record(self, photo_id: int, kind: str, value: int | None = None,
               text_value: str | None = None) -> int:
        if kind not in KINDS:
            raise ValueError(f"unknown decision kind {kind!r}")
        if kind == "pick" and value not in (-1, 0, 1):
            raise ValueError("pick is 1 (accept), -1 (reject) or 0 (clear)")
        if kind == "rating" and not (isinstance(value, int) and 0 <= value <= 5):
            raise ValueError("rating is 0-5")
        with transaction(self.conn):
            cur = self.conn.execute(
                "INSERT INTO decisions (photo_id, kind, value, text_value, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (photo_id, kind, value, text_value, now_iso()))
        return cur.lastrowid

    def undo_last(self) -> int | None:
        """Undo the latest decision still in effect; returns its photo id."""
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT id, photo_id FROM decisions WHERE undone = 0 ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                return None
            self.conn.execute("UPDATE decisions SET undone = 1 WHERE id = ?", (row[0],))
        return row[1]

    def state(self, photo_id: int) -> DecisionState:
        state = DecisionState()
        rows = self.conn.execute(
            "SELECT kind, value, text_value FROM decisions WHERE photo_id = ? AND undone = 0 "
            "ORDER BY id", (photo_id,))
        for kind, value, text in rows:
            if kind == "pick":
                state.pick = value
            elif kind == "rating":
                state.rating = value
            elif kind == "label":
                state.label = text
            elif kind == "best":
                state.best = bool(value)
        return state
