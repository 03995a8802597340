"""Photos decoded for display off the GUI thread: upright, reduced, handed over as QImage
(never QPixmap, which belongs to the GUI thread)."""
from __future__ import annotations

from PySide6.QtGui import QImage

PREVIEW_SIZE = 1600


def load_preview(path: str, full: bool = False, size: int = PREVIEW_SIZE) -> QImage:
    """Decode a photo upright (reduced to ``size``, or full size for 100%) into a QImage (worker thread)."""
    import os

    from app.core.decode import decode
    from app.core.fileio import read_original

    data, _ = read_original(path, os.path.getsize(path))
    image = decode(data, path, work_size=100_000 if full else size).image.convert("RGB")
    if not full and max(image.size) > size:
        image.thumbnail((size, size))
    return QImage(image.tobytes(), image.width, image.height, 3 * image.width, QImage.Format_RGB888).copy()
