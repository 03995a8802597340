"""Marks at a glance: flags, stars, colour labels and the suggestion drawn on every grid cell
and filmstrip cell; colour labels (keys 6-9) stored and written to the sidecar as xmp:Label."""

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor

from app.core.xmp.document import XMP
from app.core.xmp.sidecars import read_sidecar, sidecar_for
from app.core.xmp.convention import Convention
from app.ui.views.marks_delegate import LABEL_COLOURS
from tests.ui.demo_window import index_demo, open_window


@pytest.fixture
def window(qtbot, isolated_settings, tmp_path):
    _, db = index_demo(tmp_path, settings={"xmp.auto_write": "1"})
    w = open_window(qtbot, db)
    yield w
    w.close()


def _select(grid, name):
    model = grid.model()
    row = next(i for i in range(model.rowCount()) if model.row_at(i).name == name)
    grid.selectionModel().clearSelection()
    grid.setCurrentIndex(model.index(row, 0))
    grid.selectionModel().select(model.index(row, 0), QItemSelectionModel.ClearAndSelect)
    return row


def _cell_pixel(view, row, dx, dy):
    rect = view.visualRect(view.model().index(row, 0))
    image = view.viewport().grab().toImage()
    return image.pixelColor(rect.left() + dx, rect.top() + dy)


def test_colour_labels_show_on_the_cell_and_go_to_xmp(window, qtbot, tmp_path):
    grid, model = window.library.grid, window.library.model_
    cat = window.session.catalog
    row = _select(grid, "scikit-image_coffee.jpg")
    path = model.row_at(row).path
    before = _cell_pixel(grid, row, 5, 40)
    qtbot.keyClick(grid, Qt.Key_6)
    assert cat.decisions.state(model.row_at(row).photo_id).label == "Red"
    assert _cell_pixel(grid, row, 5, 40) == QColor(LABEL_COLOURS["red"]) != before   # the cell's border
    conv = Convention.from_settings(cat.settings)
    doc = read_sidecar(sidecar_for(path, conv), conv)
    assert doc.fields.label == "Red"
    qtbot.keyClick(grid, Qt.Key_9)
    assert read_sidecar(sidecar_for(path, conv), conv).fields.label == "Blue"
    assert _cell_pixel(grid, row, 5, 40) == QColor(LABEL_COLOURS["blue"])
    qtbot.keyClick(grid, Qt.Key_9)                               # the same key again: off
    assert cat.decisions.state(model.row_at(row).photo_id).label is None
    assert read_sidecar(sidecar_for(path, conv), conv).fields.label is None
    assert _cell_pixel(grid, row, 5, 40) != QColor(LABEL_COLOURS["blue"])


def test_flags_stars_and_the_suggestion_are_marks_of_their_own(window, qtbot, tmp_path):
    grid, model = window.library.grid, window.library.model_
    row = _select(grid, "tuxpaint-data_sheep.jpg")
    qtbot.keyClick(grid, Qt.Key_P)
    qtbot.keyClick(grid, Qt.Key_4)
    text = model.data(model.index(row, 0))
    assert "✓ picked" in text and "★★★★" in text
    rect = grid.visualRect(model.index(row, 0))
    image = grid.viewport().grab().toImage()
    # the pick flag: white, top left; the stars: yellow, near the bottom
    flag = [image.pixelColor(x, y) for x in range(rect.left() + 6, rect.left() + 24)
            for y in range(rect.top() + 3, rect.top() + 20)]
    assert any(c.lightness() > 240 for c in flag)
    stars = [image.pixelColor(x, y) for x in range(rect.left(), rect.right())
             for y in range(rect.bottom() - 33, rect.bottom() - 17)]
    assert any(c.red() > 200 and c.green() > 170 and c.blue() < 120 for c in stars)
    window.grab().save(str(tmp_path / "grid_marks.png"))
    model.reload()                                # bursts ranked, an index step: the selection stays
    assert [r.name for r in grid.selected_rows()] == ["tuxpaint-data_sheep.jpg"] and grid.currentIndex().row() == row
    # the suggestion reads as a suggestion, never as a rating
    from app.core.catalog.decisions import DecisionState
    from app.core.library_grid import decision_marks
    marks = decision_marks(DecisionState(), suggested=True)
    assert marks == ["◆ suggested"] and not any("★" in m or "☆" in m for m in marks)


def test_a_sidecar_that_cannot_follow_is_said_once_in_a_dialog(window, qtbot):
    grid, model = window.library.grid, window.library.model_
    cat = window.session.catalog
    row = _select(grid, "tuxpaint-data_lighthouse.jpg")
    conv = Convention.from_settings(cat.settings)
    sidecar_for(model.row_at(row).path, conv).mkdir()           # a folder with the sidecar's name
    qtbot.keyClick(grid, Qt.Key_P)
    assert cat.decisions.state(model.row_at(row).photo_id).pick == 1          # the decision is safe
    assert "Your decision is saved" in window.last_error and "writable" in window.last_error
    window.last_error = None
    qtbot.keyClick(grid, Qt.Key_X)
    assert window.last_error is None and "not written" in window.statusBar().currentMessage()
