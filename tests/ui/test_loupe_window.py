"""Every photo of the grid opens large in the loupe (Enter, F, double-click), with a filmstrip
in the grid's filter order, the cull keys, auto-advance, zoom steps on a dark surround, the
facts and the histogram beside it."""
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from tests.ui.demo_window import index_demo, open_window


@pytest.fixture
def window(qtbot, isolated_settings, tmp_path):
    _, db = index_demo(tmp_path, copy=False)
    w = open_window(qtbot, db)
    yield w
    w.close()


def _row_named(model, name):
    return next(i for i in range(model.rowCount()) if model.row_at(i).name == name)


def _shown(qtbot, loupe):
    """Wait until the loupe shows its photo's picture (decoded off the GUI thread)."""
    qtbot.waitUntil(lambda: not loupe.view.image().isNull(), timeout=10000)
    return loupe.view.image()


def test_enter_opens_any_photo_and_the_keys_decide_it(window, qtbot, tmp_path):
    lib, grid, model = window.library, window.library.grid, window.library.model_
    cat = window.session.catalog
    row = _row_named(model, "scikit-image_coffee.jpg")          # a single photo, not in a burst
    grid.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(grid, Qt.Key_Return)
    loupe = lib.loupe
    assert lib.in_loupe and loupe.row == row
    image = _shown(qtbot, loupe)
    assert image.width() > 300 and "scikit-image_coffee.jpg" in loupe.title.text()
    assert f"{row + 1} of {model.rowCount()}" in loupe.title.text()
    assert loupe.strip.model() is model and loupe.strip.currentIndex().row() == row
    pid = model.row_at(row).photo_id
    qtbot.keyClick(loupe, Qt.Key_P)
    assert cat.decisions.state(pid).pick == 1 and loupe.row == row     # auto-advance is off
    qtbot.keyClick(loupe, Qt.Key_3)
    assert cat.decisions.state(pid).rating == 3
    qtbot.keyClick(loupe, Qt.Key_6)
    assert cat.decisions.state(pid).label == "Red"
    assert "■ Red" in loupe.title.text()
    qtbot.keyClick(loupe, Qt.Key_6)                              # the same key again: off
    assert cat.decisions.state(pid).label is None
    qtbot.keyClick(loupe, Qt.Key_8)
    assert cat.decisions.state(pid).label == "Green"
    assert model.row_at(row).state.label == "Green"              # the grid's cell has it too
    qtbot.keyClick(loupe, Qt.Key_Z, Qt.ControlModifier)          # undo: the label
    assert cat.decisions.state(pid).label is None
    # auto-advance: a decision moves on to the next photo
    loupe.auto_advance.setChecked(True)
    qtbot.keyClick(loupe, Qt.Key_X)
    assert cat.decisions.state(pid).pick == -1 and loupe.row == row + 1
    qtbot.keyClick(loupe, Qt.Key_Left)
    assert loupe.row == row
    lib.set_view("rejected")                                     # a reload moves rows: the loupe keeps its photo
    assert model.rowCount() == 1 and loupe.row == 0 != row and model.row_at(0).photo_id == pid
    lib.set_view("all")
    assert loupe.row == row and model.row_at(row).photo_id == pid
    qtbot.keyClick(loupe, Qt.Key_Escape)
    assert not lib.in_loupe and grid.currentIndex().row() == row
    qtbot.keyClick(grid, Qt.Key_F)
    assert lib.in_loupe
    loupe.close_loupe()
    # a double-click on another cell opens that one
    other = _row_named(model, "opencv-doc_fruits.jpg")
    rect = grid.visualRect(model.index(other, 0))
    qtbot.mouseClick(grid.viewport(), Qt.LeftButton, pos=rect.center())     # (a double-click follows a press)
    qtbot.mouseDClick(grid.viewport(), Qt.LeftButton, pos=rect.center())
    assert lib.in_loupe and loupe.row == other


