"""One decision model for every way a user decides (app/core/culling.py): at most one best per
burst, the best is accepted, a rejected or unflagged frame is not the best, and one user
action is one undo step, with redo."""
import pytest

from app.core.culling import decide, keep_one


@pytest.fixture
def burst(catalog):
    return [catalog.photos.upsert(f"/lib/f0{i}.jpg", {"status": "ok", "content_hash": f"h{i}"}) for i in range(4)]


def _state(catalog, pid):
    s = catalog.decisions.state(pid)
    return s.pick, s.best


def test_marking_a_frame_best_moves_the_mark_and_accepts_it(catalog, burst):
    a, b = burst[:2]
    decide(catalog, a, "best", 1, burst=burst)
    assert _state(catalog, a) == (1, True)
    decide(catalog, b, "best", 1, burst=burst)
    assert _state(catalog, b) == (1, True) and _state(catalog, a) == (1, False)
    assert sum(catalog.decisions.state(p).best for p in burst) == 1


@pytest.mark.parametrize("pick", [-1, 0])
def test_rejecting_or_unflagging_the_best_takes_the_mark_away(catalog, burst, pick):
    decide(catalog, burst[0], "best", 1, burst=burst)
    decide(catalog, burst[0], "pick", pick, burst=burst)
    assert _state(catalog, burst[0]) == (pick, False)


def test_one_action_is_one_undo_step_and_redo_restores_it(catalog, burst):
    a, b = burst[:2]
    decide(catalog, a, "best", 1, burst=burst)
    decide(catalog, b, "best", 1, burst=burst)          # one action: b best + accepted, a unmarked
    assert catalog.decisions.undo_last() == b
    assert _state(catalog, a) == (1, True) and _state(catalog, b) == (0, False)
    assert catalog.decisions.redo() == b
    assert _state(catalog, a) == (1, False) and _state(catalog, b) == (1, True)
    assert catalog.decisions.redo() is None             # nothing left to redo


def test_a_new_decision_after_undo_ends_the_redo(catalog, burst):
    decide(catalog, burst[0], "rating", 3)
    catalog.decisions.undo_last()
    decide(catalog, burst[1], "rating", 2)
    assert catalog.decisions.redo() is None
    assert catalog.decisions.state(burst[0]).rating is None


def test_keeping_one_of_a_duplicate_group_is_one_step_and_never_rejects_the_best(catalog, burst):
    """A trial: the suggested keeper was the best frame's neighbour, and "keep one" rejected the
    user's best: the best is the one kept."""
    decide(catalog, burst[2], "best", 1, burst=burst)
    done = keep_one(catalog, burst[0], burst[1:])
    assert done.keeper == burst[2] and sorted(done.rejected) == sorted([burst[0], burst[1], burst[3]])
    assert [_state(catalog, p) for p in burst] == [(-1, False), (-1, False), (1, True), (-1, False)]
    catalog.decisions.undo_last()
    assert [_state(catalog, p) for p in burst] == [(0, False), (0, False), (1, True), (0, False)]
    done = keep_one(catalog, burst[0], burst[1:])           # without a best in the group: the suggested keeper
    catalog.decisions.undo_last()
    decide(catalog, burst[2], "pick", 0)
    done = keep_one(catalog, burst[0], burst[1:])
    assert done.keeper == burst[0] and [_state(catalog, p)[0] for p in burst] == [1, -1, -1, -1]


def test_a_contradictory_log_from_before_reads_coherently(catalog, burst):
    """Logs written before the model (best and reject on one frame) read as the later choice."""
    catalog.decisions.record(burst[0], "best", 1)
    catalog.decisions.record(burst[0], "pick", -1)
    assert _state(catalog, burst[0]) == (-1, False)
    catalog.decisions.record(burst[1], "pick", -1)
    catalog.decisions.record(burst[1], "best", 1)
    assert _state(catalog, burst[1]) == (1, True)


def test_an_old_catalog_gets_one_action_per_decision(tmp_path, monkeypatch):
    from app.core.catalog import Catalog, connection, migrations

    path = tmp_path / "old.db"
    nine = migrations.MIGRATIONS[:9]                 # a catalog as version 9 made it
    monkeypatch.setattr(connection, "MIGRATIONS", nine)
    monkeypatch.setattr(connection, "SCHEMA_VERSION", 9, raising=False)
    with Catalog(path) as cat:
        pid = cat.photos.upsert("/lib/x.jpg", {"status": "ok", "content_hash": "hx"})
        for kind, value in (("pick", 1), ("rating", 5)):
            cat.conn.execute("INSERT INTO decisions (photo_id, kind, value, created_at, content_hash) "
                             "VALUES (?, ?, ?, '2026-01-01', 'hx')", (pid, kind, value))
        cat.conn.commit()
        assert "action_id" not in {r[1] for r in cat.conn.execute("PRAGMA table_info(decisions)")}
    monkeypatch.undo()
    with Catalog(path) as cat:                       # migrated to the current version
        assert cat.decisions.undo_last() == pid
        assert cat.decisions.state(pid).rating is None and cat.decisions.state(pid).pick == 1


