"""In the People tab, naming a cluster leaves the other unnamed clusters' numbers as they were,
and the name shows in the library's person filter at once."""
import os

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QInputDialog, QPushButton  # noqa: E402

from app.core.catalog import Catalog  # noqa: E402
from app.core.indexer import index_library  # noqa: E402
from app.core.jobs import drive  # noqa: E402
from tests.ui.demo_window import DEMO, open_window  # noqa: E402



def _labels(view):
    return [view.list.item(i).text() for i in range(view.list.count())]


def _people_view(qtbot, tmp_path, sizes: tuple[int, ...], seed: int):
    """(window, People view, photo ids) on the indexed demo with ``sizes[i]`` faces of person i,
    each face on its own photo, once the view lists the people."""
    db = tmp_path / "catalog.db"
    rng = np.random.default_rng(seed)
    with Catalog(db) as cat:
        drive(index_library(cat, str(DEMO)))
        photos = [pid for pid, *_ in cat.photos.grid()]
        k = 0
        for person, size in enumerate(sizes):
            base = np.zeros(128, np.float32)
            base[person] = 1.0
            for _ in range(size):
                vec = (base + 0.05 * rng.standard_normal(128)).astype(np.float32)
                cat.conn.execute("INSERT INTO faces (photo_id, x, y, w, h, embedding) VALUES (?, 20, 20, 80, 80, ?)",
                                 (photos[k], vec.tobytes()))
                k += 1
        cat.conn.commit()
    window = open_window(qtbot, db, library_tab=False)
    view = window.people
    window.tabs.setCurrentWidget(view)
    view.reload()
    qtbot.waitUntil(lambda: view.list.count() == len(sizes), timeout=30_000)
    return window, view, photos


def test_naming_one_cluster_keeps_the_others_numbers(qtbot, isolated_settings, tmp_path, monkeypatch):
    window, view, _ = _people_view(qtbot, tmp_path, (4, 3, 2), seed=1)        # three people, on different photos
    assert _labels(view) == ["person-1 — 4 faces", "person-2 — 3 faces", "person-3 — 2 faces"]
    # name person-2 through the Name button and its dialog
    view.list.setCurrentRow(1)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Ada", True)))
    button = next(b for b in view.findChildren(QPushButton) if b.text().lower().startswith("name"))
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Ada — 3 faces" in _labels(view), timeout=30_000)
    assert _labels(view) == ["Ada — 3 faces", "person-1 — 4 faces", "person-3 — 2 faces"]
    # then person-3: person-1 is still person-1
    view.list.setCurrentRow(2)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Bo", True)))
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Bo — 2 faces" in _labels(view), timeout=30_000)
    assert _labels(view) == ["Ada — 3 faces", "Bo — 2 faces", "person-1 — 4 faces"]
    if os.environ.get("SHOTS"):
        window.grab().save(os.path.join(os.environ["SHOTS"], "people_numbers.png"))
    # the names are in the library's person filter at once
    lib = window.library
    qtbot.waitUntil(lambda: lib.person.findData("Bo") >= 0 and lib.person.findData("Ada") >= 0, timeout=10_000)
    window.close()


def test_a_photo_gone_since_the_faces_were_grouped_is_left_out(qtbot, isolated_settings, tmp_path, monkeypatch):
    """Found in review: showing a person whose photo left the catalog after the grouping raised
    TypeError ('NoneType' is not subscriptable)."""
    window, view, photos = _people_view(qtbot, tmp_path, (3,), seed=2)
    gone = photos[0]
    real_get = view.session.catalog.photos.get
    monkeypatch.setattr(view.session.catalog.photos, "get", lambda pid: None if pid == gone else real_get(pid))
    view._show_cluster(0)                       # raised TypeError before
    assert view.photos.model().rowCount() == 2
    window.close()
