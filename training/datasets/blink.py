"""A blink made from the face's own pixels, for evaluation only (never rendered for training):
above each eye the picture slides down towards the lower lid, so the upper lid with its lashes
and the skin above it cover the eye as a real lid does. The training family (close_eyes in
degradations.py) paints a patch of skin instead; this one is the held-out closed-eyes family
of benchmarks/triage_quality.py."""
from __future__ import annotations

import numpy as np
from PIL import Image


def blink(img: Image.Image, landmarks, severity: float = 1.0) -> Image.Image:
    """``img`` with both eyes of a face (YuNet landmarks: right eye, left eye, ...) closed by
    ``severity`` in (0, 1]: 0.3 lowers the lids most of the way (a blink caught before its end), 1 shuts them."""
    import cv2

    rgb = np.asarray(img.convert("RGB"))
    h, w = rgb.shape[:2]
    (rx, ry), (lx, ly) = np.asarray(landmarks, np.float64)[:2]
    d = max(8.0, float(np.hypot(lx - rx, ly - ry)))
    closure = 0.75 + 0.25 * max(0.0, min(1.0, float(severity)))
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    shift = np.zeros((h, w), np.float32)
    for cx, cy in ((rx, ry), (lx, ly)):
        top, lower = cy - 0.5 * d, cy + 0.15 * d              # the brow stays; the lower lid is the fold
        half = 0.5 * d                                         # half the eye's width, with its corners
        across = np.clip(1.0 - ((xs - cx) / half) ** 2, 0.0, 1.0) ** 0.7     # the lid is deepest mid-eye
        down = np.clip((ys - top) / (lower - top), 0.0, 1.0) * (ys <= lower)  # ramps to the fold
        shift = np.maximum(shift, (closure * 0.32 * d * across * down).astype(np.float32))
    return Image.fromarray(cv2.remap(rgb, xs, (ys - shift).astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
