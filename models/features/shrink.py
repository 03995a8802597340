"""Downscaling arrays for analysis, fast where it can be: area averaging (alias-free) for
large reductions, bilinear for mild ones (< 2x), where OpenCV's area filter costs ~7x more
for no visible difference in the measures computed on the result."""
from __future__ import annotations

import cv2
import numpy as np


def shrink(arr: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """``arr`` with its long side reduced to ``long_side`` (never enlarged), and the scale used."""
    h, w = arr.shape[:2]
    scale = long_side / max(h, w)
    if scale >= 1:
        return arr, 1.0
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    method = cv2.INTER_LINEAR if scale >= 0.5 else cv2.INTER_AREA
    return cv2.resize(arr, size, interpolation=method), scale


WORK_SIZE = 768     # the overview's long side is at least this (when the source has it)


def work_factor(size: tuple[int, int], work_size: int = WORK_SIZE) -> int:
    """The overview's box factor: the largest integer that keeps the long side >= ``work_size``
    (below 2: no reduction)."""
    return max(size) // work_size


def work_image(native, work_size: int = WORK_SIZE):
    """The overview of a full-resolution PIL image: box-reduced by :func:`work_factor` (the
    decoder's reduced image, made from pixels already decoded)."""
    factor = work_factor(native.size, work_size)
    return native.reduce(factor) if factor >= 2 else native
