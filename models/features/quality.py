"""Cheap, named no-reference quality features of one photo.

Everything is computed on a copy resized to ``ANALYSIS_SIZE`` on the long side, so the
values do not depend on the decoded size, except JPEG blockiness, which needs the
decoder's own pixel grid (``block_period`` = 8 x the decode scale).

Sharpness is measured after a light blur at half resolution, where sensor noise is
suppressed but real detail survives, and on the sharpest tiles (the subject) rather
than the whole frame, so noise and large smooth backgrounds fool it less than a global
Laplacian variance. Noise is estimated separately (Immerkaer, on flat areas only).
Exposure is measured on the picture only: corner wedges of flat fill (a rotated, uncropped
frame) are left out of it and reported as ``border_fill``.
"""
from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

from .fill import border_fill, fill_mask
from .highlights import has_highlights, peak_channel, top_and_median
from .shrink import shrink

ANALYSIS_SIZE = 640
QUALITY_FEATURES = (
    "sharpness",            # log energy of the Laplacian, noise-suppressed, whole frame
    "sharpness_subject",    # the same on the sharpest 10% of tiles
    "sharpness_fine",       # full analysis resolution (finest detail; raised by noise too)
    "noise",                # estimated noise sigma (0-255 scale) on flat areas
    "blur_anisotropy",      # 0 = isotropic detail, 1 = all gradients one way (motion blur)
    "blur_angle",           # dominant gradient direction, degrees in [0, 180)
    "brightness_mean",      # mean luminance in [0, 1]
    "brightness_median",
    "highlights_clipped",   # share of pixels >= 250
    "shadows_clipped",      # share of pixels <= 5
    "channels_clipped",     # share of pixels with any colour channel >= 250 (clips before luminance does)
    "black_level",          # 1st luminance percentile in [0, 1]: lifted, washed-out blacks
    "white_level",          # 99th luminance percentile in [0, 1]
    "dynamic_range",        # 99th - 1st luminance percentile in [0, 1]
    "contrast",             # RMS contrast of luminance
    "colorfulness",         # Hasler & Suesstrunk (2003), scaled to about [0, 1]
    "blockiness",           # JPEG 8x8 grid strength (1 = none)
    "edge_alignment",       # share of strong edges within 10 degrees of level/plumb
    "border_fill",          # share of the frame in flat corner wedges left by a rotation (fill.py)
)
# Stored and explained, not the ranker's inputs (the shipped ranker was trained without them):
TONE_FEATURES = (
    "highlights_flat",      # share of the frame in flat areas at its top level: clipped, at whatever level
    "highlights_spike",     # largest share within SPIKE_WIDTH levels near the top: a plateau, flat or not
)
FLAT_MARGIN = 6            # levels below the frame's top (its 99.95th percentile) that still count as the top
FLAT_RANGE = 2             # a 3x3 area is flat within this many levels: JPEG noise, no detail
_3X3 = np.ones((3, 3), np.uint8)
SPIKE_WIDTH, SPIKE_SPAN = 5, 12     # a window of +-2 levels (JPEG noise), anywhere 12 levels below the top
SPIKE_BELOW, SPIKE_PROMINENCE = 20, 2.0    # a spike holds twice the mean of the windows 5-20 levels
#                                            under it (a smooth sky, a hump, does not)
_IMMERKAER = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)


def analysis_image(image: Image.Image, size: int = ANALYSIS_SIZE) -> np.ndarray:
    """RGB uint8 array with the long side resized to ``size`` (never enlarged)."""
    return shrink(np.asarray(_rgb(image)), size)[0]


def _rgb(image: Image.Image) -> Image.Image:
    return image if image.mode == "RGB" else image.convert("RGB")     # same-mode convert copies


def _sub(x: np.ndarray, step: int = 3) -> np.ndarray:
    """A regular subsample for order statistics (percentiles of 40k values are as good as of 400k)."""
    return x[::step, ::step].ravel()


