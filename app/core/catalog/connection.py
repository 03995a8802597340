"""Open a catalog: atomic creation, WAL mode, schema version check under the write lock,
backup, ordered migrations; read-only access where the file or its folder cannot be written."""
from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

from ..tempfiles import temp_path
from .migrations import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_S = 30.0
APPLICATION_ID = 0x50545249         # "PTRI" in the file header: this file is a PhotoTriage catalog
OUR_TABLES = {"photos", "decisions", "jobs"}


class CatalogConnection(sqlite3.Connection):
    """A connection that can carry why it refuses writes (damage found when it was opened)."""
    write_refused: str | None = None


class CatalogError(Exception):
    """A catalog that cannot be used; the message says what to do."""


class CatalogTooNewError(CatalogError):
    pass


class CatalogReadOnlyError(CatalogError):
    pass


class CatalogDamagedError(CatalogReadOnlyError):
    """SQLite found damage in the catalog file: it is opened for reading only."""


def _connect_readonly(path: Path, immutable: bool = False) -> sqlite3.Connection:
    query = "mode=ro" + ("&immutable=1" if immutable else "")
    uri = f"file:{urllib.parse.quote(os.fspath(path))}?{query}"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False,
                           factory=CatalogConnection)
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _retry_busy(op, limit_s: float = BUSY_TIMEOUT_S):
    """Some lock requests (changing the journal mode) fail at once instead of waiting."""
    deadline = time.monotonic() + limit_s
    while True:
        try:
            return op()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def backup(conn: sqlite3.Connection, dest: Path) -> Path:
    """A consistent copy of the catalog (SQLite online backup), written atomically."""
    tmp = temp_path(dest)
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(os.fspath(tmp))
    try:
        conn.backup(target)
    finally:
        target.close()
    os.replace(tmp, dest)
    return dest


def readonly_error(conn: sqlite3.Connection, what: str = "this command") -> CatalogReadOnlyError:
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    if write_refused(conn):
        return CatalogDamagedError(f"{what} needs to write to the catalog, but {write_refused(conn)}")
    return CatalogReadOnlyError(f"catalog {path} is read-only (the file or its folder cannot be written): "
                                f"{what} needs to write to it; reading commands still work")


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc):
            raise readonly_error(conn) from exc
        raise


CACHE_WAIT_S = 0.5           # for another process's write lock, when keeping a measure that only saves time


def chunks(items: list, size: int = 500):
    """``items`` in slices of ``size``: an ``IN (...)`` query each, under SQLite's variable limit."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


@contextlib.contextmanager
def cache_write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A transaction for results kept only so they are not measured again (comparisons by content
    hash): it waits CACHE_WAIT_S, not BUSY_TIMEOUT_S, for a write lock another process holds, and
    the caller measures again next time. A ranking with many bursts thus never stalls for half a
    minute per burst behind an index or another command. The connection's own wait is restored
    after."""
    before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {round(CACHE_WAIT_S * 1000)}")
    try:
        with transaction(conn):
            yield conn
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(before)}")


def _check_version(current: int, path: Path) -> None:
    if current > SCHEMA_VERSION:
        raise CatalogTooNewError(
            f"catalog {path} has schema version {current}, but this PhotoTriage understands up "
            f"to version {SCHEMA_VERSION}: upgrade PhotoTriage, or choose another catalog with --db")


def _check_ours(conn: sqlite3.Connection, path: Path) -> None:
    """A SQLite file that is not a PhotoTriage catalog is never written into (not even switched
    to WAL): ours carry APPLICATION_ID, or (made before it was set) our tables; a new, empty
    file is ours to fill."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app_id == 0 and (not tables or (user_version(conn) > 0 and OUR_TABLES <= tables)):
        return
    raise CatalogError(f"{path} is a database, but not a PhotoTriage catalog: it was left as it is; "
                       f"choose another --db")


def backups(path: Path) -> list[Path]:
    """The backups made before migrations, newest schema first."""
    found = [p for p in path.parent.glob(f"{path.name}.v*.bak") if p.name[len(path.name) + 2:-4].isdigit()]
    return sorted(found, key=lambda p: int(p.name[len(path.name) + 2:-4]), reverse=True)


def damage_advice(path: Path) -> str:
    """What to do about a damaged catalog, naming only backups that exist."""
    found = backups(path)
    if found:
        return (f"restore its newest backup ({found[0]}: copy it over {path.name} while PhotoTriage is closed) "
                f"or index into a new catalog with --db")
    return ("no backup of it exists: index the library into a new catalog with --db (decisions written to "
            "XMP sidecars come back with it)")


def _damage(conn: sqlite3.Connection) -> list[str]:
    """SQLite's quick check (every page read once: about 0.1 s per 100 MB); [] when sound."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def migrate(conn: sqlite3.Connection, path: Path) -> list[int]:
    """Bring the schema to SCHEMA_VERSION; returns the versions applied. The version is read
    again under the write lock, so two processes never both migrate."""
    before = user_version(conn)
    if before == SCHEMA_VERSION:
        return []
    _check_version(before, path)
    if before > 0:          # (a backup cannot be taken inside our own write transaction)
        backup(conn, path.with_name(f"{path.name}.v{before}.bak"))
    import sqlite_utils   # only when migrating: keeps opening an up-to-date catalog cheap

    with transaction(conn):
        current = user_version(conn)
        _check_version(current, path)
        if current == SCHEMA_VERSION:
            return []
        _check_ours(conn, path)
        db = sqlite_utils.Database(conn)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for version in range(current, SCHEMA_VERSION):
            conn.execute(f"SAVEPOINT v{version + 1}")
            MIGRATIONS[version](db)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute(f"RELEASE v{version + 1}")
    return list(range(current + 1, SCHEMA_VERSION + 1))


