"""Letterboxing photos for the embedding networks (numpy only: no torch import)."""
from __future__ import annotations

import numpy as np
from PIL import Image


def letterbox(image: Image.Image, size: int) -> np.ndarray:
    """RGB float32 (size, size, 3) in [0, 1]: long side = size, centred on mid grey."""
    image = image.convert("RGB")
    scale = size / max(image.size)
    w, h = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    canvas = np.full((size, size, 3), 0.5, np.float32)
    resized = np.asarray(image.resize((w, h), Image.Resampling.BILINEAR, reducing_gap=2.0), np.float32) / 255
    y, x = (size - h) // 2, (size - w) // 2
    canvas[y:y + h, x:x + w] = resized
    return canvas


def letterbox_batch(images: list[Image.Image], size: int) -> np.ndarray:
    """(N, 3, size, size) float32."""
    return np.stack([letterbox(im, size) for im in images]).transpose(0, 3, 1, 2).copy()
