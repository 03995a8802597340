"""Stored features: named quality columns, embeddings per model, faces (with their person)."""
from __future__ import annotations

import sqlite3
from typing import Iterable

import numpy as np

from models.features.photo_features import STORED_QUALITY_FEATURES

from .connection import chunks
from .photos import now_iso


def _blob(vec: np.ndarray) -> bytes:
    return np.ascontiguousarray(vec, np.float32).tobytes()


def _vec(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, np.float32)


def _stack(n: int, rows, dim: int, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """(ids, (n, dim) ``dtype``) filled row by row from (id, blob) rows."""
    if not n:
        return np.zeros(0, np.int64), np.zeros((0, 0), dtype)
    ids, out, k = np.empty(n, np.int64), np.empty((n, dim), dtype), 0
    for pid, blob in rows:
        if k == n:
            break
        ids[k], out[k] = pid, _vec(blob)
        k += 1
    return ids[:k], out[:k]


class FeatureStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def save(self, photo_id: int, record, pipeline: str) -> None:
        """Replace every feature of one photo (call inside the batch transaction)."""
        q = record.quality
        cols = ["photo_id", "pipeline", "pixel_hash", "face_count", "computed_at", *STORED_QUALITY_FEATURES]
        values = [photo_id, pipeline, record.pixel_hash, len(record.faces), now_iso(),
                  *[q.get(n) for n in STORED_QUALITY_FEATURES]]
        self.conn.execute(f"INSERT OR REPLACE INTO features ({', '.join(cols)}) VALUES "
                          f"({', '.join('?' for _ in cols)})", values)
        self.conn.execute("DELETE FROM embeddings WHERE photo_id = ?", (photo_id,))
        self.conn.execute("INSERT INTO embeddings (photo_id, model, dim, vector) VALUES (?, ?, ?, ?)",
                          (photo_id, record.model, len(record.embedding), _blob(record.embedding)))
        if getattr(record, "layout", None) is not None:
            self.conn.execute("INSERT INTO embeddings (photo_id, model, dim, vector) VALUES (?, 'layout16', ?, ?)",
                              (photo_id, len(record.layout), _blob(record.layout)))
        self.conn.execute("DELETE FROM faces WHERE photo_id = ?", (photo_id,))
        for f in record.faces:
            self.conn.execute(
                "INSERT INTO faces (photo_id, x, y, w, h, score, landmarks, model, embedding, size, sharpness,"
                " brightness, eyes_open, eye_right, eye_left) VALUES (?, ?, ?, ?, ?, ?, ?, 'sface', ?, ?, ?, ?, ?, ?, ?)",
                (photo_id, *f.box, f.score, _blob(f.landmarks), _blob(f.embedding), f.quality["size"],
                 f.quality["sharpness"], f.quality["brightness"], f.quality["eyes_open"],
                 *getattr(f, "eyes", (None, None))))

    def pixel_hash(self, photo_id: int) -> str | None:
        row = self.conn.execute("SELECT pixel_hash FROM features WHERE photo_id = ?", (photo_id,)).fetchone()
        return row[0] if row else None

    def current(self, pipeline: str) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT photo_id FROM features WHERE pipeline = ?", (pipeline,))}

    def count(self, model: str) -> int:
        return self.conn.execute(
            "SELECT COUNT(*) FROM embeddings e JOIN photos p ON p.id = e.photo_id "
            "WHERE e.model = ? AND p.status = 'ok'", (model,)).fetchone()[0]

    def vectors(self, model: str, photo_ids: Iterable[int] | None = None,
                dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
        """(ids int64, vectors (N, D) ``dtype``) of the photos present in the library, by id. The
        rows are copied straight into one array (a 100,000-photo library: 0.5 GB in float32, not
        twice that; half of it in float16)."""
        base = ("SELECT e.photo_id, e.vector FROM embeddings e JOIN photos p ON p.id = e.photo_id "
                "WHERE e.model = ? AND p.status = 'ok'")
        if photo_ids is not None:
            rows = []
            for chunk in chunks(sorted(set(photo_ids))):
                rows += self.conn.execute(f"{base} AND e.photo_id IN ({','.join('?' * len(chunk))})",
                                          [model, *chunk]).fetchall()
            rows.sort()
            return _stack(len(rows), iter(rows), len(rows[0][1]) // 4 if rows else 0, dtype)
        n, dim = self.conn.execute(
            "SELECT COUNT(*), MAX(e.dim) FROM embeddings e JOIN photos p ON p.id = e.photo_id "
            "WHERE e.model = ? AND p.status = 'ok'", (model,)).fetchone()
        return _stack(n, self.conn.execute(base + " ORDER BY e.photo_id", (model,)), dim or 0, dtype)

    def vector_ids(self, model: str, photo_ids: Iterable[int] | None = None) -> np.ndarray:
        """Ids (int64, ascending) of the present photos with a vector of ``model`` (among
        ``photo_ids`` when given), without reading the vectors."""
        base = ("SELECT e.photo_id FROM embeddings e JOIN photos p ON p.id = e.photo_id "
                "WHERE e.model = ? AND p.status = 'ok'")
        if photo_ids is None:
            return np.array([r[0] for r in self.conn.execute(base + " ORDER BY e.photo_id", (model,))], np.int64)
        found = [r[0] for chunk in chunks(sorted(set(photo_ids)))
                 for r in self.conn.execute(f"{base} AND e.photo_id IN ({','.join('?' * len(chunk))})", [model, *chunk])]
        return np.array(sorted(found), np.int64)

    def vector_versions(self, space: str, model: str) -> tuple[np.ndarray, list[str]]:
        """Ids in a vector space (photo ids, or face ids) of present photos, with the content
        version their vector was computed from (the photo's content hash and pipeline)."""
        if space == "photos":
            sql = ("SELECT e.photo_id, p.content_hash || '/' || COALESCE(f.pipeline, '') FROM embeddings e "
                   "JOIN photos p ON p.id = e.photo_id LEFT JOIN features f ON f.photo_id = e.photo_id "
                   "WHERE e.model = ? AND p.status = 'ok'")
            rows = self.conn.execute(sql, (model,)).fetchall()
        else:
            rows = self.conn.execute(
                "SELECT f.id, p.content_hash || '/' || f.model FROM faces f JOIN photos p ON p.id = f.photo_id "
                "WHERE p.status = 'ok'").fetchall()
        return np.array([r[0] for r in rows], np.int64), [r[1] or "" for r in rows]

    def vectors_signature(self) -> tuple:
        """Changes whenever a stored vector or a photo's presence changes, in this process or in
        another (cheap: counts and highest row ids over indexed columns)."""
        return (self.conn.execute("PRAGMA data_version").fetchone()[0],
                *self.conn.execute("SELECT COUNT(*), MAX(rowid) FROM embeddings").fetchone(),
                *self.conn.execute("SELECT COUNT(*), MAX(id) FROM faces").fetchone(),
                self.conn.execute("SELECT COUNT(*) FROM photos WHERE status = 'ok'").fetchone()[0])

    def models(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT model, COUNT(*) FROM embeddings GROUP BY model").fetchall())

    def quality(self, photo_ids: Iterable[int]) -> dict[int, dict[str, float]]:
        out = {}
        for chunk in chunks(list(photo_ids)):
            cur = self.conn.execute(f"SELECT * FROM features WHERE photo_id IN ({','.join('?' * len(chunk))})", chunk)
            names = [d[0] for d in cur.description]
            for row in cur:
                out[row[0]] = dict(zip(names, row))
        return out

    def largest_face(self, photo_id: int) -> tuple[float, float, float, float] | None:
        """(x, y, w, h) of the photo's largest face in full-resolution pixels, or None."""
        return self.conn.execute("SELECT x, y, w, h FROM faces WHERE photo_id = ? ORDER BY w * h DESC LIMIT 1",
                                 (photo_id,)).fetchone()

    def faces(self, photo_ids: Iterable[int] | None = None) -> list[dict]:
        """Face rows of present photos (embedding and landmarks as arrays; None where not stored), largest first per photo."""
        base = "SELECT f.* FROM faces f JOIN photos p ON p.id = f.photo_id WHERE p.status = 'ok'"
        order = " ORDER BY f.photo_id, f.w * f.h DESC"
        if photo_ids is None:
            cursors = [self.conn.execute(base + order)]
        else:
            cursors = [self.conn.execute(f"{base} AND f.photo_id IN ({','.join('?' * len(chunk))}){order}", chunk)
                       for chunk in chunks(sorted(set(photo_ids)))]
        out = []
        for cur in cursors:
            names = [d[0] for d in cur.description]
            for row in cur:
                d = dict(zip(names, row))
                d["embedding"] = _vec(d["embedding"]) if d["embedding"] is not None else None
                d["landmarks"] = _vec(d["landmarks"]).reshape(5, 2) if d["landmarks"] else None
                out.append(d)
        return out

    def pixel_groups(self) -> list[list[int]]:
        rows = self.conn.execute(
            "SELECT group_concat(f.photo_id) FROM features f JOIN photos p ON p.id = f.photo_id "
            "WHERE p.status = 'ok' AND f.pixel_hash != '' GROUP BY f.pixel_hash HAVING COUNT(*) > 1")
        return [sorted(int(x) for x in r[0].split(",")) for r in rows]