def test_the_filmstrip_follows_the_filter_and_burst_frames_open_too(window, qtbot):
    lib, grid, model = window.library, window.library.grid, window.library.model_
    cat = window.session.catalog
    chosen = ["f01.jpg", "f02.jpg", "tuxpaint-data_sheep.jpg"]         # burst frames and a single
    for name in chosen:
        grid.setCurrentIndex(model.index(_row_named(model, name), 0))
        qtbot.keyClick(grid, Qt.Key_P)
    assert all(cat.decisions.state(model.row_at(_row_named(model, n)).photo_id).pick == 1 for n in chosen)
    lib.set_view("picked", sort="name")
    n = model.rowCount()
    assert n == 3
    lib.open_loupe(0)
    loupe = lib.loupe
    _shown(qtbot, loupe)
    seen = []
    for _ in range(n + 1):                                       # one more: it stops at the end
        seen.append(model.row_at(loupe.row).name)
        qtbot.keyClick(loupe, Qt.Key_Right)
    assert seen[:n] == sorted(chosen, key=str.lower) and loupe.row == n - 1
    assert loupe.strip.model().rowCount() == n
    # a reject in the loupe leaves the photo where it is until the filter is applied again
    qtbot.keyClick(loupe, Qt.Key_X)
    assert model.rowCount() == 3 and model.row_at(loupe.row).state.pick == -1


def test_zoom_steps_click_to_zoom_and_a_dark_surround(window, qtbot, tmp_path):
    lib, model = window.library, window.library.model_
    lib.open_loupe(_row_named(model, "scikit-image_chelsea.jpg"))      # 451 x 300: small at any zoom
    loupe, view = lib.loupe, lib.loupe.view
    _shown(qtbot, loupe)
    assert view.zoom is None and loupe.zoom_label.text().startswith("Fit")
    qtbot.keyClick(loupe, Qt.Key_Z)
    assert view.zoom == 1.0 and loupe.zoom_label.text() == "100 %"
    qtbot.keyClick(loupe, Qt.Key_Plus)
    assert view.zoom == 2.0 and loupe.zoom_label.text() == "200 %"
    qtbot.waitUntil(lambda: view.image().width() == 451)          # the full decode
    assert view.canvas.width() == 902
    for expected in (1.0, 0.5, None, None):
        qtbot.keyClick(loupe, Qt.Key_Minus)
        assert view.zoom == expected
    qtbot.keyClick(loupe, Qt.Key_Plus)
    assert view.zoom == 0.5
    qtbot.wait(50)
    shot = view.grab()
    shot.save(str(tmp_path / "loupe_50.png"))
    corner = shot.toImage().pixelColor(5, shot.height() - 5)
    assert corner == QColor("#1c1c1c"), corner.name()          # no light-grey surround around a small picture
    view.set_zoom(None)
    qtbot.wait(50)
    r = view.image_rect()
    click = QPoint(r.left() + int(r.width() * 0.75), r.top() + int(r.height() * 0.25))
    qtbot.mouseClick(view.canvas, Qt.LeftButton, pos=click)
    assert view.zoom == 1.0
    assert abs(view.focus[0] - 0.75) < 0.02 and abs(view.focus[1] - 0.25) < 0.02
    qtbot.mouseClick(view.canvas, Qt.LeftButton, pos=QPoint(10, 10))
    assert view.zoom is None


def test_facts_histogram_and_clipping_beside_the_picture(window, qtbot, tmp_path):
    lib, model = window.library, window.library.model_
    lib.open_loupe(_row_named(model, "tuxpaint-data_lighthouse.jpg"))
    loupe = lib.loupe
    _shown(qtbot, loupe)
    qtbot.waitUntil(lambda: loupe.info.histogram.hist is not None)       # the panel follows the picture
    facts = dict(loupe.info.facts)
    assert facts["File"] == "tuxpaint-data_lighthouse.jpg" and "×" in facts["Size"]
    hist = loupe.info.histogram.hist
    assert hist is not None and hist.luma.sum() > 0 and len(hist.red) == 256
    assert loupe.info.isVisible()
    qtbot.keyClick(loupe, Qt.Key_I)
    assert not loupe.info.isVisible()
    qtbot.keyClick(loupe, Qt.Key_I)
    assert not loupe.view.clipping
    qtbot.keyClick(loupe, Qt.Key_J)
    assert loupe.view.clipping and loupe.view._mask is not None
    window.grab().save(str(tmp_path / "loupe_info.png"))


