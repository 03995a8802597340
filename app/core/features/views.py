"""Extra views of a query photo that searches embed beside (or instead of) the photo itself:
the mirror image (embeddings are not mirror-invariant) and the three quarter turns (a copy
rotated without an EXIF tag). A library photo is found when any view matches it."""
from __future__ import annotations

from PIL import Image

_TURNS = (Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_270)


def query_views(image: Image.Image, *, original: bool = True, rotations: bool = True) -> list[Image.Image]:
    views = [image] if original else []
    views.append(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    if rotations:
        views += [image.transpose(t) for t in _TURNS]
    return views
