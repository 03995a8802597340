"""Thumbnail cache on disk, keyed by content hash (so renames and copies share one)."""
from __future__ import annotations

import io
import os
import threading
from pathlib import Path

from PIL import Image

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
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, dest)
    return thumb.size
