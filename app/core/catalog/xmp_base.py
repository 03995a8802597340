"""The base of the three-way XMP merge (app/core/xmp/merge.py): for each photo and source
("sidecar" or "embedded"), what PhotoTriage last wrote or read there and what the catalog
held at that moment. A field that differs from the base changed on that side since. The
sidecar bases of a photo row given up to another file (photos.py ``_vacate``) stay under the
negative of its id: its sidecar left behind is still known as PhotoTriage's, not an editor's."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from .photos import now_iso

SIDECAR, EMBEDDED = "sidecar", "embedded"
OTHER_SIDECAR = "other_sidecar"     # its sidecar in the other naming, when it has both


@dataclass
class Base:
    path: str | None
    file_hash: str | None              # blake2b of the sidecar's bytes, or the photo's content hash
    fields: dict                       # app/core/xmp/fields.py Fields.to_json()
    decision: dict                     # {"pick", "rating", "best", "label"} in the catalog then (older bases: no "label")
    ours: dict                         # app/core/xmp/fields.py Ours.to_json()


class XmpBaseStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, photo_id: int, source: str) -> Base | None:
        row = self.conn.execute("SELECT path, file_hash, fields, decision, ours FROM xmp_base "
                                "WHERE photo_id = ? AND source = ?", (photo_id, source)).fetchone()
        if row is None:
            return None
        from ..paths import from_db

        path = None if row[0] is None else from_db(row[0])
        return Base(path, row[1], *(json.loads(text or "{}") for text in row[2:]))

    def hashes(self, source: str) -> dict[int, str | None]:
        """photo id -> the file hash of its base (which photos need no new look)."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT photo_id, file_hash FROM xmp_base WHERE source = ?",
                                                      (source,))}

    def left_behind(self, path: str, file_hash: str) -> Base | None:
        """The base of a photo row given up to another file (kept under its negative id) whose
        sidecar ``path`` was, with these very bytes, when PhotoTriage last wrote or read it:
        no editor changed it since (None: none)."""
        from ..paths import from_db, to_db

        row = self.conn.execute("SELECT path, file_hash, fields, decision, ours FROM xmp_base WHERE path = ? "
                                "AND file_hash = ? AND photo_id < 0 AND source IN (?, ?) LIMIT 1",
                                (to_db(path), file_hash, SIDECAR, OTHER_SIDECAR)).fetchone()
        return None if row is None else Base(from_db(row[0]), row[1], *(json.loads(t or "{}") for t in row[2:]))

    def put(self, photo_id: int, source: str, base: Base) -> None:
        """Call inside a transaction."""
        from ..paths import to_db

        self.conn.execute(
            "INSERT OR REPLACE INTO xmp_base (photo_id, source, path, file_hash, fields, decision, ours, synced_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (photo_id, source, None if base.path is None else to_db(base.path), base.file_hash,
             json.dumps(base.fields), json.dumps(base.decision), json.dumps(base.ours), now_iso()))

    def drop(self, photo_id: int, source: str) -> None:
        """Forget a source that is gone (a sidecar deleted): a file made again later is new.
        Call inside a transaction."""
        self.conn.execute("DELETE FROM xmp_base WHERE photo_id = ? AND source = ?", (photo_id, source))
