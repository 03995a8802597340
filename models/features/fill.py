"""Flat fill in the corners of a frame: the wedges that rotating a photo (straightening,
tilting) leaves when it is not cropped back to the picture. They are not scene content:
exposure is measured without them (a black wedge is not a deep shadow), and their share of
the frame is a feature of its own.

A wedge is recognised by its shape, not by its darkness alone: starting at a corner, the
fill runs along both edges and covers the right triangle those runs span, with little of it
outside that triangle. Dark scenery that reaches a corner (a stage backdrop, a night sky, a
vignette) is a blob or a band, not a triangle, and is left alone."""
from __future__ import annotations

import cv2
import numpy as np

DARK, LIGHT = 12, 243       # a pixel is black fill at max channel <= DARK, white fill at min channel >= LIGHT
MIN_LEG = 0.02              # each leg at least this share of its side
MAX_LEG = 0.9               # a run along (almost) the whole side is a band, not a wedge
COVER, SPILL = 0.9, 0.15    # share of the triangle filled; fill beside it, relative to the triangle


def _wedge(mask: np.ndarray) -> np.ndarray | None:
    """The triangle of fill at ``mask[0, 0]`` (the top-left corner), or None."""
    h, w = mask.shape
    a = int(np.argmin(mask[0])) if not mask[0].all() else w       # run along the top edge
    b = int(np.argmin(mask[:, 0])) if not mask[:, 0].all() else h  # run down the left edge
    if a < MIN_LEG * w or b < MIN_LEG * h or a > MAX_LEG * w or b > MAX_LEG * h:
        return None
    ys, xs = np.ogrid[:b, :a]
    inside = (xs + 0.5) / a + (ys + 0.5) / b <= 1.0
    sub = mask[:b, :a]
    area = int(inside.sum())
    if area == 0 or (sub & inside).sum() < COVER * area or (sub & ~inside).sum() > SPILL * area:
        return None
    return inside


def fill_mask(rgb: np.ndarray) -> np.ndarray | None:
    """Boolean mask of corner wedges in an RGB uint8 image, or None when there are none."""
    h, w = rgb.shape[:2]
    kernel = np.ones((3, 3), np.uint8)
    out = None
    corners = rgb[[0, 0, -1, -1], [0, -1, 0, -1]]
    for dark in (True, False):
        if not ((corners.max(axis=1) <= DARK) if dark else (corners.min(axis=1) >= LIGHT)).any():
            continue            # no corner pixel is fill (nearly every photo): nothing to measure
        fill = rgb.max(axis=2) <= DARK if dark else rgb.min(axis=2) >= LIGHT
        fill = cv2.morphologyEx(fill.view(np.uint8), cv2.MORPH_CLOSE, kernel).astype(bool)   # JPEG specks
        for corner in ((1, 1), (1, -1), (-1, 1), (-1, -1)):   # each corner seen as the top-left one
            flip = (slice(None, None, corner[0]), slice(None, None, corner[1]))
            tri = _wedge(fill[flip])
            if tri is None:
                continue
            if out is None:
                out = np.zeros((h, w), bool)
            out[flip][:tri.shape[0], :tri.shape[1]] |= tri
    return out


def border_fill(mask: np.ndarray | None) -> float:
    return 0.0 if mask is None else float(mask.mean())
