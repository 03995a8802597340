"""People: named (or numbered) persons and which faces belong to them."""
from __future__ import annotations

import sqlite3

from .connection import transaction
from .photos import now_iso


class PeopleStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def names(self) -> dict[int, str | None]:
        return dict(self.conn.execute("SELECT id, name FROM people").fetchall())

    def named_in_photos(self) -> dict[int, set[str]]:
        """photo id -> the names of the people the user named on it."""
        out: dict[int, set[str]] = {}
        for pid, name in self.conn.execute("SELECT f.photo_id, p.name FROM faces f JOIN people p ON p.id = f.person_id "
                                           "WHERE p.name IS NOT NULL"):
            out.setdefault(pid, set()).add(name)
        return out

    def assign(self, face_ids: list[int], name: str | None = None, person_id: int | None = None) -> int:
        """Put faces under one person (a new one unless ``person_id``); returns the person id."""
        with transaction(self.conn):
            if person_id is None:
                person_id = self.conn.execute("INSERT INTO people (name, created_at) VALUES (?, ?)",
                                              (name, now_iso())).lastrowid
            elif name is not None:
                self.conn.execute("UPDATE people SET name = ? WHERE id = ?", (name, person_id))
            self.conn.executemany("UPDATE faces SET person_id = ? WHERE id = ?", [(person_id, f) for f in face_ids])
        return person_id
