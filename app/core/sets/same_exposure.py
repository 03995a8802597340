"""Two copies of one exposure, or two exposures of one view? A tripod sequence (or a timelapse
frame taken exactly an hour later) and a re-encoded copy both align with their partner and match
everywhere at thumbnail scale; what tells them apart is the sensor noise. A copy carries the
same noise as its original (re-encoding and colour edits keep most of it, resampling moves it
with the pixels); two exposures carry independent noise, and on a tripod usually a sub-pixel
shift too (reported, not decisive: phase correlation reads some copies half a pixel off). The
test: how much of the lossier picture's finest detail (image minus its blur) the other explains, in their flat regions, where the detail is mostly noise, not scene texture.

Pictures of different sizes are copies for this test (an edit, a crop or a resize changes the
size; one camera writes one size): the geometric verification has already matched them.
Measured in benchmarks/duplicates_quality.py (tune and report sources apart)."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SAME_NOISE = 0.4         # share of the lossier picture's flat-region detail the other explains: copies above
MAX_SIDE = 2048          # larger pictures are compared on their centre crop of this size
ROLL = 4
MIN_RESPONSE = 0.3        # phase-correlation peak below this (periodic or flat content): the shift is not used
DETAIL_SIGMA = 0.6       # detail: the picture minus this blur (noise is finest)
FLAT_SHARE = 0.1         # the flattest share of the picture is where the noise is looked at


@dataclass(frozen=True)
class Evidence:
    copy: bool
    noise_correlation: float      # 1.0: the same noise; ~0: independent noise
    shift_px: float               # sub-pixel offset between the two (phase correlation)
    reason: str


def _centre(x: np.ndarray) -> np.ndarray:
    h, w = x.shape
    if max(h, w) <= MAX_SIDE:
        return x[:h // 2 * 2, :w // 2 * 2]          # even sides: phase correlation reads odd ones half a pixel off
    top, left = max(0, (h - MAX_SIDE) // 2), max(0, (w - MAX_SIDE) // 2)
    return x[top:top + MAX_SIDE, left:left + MAX_SIDE]


def _detail(x: np.ndarray) -> np.ndarray:
    return x - cv2.GaussianBlur(x, (0, 0), DETAIL_SIGMA)


def compare(gray_a: np.ndarray, gray_b: np.ndarray) -> Evidence:
    """``gray_a``, ``gray_b``: the two pictures in gray at their native size (uint8 or float)."""
    if gray_a.shape != gray_b.shape:
        return Evidence(True, 1.0, 0.0, "different sizes: an edited copy")
    a = _centre(np.asarray(gray_a, np.float32))
    b = _centre(np.asarray(gray_b, np.float32))
    if a.size < 64 * 64:
        return Evidence(True, 1.0, 0.0, "too small to tell")
    window = cv2.createHanningWindow((a.shape[1], a.shape[0]), cv2.CV_32F)
    # away from the origin: OpenCV's sub-pixel centroid reads a peak at (0, 0) half a pixel off on some sizes
    (dx, dy), response = cv2.phaseCorrelate(a, np.roll(b, (ROLL, ROLL), axis=(0, 1)), window)
    dx, dy = dx - ROLL, dy - ROLL
    shift = float(np.hypot(dx, dy)) if response >= MIN_RESPONSE else 0.0    # a weak peak says nothing
    # tones: b's low-pass fitted to a's (an exposure or colour edit scales the detail too)
    la, lb = cv2.GaussianBlur(a, (0, 0), 3.0).ravel(), cv2.GaussianBlur(b, (0, 0), 3.0).ravel()
    gain = float(np.cov(la, lb)[0, 1] / max(np.var(lb), 1e-6)) if np.var(lb) > 1e-6 else 1.0
    da, db = _detail(a), _detail(b) * (gain if 0.2 < gain < 5 else 1.0)
    smooth = cv2.GaussianBlur(a, (0, 0), 2.0)
    texture = np.abs(cv2.Laplacian(smooth, cv2.CV_32F, ksize=3))
    texture = cv2.GaussianBlur(texture, (0, 0), 2.0)
    clipped = (a <= 2) | (a >= 253) | (b <= 2) | (b >= 253)      # clipped areas carry no noise
    texture[clipped] = np.inf
    usable = np.isfinite(texture)
    if usable.sum() < 1024:
        return Evidence(True, 1.0, shift, "no unclipped area to tell")
    flat = usable & (texture <= np.quantile(texture[usable], FLAT_SHARE))
    va, vb = da[flat], db[flat]
    va, vb = va - va.mean(), vb - vb.mean()
    cov = float((va * vb).mean())
    # a copy's detail is contained in its original's (re-encoding drops detail, adds little):
    # the covariance explains the lossier one's variance; independent noise explains neither
    corr = cov / max(min(float((va * va).mean()), float((vb * vb).mean())), 1e-6)
    copy = corr >= SAME_NOISE
    reason = "the same noise: one exposure" if copy else "independent noise: two exposures"
    return Evidence(copy, corr, float(np.hypot(dx, dy)), reason)


def load_gray(path: str) -> np.ndarray | None:
    """A file's pixels in gray, upright, at native size (None when it cannot be read)."""
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as im:
            return np.asarray(ImageOps.exif_transpose(im).convert("L"))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):   # a huge stitched panorama too
        return None


def same_exposure(path_a: str, path_b: str) -> Evidence | None:
    a, b = load_gray(path_a), load_gray(path_b)
    if a is None or b is None:
        return None
    return compare(a, b)
