"""Single photos are culled in the library grid: keys on the selection, badges, filters."""
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from tests.helpers import REPO
from tests.ui.demo_window import index_demo, open_window


@pytest.fixture
def window(qtbot, isolated_settings, tmp_path):
    _, db = index_demo(tmp_path, copy=False)
    w = open_window(qtbot, db, library_tab=False)
    yield w
    w.close()


def _select(grid, names):
    model, sel = grid.model(), grid.selectionModel()
    sel.clearSelection()
    for row in range(model.rowCount()):
        if model.row_at(row).name in names:
            sel.select(model.index(row, 0), QItemSelectionModel.Select)


def test_keys_decide_the_selected_photos_and_filters_follow(window, qtbot, tmp_path):
    view, grid = window.library, window.library.grid
    cat = window.session.catalog
    window.tabs.setCurrentWidget(view)
    _select(grid, {"scikit-image_chelsea.jpg", "scikit-image_coffee.jpg"})
    qtbot.keyClick(grid, Qt.Key_P)
    _select(grid, {"opencv-doc_fruits.jpg"})
    qtbot.keyClick(grid, Qt.Key_X)
    qtbot.keyClick(grid, Qt.Key_3)
    rows = {view.model_.row_at(i).name: view.model_.row_at(i) for i in range(view.model_.rowCount())}
    assert rows["scikit-image_chelsea.jpg"].state.pick == 1
    assert rows["opencv-doc_fruits.jpg"].state.pick == -1 and rows["opencv-doc_fruits.jpg"].state.rating == 3
    text = view.model_.data(view.model_.index(list(rows).index("opencv-doc_fruits.jpg"), 0))
    assert "✗ rejected" in text and "★★★" in text
    view.set_view("picked")
    assert view.model_.rowCount() == 2 and "2 of 10" in view.count.text()
    view.set_view("rejected")
    assert [view.model_.row_at(0).name] == ["opencv-doc_fruits.jpg"]
    view.set_view("undecided", sort="name")
    assert view.model_.rowCount() == 7
    window.grab().save(str(tmp_path / "library_culling.png"))
    # one undo step per key: the rating, then the reject
    qtbot.keyClick(grid, Qt.Key_Z, Qt.ControlModifier)
    qtbot.keyClick(grid, Qt.Key_Z, Qt.ControlModifier)
    photo = cat.photos.id_for_path(str(REPO / "resources" / "demo" / "opencv-doc_fruits.jpg"))
    assert cat.decisions.state(photo).pick == 0 and cat.decisions.state(photo).rating is None
