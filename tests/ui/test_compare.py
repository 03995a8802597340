"""Compare of 2 to 4 frames in the cull view: which frames, laid out how, zoom and pan in step,
frames chosen with Ctrl+click in the filmstrip."""
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QObject, Qt, Signal

from app.core.triage import BurstView
from app.ui.views.cull_view import CullView, compare_ids

PHOTO = Path(__file__).resolve().parents[2] / "resources/demo/scikit-image_coffee.jpg"


def _burst(folder: Path) -> list[Path]:
    """Five frames larger than the panels (so 100 % scrolls), each shifted a little."""
    big = Image.open(PHOTO).convert("RGB").resize((1800, 1200))
    out = []
    for i in range(5):
        path = folder / f"f0{i + 1}.jpg"
        big.crop((i * 10, 0, 1600 + i * 10, 1100)).save(path, quality=85)
        out.append(path)
    return out


class _Thumbs(QObject):
    ready = Signal(str)

    def get(self, _hash):
        return None


class _Workers:
    """Runs a job at once, on the calling thread."""

    def start(self, fn, on_result=None, pool=None, **_):
        result = fn(None)
        if on_result is not None:
            on_result(result)


class _Session:
    def __init__(self, catalog):
        self.catalog = catalog


def test_compare_shows_the_current_frame_then_the_best_then_the_contenders():
    b = BurstView("b", [1, 2, 3, 4, 5], [""] * 5, [None] * 5, best=4, order=[4, 2, 5, 1, 3])
    assert compare_ids(b, 1, [], 2) == [1, 4]
    assert compare_ids(b, 1, [], 4) == [1, 4, 2, 5]
    assert compare_ids(b, 4, [], 3) == [4, 2, 5]
    assert compare_ids(b, 3, [1, 3, 5], 2) == [3, 1, 5]          # frames chosen in the strip win
    assert compare_ids(b, 2, [1, 5], 2) == [1, 5]
    assert compare_ids(b, 1, [1, 2, 3, 4, 5], 2) == [1, 2, 3, 4]  # at most four


def _cull(qtbot, catalog, folder):
    burst = _burst(folder)
    ids = [catalog.photos.upsert(str(p), {"status": "ok", "content_hash": f"h{i}", "width": 1600, "height": 1100})
           for i, p in enumerate(burst)]
    catalog.conn.commit()
    view = CullView(_Session(catalog), _Workers(), _Thumbs())
    qtbot.addWidget(view)
    view.resize(1200, 900)
    view.show()
    qtbot.waitExposed(view)
    order = [ids[2], ids[0], ids[4], ids[1], ids[3]]
    view._loaded([BurstView("b", ids, [str(p) for p in burst], [f"h{i}" for i in range(len(ids))], best=ids[2],
                            order=order, scores={p: 1 - i / 10 for i, p in enumerate(order)})])
    return view, ids, order


def _shown(view):
    return [i for i, panel in enumerate(view.panels) if panel.isVisible()]


def test_compare_two_to_four_frames_with_zoom_and_pan_in_step(qtbot, catalog, tmp_path):
    view, ids, order = _cull(qtbot, catalog, tmp_path)
    assert _shown(view) == [0] and not view.captions[0].isVisible()
    qtbot.keyClick(view, Qt.Key_C)
    assert view.shown_ids() == [ids[0], ids[2]] and _shown(view) == [0, 1]
    qtbot.keyClick(view, Qt.Key_Plus)
    qtbot.keyClick(view, Qt.Key_Plus)
    qtbot.keyClick(view, Qt.Key_Plus)                                # at most four
    assert view.shown_ids() == [ids[0], ids[2], ids[4], ids[1]] and _shown(view) == [0, 1, 2, 3]
    places = [view.grid.getItemPosition(view.grid.indexOf(view.panels[i]))[:2] for i in range(4)]
    assert places == [(0, 0), (0, 1), (1, 0), (1, 1)]                # four as 2 x 2
    assert all(c.isVisible() and c.text() for c in view.captions)
    assert "f03.jpg" in view.captions[1].text() and "suggested" in view.captions[1].text()
    qtbot.keyClick(view, Qt.Key_Z)                                   # 100 % in every panel at once
    assert all(v.actual_size for v in view.views)
    qtbot.waitUntil(lambda: all(not v._image.isNull() for v in view.views), timeout=20_000)
    qtbot.wait(50)
    bar = view.main_view.horizontalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 5)
    vbar = view.main_view.verticalScrollBar()
    vbar.setValue(vbar.maximum())
    for other in view.views[1:]:                                     # pan in step: the same place
        h, v = other.horizontalScrollBar(), other.verticalScrollBar()
        assert abs(h.value() / h.maximum() - bar.value() / bar.maximum()) < 0.01
        assert v.value() == v.maximum()
    qtbot.keyClick(view, Qt.Key_Minus)
    assert len(view.shown_ids()) == 3 and _shown(view) == [0, 1, 2]
    qtbot.keyClick(view, Qt.Key_C)
    assert _shown(view) == [0]


def test_frames_chosen_with_ctrl_click_are_compared(qtbot, catalog, tmp_path):
    view, ids, _ = _cull(qtbot, catalog, tmp_path)
    strip = view.strip
    for row, mods in ((1, Qt.NoModifier), (3, Qt.ControlModifier), (4, Qt.ControlModifier)):
        rect = strip.visualItemRect(strip.item(row))
        qtbot.mouseClick(strip.viewport(), Qt.LeftButton, mods, rect.center())
    assert view.compare
    assert sorted(view.shown_ids()) == sorted([ids[1], ids[3], ids[4]]) and view.shown_ids()[0] == ids[4]
    assert _shown(view) == [0, 1, 2]
    qtbot.keyClick(view, Qt.Key_C)                                   # off: the choice is cleared
    assert not view.compare and len(strip.selectedIndexes()) == 1


def test_colour_label_keys_in_the_cull_view(qtbot, catalog, tmp_path):
    view, ids, _ = _cull(qtbot, catalog, tmp_path)
    qtbot.keyClick(view, Qt.Key_7)
    assert catalog.decisions.state(ids[0]).label == "Yellow"
    assert "■ Yellow" in view.strip.item(0).text()
    qtbot.keyClick(view, Qt.Key_7)                                   # the same key again: off
    assert catalog.decisions.state(ids[0]).label is None
    qtbot.keyClick(view, Qt.Key_8)
    qtbot.keyClick(view, Qt.Key_Right)
    qtbot.keyClick(view, Qt.Key_X)
    view.strip.viewport().grab().save(str(tmp_path / "cull_strip.png"))
    from app.ui.library_model import RowRole
    cells = [view.strip.item(i).data(RowRole) for i in range(2)]       # what the marks delegate draws
    assert cells[0].state.label == "Green" and cells[1].state.pick == -1
