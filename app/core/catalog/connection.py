"""Open a catalog: WAL mode, schema version check, backup, ordered migrations."""
from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Iterator

from .migrations import MIGRATIONS, SCHEMA_VERSION


class CatalogError(Exception):
    """A catalog that cannot be used; the message says what to do."""


class CatalogTooNewError(CatalogError):
    pass


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(os.fspath(path), timeout=30, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def backup(conn: sqlite3.Connection, dest: Path) -> Path:
    """A consistent copy of the catalog (SQLite online backup), written atomically."""
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(os.fspath(tmp))
    try:
        conn.backup(target)
    finally:
        target.close()
    os.replace(tmp, dest)
    return dest


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, path: Path) -> list[int]:
    """Bring the schema to SCHEMA_VERSION; returns the versions applied."""
    current = user_version(conn)
    if current > SCHEMA_VERSION:
        raise CatalogTooNewError(
            f"catalog {path} has schema version {current}, but this PhotoTriage understands up "
            f"to version {SCHEMA_VERSION}: upgrade PhotoTriage, or choose another catalog with --db")
    if current == SCHEMA_VERSION:
        return []
    if current > 0:
        backup(conn, path.with_name(f"{path.name}.v{current}.bak"))
    applied = []
    import sqlite_utils   # only when migrating: keeps opening an up-to-date catalog cheap

    db = sqlite_utils.Database(conn)
    for version in range(current, SCHEMA_VERSION):
        with transaction(conn):
            MIGRATIONS[version](db)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        applied.append(version + 1)
    return applied


def open_connection(path: str | os.PathLike) -> tuple[sqlite3.Connection, list[int]]:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = _connect(path)
        applied = migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        raise CatalogError(f"cannot open catalog {path}: {exc}") from exc
    return conn, applied
