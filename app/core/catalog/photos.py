"""Photo rows: identity (path, size, mtime, content hash), metadata and status."""
from __future__ import annotations

import os

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from .. import paths
from .connection import chunks

OK, SKIPPED, MISSING = "ok", "skipped", "missing"


def _bind_text(value: str) -> str | bytes:
    """Every str bound into SQLite, in every table: a file name that is not UTF-8 (Python holds
    its bytes as lone surrogates, which SQLite's text cannot take) is stored as a BLOB of its
    bytes, as :func:`paths.to_db` does for photo paths; read it back with :func:`paths.from_db`.
    Without this, such a name made any write naming it fail half way (trash journal, sidecars)."""
    return value if value.isascii() else paths.to_db(value)


sqlite3.register_adapter(str, _bind_text)
# rows made from a photo row's content, dropped with the row (decisions are never dropped; nor does
# a later photo reusing the id inherit its XMP merge bases)
DERIVED_TABLES = ("features", "embeddings", "faces", "sidecars", "xmp_base")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def iso_seconds(stamp: str) -> float:
    """A time stamp ``now_iso`` wrote, as epoch seconds (whole seconds: that is all it keeps)."""
    dt = datetime.fromisoformat(stamp)
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).timestamp()


GONE, CHANGED = "missing", "changed since indexed"
MOVES_KEY = "photos.moves"         # settings: how many moves the catalog has seen (windows reload on a change)


def file_state(path: str, size: int | None, mtime_ns: int | None) -> str | None:
    """None when the file at ``path`` still has the size and modification time it had when it
    was indexed; GONE when it is gone or cannot be read; CHANGED when it was edited since (its
    stored measures describe pixels it may no longer hold)."""
    try:
        st = os.stat(path)
    except OSError:
        return GONE
    return None if (st.st_size, st.st_mtime_ns) == (size, mtime_ns) else CHANGED


def as_indexed(row: dict[str, Any]) -> bool:
    """Whether the file of photo ``row`` (a :meth:`PhotoStore.get` row) still has the size and
    modification time it had when it was indexed: what is measured from it now may be kept under
    its content hash. False for a file gone, unreadable, or edited since."""
    return file_state(row["path"], row.get("size"), row.get("mtime_ns")) is None


@dataclass(frozen=True)
class PhotoIdentity:
    id: int
    path: str
    size: int | None
    mtime_ns: int | None
    content_hash: str | None
    status: str
    status_reason: str | None = None


class PhotoStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def identities(self) -> dict[str, PhotoIdentity]:
        rows = self.conn.execute(
            "SELECT id, path, size, mtime_ns, content_hash, status, status_reason FROM photos")
        out = {}
        for row in rows:
            ident = PhotoIdentity(row[0], paths.from_db(row[1]), *row[2:])
            out[ident.path] = ident
        return out

    def timeline(self) -> list[tuple]:
        """(id, path, captured_ts, make, model, serial, burst tag, time source) of present photos."""
        rows = self.conn.execute(
            "SELECT id, path, captured_ts, camera_make, camera_model, camera_serial, burst_id, time_source "
            "FROM photos WHERE status = 'ok'")
        return [(r[0], paths.from_db(r[1]), *r[2:]) for r in rows]

    def keeper_facts(self) -> dict[int, dict]:
        """Per present photo what choosing a keeper among copies weighs: resolution, metadata,
        file age, subject sharpness."""
        cur = self.conn.execute(
            "SELECT p.id, p.path, p.content_hash, p.width, p.height, p.camera_model, p.time_source, p.mtime_ns, "
            "f.sharpness_subject, p.captured_ts, p.size FROM photos p LEFT JOIN features f ON f.photo_id = p.id "
            "WHERE p.status = 'ok'")
        return {pid: {"path": paths.from_db(path), "hash": h, "pixels": (w or 0) * (hgt or 0),
                      "meta": (cam is not None) + (ts == "exif"), "mtime_ns": mtime or 0, "sharpness": sharp or 0.0,
                      "captured_ts": captured if ts == "exif" else None, "bytes": size or 0}
                for pid, path, h, w, hgt, cam, ts, mtime, sharp, captured, size in cur}

    def file_states(self, photo_ids: list[int]) -> dict[int, str]:
        """:func:`file_state` of each photo whose file is gone or changed since it was indexed
        (photos not named are as indexed): one ``stat`` a photo."""
        out = {}
        for chunk in chunks(photo_ids):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT id, path, size, mtime_ns FROM photos WHERE id IN ({marks})", chunk).fetchall()
            for pid, path, size, mtime in rows:
                state = file_state(paths.from_db(path), size, mtime)
                if state is not None:
                    out[pid] = state
        return out

    def content_hashes(self) -> dict[int, str | None]:
        return dict(self.conn.execute("SELECT id, content_hash FROM photos WHERE status = 'ok'").fetchall())

    def upsert(self, path: str, values: dict[str, Any]) -> int:
        """Insert or update the row for ``path``; the row id (and its decisions) is kept."""
        values = {**values, "indexed_at": now_iso(), "missing_since": None}
        key = paths.to_db(path)
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        updates = ", ".join(f"{c}=excluded.{c}" for c in values)
        cur = self.conn.execute(
            f"INSERT INTO photos (path, {cols}) VALUES (?, {marks}) "
            f"ON CONFLICT(path) DO UPDATE SET {updates} RETURNING id",
            [key, *values.values()])
        return cur.fetchone()[0]

    def move(self, photo_id: int, new_path: str, size: int, mtime_ns: int, sample_hash: str | None = None) -> bool:
        """A renamed/moved file: same row, new path. A row still at the new path gives it up
        (:meth:`_vacate`). False (and nothing changed) when the row is no longer there."""
        if self.conn.execute("SELECT 1 FROM photos WHERE id = ?", (photo_id,)).fetchone() is None:
            return False
        key = paths.to_db(new_path)
        self._vacate(key, photo_id)
        self.conn.execute(
            "UPDATE photos SET path = ?, size = ?, mtime_ns = ?, sample_hash = COALESCE(?, sample_hash), "
            "status = 'ok', status_reason = NULL, missing_since = NULL, indexed_at = ? WHERE id = ?",
            (key, size, mtime_ns, sample_hash, now_iso(), photo_id))
        # counted where an open window sees it (changes.catalog_stamp): a move changes no status
        self.conn.execute("INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE "
                          "SET value = CAST(value AS INTEGER) + 1", (MOVES_KEY,))
        return True

    def _vacate(self, key: str | bytes, heir: int) -> None:
        """The row at ``key`` whose file is gone or now holds photo ``heir``'s picture: its
        decisions go to ``heir``, where they wait for their own picture (they record its content
        hash; see DecisionStore.reconcile), what was derived from its content goes with the row.
        A library state (a trash, a delete, then a rename onto the name) never blocks a move."""
        row = self.conn.execute("SELECT id, content_hash FROM photos WHERE path = ? AND id != ?",
                                (key, heir)).fetchone()
        if row is None:
            return
        stale, digest = row
        self.conn.execute("UPDATE decisions SET photo_id = ?, content_hash = COALESCE(content_hash, ?) "
                          "WHERE photo_id = ?", (heir, digest, stale))
        # the bases of its sidecars stay, under no photo (-id), to tell its sidecar left behind,
        # unchanged, from an editor's (app/core/catalog/xmp_base.py left_behind)
        self.conn.execute("INSERT OR REPLACE INTO xmp_base (photo_id, source, path, file_hash, fields, decision, ours, "
                          "synced_at) SELECT -photo_id, source, path, file_hash, fields, decision, ours, synced_at "
                          "FROM xmp_base WHERE photo_id = ? AND source != 'embedded'", (stale,))
        for table in DERIVED_TABLES:
            self.conn.execute(f"DELETE FROM {table} WHERE photo_id = ?", (stale,))
        self.conn.execute("DELETE FROM photos WHERE id = ?", (stale,))

    def touch(self, photo_id: int, size: int, mtime_ns: int, sample_hash: str | None = None) -> None:
        self.conn.execute("UPDATE photos SET size = ?, mtime_ns = ?, sample_hash = COALESCE(?, sample_hash) "
                          "WHERE id = ?", (size, mtime_ns, sample_hash, photo_id))

    def sample_hashes(self) -> dict[int, str | None]:
        return dict(self.conn.execute("SELECT id, sample_hash FROM photos WHERE status = 'ok'").fetchall())

    def set_sample_hashes(self, values: dict[int, str]) -> None:
        """Call inside a transaction."""
        self.conn.executemany("UPDATE photos SET sample_hash = ? WHERE id = ?", [(h, i) for i, h in values.items()])

    def mark_missing(self, ids: Iterable[int]) -> None:
        stamp = now_iso()
        self.conn.executemany(
            "UPDATE photos SET status = 'missing', missing_since = COALESCE(missing_since, ?) "
            "WHERE id = ?", [(stamp, i) for i in ids])

    def get(self, photo_id: int) -> dict[str, Any] | None:
        cur = self.conn.execute("SELECT * FROM photos WHERE id = ?", (photo_id,))
        row = cur.fetchone()
        if row is None:
            return None
        out = dict(zip([d[0] for d in cur.description], row))
        out["path"] = paths.from_db(out["path"])
        return out

    def content_at(self, path: str) -> str | None:
        """The content hash the row at ``path`` holds (None: no row there, or none known)."""
        row = self.conn.execute("SELECT content_hash FROM photos WHERE path = ?", (paths.to_db(path),)).fetchone()
        return row[0] if row else None

    def id_for_path(self, path: str) -> int | None:
        row = self.conn.execute("SELECT id FROM photos WHERE path = ?", (paths.to_db(path),)).fetchone()
        return row[0] if row else None

    def same_stem(self, path: str) -> list[int]:
        """Present photos whose path differs from ``path`` in the extension alone (a raw + JPEG
        pair), ``path``'s own row left out."""
        stem = os.path.splitext(path)[0]
        rows = self.conn.execute("SELECT id, path FROM photos WHERE path > ? AND path < ? AND status = 'ok'",
                                 (stem + ".", stem + "/"))        # every 'stem.*' sorts between the two
        return [i for i, p in rows if isinstance(p, str) and p != path and os.path.splitext(p)[0] == stem]

    def listing(self) -> list[tuple[str, str | None, str]]:
        """(path, content hash, status) of every photo, in capture order."""
        rows = self.conn.execute("SELECT path, content_hash, status FROM photos ORDER BY captured_ts, path")
        return [(paths.from_db(p), h, s) for p, h, s in rows]

    def sample(self, limit: int) -> list[tuple[str, int, str | None]]:
        """(path, size, sampled hash) of the first ``limit`` present photos, by id."""
        rows = self.conn.execute("SELECT path, size, sample_hash FROM photos WHERE status = 'ok' AND size IS NOT NULL "
                                 "ORDER BY id LIMIT ?", (limit,))
        return [(paths.from_db(p), size, h) for p, size, h in rows]

    def grid(self) -> list[tuple[int, str, str | None, str, float | None, str | None]]:
        """(id, path, content hash, status, capture time, status reason) of every photo, in
        capture order."""
        rows = self.conn.execute("SELECT id, path, content_hash, status, captured_ts, status_reason FROM photos "
                                 "ORDER BY captured_ts, path")
        return [(i, paths.from_db(p), h, s, t, r) for i, p, h, s, t, r in rows]

    def counts(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT status, COUNT(*) FROM photos GROUP BY status").fetchall())
