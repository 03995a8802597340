"""The 100 % loupe opens on the main face, or on the sharpest detail of a photo without one, in
every frame of a compare."""
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter
from PySide6.QtGui import QImage

from app.core.focus import detail_focus, focus_point
from app.core.thumbnails import thumb_path, write_thumbnail
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


def _sharp_patch_in_blur(centre: tuple[float, float]) -> Image.Image:
    """A real photo blurred all over except one patch (what a shallow depth of field leaves)."""
    photo = Image.open(Path(__file__).resolve().parents[2] / "resources/demo/scikit-image_coffee.jpg").convert("RGB")
    photo = photo.resize((1200, 800))
    out = photo.filter(ImageFilter.GaussianBlur(6))
    cx, cy = int(centre[0] * 1200), int(centre[1] * 800)
    box = (cx - 110, cy - 110, cx + 110, cy + 110)
    out.paste(photo.crop(box), box[:2])
    return out


def test_without_a_face_the_loupe_opens_on_the_sharp_detail(catalog, tmp_path):
    for where in ((0.78, 0.3), (0.2, 0.7)):
        img = _sharp_patch_in_blur(where)
        fx, fy = detail_focus(np.asarray(img.convert("L").resize((320, 213)), "float32") / 255)
        assert abs(fx - where[0]) < 0.1 and abs(fy - where[1]) < 0.12, (where, fx, fy)
        digest = f"hd{where[0]}"
        write_thumbnail(img, thumb_path(catalog.thumbs_dir, digest))
        pid = catalog.photos.upsert(f"/lib/{digest}.jpg", {"status": "ok", "content_hash": digest,
                                                           "width": 1200, "height": 800})
        fx, fy = focus_point(catalog, pid)
        assert abs(fx - where[0]) < 0.1 and abs(fy - where[1]) < 0.12, (where, fx, fy)


def test_a_flat_picture_or_a_missing_thumbnail_opens_on_the_centre(catalog):
    assert detail_focus(np.full((200, 300), 0.5, "float32")) == (0.5, 0.5)
    pid = catalog.photos.upsert("/lib/nothumb.jpg", {"status": "ok", "content_hash": "nothumb", "width": 10,
                                                     "height": 10})
    assert focus_point(catalog, pid) == (0.5, 0.5)
