"""The window sees what another process changes in its catalog (app/ui/catalog_watch.py): a
decision made elsewhere is reported as decisions_changed, a photo state change as
photos_changed, and a change whose stamp could not be read on one tick is reported on the next."""
import pytest

pytest.importorskip("pytestqt")

from app.core.catalog import Catalog  # noqa: E402
from app.core.culling import decide  # noqa: E402
from app.ui import catalog_watch  # noqa: E402
from app.ui.catalog_watch import CatalogWatch  # noqa: E402
from tests.decisions.helpers import add_photo, library  # noqa: E402


def test_changes_made_elsewhere_are_reported_once_even_after_a_failed_read(qtbot, tmp_path, monkeypatch):
    photo, = library(tmp_path, ["a.jpg"])
    db = tmp_path / "c.db"
    with Catalog(db) as other:
        pid = add_photo(other, photo)
    with Catalog(db) as mine, Catalog(db) as other:
        watch = CatalogWatch(interval_ms=60_000)            # ticks driven by hand
        seen = []
        watch.decisions_changed.connect(lambda: seen.append("decisions"))
        watch.photos_changed.connect(lambda: seen.append("photos"))
        watch.watch(mine)
        watch.check()
        assert seen == []
        decide(other, pid, "pick", 1)
        real = catalog_watch.catalog_stamp

        def busy(conn):
            raise RuntimeError("database is locked")

        monkeypatch.setattr(catalog_watch, "catalog_stamp", busy)
        watch.check()                                       # the stamp cannot be read this tick
        monkeypatch.setattr(catalog_watch, "catalog_stamp", real)
        watch.check()
        assert seen == ["decisions"]
        watch.check()
        assert seen == ["decisions"]                        # reported once
        other.conn.execute("UPDATE photos SET status = 'missing' WHERE id = ?", (pid,))
        other.conn.commit()
        watch.check()
        assert seen == ["decisions", "photos"]              # photos only: decisions did not change
        decide(other, pid, "pick", -1)
        other.conn.execute("UPDATE photos SET status = 'ok' WHERE id = ?", (pid,))
        other.conn.commit()
        watch.check()
        assert seen == ["decisions", "photos", "photos", "decisions"]     # both in one tick: both said
        watch.stop()


def test_a_photo_moved_elsewhere_is_reported(qtbot, tmp_path):
    """A trial: `export --move` and a rename found by `index` left the window on the old paths
    (a move changes no status): the moves are counted where the stamp sees them."""
    import os

    photo, = library(tmp_path, ["a.jpg"])
    db = tmp_path / "c.db"
    with Catalog(db) as other:
        pid = add_photo(other, photo)
    with Catalog(db) as mine, Catalog(db) as other:
        watch = CatalogWatch(interval_ms=60_000)
        seen = []
        watch.photos_changed.connect(lambda: seen.append("photos"))
        watch.watch(mine)
        for n in range(2):                                  # twice within a second: both seen
            moved = photo.with_name(f"moved{n}.jpg")
            os.rename(photo, moved)
            photo = moved
            st = moved.stat()
            with other.transaction():
                other.photos.move(pid, str(moved), st.st_size, st.st_mtime_ns)
            watch.check()
            assert seen == ["photos"] * (n + 1)
        watch.stop()


def test_a_new_ranker_or_burst_setting_elsewhere_reloads_the_views(qtbot, tmp_path):
    """A trial: after `train`, a rollback or the Training tab adopting a version, the cull view
    kept the old ranker's suggestions."""
    from app.core import learning

    photo, = library(tmp_path, ["a.jpg"])
    db = tmp_path / "c.db"
    with Catalog(db) as other:
        add_photo(other, photo)
    with Catalog(db) as mine, Catalog(db) as other:
        watch = CatalogWatch(interval_ms=60_000)
        seen = []
        watch.photos_changed.connect(lambda: seen.append("photos"))
        watch.watch(mine)
        watch.check()
        other.settings.set({learning.SETTING: "v1"})               # `train` adopted a version
        watch.check()
        other.settings.set({"bursts.max_gap_s": "4.0"})            # the burst gap changed
        watch.check()
        assert seen == ["photos", "photos"]
        watch.stop()


def test_a_rollback_in_the_training_tab_reloads_the_cull_view(qtbot, isolated_settings, tmp_path, monkeypatch):
    """A trial: Roll back in the Training tab said "now using default" while the cull view kept
    the rolled-back ranker's suggestions (the window's own write: no watch sees it)."""
    from app.core import learning
    from tests.ui.demo_window import index_demo, open_window

    _, db = index_demo(tmp_path, copy=False)
    window = open_window(qtbot, db, library_tab=False)
    reloads = []
    real = window.cull.reload
    monkeypatch.setattr(window.cull, "reload", lambda *a, **k: (reloads.append(1), real(*a, **k)))
    monkeypatch.setattr(learning, "rollback", lambda cat: "default")
    window.tabs.setCurrentWidget(window.training)
    window.training.rollback()
    assert reloads and "now using default" in window.training.result.text()
    window.close()
