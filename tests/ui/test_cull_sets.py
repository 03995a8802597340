"""Issue 31 in the window: an exposure bracket shows in the cull view as one set, kept whole
(no suggested best, nothing suggested for rejection), and Shift+P / Shift+X decide all its
frames as one action that one undo takes back."""
from PySide6.QtCore import Qt

from tests.ui.set_library import open_indexed, write_bracket, write_burst


def _culling(qtbot, tmp_path, write):
    """(window, cull view, its set) on a library of the one set ``write`` makes."""
    root = tmp_path / "lib"
    write(root)
    window = open_indexed(qtbot, tmp_path, root)
    window.tabs.setCurrentWidget(window.cull)
    return window, window.cull, window.cull.burst


def test_a_bracket_is_culled_as_one_set(qtbot, isolated_settings, tmp_path):
    window, cull, burst = _culling(qtbot, tmp_path, write_bracket)
    assert burst.kind == "bracket" and burst.best is None and burst.suggested is None
    assert cull.header.text().startswith("Exposure bracket 1 of 1")
    assert "Kept whole" in cull.reasons.text() and "Suggested best" not in cull.reasons.text()
    assert not any("suggested" in cull.strip.item(i).text() for i in range(cull.strip.count()))
    window.grab().save(str(tmp_path / "cull_bracket.png"))

    cat = window.session.catalog
    qtbot.keyClick(cull, Qt.Key_X, Qt.ShiftModifier)
    assert [cat.decisions.state(p).pick for p in burst.photo_ids] == [-1, -1, -1]
    qtbot.keyClick(cull, Qt.Key_Z, Qt.ControlModifier)          # one action: one undo brings all three back
    assert [cat.decisions.state(p).pick for p in burst.photo_ids] == [0, 0, 0]
    qtbot.keyClick(cull, Qt.Key_P, Qt.ShiftModifier)
    assert [cat.decisions.state(p).pick for p in burst.photo_ids] == [1, 1, 1]
    assert all(not cat.decisions.state(p).best for p in burst.photo_ids)
    window.close()


def test_shift_x_does_not_reject_a_whole_burst(qtbot, isolated_settings, tmp_path):
    window, cull, burst = _culling(qtbot, tmp_path, write_burst)
    assert burst.kind == "burst" and burst.best is not None
    qtbot.keyClick(cull, Qt.Key_X, Qt.ShiftModifier)
    cat = window.session.catalog
    assert [cat.decisions.state(p).pick for p in burst.photo_ids] == [0] * len(burst.photo_ids)
    assert "decide each frame" in cull.reasons.text()
    window.close()
