"""Thumbnail cache on disk, keyed by content hash (so renames and copies share one)."""
from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from PIL import Image

from .tempfiles import temp_path

THUMB_SIZE = 320


def thumb_path(thumbs_dir: Path, content_hash: str) -> Path:
    return Path(thumbs_dir) / content_hash[:2] / f"{content_hash}.jpg"


def write_thumbnail(image: Image.Image, dest: Path, size: int = THUMB_SIZE) -> tuple[int, int]:
    """Write an RGB thumbnail atomically (temp file + os.replace); returns its size."""
    scale = min(1.0, size / max(image.size))
    target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # Pillow's bilinear resize is antialiased (its kernel widens with the scale factor).
    thumb = image if target == image.size else image.resize(
        target, Image.Resampling.BILINEAR, reducing_gap=2.0)
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=85, optimize=False)
    dest.parent.mkdir(parents=True, exist_ok=True)
    # unique per thread: two copies of one photo (same hash) may be written at the same moment
    tmp = temp_path(dest, per_thread=True)
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, dest)
    return thumb.size


def thumbnail_size(dest: Path) -> tuple[int, int] | None:
    """The size of a thumbnail already on disk (None when it is unreadable)."""
    try:
        with Image.open(dest) as im:
            return im.size
    except (OSError, ValueError):
        return None


def gray_thumbnail(thumbs_dir: Path, content_hash: str | None) -> np.ndarray | None:
    path = thumb_path(thumbs_dir, content_hash) if content_hash else None
    if path is None or not path.exists():
        return None
    try:
        with Image.open(path) as im:
            return np.asarray(im.convert("L"))
    except (OSError, ValueError):
        return None
