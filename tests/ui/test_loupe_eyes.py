"""The loupe zooms to the eyes of each face (E cycles the faces at 100 %), and its info panel
says the frame's eye state."""
import pytest

pytest.importorskip("pytestqt")

import numpy as np  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from app.core.catalog import Catalog  # noqa: E402
from app.core.indexer import index_library  # noqa: E402
from app.core.jobs import drive  # noqa: E402
from tests.ui.demo_window import DEMO, open_window  # noqa: E402

NAME = "scikit-image_chelsea.jpg"


@pytest.fixture
def window(qtbot, isolated_settings, tmp_path):
    from PIL import Image

    lib = tmp_path / "lib"                  # a 12-MP frame: at 100 % the view is a part of it
    lib.mkdir()
    Image.open(DEMO / NAME).resize((4000, 2660), Image.BICUBIC).save(lib / NAME, quality=90)
    Image.open(DEMO / "scikit-image_coffee.jpg").save(lib / "scikit-image_coffee.jpg")
    db = tmp_path / "catalog.db"
    with Catalog(db) as cat:
        drive(index_library(cat, str(lib)))
        pid = cat.photos.id_for_path(str(lib / NAME))
        photo = cat.photos.get(pid)
        w, h = photo["width"], photo["height"]
        # two faces (the cat's eyes and a smaller one): the larger with landmarks, open eyes;
        # the smaller from its box only, one eye closed
        marks = np.array([[0.42 * w, 0.30 * h], [0.58 * w, 0.30 * h], [0.5 * w, 0.4 * h],
                          [0.45 * w, 0.5 * h], [0.55 * w, 0.5 * h]], np.float32).tobytes()
        cat.conn.execute("INSERT INTO faces (photo_id, x, y, w, h, landmarks, eye_right, eye_left) "
                         "VALUES (?, ?, ?, ?, ?, ?, 0.3, 0.3)", (pid, 0.3 * w, 0.1 * h, 0.4 * w, 0.6 * h, marks))
        cat.conn.execute("INSERT INTO faces (photo_id, x, y, w, h, eye_right, eye_left) "
                         "VALUES (?, ?, ?, ?, ?, 0.3, 0.05)",
                         (pid, 0.75 * w, 0.6 * h, 0.22 * w, 0.3 * h))
        cat.conn.commit()
    win = open_window(qtbot, db)
    yield win, (w, h)
    win.close()


def test_e_cycles_the_faces_eyes_at_100_and_the_panel_says_their_state(window, qtbot, tmp_path):
    import os

    win, (w, h) = window
    lib, model = win.library, win.library.model_
    row = next(i for i in range(model.rowCount()) if model.row_at(i).name == NAME)
    lib.grid.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(lib.grid, Qt.Key_Return)
    loupe = lib.loupe
    qtbot.waitUntil(lambda: not loupe.view.image().isNull(), timeout=10000)
    assert loupe.view.zoom is None
    qtbot.keyClick(loupe, Qt.Key_E)
    assert loupe.view.zoom == 1.0
    assert loupe.view.focus == pytest.approx((0.5, 0.30), abs=1e-3)        # between the landmarks
    assert "eyes of face 1 of 2" in loupe.title.text()
    qtbot.waitUntil(lambda: loupe.view.image().width() == w, timeout=10000)   # the full decode at 100 %
    qtbot.wait(50)
    cx, cy = loupe.view.visible_centre()
    view_w, view_h = loupe.view.viewport().width() / w, loupe.view.viewport().height() / h
    # the eyes are in the middle of the view, as far as the picture's edges let them be
    assert view_w < 0.5 and view_h < 0.5
    assert abs(cx - 0.5) < 0.01 and abs(cy - 0.30) < 0.01, (cx, cy)
    qtbot.waitUntil(lambda: dict(loupe.info.facts).get("Eyes") is not None, timeout=5000)
    assert dict(loupe.info.facts)["Eyes"] == "1 open, 1 closed"
    if os.environ.get("SHOTS"):
        win.grab().save(os.path.join(os.environ["SHOTS"], "loupe_eyes_face1.png"))
    qtbot.keyClick(loupe, Qt.Key_E)                  # the next face: from its box, 40 % down
    assert loupe.view.focus == pytest.approx(((0.75 + 0.11), (0.6 + 0.4 * 0.3)), abs=1e-3)
    assert "eyes of face 2 of 2" in loupe.title.text() and loupe.view.zoom == 1.0
    qtbot.wait(50)
    if os.environ.get("SHOTS"):
        win.grab().save(os.path.join(os.environ["SHOTS"], "loupe_eyes_face2.png"))
    qtbot.keyClick(loupe, Qt.Key_E)                  # round again
    assert loupe.view.focus == pytest.approx((0.5, 0.30), abs=1e-3) and "face 1 of 2" in loupe.title.text()
    qtbot.keyClick(loupe, Qt.Key_Z)                  # fit: E starts again at the largest face
    assert loupe.view.zoom is None
    # a photo without faces says so and stays at fit
    other = next(i for i in range(model.rowCount()) if model.row_at(i).name == "scikit-image_coffee.jpg")
    loupe.show_row(other)
    assert "eyes of face" not in loupe.title.text()
    qtbot.keyClick(loupe, Qt.Key_E)
    assert loupe.view.zoom is None and "no faces found" in loupe.title.text()
    win.grab().save(str(tmp_path / "eyes.png"))
