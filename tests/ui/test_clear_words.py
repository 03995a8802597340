"""A library is a library (a folder inside it opens it, filtered to the folder; the last library
and the window's size come back), and words that say what is happening."""
import shutil
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from app.core import paths
from app.core.catalog import Catalog
from app.core.indexer import index_library
from app.core.jobs import Progress, drive
from app.ui.main_window import MainWindow
from app.ui.views.training_view import outcome_text
from tests.helpers import REPO


def _indexed_library(tmp_path):
    root = tmp_path / "library"
    shutil.copytree(REPO / "resources" / "demo", root, ignore=shutil.ignore_patterns("*.tsv"))
    with Catalog(paths.find_catalog_path(str(root))) as cat:      # where opening the folder puts it
        drive(index_library(cat, str(root)))
    return root


def test_a_folder_inside_a_library_opens_that_library_filtered_to_it(qtbot, isolated_settings, tmp_path):
    root = _indexed_library(tmp_path)
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    assert w.open_library(str(root / "tree-burst"), index=False)
    assert w.session.folder == str(root) and w.session.catalog_path == paths.find_catalog_path(str(root))
    model = w.library.model_
    assert model.total == 10 and model.rowCount() == 5
    assert all("/tree-burst/" in model.row_at(i).path for i in range(5))
    assert w.library.folder_label.isVisibleTo(w) and "tree-burst" in w.windowTitle()
    assert w.library.folder_label.text() == "in tree-burst/"
    w.library.folder_clear.click()
    assert model.rowCount() == 10
    w.resize(w.minimumSizeHint().width(), 520)
    size = (w.width(), w.height())
    w.close()
    # the last library and the window's size come back
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.height() == 520 and again.width() <= size[0]     # (the offscreen screen is 800 wide)
    assert again.open_last(index=False) and again.session.folder == str(root)
    again.close()


def test_status_words_quit_key_and_menus_that_open_on_their_label(qtbot, isolated_settings, tmp_path):
    root = _indexed_library(tmp_path)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.open_library(str(root), index=False)
    assert w.statusBar().currentMessage() == "10 photos"              # no "0 skipped, 0 missing"
    empty = tmp_path / "empty"
    empty.mkdir()
    w.open_library(str(empty), index=False)
    assert w.statusBar().currentMessage() == "no photos in this library yet: Rescan reads the folder"
    w.open_library(str(root), index=False)
    w._index_started = 0.0
    w._index_progress([Progress("scan", 1, None)])
    assert w.progress_label.text() == "scanning the folder: 1 file found" and w.progress.maximum() == 0
    w._index_progress([Progress("index", 3, 10)])
    assert w.progress_label.text().startswith("indexing 3 of 10") and w.progress.value() == 3
    buttons = [w.toolbar.widgetForAction(a) for a in w.toolbar.actions() if a.menu() is not None]
    assert len(buttons) == 2 and all(b.popupMode() == QToolButton.InstantPopup for b in buttons)
    w.training.phase.setText("train: preparing")
    w.training._done(SimpleNamespace(needed=8, message="not enough picks yet: 12 preference pairs in 3 bursts",
                                     current_agreement=None, new_agreement=None))
    assert w.training.phase.text() == "not started: more decisions needed"
    assert w.training.result.text().startswith("not enough picks yet")
    w.cull.indexing = True
    w.cull._loaded([])
    assert "still being indexed" in w.cull.header.text()
    w.cull.indexing = False
    w.cull._loaded([])
    assert "No bursts in this library" in w.cull.header.text() and "Library" in w.cull.header.text()
    w.activateWindow()
    qtbot.waitActive(w)
    qtbot.keyClick(w.library.grid, Qt.Key_Q, Qt.ControlModifier)
    assert not w.isVisible()


def test_the_training_result_gives_the_margin_and_the_held_out_choices():
    kept = SimpleNamespace(current="default", current_agreement=0.903, new_agreement=0.911, adopted=False,
                           version=None, pairs=212, message="kept default")
    text = outcome_text(kept)
    assert "212 held-out choices" in text and "+0.8 points" in text and "at least 2.0" in text
    assert "Nothing changed" in text
    adopted = SimpleNamespace(current="default", current_agreement=0.80, new_agreement=0.86, adopted=True,
                              version="v1", pairs=90, message="adopted v1")
    text = outcome_text(adopted)
    assert text.startswith("Adopted v1") and "+6.0 points" in text and "Roll back" in text


def test_search_results_in_score_order_without_the_query(qtbot, isolated_settings, tmp_path):
    root = _indexed_library(tmp_path)
    w = MainWindow()
    qtbot.addWidget(w)
    w.open_library(str(root), index=False)
    s = w.search
    query = str(root / "tuxpaint-data_sheep.jpg")
    s.query_path, s.query_label = query, "tuxpaint-data_sheep.jpg"
    r = lambda p, sim, v=False: SimpleNamespace(path=str(root / p), similarity=sim, verified=v, photo_id=1)  # noqa: E731
    s._show([r("tuxpaint-data_sheep.jpg", 1.0, True), r("f01.jpg", 0.5), r("f02.jpg", 0.9, True), r("f03.jpg", 0.7)])
    assert [x.similarity for x in s.last_results] == [0.9, 0.7, 0.5]
    assert [s.results.item(i).text().split()[0] for i in range(s.results.count())] == ["0.90", "0.70", "0.50"]
    w.close()
