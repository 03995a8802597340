"""Where a photographer looks first at 100 %: the main face (its eyes sit in the upper part of
the box), else the centre of the frame."""
from __future__ import annotations


def focus_point(catalog, photo_id: int) -> tuple[float, float]:
    """(x, y) as fractions of the upright frame's width and height."""
    photo = catalog.photos.get(photo_id)
    face = catalog.features.largest_face(photo_id)
    if photo is None or face is None or not photo.get("width") or not photo.get("height"):
        return 0.5, 0.5
    x, y, w, h = face
    fx, fy = (x + w / 2) / photo["width"], (y + 0.4 * h) / photo["height"]
    return min(1.0, max(0.0, fx)), min(1.0, max(0.0, fy))