def test_zoomed_in_the_next_photo_shows_the_same_place(window, qtbot):
    lib, model = window.library, window.library.model_
    lib.set_view("all", sort="name")
    first = _row_named(model, "f01.jpg")                  # five frames of one burst, 1200 px wide or more
    lib.open_loupe(first)
    loupe, view = lib.loupe, lib.loupe.view
    _shown(qtbot, loupe)
    view.set_zoom(2.0, anchor=(0.8, 0.7))
    qtbot.waitUntil(lambda: loupe.previews.get(model.row_at(first).path, True) is not None)
    qtbot.wait(50)
    before = view.visible_centre()
    qtbot.keyClick(loupe, Qt.Key_Right)
    qtbot.waitUntil(lambda: loupe.previews.get(model.row_at(first + 1).path, True) is not None)
    qtbot.wait(50)
    after = view.visible_centre()
    assert view.zoom == 2.0 and abs(after[0] - before[0]) < 0.02 and abs(after[1] - before[1]) < 0.02
    assert before[0] > 0.6 and before[1] > 0.55


def test_survey_of_the_selected_photos(window, qtbot, tmp_path):
    from PySide6.QtCore import QItemSelectionModel

    lib, grid, model = window.library, window.library.grid, window.library.model_
    cat = window.session.catalog
    names = ["f01.jpg", "f02.jpg", "f03.jpg", "tuxpaint-data_sheep.jpg"]
    grid.setCurrentIndex(model.index(_row_named(model, names[0]), 0))
    for name in names:
        grid.selectionModel().select(model.index(_row_named(model, name), 0), QItemSelectionModel.Select)
    qtbot.keyClick(grid, Qt.Key_N)
    survey = lib.survey
    assert lib.pages.currentWidget() is survey
    assert sorted(r.name for r in survey.rows) == sorted(names)
    shown = [c for c in survey.cells if c.isVisible()]
    assert len(shown) == 4
    places = sorted(survey.grid.getItemPosition(survey.grid.indexOf(c))[:2] for c in shown)
    assert places == [(0, 0), (0, 1), (1, 0), (1, 1)]               # four as 2 x 2 in a landscape window
    qtbot.waitUntil(lambda: all(not c.view.image().isNull() for c in shown), timeout=10000)
    first = survey.rows[0]
    qtbot.keyClick(survey, Qt.Key_X)                          # on the active photo
    assert cat.decisions.state(first.photo_id).pick == -1 and shown[0].view.dimmed
    qtbot.keyClick(survey, Qt.Key_Right)
    qtbot.keyClick(survey, Qt.Key_9)
    assert cat.decisions.state(survey.rows[1].photo_id).label == "Blue"
    qtbot.mouseClick(shown[3].view.canvas, Qt.LeftButton, pos=shown[3].view.canvas.rect().center())
    assert survey.active == 3
    qtbot.keyClick(survey, Qt.Key_P)
    assert cat.decisions.state(survey.rows[3].photo_id).pick == 1
    assert next(r for r in model._all if r.photo_id == survey.rows[3].photo_id).state.pick == 1   # the grid too
    window.grab().save(str(tmp_path / "survey.png"))
    qtbot.keyClick(survey, Qt.Key_Escape)
    assert lib.pages.currentIndex() == 0 and len(grid.selected_rows()) == 4
    grid.selectionModel().clearSelection()
    qtbot.keyClick(grid, Qt.Key_N)                            # one photo or none: no survey, said why
    assert lib.pages.currentIndex() == 0 and "select 2 to 12" in lib.count.text()


def test_a_photo_that_cannot_be_decoded_is_said_once(window, qtbot):
    lib, model = window.library, window.library.model_
    row = _row_named(model, "tuxpaint-data_sheep.jpg")
    loupe = lib.loupe
    calls = []
    real = loupe.previews.workers.start

    def counting(fn, **kw):
        calls.append(1)
        return real(lambda cancel: (_ for _ in ()).throw(OSError("unreadable")), **kw)

    loupe.previews.workers.start = counting
    try:
        lib.open_loupe(row)
        qtbot.waitUntil(lambda: (model.row_at(row).path, False) in loupe.previews.failed, timeout=5000)
        qtbot.wait(200)
        assert "cannot show this photo" in loupe.view._text and "unreadable" in loupe.view._text
        assert len(calls) <= 4                      # the photo and its neighbours once each, no retry loop
    finally:
        loupe.previews.workers.start = real
