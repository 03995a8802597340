"""Where the loupe's "zoom to the eyes" (E) looks: for each face of a photo, largest first, the
point between its eyes as fractions of the upright frame: the midpoint of the two eye landmarks
when the index stored them (YuNet's order: right eye, left eye, nose, mouth corners), else
where eyes sit in a face box (its middle, 40 % down, as app/core/focus.py does)."""
from __future__ import annotations

EYES_DOWN = 0.4          # eyes sit this far down a detector's face box


def eye_point(face: dict, width: float, height: float) -> tuple[float, float]:
    marks = face.get("landmarks")
    if marks is not None and len(marks) >= 2 and float(abs(marks[:2]).sum()) > 0:
        x, y = (float(marks[0][0]) + float(marks[1][0])) / 2, (float(marks[0][1]) + float(marks[1][1])) / 2
    else:
        x, y = face["x"] + face["w"] / 2, face["y"] + EYES_DOWN * face["h"]
    return min(1.0, max(0.0, x / width)), min(1.0, max(0.0, y / height))


def eye_points(catalog, photo_id: int) -> list[tuple[float, float]]:
    """Each face's eyes on the photo, largest face first; [] without faces or a known size."""
    photo = catalog.photos.get(photo_id) or {}
    width, height = photo.get("width"), photo.get("height")
    if not width or not height:
        return []
    faces = sorted(catalog.features.faces([photo_id]), key=lambda f: -(f["w"] or 0) * (f["h"] or 0))
    return [eye_point(f, width, height) for f in faces]