def luminance(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0


def _log_energy(x: float) -> float:
    return math.log10(x * 1e6 + 1.0)


def tile_energies(lap: np.ndarray, grid: int = 8) -> np.ndarray:
    h, w = lap.shape
    sq = lap * lap
    out = []
    for i in range(grid):
        for j in range(grid):
            t = sq[i * h // grid:(i + 1) * h // grid, j * w // grid:(j + 1) * w // grid]
            if t.size:
                out.append(float(t.mean()))
    return np.array(out or [0.0])


def half_size(gray: np.ndarray) -> np.ndarray:
    return cv2.resize(gray, (max(1, gray.shape[1] // 2), max(1, gray.shape[0] // 2)), interpolation=cv2.INTER_AREA)


def sharpness_measures(gray: np.ndarray, half: np.ndarray | None = None) -> dict[str, float]:
    fine = cv2.Laplacian(gray, cv2.CV_32F)
    half = half_size(gray) if half is None else half
    smooth = cv2.GaussianBlur(half, (0, 0), 0.8)
    lap = cv2.Laplacian(smooth, cv2.CV_32F)
    tiles = tile_energies(lap)
    top = np.sort(tiles)[-max(1, len(tiles) // 10):]
    return {"sharpness": _log_energy(float((lap * lap).mean())),
            "sharpness_subject": _log_energy(float(top.mean())),
            "sharpness_fine": _log_energy(float((fine * fine).mean()))}


def immerkaer_sigma(gray: np.ndarray, median_step: int = 1) -> float:
    """Immerkaer (1996) fast noise estimate, in ``gray``'s units, restricted to the flatter half
    of the image (``median_step`` > 1 takes that half's threshold from a regular subsample)."""
    if min(gray.shape) < 8:
        return 0.0
    response = np.abs(cv2.filter2D(gray, cv2.CV_32F, _IMMERKAER))[1:-1, 1:-1]
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0)[1:-1, 1:-1]
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1)[1:-1, 1:-1]
    grad = np.abs(gx) + np.abs(gy)
    flat = grad <= np.median(_sub(grad, median_step))
    values = response[flat] if flat.any() else response.ravel()
    return float(math.sqrt(math.pi / 2) * values.mean() / 6.0)


def noise_sigma(gray: np.ndarray) -> float:
    """Noise sigma (0-255 scale) of a 0-1 luminance image."""
    return immerkaer_sigma(gray, 3) * 255.0


def structure_tensor(gx: np.ndarray, gy: np.ndarray) -> tuple[float, float]:
    """(anisotropy, dominant angle in degrees) of the gradients: 0 = isotropic, 1 = all one way."""
    jxx, jyy, jxy = float((gx * gx).mean()), float((gy * gy).mean()), float((gx * gy).mean())
    trace = jxx + jyy
    diff = math.sqrt((jxx - jyy) ** 2 + 4 * jxy * jxy)
    anisotropy = diff / trace if trace > 1e-12 else 0.0
    return anisotropy, (math.degrees(0.5 * math.atan2(2 * jxy, jxx - jyy)) + 180.0) % 180.0


def gradient_structure(gray: np.ndarray) -> dict[str, float]:
    """Structure tensor of ``gray`` (the half-size analysis image: blur direction and level
    horizons are coarse properties, and a quarter of the pixels cost a quarter)."""
    smooth = cv2.GaussianBlur(gray, (0, 0), 0.5)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1)
    anisotropy, angle = structure_tensor(gx, gy)
    mag = np.hypot(gx, gy)
    strong = mag > max(float(np.percentile(_sub(mag), 90)), 1e-6)
    if strong.any():
        theta = np.degrees(np.arctan2(gy[strong], gx[strong])) % 90.0
        aligned = float(np.mean((theta < 10) | (theta > 80)))
    else:
        aligned = 0.0
    return {"blur_anisotropy": anisotropy, "blur_angle": angle, "edge_alignment": aligned}


def exposure_measures(gray: np.ndarray) -> dict[str, float]:
    """Of a luminance image, or of the 1-D array of the picture's pixels."""
    hist = cv2.calcHist([(gray.reshape(gray.shape[0], -1) * 255).astype(np.uint8)], [0], None, [256], [0, 256]).ravel()
    cdf = np.cumsum(hist) / max(hist.sum(), 1)
    p1, p50, p99 = (float(np.searchsorted(cdf, q)) / 255 for q in (0.01, 0.5, 0.99))
    return {"brightness_mean": float(gray.mean()), "brightness_median": float(p50),
            "highlights_clipped": float((gray >= 250 / 255).mean()),
            "shadows_clipped": float((gray <= 5 / 255).mean()),
            "dynamic_range": float(p99 - p1), "black_level": float(p1), "white_level": float(p99),
            "contrast": float(gray.std())}


def highlight_clipping(rgb: np.ndarray, keep: np.ndarray | None = None) -> dict[str, float]:
    """By each pixel's brightest channel: ``channels_clipped``, the share of pixels at 250 or
    more; ``highlights_flat``, the share that is flat (no detail in 3x3) at the frame's top
    level; ``highlights_spike``, the largest share of pixels within a few levels of each other
    near the top. A clipped area stays flat when a frame is darkened afterwards (exposure
    lowered in processing, a picture style), where the 250-threshold only sees clipping that
    is still white; re-encoding may roughen it, but it stays a spike in the histogram. Between
    two exposures of one moment that could not be compared place by place (models/features/
    highlights.py), the frame with more flat top lost highlight detail that the other kept,
    unless the other holds the same area as a spike (darkened clipping:
    ``app.core.ranking.clipping_offset``)."""
    peak = peak_channel(rgb)
    values = _sub(peak, 2) if keep is None else peak[keep][::4]
    if not values.size:
        return {"channels_clipped": 0.0, "highlights_flat": 0.0, "highlights_spike": 0.0}
    hist = np.bincount(values.ravel(), minlength=256)
    top, median = top_and_median(hist)
    clipped = float(hist[250:].sum() / values.size)
    if not has_highlights(top, median):                  # a dark or uniform frame
        return {"channels_clipped": clipped, "highlights_flat": 0.0, "highlights_spike": 0.0}
    window = np.convolve(hist, np.ones(SPIKE_WIDTH, np.int64))[SPIKE_WIDTH - 1:]     # [k]: levels k..k+4
    spike = 0
    for k in range(max(SPIKE_BELOW, top - SPIKE_SPAN), top + 1):
        below = window[k - SPIKE_BELOW:k - SPIKE_WIDTH].mean()      # the windows under it: a hump, or a spike
        if window[k] >= SPIKE_PROMINENCE * below:
            spike = max(spike, int(window[k]))
    spread = cv2.subtract(cv2.dilate(peak, _3X3), cv2.erode(peak, _3X3))      # 3x3 max - min
    at_top = (spread <= FLAT_RANGE) & (peak >= top - FLAT_MARGIN)
    if keep is not None:
        at_top &= keep
    count = keep.sum() if keep is not None else peak.size
    return {"channels_clipped": clipped, "highlights_flat": float(at_top.sum() / max(1, count)),
            "highlights_spike": spike / values.size}


def colorfulness(rgb: np.ndarray) -> float:
    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    value = math.hypot(rg.std(), yb.std()) + 0.3 * math.hypot(rg.mean(), yb.mean())
    return float(value / 100.0)


def blockiness(gray: np.ndarray, period: int = 8) -> float:
    """Mean absolute step across block boundaries over the mean step inside blocks."""
    if period < 4 or min(gray.shape) < 4 * period:
        return 1.0
    ratios = []
    for axis in (0, 1):
        a = gray[1:, :] if axis == 0 else gray[:, 1:]
        b = gray[:-1, :] if axis == 0 else gray[:, :-1]
        d = cv2.reduce(cv2.absdiff(a, b), 1 - axis, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
        idx = np.arange(d.size)
        boundary = (idx % period) == period - 1
        inside = d[~boundary].mean()
        ratios.append(d[boundary].mean() / inside if inside > 1e-6 else 1.0)
    return float(np.mean(ratios))


def quality_features(image: Image.Image, block_period: int = 8,
                     rgb: np.ndarray | None = None) -> dict[str, float]:
    """All of :data:`QUALITY_FEATURES` and :data:`TONE_FEATURES` for one upright RGB image (``rgb``: its analysis image,
    when the caller has made it already)."""
    rgb = analysis_image(image) if rgb is None else rgb
    gray = luminance(rgb)
    grid_gray = cv2.cvtColor(np.asarray(_rgb(image)), cv2.COLOR_RGB2GRAY) if block_period >= 4 else gray
    half = half_size(gray)
    fill = fill_mask(rgb)
    keep = None if fill is None or fill.all() else ~fill
    out = {**sharpness_measures(gray, half), "noise": noise_sigma(gray), **gradient_structure(half),
           **exposure_measures(gray if keep is None else gray[keep]), "colorfulness": colorfulness(rgb),
           **highlight_clipping(rgb, keep), "border_fill": border_fill(fill),
           "blockiness": blockiness(grid_gray, block_period)}
    return {name: float(out[name]) for name in QUALITY_FEATURES + TONE_FEATURES}