def test_a_windows_undo_takes_back_only_its_own_action(tmp_path):
    """A trial: Ctrl+Z in the window took back a rating given from the command line (and a
    darktable edit imported by an index), not the window's own reject. The window undoes its
    own action only while it is the latest one in effect."""
    from app.core.catalog import Catalog
    from app.core.culling import decide, undo

    db = tmp_path / "c.db"
    with Catalog(db) as window, Catalog(db) as cli:
        a, b = (window.photos.upsert(f"/lib/{n}.jpg", {"status": "ok", "content_hash": n}) for n in "ab")
        window.conn.commit()
        decide(window, a, "pick", -1)                       # X in the window
        decide(cli, b, "rating", 3)                         # `phototriage pick b --rating 3`
        assert undo(window, own=True) is None               # the latest is not the window's: nothing undone
        assert window.decisions.state(a).pick == -1 and window.decisions.state(b).rating == 3
        cli.decisions.apply([(b, "rating", 5, None)], source="xmp")     # an editor's change, imported
        assert undo(window, own=True) is None and window.decisions.state(b).rating == 5
        decide(window, a, "rating", 2)
        assert undo(window, own=True) == a and window.decisions.state(a).rating is None
        assert undo(window, redo=True, own=True) == a and window.decisions.state(a).rating == 2
        assert undo(cli) == a                               # without ``own``: the latest, whoever made it


def test_the_windows_undo_passes_over_what_its_own_sidecar_write_imported(tmp_path):
    """A review: with sidecars written after each decision, the write first imports what an
    editor changed there, as an action after the user's: Ctrl+Z then did nothing."""
    from app.core.catalog import Catalog
    from app.core.culling import decide, undo

    with Catalog(tmp_path / "c.db") as window:
        a = window.photos.upsert("/lib/a.jpg", {"status": "ok", "content_hash": "a"})
        window.conn.commit()
        decide(window, a, "pick", -1)                                         # X
        window.decisions.apply([(a, "label", None, "Red")], source="xmp")      # merged by its write
        assert undo(window, own=True) == a
        state = window.decisions.state(a)
        assert state.pick == 0 and state.label == "Red"                       # the editor's label stays
        assert undo(window, redo=True, own=True) == a and window.decisions.state(a).pick == -1


def test_redo_survives_what_the_undos_own_sidecar_write_imported(tmp_path):
    """A trial: pick A, reject B, an editor rates A; Ctrl+Z twice (each undo writes its sidecar,
    which first imports the editor's stars), then Ctrl+Shift+Z twice did nothing: the import had
    ended what could be redone."""
    from app.core.catalog import Catalog
    from app.core.culling import decide, undo

    with Catalog(tmp_path / "c.db") as window:
        a, b = (window.photos.upsert(f"/lib/{n}.jpg", {"status": "ok", "content_hash": n}) for n in "ab")
        window.conn.commit()
        decide(window, a, "pick", 1)
        decide(window, b, "pick", -1)
        assert undo(window, own=True) == b
        window.decisions.apply([(a, "rating", 3, None)], source="xmp")        # merged by the undo's write
        assert undo(window, own=True) == a
        assert undo(window, redo=True, own=True) == a and undo(window, redo=True, own=True) == b
        assert (window.decisions.state(a).pick, window.decisions.state(a).rating) == (1, 3)
        assert window.decisions.state(b).pick == -1
        decide(window, a, "pick", 0)                                          # a new decision of the user's
        undo(window, own=True)
        window.decisions.apply([(b, "rating", 1, None)], source="xmp")
        assert undo(window, redo=True, own=True) == a                          # still redoable after an import
        assert undo(window, redo=True, own=True) is None                       # and nothing beyond it


def test_one_key_on_a_selection_is_one_action_with_one_best_per_burst(tmp_path):
    from app.core.catalog import Catalog
    from app.core.culling import decide_many, undo

    with Catalog(tmp_path / "c.db") as cat:
        ids = [cat.photos.upsert(f"/lib/{n}.jpg", {"status": "ok", "content_hash": n}) for n in "abcde"]
        cat.conn.commit()
        burst, single = ids[:4], ids[4]
        decide_many(cat, [(p, burst) for p in burst] + [(single, ())], "pick", -1)
        assert [cat.decisions.state(p).pick for p in ids] == [-1] * 5
        decide_many(cat, [(burst[1], burst), (burst[2], burst)], "best", 1)
        assert [cat.decisions.state(p).best for p in burst] == [False, False, True, False]   # the last selected
        assert cat.decisions.state(burst[2]).pick == 1
        assert undo(cat) == burst[2] and undo(cat) is not None        # two actions, two undo steps
        assert [cat.decisions.state(p).pick for p in ids] == [0] * 5
        assert decide_many(cat, [], "pick", 1) is None


def test_bursts_that_came_together_keep_the_latest_best(tmp_path):
    """A trial: two bursts of one scene each with a best, then frames from a second card filled
    the gap: one burst with two bests, the older one shown as "your best"."""
    from types import SimpleNamespace

    from app.core.catalog import Catalog
    from app.core.culling import decide, reconcile_bests

    with Catalog(tmp_path / "c.db") as cat:
        ids = [cat.photos.upsert(f"/lib/{n}.jpg", {"status": "ok", "content_hash": n}) for n in "abcdef"]
        cat.conn.commit()
        decide(cat, ids[4], "best", 1, burst=ids[3:])           # the later burst's best, chosen first
        decide(cat, ids[1], "best", 1, burst=ids[:3])           # the earlier burst's, chosen last
        decide(cat, ids[4], "rating", 4)
        merged = [SimpleNamespace(photo_ids=ids, kept_whole=False)]
        assert reconcile_bests(cat, merged) == [ids[4]]
        assert [cat.decisions.state(p).best for p in ids] == [False, True, False, False, False, False]
        assert cat.decisions.state(ids[4]).pick == 1 and cat.decisions.state(ids[4]).rating == 4   # kept
        assert reconcile_bests(cat, merged) == []                # nothing more to do
