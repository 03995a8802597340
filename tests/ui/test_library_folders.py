"""The Library view's folder tree and combinable filters through the real window: a folder AND
picked AND rating >= N AND a person AND a colour label."""
import os

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from app.core.catalog import Catalog  # noqa: E402
from app.core.culling import decide  # noqa: E402
from app.core.indexer import index_library  # noqa: E402
from app.core.jobs import drive  # noqa: E402
from tests.ui.demo_window import open_window  # noqa: E402
from tests.helpers import REPO  # noqa: E402

DEMO = str(REPO / "resources" / "demo")
BURST = os.path.join(DEMO, "tree-burst")


@pytest.fixture
def window(qtbot, isolated_settings, tmp_path):
    db = tmp_path / "catalog.db"
    with Catalog(db) as cat:
        drive(index_library(cat, DEMO))
        ids = {os.path.relpath(p, DEMO): pid for pid, p, *_ in cat.photos.grid()}
        for name in ("tree-burst/f01.jpg", "tree-burst/f02.jpg", "tree-burst/f03.jpg", "scikit-image_chelsea.jpg"):
            decide(cat, ids[name], "pick", 1)
            decide(cat, ids[name], "rating", 4)
        decide(cat, ids["tree-burst/f02.jpg"], "rating", 2)
        decide(cat, ids["tree-burst/f04.jpg"], "rating", 5)           # not picked
        for name in ("tree-burst/f01.jpg", "tree-burst/f03.jpg", "scikit-image_chelsea.jpg"):
            decide(cat, ids[name], "label", None, "Green")
        face = {}
        for name in ("tree-burst/f01.jpg", "tree-burst/f02.jpg", "tree-burst/f04.jpg", "scikit-image_chelsea.jpg"):
            face[name] = cat.conn.execute("INSERT INTO faces (photo_id, x, y, w, h) VALUES (?, 10, 10, 50, 50)",
                                          (ids[name],)).lastrowid
        cat.conn.commit()
        cat.people.assign([face["tree-burst/f01.jpg"], face["tree-burst/f02.jpg"], face["tree-burst/f04.jpg"]], "Ada")
        cat.people.assign([face["scikit-image_chelsea.jpg"]], "Chelsea")
    w = open_window(qtbot, db, DEMO, library_tab=False, size=(1400, 800))
    yield w
    w.close()


def _names(view):
    return sorted(os.path.relpath(view.model_.row_at(i).path, DEMO) for i in range(view.model_.rowCount()))


def test_folder_tree_and_filters_combine(window, qtbot, tmp_path):
    view = window.library
    window.tabs.setCurrentWidget(view)
    tree = view.folders
    top = tree.topLevelItem(0)
    assert top.text(0) == "Whole library  (10)"
    sub = tree.item_for(BURST)
    assert sub is not None and sub.text(0) == "tree-burst  (5)"
    # a click on the folder: only its photos
    rect = tree.visualItemRect(sub)
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=rect.center())
    assert _names(view) == [f"tree-burst/f0{i}.jpg" for i in range(1, 6)]
    assert view.folder_label.isVisible() and "5 of 10" in view.count.text()
    # AND picked AND rating >= 3 (through the combo boxes, as a user chooses them)
    view.filter.setCurrentIndex(view.filter.findData("picked"))
    assert _names(view) == ["tree-burst/f01.jpg", "tree-burst/f02.jpg", "tree-burst/f03.jpg"]
    view.stars.setCurrentIndex(view.stars.findData(3))
    assert _names(view) == ["tree-burst/f01.jpg", "tree-burst/f03.jpg"]
    # AND a person
    view.person.setCurrentIndex(view.person.findData("Ada"))
    assert _names(view) == ["tree-burst/f01.jpg"]
    # AND a colour label
    view.label.setCurrentIndex(view.label.findData("Green"))
    assert _names(view) == ["tree-burst/f01.jpg"]
    view.label.setCurrentIndex(view.label.findData("Red"))
    assert _names(view) == []
    view.label.setCurrentIndex(view.label.findData("Green"))
    view.grab().save(str(tmp_path / "library_folders.png"))
    if os.environ.get("SHOTS"):
        window.grab().save(os.path.join(os.environ["SHOTS"], "library_folders.png"))
    # the whole library again: the other filters stay (chelsea is picked, 4 stars, green, not Ada)
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=tree.visualItemRect(top).center())
    assert _names(view) == ["tree-burst/f01.jpg"] and not view.folder_clear.isVisible()
    view.person.setCurrentIndex(view.person.findData("Chelsea"))
    assert _names(view) == ["scikit-image_chelsea.jpg"]
    view.set_view("all")
    assert len(_names(view)) == 10
    # "Whole library" in the bar and the tree agree
    tree_item = tree.item_for(BURST)
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=tree.visualItemRect(tree_item).center())
    assert len(_names(view)) == 5
    qtbot.mouseClick(view.folder_clear, Qt.LeftButton)
    assert len(_names(view)) == 10 and tree.currentItem() is tree.topLevelItem(0)
