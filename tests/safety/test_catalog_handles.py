"""Only SQLite opens the catalog file: a second open in the window's process, and other
processes opening and closing the catalog, never cost the window its locks, its -wal file or
a decision; a foreign SQLite file is refused byte-identical; a damaged catalog refuses writes
and names only backups that exist."""
from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.catalog import Catalog, CatalogDamagedError, CatalogError
from app.core.culling import decide
from tests.decisions.helpers import add_photo, library

READ = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "print(c.execute('SELECT COUNT(*) FROM decisions WHERE undone = 0').fetchone()[0])")


def _other_process(*code_args: str) -> str:
    return subprocess.run([sys.executable, "-c", *code_args], capture_output=True, text=True, check=True,
                          timeout=120).stdout.strip()


def _open_and_close_elsewhere(db: Path) -> None:
    """What any CLI command does: open the catalog, read, close (the last closer checkpoints)."""
    _other_process("import sys; from app.core.catalog import Catalog; c = Catalog(sys.argv[1]); "
                   "c.photos.counts(); c.close()", str(db))


def test_decisions_of_a_long_lived_connection_survive_other_opens(tmp_path):
    files = library(tmp_path, ["a.jpg", "b.jpg", "c.jpg"])
    db = tmp_path / "catalog.db"
    window = Catalog(db)
    ids = [add_photo(window, p) for p in files]
    for i, pid in enumerate(ids):
        Catalog(db).close()                          # the window opens the catalog again (a view, Rescan)
        _open_and_close_elsewhere(db)                # a CLI command in another process
        assert Path(f"{db}-wal").exists()            # still the window's: nobody deleted it under it
        decide(window, pid, "pick", 1)
        assert _other_process(READ, str(db)) == str(i + 1)     # readable elsewhere at once
    window.close()
    assert _other_process(READ, str(db)) == "3"


def test_catalog_open_never_opens_the_file_outside_sqlite(tmp_path, monkeypatch):
    import builtins

    db = tmp_path / "catalog.db"
    Catalog(db).close()
    opened = []
    real_open = builtins.open

    def spy(file, *a, **k):
        opened.append(os.fspath(file) if isinstance(file, (str, os.PathLike)) else file)
        return real_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(os, "open", functools.partial(_os_open, opened))
    Catalog(db).close()
    assert not [p for p in opened if str(p).startswith(str(db))], opened


_REAL_OS_OPEN = os.open


def _os_open(log, path, *a, **k):
    log.append(os.fspath(path))
    return _REAL_OS_OPEN(path, *a, **k)


@pytest.mark.parametrize("make", ["tables", "user_version"])
def test_a_foreign_sqlite_file_is_refused_and_left_byte_identical(tmp_path, make):
    db = tmp_path / "other.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('mine')")
    if make == "user_version":
        conn.execute("PRAGMA user_version = 3")      # many programs version their files too
    conn.commit()
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for readonly in (False, True):
        with pytest.raises(CatalogError, match="not a PhotoTriage catalog"):
            Catalog(db, readonly=readonly)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]      # no -wal, -shm or journal


def _damage(db: Path) -> None:
    """Overwrite a page in the middle of the photos table's b-tree (as a bad sector would)."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'photos'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(db, "r+b") as f:               # the test's own damage, with no connection open
        f.seek((root - 1) * page + 8)
        f.write(b"\xff" * 64)


def test_a_damaged_catalog_refuses_writes_and_names_only_backups_that_exist(tmp_path):
    files = library(tmp_path, ["a.jpg", "b.jpg"])
    db = tmp_path / "catalog.db"
    with Catalog(db) as cat:
        ids = [add_photo(cat, p) for p in files]
        for i in range(300):                 # enough rows for the photos table to have inner pages
            cat.photos.upsert(str(tmp_path / f"gone{i:04}.jpg"), {"status": "missing", "size": 1, "mtime_ns": 1,
                                                                   "content_hash": f"h{i}"})
        cat.conn.commit()
    _damage(db)
    cat = Catalog(db)
    try:
        assert cat.readonly
        with pytest.raises(CatalogDamagedError, match="no backup of it exists"):
            decide(cat, ids[0], "pick", 1)
        with pytest.raises(CatalogDamagedError, match="damage"):
            cat.require_writable("indexing")
    finally:
        cat.close()
    (tmp_path / "catalog.db.v12.bak").write_bytes(b"")     # a backup made before a migration
    with Catalog(db) as cat, pytest.raises(CatalogDamagedError, match=r"catalog\.db\.v12\.bak"):
        cat.require_writable("indexing")
