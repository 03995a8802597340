"""The journal of file operations (an export's copy or move of one photo with its sidecars):
each is planned here, and committed, before any of its files moves, so the next run can finish
or roll back what a kill interrupted. States: planned -> placed (every file at its
destination; for a move the catalog follows in the same transaction) -> done (a move's
originals removed); or failed (rolled back, with the reason)."""
from __future__ import annotations

import json
import sqlite3

from .. import paths
from .photos import now_iso

PENDING = ("planned", "placed")


def _encode(files: list[tuple[str, str]]) -> str:
    """JSON keeps a non-UTF-8 name's lone surrogates as escapes, so every path round-trips."""
    return json.dumps([[src, dst] for src, dst in files])


class FileOpJournal:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def new_batch(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(batch), 0) + 1 FROM file_ops").fetchone()[0]

    def plan(self, batch: int, kind: str, photo_id: int | None, content_hash: str | None, dest_root: str,
             files: list[tuple[str, str]]) -> int:
        """Call inside a transaction, before any file moves. ``files``: (source, destination),
        the photo first."""
        stamp = now_iso()
        return self.conn.execute(
            "INSERT INTO file_ops (batch, kind, photo_id, content_hash, dest_root, files, state, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'planned', ?, ?)",
            (batch, kind, photo_id, content_hash, paths.to_db(dest_root), _encode(files), stamp, stamp)).lastrowid

    def set_state(self, op_id: int, state: str, reason: str | None = None) -> None:
        self.conn.execute("UPDATE file_ops SET state = ?, reason = ?, updated_at = ? WHERE id = ?",
                          (state, reason, now_iso(), op_id))

    def pending(self) -> list[dict]:
        """Operations a kill left unfinished, oldest first."""
        cur = self.conn.execute(f"SELECT * FROM file_ops WHERE state IN {PENDING} ORDER BY id")
        names = [d[0] for d in cur.description]
        out = []
        for row in cur:
            op = dict(zip(names, row))
            op["files"] = [(src, dst) for src, dst in json.loads(op["files"])]
            op["dest_root"] = paths.from_db(op["dest_root"])
            out.append(op)
        return out

    def exported_to(self, dest_root: str) -> dict[str, str]:
        """content hash -> where a finished export into ``dest_root`` put that picture."""
        rows = self.conn.execute("SELECT content_hash, files FROM file_ops WHERE dest_root = ? AND state = 'done' "
                                 "AND content_hash IS NOT NULL ORDER BY id", (paths.to_db(dest_root),))
        return {h: json.loads(files)[0][1] for h, files in rows}

    def placed_for(self, photo_id: int) -> dict[str, float]:
        """Every destination a finished export of this photo put a file at (its own copies), with
        the time (epoch seconds) it was put there."""
        from .photos import iso_seconds

        rows = self.conn.execute("SELECT files, updated_at FROM file_ops WHERE photo_id = ? AND state = 'done' "
                                 "ORDER BY id", (photo_id,))
        return {dst: iso_seconds(at) for files, at in rows for _src, dst in json.loads(files)}
