"""A full-resolution picture seen upright without turning all of it.

Cameras store a portrait frame on its side with an EXIF orientation; turning 12 MP or more
upright is a full-resolution copy that the quality analysis does not need, since it only
reads a few crops. :class:`UprightView` answers ``size`` and ``crop`` in upright coordinates:
each crop is cut from the stored pixels and turned on its own, with exactly the pixels a
crop of the turned image would hold."""
from __future__ import annotations

import numpy as np
from PIL import Image

T = Image.Transpose
# EXIF orientation -> the transposes that make the stored pixels upright (in order)
TRANSPOSES = {
    2: (T.FLIP_LEFT_RIGHT,),
    3: (T.ROTATE_180,),
    4: (T.FLIP_TOP_BOTTOM,),
    5: (T.TRANSPOSE,),
    6: (T.ROTATE_270,),
    7: (T.TRANSVERSE,),
    8: (T.ROTATE_90,),
}
_INVERSE = {T.ROTATE_90: T.ROTATE_270, T.ROTATE_270: T.ROTATE_90}
_SWAPS = (T.ROTATE_90, T.ROTATE_270, T.TRANSPOSE, T.TRANSVERSE)


def _point(op: Image.Transpose, x: float, y: float, w: int, h: int) -> tuple[float, float]:
    """Where the pixel-edge point (x, y) of a ``w`` x ``h`` image lands after ``op``."""
    if op == T.FLIP_LEFT_RIGHT:
        return w - x, y
    if op == T.FLIP_TOP_BOTTOM:
        return x, h - y
    if op == T.ROTATE_180:
        return w - x, h - y
    if op == T.ROTATE_90:          # counter-clockwise
        return y, w - x
    if op == T.ROTATE_270:         # clockwise
        return h - y, x
    if op == T.TRANSPOSE:
        return y, x
    return h - y, w - x            # TRANSVERSE


def orient(image: Image.Image, orientation: int) -> Image.Image:
    """``image`` turned upright (a copy unless the orientation is 1)."""
    for op in TRANSPOSES.get(orientation, ()):
        image = image.transpose(op)
    return image


class UprightView:
    """``image`` (as stored) seen with EXIF ``orientation`` applied. ``image`` is a PIL image
    or an (H, W, 3) uint8 RGB array (a decoder's own buffer, never copied whole: a crop is
    cut from it and made a PIL image on its own)."""

    def __init__(self, image: Image.Image | np.ndarray, orientation: int = 1) -> None:
        self.image = image
        self.ops = TRANSPOSES.get(orientation, ())
        self.orientation = orientation if self.ops else 1
        w, h = self.stored_size
        self.size = (h, w) if any(op in _SWAPS for op in self.ops) else (w, h)

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]

    @property
    def stored_size(self) -> tuple[int, int]:
        """(width, height) of the pixels as stored, before turning."""
        return (self.image.shape[1], self.image.shape[0]) if isinstance(self.image, np.ndarray) else self.image.size

    @property
    def mode(self) -> str:
        return "RGB" if isinstance(self.image, np.ndarray) else self.image.mode

    def _stored_crop(self, box: tuple[int, int, int, int]) -> Image.Image:
        if isinstance(self.image, np.ndarray):
            x0, y0, x1, y1 = box
            return Image.fromarray(np.ascontiguousarray(self.image[max(0, y0):y1, max(0, x0):x1]))
        return self.image.crop(box)

    def _stored(self) -> Image.Image:
        return Image.fromarray(self.image) if isinstance(self.image, np.ndarray) else self.image

    def _source_box(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """The stored pixels' box that becomes ``box`` (upright) once turned."""
        if not self.ops:
            return box
        (op,) = self.ops                                # every EXIF orientation is one transpose
        inv = _INVERSE.get(op, op)
        (ax, ay), (bx, by) = (_point(inv, x, y, *self.size) for x, y in ((box[0], box[1]), (box[2], box[3])))
        return int(min(ax, bx)), int(min(ay, by)), int(max(ax, bx)), int(max(ay, by))

    def crop(self, box: tuple[int, int, int, int]) -> Image.Image:
        """The upright crop ``box`` = (left, upper, right, lower), as ``Image.crop`` of the
        upright image would give it."""
        return orient(self._stored_crop(self._source_box(box)), self.orientation)

    def upright(self) -> Image.Image:
        """The whole picture turned upright (a full-resolution copy when it has to turn)."""
        return orient(self._stored(), self.orientation)

    def gray(self) -> np.ndarray:
        """Upright luminance (Pillow's "L"), float32 0-255: converted first, then turned, so
        the full-resolution turn moves one channel instead of three."""
        if isinstance(self.image, np.ndarray):           # OpenCV's weights are Pillow's, to +-1 in a few pixels
            import cv2

            gray = Image.fromarray(cv2.cvtColor(self.image, cv2.COLOR_RGB2GRAY))
        else:
            gray = self.image.convert("L")
        return np.asarray(orient(gray, self.orientation), np.float32)


def as_view(image) -> UprightView:
    return image if isinstance(image, UprightView) else UprightView(image)
