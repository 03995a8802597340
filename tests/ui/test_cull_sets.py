"""Issue 31 in the window: an exposure bracket shows in the cull view as one set, kept whole
(no suggested best, nothing suggested for rejection), and Shift+P / Shift+X decide all its
frames as one action that one undo takes back."""
from PIL import Image
from PySide6.QtCore import Qt

from app.core.catalog import Catalog
from app.core.features.compute import FeaturePipeline
from app.core.indexer import index_library
from app.core.jobs import drive
from app.ui.main_window import MainWindow
from benchmarks.sets_quality import expose, save
from tests.helpers import sample

T = 1_660_000_000.0


def test_a_bracket_is_culled_as_one_set(qtbot, isolated_settings, tmp_path):
    root = tmp_path / "lib"
    view = Image.open(sample("photos/tuxpaint-data_cliff.jpg")).convert("RGB")
    for i, (seconds, ev) in enumerate(((1 / 8, 0), (1.0, 3), (8.0, 6))):
        save(expose(view, ev - 3), root / "bracket" / f"IMG_{i + 1:04d}.jpg", T + 1.5 * i, (seconds, 11.0, 100))
    db = tmp_path / "catalog.db"
    with Catalog(db) as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=1))
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.open_library(None, str(db), index=False)
    window.show()
    cull = window.cull
    qtbot.waitUntil(lambda: len(cull.bursts) == 1, timeout=60_000)
    window.tabs.setCurrentWidget(cull)
    burst = cull.burst
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
    root = tmp_path / "lib"
    for i, frame in enumerate(sorted(sample("bursts/hamilton-burst01_t1s").glob("*.jpg"))):
        save(Image.open(frame), root / "burst" / frame.name, T + 200 + 0.4 * i, (1 / 250, 4.0, 200))
    db = tmp_path / "catalog.db"
    with Catalog(db) as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=1))
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_library(None, str(db), index=False)
    window.show()
    cull = window.cull
    qtbot.waitUntil(lambda: len(cull.bursts) == 1, timeout=60_000)
    window.tabs.setCurrentWidget(cull)
    burst = cull.burst
    assert burst.kind == "burst" and burst.best is not None
    qtbot.keyClick(cull, Qt.Key_X, Qt.ShiftModifier)
    cat = window.session.catalog
    assert [cat.decisions.state(p).pick for p in burst.photo_ids] == [0] * len(burst.photo_ids)
    assert "decide each frame" in cull.reasons.text()
    window.close()
