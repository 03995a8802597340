"""Rows that point at a row which is gone (``PRAGMA foreign_key_check``), mended for
``phototriage check --repair`` (app/core/consistency.py)."""
from __future__ import annotations

import sqlite3

from .photos import now_iso


def mend_reference(conn: sqlite3.Connection, table: str, rowid: int, parent: str) -> None:
    """A row pointing at a row that is gone. A decision goes to the photo row that holds its
    picture, else to a row kept for the lost picture (missing, with its content hash: an index
    that finds the picture under any name claims the row, as for a moved file). A face whose
    person is gone is unassigned. Anything else was derived from a photo (features, vectors,
    faces): it goes, and the next index computes it again."""
    if table == "decisions":
        old, digest = conn.execute("SELECT photo_id, content_hash FROM decisions WHERE rowid = ?",
                                   (rowid,)).fetchone()
        if conn.execute("SELECT 1 FROM photos WHERE id = ?", (old,)).fetchone():
            return                      # mended with another decision of the same photo
        heir = conn.execute("SELECT id FROM photos WHERE content_hash = ? ORDER BY status != 'ok', id LIMIT 1",
                            (digest,)).fetchone() if digest else None
        if heir is None:
            heir = conn.execute("INSERT INTO photos (path, content_hash, status, missing_since) "
                                "VALUES (?, ?, 'missing', ?) RETURNING id",
                                (f"lost picture {digest or ''} (row {old})", digest, now_iso())).fetchone()
        conn.execute("UPDATE decisions SET photo_id = ? WHERE photo_id = ?", (heir[0], old))
    elif parent == "people":
        conn.execute(f"UPDATE {table} SET person_id = NULL WHERE rowid = ?", (rowid,))
    else:
        conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
