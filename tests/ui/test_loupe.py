"""The 100 % loupe opens on the main face, in both frames of a compare."""
from PySide6.QtGui import QImage

from app.core.focus import focus_point
from app.ui.views.image_view import ImageView


def test_focus_is_the_main_face_else_the_centre(catalog):
    pid = catalog.photos.upsert("/lib/portrait.jpg", {"status": "ok", "content_hash": "hp", "width": 4000,
                                                       "height": 3000})
    assert focus_point(catalog, pid) == (0.5, 0.5)
    for box in ((100, 100, 50, 50), (2900, 600, 400, 500)):          # the larger face wins
        catalog.conn.execute("INSERT INTO faces (photo_id, x, y, w, h) VALUES (?, ?, ?, ?, ?)", (pid, *box))
    catalog.conn.commit()
    fx, fy = focus_point(catalog, pid)
    assert (fx, fy) == (3100 / 4000, (600 + 0.4 * 500) / 3000)


def test_the_loupe_centres_the_focus_point(qtbot):
    view = ImageView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.focus = (0.775, 0.267)
    view.set_actual_size(True)
    image = QImage(4000, 3000, QImage.Format_RGB32)
    image.fill(0x808080)
    view.set_image(image)
    qtbot.wait(50)
    vw, vh = view.viewport().width(), view.viewport().height()
    assert abs(view.horizontalScrollBar().value() - (0.775 * 4000 - vw / 2)) <= 2
    assert abs(view.verticalScrollBar().value() - (0.267 * 3000 - vh / 2)) <= 2
