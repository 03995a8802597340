import sqlite3

import pytest

from app.core.catalog import SCHEMA_VERSION, Catalog, CatalogTooNewError
from tests.helpers import REPO


def _v1_catalog(path):
    conn = sqlite3.connect(path)
    conn.executescript((REPO / "tests/fixtures/catalog_v1.sql").read_text())
    conn.close()


def test_new_catalog_is_current_and_in_wal_mode(catalog):
    assert catalog.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert catalog.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"photos", "thumbnails", "decisions", "jobs"} <= set(catalog.db.table_names())


def test_migration_from_v1_keeps_data_and_backs_up_first(tmp_path):
    path = tmp_path / "catalog.db"
    _v1_catalog(path)
    with Catalog(path) as cat:
        assert cat.migrated == list(range(2, SCHEMA_VERSION + 1))
        row = cat.photos.get(1)
        assert row["path"] == "/photos/2019/img_0001.jpg" and row["camera_model"] == "Canon EOS 5D Mark IV"
        assert row["captured_ts"] == pytest.approx(1563644722.0)  # derived from v1's naive time
        assert cat.photos.get(3)["status"] == "skipped"
        state = cat.decisions.state(1)
        assert state.pick == 1 and state.rating == 4
        assert cat.decisions.state(2).pick == -1
    backup = tmp_path / "catalog.db.v1.bak"
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 3
    with Catalog(path) as cat:   # reopening does not migrate again
        assert cat.migrated == []


def test_failed_migration_rolls_back(tmp_path, monkeypatch):
    from app.core.catalog import migrations

    path = tmp_path / "catalog.db"
    _v1_catalog(path)

    def broken(db):
        db["photos"].add_column("half_done", str)
        raise RuntimeError("boom")

    monkeypatch.setattr(migrations, "MIGRATIONS", [migrations.MIGRATIONS[0], broken])
    monkeypatch.setattr("app.core.catalog.connection.MIGRATIONS", [migrations.MIGRATIONS[0], broken])
    with pytest.raises(RuntimeError):
        Catalog(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    cols = [r[1] for r in conn.execute("PRAGMA table_info(photos)")]
    assert "half_done" not in cols


def test_catalog_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "catalog.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(CatalogTooNewError, match="newer|upgrade PhotoTriage"):
        Catalog(path)


def test_decisions_are_logged_and_undo_is_exact(catalog):
    pid = catalog.photos.upsert("/x/a.jpg", {"status": "ok"})
    catalog.decisions.record(pid, "pick", 1)
    catalog.decisions.record(pid, "rating", 3)
    catalog.decisions.record(pid, "pick", -1)
    catalog.decisions.record(pid, "label", text_value="Red")
    s = catalog.decisions.state(pid)
    assert (s.pick, s.rating, s.label) == (-1, 3, "Red")
    assert catalog.decisions.undo_last() == pid
    assert catalog.decisions.undo_last() == pid
    s = catalog.decisions.state(pid)
    assert (s.pick, s.rating, s.label) == (1, 3, None)
    with pytest.raises(ValueError):
        catalog.decisions.record(pid, "rating", 9)


def test_non_utf8_paths_round_trip(catalog):
    import os

    weird = os.fsdecode(b"/lib/caf\xe9.jpg")
    pid = catalog.photos.upsert(weird, {"status": "ok"})
    assert catalog.photos.get(pid)["path"] == weird
    assert catalog.photos.id_for_path(weird) == pid
    assert weird in catalog.photos.identities()
