"""One state everywhere: a decision from any view, the Decisions menu or another process shows
at once in every view; trashed photos leave the grid and come back on undo; failures of a
Decisions action are said in a dialog with what to do."""
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from app.core.catalog import Catalog
from app.core.culling import decide
from tests.ui.demo_window import index_demo, open_window


@pytest.fixture
def window(qtbot, isolated_settings, tmp_path):
    folder, db = index_demo(tmp_path)
    w = open_window(qtbot, db, folder, library_tab=False)
    w.db = db
    yield w
    w.close()


def _row(model, name):
    return next(model.row_at(i) for i in range(model.rowCount()) if model.row_at(i).name == name)


def test_a_decision_from_another_process_shows_at_once(window, qtbot):
    model = window.library.model_
    with Catalog(window.db) as other:                        # as `phototriage pick` does, in its own process
        pid = other.photos.id_for_path(_row(model, "tuxpaint-data_sheep.jpg").path)
        decide(other, pid, "pick", -1)
        decide(other, pid, "rating", 2)
    qtbot.waitUntil(lambda: _row(model, "tuxpaint-data_sheep.jpg").state.pick == -1, timeout=5000)
    assert _row(model, "tuxpaint-data_sheep.jpg").state.rating == 2


def test_keep_one_in_duplicates_shows_in_the_grid(window, qtbot):
    model, dup = window.library.model_, window.duplicates
    keeper, other = _row(model, "f01.jpg"), _row(model, "f02.jpg")
    dup.groups = [SimpleNamespace(keeper=keeper.photo_id, photo_ids=[keeper.photo_id, other.photo_id],
                                  paths=[keeper.path, other.path], kind="near copy")]
    dup.list.addItem("near copy: 2 photos")
    dup.list.setCurrentRow(0)
    dup.reject_others()
    assert _row(model, "f02.jpg").state.pick == -1 and _row(model, "f01.jpg").state.pick == 1
    window.library.set_view("rejected")
    assert [model.row_at(i).name for i in range(model.rowCount())] == ["f02.jpg"]


def test_trashed_photos_leave_the_grid_and_come_back_on_undo(window, qtbot):
    model = window.library.model_
    grid = window.library.grid
    for name in ("f03.jpg", "f04.jpg"):
        grid.setCurrentIndex(model.index(next(i for i in range(model.rowCount()) if model.row_at(i).name == name), 0))
        grid.apply("pick", -1)
    total = model.rowCount()
    window.decisions.run("trash")
    qtbot.waitUntil(lambda: model.rowCount() == total - 2, timeout=20000)
    assert not any(model.row_at(i).name in ("f03.jpg", "f04.jpg") for i in range(model.rowCount()))
    assert "⚠" not in " ".join(model.row_at(i).badges() for i in range(model.rowCount()))
    # a trial: a reject undone after the trashing left the photo in the trash without a word
    window.session.catalog.decisions.apply([(_trashed_id(window, "f04.jpg"), "pick", 0, None)])
    window.decisions_changed(window.library)
    assert "no longer rejected is still in the system trash: Decisions ▸ Undo trash" in \
        window.statusBar().currentMessage()
    window.decisions.run("undo")
    qtbot.waitUntil(lambda: model.rowCount() == total, timeout=20000)
    assert _row(model, "f03.jpg").status == "ok" and _row(model, "f03.jpg").state.pick == -1


def _trashed_id(window, name):
    return next(pid for pid in window.session.catalog.trash.in_trash()
                if window.session.catalog.photos.get(pid)["path"].endswith(name))


def test_a_failed_decisions_action_is_said_in_a_dialog_with_what_to_do(window, qtbot):
    window.decisions._error("xmp", "PermissionError: [Errno 13] Permission denied: '/photos/a.xmp'\ntraceback…")
    assert "Permission denied" in window.last_error and "writable" in window.last_error
    from app.ui.decisions_menu import failure_text
    text = failure_text("trash", {"failed": [{"path": "/p/a.jpg", "reason": "read-only file system"}]})
    assert "1 file failed" in text and "/p/a.jpg: read-only file system" in text and "still rejected" in text
    assert failure_text("trash", {"failed": []}) is None


def test_search_results_take_the_grid_keys_and_open_in_the_loupe(window, qtbot):
    from PySide6.QtCore import Qt

    model, results = window.library.model_, window.search.results
    paths = [_row(model, n).path for n in ("f01.jpg", "tuxpaint-data_sheep.jpg")]
    results.set_items([(f"0.9{i}  {p.rsplit('/', 1)[-1]}", None, p) for i, p in enumerate(paths)])
    window.library.set_view("picked")
    results.setCurrentRow(1)
    qtbot.keyClick(results, Qt.Key_P)
    qtbot.keyClick(results, Qt.Key_7)
    sheep = next(r for r in model._all if r.name == "tuxpaint-data_sheep.jpg")
    assert sheep.state.pick == 1 and sheep.state.label == "Yellow"               # the grid's row has it
    assert "✓ picked" in results.item(1).text() and "■ Yellow" in results.item(1).text()
    results.setCurrentRow(0)                   # f01 is not picked: the loupe opens on the whole library
    qtbot.keyClick(results, Qt.Key_Return)
    assert window.tabs.currentWidget() is window.library and window.library.in_loupe
    assert model.row_at(window.library.loupe.row).path == paths[0]


def test_one_key_on_a_selection_is_one_undo_step(window, qtbot):
    """A trial: 6 photos selected, X, Ctrl+Z once: 5 stayed rejected."""
    from PySide6.QtCore import QItemSelectionModel

    model, grid = window.library.model_, window.library.grid
    rows = [i for i in range(model.rowCount()) if model.row_at(i).name.startswith("f0")][:4]
    assert len(rows) == 4
    grid.clearSelection()
    for i in rows:
        grid.selectionModel().select(model.index(i, 0), QItemSelectionModel.Select)
    assert grid.apply("pick", -1) == 4
    ids = [model.row_at(i).photo_id for i in rows]
    cat = window.session.catalog
    assert [cat.decisions.state(p).pick for p in ids] == [-1] * 4
    grid.apply("rating", 3)
    qtbot.keyClick(grid, Qt.Key_Z, Qt.ControlModifier)
    assert [cat.decisions.state(p).pick for p in ids] == [-1] * 4 and not any(cat.decisions.state(p).rating for p in ids)
    qtbot.keyClick(grid, Qt.Key_Z, Qt.ControlModifier)     # the reject of all four: one step
    assert [cat.decisions.state(p).pick for p in ids] == [0] * 4


def test_an_undo_held_up_by_a_decision_made_elsewhere_says_so(window, qtbot):
    """A trial: P in the grid, a `pick` from the command line on another photo, then Ctrl+Z in
    the window: nothing was undone and nothing said so."""
    from PySide6.QtCore import QItemSelectionModel

    model, grid = window.library.model_, window.library.grid
    i = next(i for i in range(model.rowCount()) if model.row_at(i).name == "f01.jpg")
    grid.selectionModel().select(model.index(i, 0), QItemSelectionModel.ClearAndSelect)
    grid.apply("pick", 1)
    with Catalog(window.db) as other:
        decide(other, _row(model, "tuxpaint-data_sheep.jpg").photo_id, "rating", 2)
    qtbot.keyClick(grid, Qt.Key_Z, Qt.ControlModifier)
    assert window.session.catalog.decisions.state(_row(model, "f01.jpg").photo_id).pick == 1
    assert "Nothing undone" in window.statusBar().currentMessage()
