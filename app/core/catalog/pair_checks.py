"""What a comparison of two pictures found, keyed by their content hashes (ordered), so it
holds as long as both pictures exist anywhere in the library, under any name:

- ``pair_checks``: the geometric verification of candidate duplicate pairs;
- ``detail_evidence``: detail lost between two frames of a burst, measured on the same places
  at native pixels (models/features/relative.py), tagged with the method's version;
- ``frame_steps``: how one frame sits on the next (app/core/sets/registration.py), in frame
  order, tagged with the method's version;
- ``highlight_pairs``: what the brighter of two exposures lost at its top that the darker kept
  (app/core/burst_highlights.py), brighter frame first, tagged with the method's version."""
from __future__ import annotations

import json
import sqlite3

from .connection import cache_write, transaction
from .photos import now_iso


def pair_key(a: str, b: str) -> tuple[str, str]:
    """The key of a pair in :meth:`PairCheckStore.verdicts` (the two hashes in order)."""
    return (a, b) if a <= b else (b, a)


class PairCheckStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def verdicts(self) -> dict[tuple[str, str], bool]:
        return {(a, b): bool(d) for a, b, d in self.conn.execute("SELECT hash_a, hash_b, duplicate FROM pair_checks")}

    def duplicate_hashes(self) -> set[str]:
        """Pictures verified as near copies of another (by any ``duplicates`` run so far)."""
        out: set[str] = set()
        for a, b in self.conn.execute("SELECT hash_a, hash_b FROM pair_checks WHERE duplicate = 1"):
            out.update((a, b))
        return out

    def save(self, results: list[tuple[str, str, bool]]) -> None:
        stamp = now_iso()
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT OR REPLACE INTO pair_checks (hash_a, hash_b, duplicate, checked_at) VALUES (?, ?, ?, ?)",
                [(*pair_key(a, b), int(d), stamp) for a, b, d in results])

    def prune(self) -> int:
        """Forget verdicts about pictures no longer in the library."""
        return _prune(self.conn, "pair_checks")


def _prune(conn: sqlite3.Connection, table: str) -> int:
    live = "(SELECT content_hash FROM photos WHERE status = 'ok' AND content_hash IS NOT NULL)"
    with transaction(conn):
        return conn.execute(f"DELETE FROM {table} WHERE hash_a NOT IN {live} OR hash_b NOT IN {live}").rowcount


class DetailEvidenceStore:
    """Evidence (log10) that the picture ``hash_a`` kept more detail than ``hash_b``, stored
    once per pair in key order (the other order is its negative); NULL when the two could not
    be compared, so they are not decoded again."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, hashes: list[str], version: int) -> dict[tuple[str, str], float | None]:
        """Known evidence among ``hashes``, in both orders."""
        wanted = sorted(set(hashes))
        if len(wanted) < 2:
            return {}
        marks = ",".join("?" * len(wanted))
        out: dict[tuple[str, str], float | None] = {}
        for a, b, e in self.conn.execute(
                f"SELECT hash_a, hash_b, evidence FROM detail_evidence WHERE version = ? AND hash_a IN ({marks}) "
                f"AND hash_b IN ({marks})", [version, *wanted, *wanted]):
            out[a, b] = e
            out[b, a] = None if e is None else -e
        return out

    def save(self, results: list[tuple[str, str, float | None]], version: int) -> None:
        rows = []
        for a, b, e in results:
            key = pair_key(a, b)
            rows.append((*key, None if e is None else (e if key == (a, b) else -e), version, now_iso()))
        with cache_write(self.conn):
            self.conn.executemany("INSERT OR REPLACE INTO detail_evidence (hash_a, hash_b, evidence, version, checked_at) "
                                  "VALUES (?, ?, ?, ?, ?)", rows)

    def prune(self) -> int:
        return _prune(self.conn, "detail_evidence")


class OrderedPairStore:
    """A measure of the ordered pair (``hash_a``, ``hash_b``) as a JSON object, or NULL where
    the two could not be measured, tagged with the method's version: ``frame_steps`` (frame
    ``hash_b`` registered onto ``hash_a``, so sets are not registered again at every run) and
    ``highlight_pairs`` (the brighter exposure first, so a burst's exposures are compared once,
    not in every process that ranks it)."""

    def __init__(self, conn: sqlite3.Connection, table: str, column: str) -> None:
        self.conn, self.table, self.column = conn, table, column

    def get(self, pairs: list[tuple[str, str]], version: int) -> dict[tuple[str, str], dict | None]:
        wanted = set(pairs)
        hashes = sorted({h for pair in wanted for h in pair})
        out: dict[tuple[str, str], dict | None] = {}
        for i in range(0, len(hashes), 400):          # SQLite's variable limit, in chunks
            chunk = hashes[i:i + 400]
            marks = ",".join("?" * len(chunk))
            for a, b, value in self.conn.execute(
                    f"SELECT hash_a, hash_b, {self.column} FROM {self.table} WHERE version = ? AND hash_a IN ({marks})",
                    [version, *chunk]):
                if (a, b) not in wanted:
                    continue
                if value is None:
                    out[a, b] = None
                    continue
                try:
                    parsed = json.loads(value)
                except (TypeError, ValueError):
                    continue                # a damaged row is not an answer: measured again and replaced
                if isinstance(parsed, dict):
                    out[a, b] = parsed
        return out

    def save(self, results: list[tuple[str, str, dict | None]], version: int) -> None:
        stamp = now_iso()
        with cache_write(self.conn):
            self.conn.executemany(
                f"INSERT OR REPLACE INTO {self.table} (hash_a, hash_b, {self.column}, version, checked_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(a, b, None if value is None else json.dumps(value), version, stamp) for a, b, value in results])

    def prune(self) -> int:
        return _prune(self.conn, self.table)