def _create(path: Path) -> None:
    """A new catalog is built under a temporary name and linked into place, so a reader (or a
    second process starting at the same moment) never sees a half-made one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CatalogError(f"cannot create the catalog folder {path.parent}: {exc.strerror or exc}") from exc
    tmp = temp_path(path, "new")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(os.fspath(tmp), isolation_level=None)
        try:
            migrate(conn, tmp)
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
        try:
            os.link(tmp, path)              # fails if another process created it first
        except FileExistsError:
            pass
        except OSError:                     # a file system without hard links
            if not path.exists():
                os.replace(tmp, path)
    except OSError as exc:
        raise CatalogError(f"cannot create the catalog {path}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def writable(path: Path) -> bool:
    """Can this process write the catalog and create files beside it (SQLite's -wal and -shm)?
    Judged without opening the catalog file itself: closing any other descriptor of it would
    drop the POSIX locks SQLite holds on it in this process. A read-only mount, the file's
    permissions and a probe file in its folder tell; an immutable file shows when SQLite
    first writes (the connection then opens read-only)."""
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return False
        if not os.access(path, os.R_OK | os.W_OK):
            return False
        probe = temp_path(path.with_name(path.name + ".probe"), "tmp")
        probe.touch()
        probe.unlink()
    except OSError:
        return False
    return True


def open_connection(path: str | os.PathLike, readonly: bool = False) -> tuple[sqlite3.Connection, list[int], bool]:
    """(connection, schema versions applied, read-only?). A catalog whose file or folder cannot
    be written opens read-only: reading works, writing raises CatalogReadOnlyError. A file that
    is not ours is refused before anything is written to it; a damaged one opens read-only
    (CatalogDamagedError on every write, with what to do)."""
    path = Path(path)
    if path.is_dir():
        raise CatalogError(f"{path} is a folder, not a catalog file")
    if not path.exists():
        if readonly:
            raise CatalogError(f"no catalog at {path}")
        _create(path)
    elif path.stat().st_size == 0:
        raise CatalogError(f"{path} is an empty file, not a PhotoTriage catalog: remove it or choose another --db")
    readonly = readonly or not writable(path)
    try:
        if readonly:
            conn = _open_readonly(path)
            applied: list[int] = []
        else:
            conn, applied = _open_writable(path)
            if conn is None:            # SQLite refused to write it (an immutable file, say)
                conn, readonly = _open_readonly(path), True
            elif write_refused(conn):
                readonly = True
    except sqlite3.DatabaseError as exc:
        raise CatalogError(f"cannot open catalog {path}: {exc}") from exc
    return conn, applied, readonly


def _open_writable(path: Path) -> tuple[sqlite3.Connection | None, list[int]]:
    conn = sqlite3.connect(os.fspath(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False,
                           factory=CatalogConnection)
    try:
        _check_ours(conn, path)
        _check_version(user_version(conn), path)
        damage = _damage(conn)
        if damage:
            conn.execute("PRAGMA query_only = ON")
            conn.write_refused = (f"SQLite found damage in {path} ({damage[0]}): it is open for reading only; "
                                    f"{damage_advice(path)}")
            conn.execute("PRAGMA foreign_keys=ON")
            return conn, []
        try:
            _retry_busy(lambda: conn.execute("PRAGMA journal_mode=WAL"))
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc):
                raise
            conn.close()
            return None, []
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn, migrate(conn, path)
    except BaseException:
        conn.close()
        raise


def write_refused(conn: sqlite3.Connection) -> str | None:
    """Why this connection refuses writes although its file can be written (damage), or None."""
    return getattr(conn, "write_refused", None)


def _open_readonly(path: Path) -> sqlite3.Connection:
    """Without a -wal file every committed page is in the catalog file: it is read as an
    immutable file, so no -wal/-shm is left behind. With one, SQLite reads through it (and
    falls back to the file alone where the -shm cannot be made)."""
    immutable = not Path(f"{path}-wal").exists()
    try:
        conn = _connect_readonly(path, immutable=immutable)
        version = user_version(conn)
    except sqlite3.OperationalError:
        conn = _connect_readonly(path, immutable=True)
        version = user_version(conn)
    try:
        _check_ours(conn, path)
        _check_version(version, path)
    except CatalogError:
        conn.close()
        raise
    if version < SCHEMA_VERSION:
        conn.close()
        raise CatalogReadOnlyError(
            f"catalog {path} is read-only and from an older PhotoTriage (schema {version}, now "
            f"{SCHEMA_VERSION}): make it writable once so it can be upgraded")
    return conn
