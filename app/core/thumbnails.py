"""Thumbnail cache on disk, keyed by content hash (so renames and copies share one)."""
from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image

THUMB_SIZE = 320


def thumb_path(thumbs_dir: Path, content_hash: str) -> Path:
    return Path(thumbs_dir) / content_hash[:2] / f"{content_hash}.jpg"


def write_thumbnail(image: Image.Image, dest: Path, size: int = THUMB_SIZE) -> tuple[int, int]:
    """Write an RGB thumbnail atomically (temp file + os.replace); returns its size."""
    thumb = image.copy()
    thumb.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=85, optimize=False)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, dest)
    return thumb.size
