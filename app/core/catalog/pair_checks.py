"""Verdicts of the geometric verification of candidate duplicate pairs, keyed by the content
hashes of the two pictures (ordered), so they hold as long as both pictures exist anywhere in
the library, under any name."""
from __future__ import annotations

import sqlite3

from .connection import transaction
from .photos import now_iso


def pair_key(a: str, b: str) -> tuple[str, str]:
    """The key of a pair in :meth:`PairCheckStore.verdicts` (the two hashes in order)."""
    return (a, b) if a <= b else (b, a)


class PairCheckStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def verdicts(self) -> dict[tuple[str, str], bool]:
        return {(a, b): bool(d) for a, b, d in self.conn.execute("SELECT hash_a, hash_b, duplicate FROM pair_checks")}

    def save(self, results: list[tuple[str, str, bool]]) -> None:
        stamp = now_iso()
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT OR REPLACE INTO pair_checks (hash_a, hash_b, duplicate, checked_at) VALUES (?, ?, ?, ?)",
                [(*pair_key(a, b), int(d), stamp) for a, b, d in results])

    def prune(self) -> int:
        """Forget verdicts about pictures no longer in the library."""
        with transaction(self.conn):
            return self.conn.execute(
                "DELETE FROM pair_checks WHERE hash_a NOT IN (SELECT content_hash FROM photos WHERE status = 'ok' "
                "AND content_hash IS NOT NULL) OR hash_b NOT IN (SELECT content_hash FROM photos WHERE status = 'ok' "
                "AND content_hash IS NOT NULL)").rowcount
