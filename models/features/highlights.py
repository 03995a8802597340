"""Highlight detail one exposure of a view lost and the other kept, compared place by place.

Two frames of one view at different exposures: where the brighter one sits at its own top
level (clipped: a blown sky, a blown shirt, a channel at full scale), the darker one either
sits at one level over all of it too (the same clipping, darkened after: no detail kept there
either) or shows tones spread below that level (detail the brighter frame lost). Measured by
each pixel's brightest channel on aligned reduced copies, so a single clipped channel counts,
whatever level the clipping sits at and however a re-encoding roughened it; no histogram
shape is assumed, as the stored per-frame measures (quality.py ``highlights_flat``/``spike``)
must.

- ``lost``: the share of the picture at the brighter frame's top where the darker one is
  below the level it shows over most of that area (its 90th percentile there): highlight
  detail that only the darker frame kept;
- ``held``: the share at the brighter frame's top where the darker one is at that level: one
  flat area, clipped in both;
- ``top``: the share of the picture at the brighter frame's top (``lost`` + ``held``, up to
  the one-pixel edge of a lost area, tolerated for misalignment).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

TOP_PERCENTILE_SHARE = 0.0005   # a frame's top level: the level that this share of the picture reaches
BRIGHT_MARGIN = 4          # levels under the brighter frame's top that still are its top
DARK_MARGIN = 6            # under the darker frame's level there: a clipped area darkened after and
#                            re-encoded ripples by a few levels (with the training underexposure on 118
#                            training sources, a loss over 0.1 % showed at 3 levels, none at 4); a kept
#                            highlight spreads further
REFERENCE = 0.9            # the darker frame's level there: this quantile of its levels under the
#                            brighter one's top
HIGHLIGHT_FLOOR = 64       # a top under a quarter of full scale is no highlight (a dark frame),
#                            nor one at the median (a uniform frame)
_3X3 = np.ones((3, 3), np.uint8)


@dataclass(frozen=True)
class HighlightPair:
    lost: float
    held: float
    top: float


def peak_channel(rgb: np.ndarray) -> np.ndarray:
    """Each pixel's brightest channel (numpy's axis-2 max is about ten times slower)."""
    r, g, b = cv2.split(np.ascontiguousarray(rgb))
    return cv2.max(cv2.max(r, g), b)


def top_and_median(hist: np.ndarray) -> tuple[int, int]:
    """(top, median) levels of a 256-bin histogram: the top is the level that
    TOP_PERCENTILE_SHARE of the picture reaches (its 99.95th percentile)."""
    count = int(hist.sum())
    above = np.cumsum(hist[::-1])[::-1]
    top = int(np.flatnonzero(above >= max(1.0, TOP_PERCENTILE_SHARE * count))[-1])
    return top, int(np.searchsorted(np.cumsum(hist), count / 2))


def has_highlights(top: int, median: int) -> bool:
    """A frame whose top is under a quarter of full scale (a dark frame) or at its median
    without reaching white (a uniform one: fog, a plain wall) has no highlights to lose."""
    return top >= HIGHLIGHT_FLOOR and not top <= median < 250


def _overlap(shape: tuple[int, int], shift: tuple[int, int]) -> tuple[slice, slice, slice, slice]:
    """Slices (rows, cols) of the bright frame and of the dark frame that show the same place,
    the content at (x, y) in the bright frame sitting at (x + dx, y + dy) in the dark one."""
    h, w = shape
    dx, dy = shift
    bx, by = slice(max(0, -dx), min(w, w - dx)), slice(max(0, -dy), min(h, h - dy))
    return by, bx, slice(by.start + dy, by.stop + dy), slice(bx.start + dx, bx.stop + dx)


def highlight_pair(bright: np.ndarray, dark: np.ndarray, shift: tuple[int, int] = (0, 0)) -> HighlightPair | None:
    """What the brighter frame (H, W, 3 uint8) lost at its top that the darker one (same size)
    kept; ``shift``: where the bright frame's content sits in the dark one (models/features/
    relative.py ``global_shift``). None when the two do not share half of the picture or the
    brighter frame has no highlights (:func:`has_highlights`)."""
    h, w = bright.shape[:2]
    if bright.shape != dark.shape or abs(shift[0]) >= w // 2 or abs(shift[1]) >= h // 2:
        return None
    pb, pd = peak_channel(bright), peak_channel(dark)
    ys, xs, yd, xd = _overlap(pb.shape, shift)
    pb, pd = pb[ys, xs], pd[yd, xd]
    if pb.size < 0.5 * h * w:
        return None
    tb, median = top_and_median(np.bincount(pb.ravel(), minlength=256))
    if not has_highlights(tb, median):
        return None
    at_b = (pb >= tb - BRIGHT_MARGIN).astype(np.uint8)
    # one pixel of misalignment tolerated: the edge of a clipped area is no loss, and is held
    # where the darker frame is at its level within a pixel (``held`` and ``top`` both count the
    # whole area, edges too: a clipped sky through branches is mostly edge at a reduced size)
    inner_b = cv2.erode(at_b, _3X3)
    n = float(pb.size)
    # the darker frame's level where the brighter one is at its top (not its own top, which
    # a JPEG's ringing along the edge of a flat area can lift by ten levels and more)
    inside = (inner_b if inner_b.any() else at_b).astype(bool)
    hist = np.bincount(pd[inside], minlength=256)
    level = int(np.searchsorted(np.cumsum(hist), REFERENCE * hist.sum()))
    near_d = cv2.dilate((pd >= level - DARK_MARGIN).astype(np.uint8), _3X3)
    return HighlightPair(lost=float(np.count_nonzero(inner_b & (1 - near_d)) / n),
                         held=float(np.count_nonzero(at_b & near_d) / n), top=float(np.count_nonzero(at_b) / n))
