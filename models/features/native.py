"""Quality judged where a photographer looks: at native pixels, on the subject.

The overview features (``quality.py``) are measured on a copy of about 640 px, where a blur
of one or two native pixels is invisible and a smoother frame reads as "less noise". Here
the same questions are asked of a few full-resolution crops:

- **detail regions**: the main face's eyes when there is a face, and the places of the
  overview with the most *coarse* structure, weighted towards the centre (the subject). Coarse
  structure survives a blur, so a frame whose subject is out of focus is judged on its subject,
  not on a background that happens to be sharp, and every frame of a burst is judged on the
  same places;
- **noise regions**: the flattest mid-tone places, where texture cannot pass for noise.

On them:

- ``detail_native``: fine detail that survives at native pixels (the log mean over the detail
  regions). Laplacian energy with the
  noise's expected share removed (a 4-neighbour Laplacian of white noise of sigma s has
  energy 20 s^2), relative to the crop's brightness (an exposure change is not a change of
  detail), and measured inside the 8x8 JPEG blocks only (block edges are artefacts, not
  detail). Blur lowers it; noise does not raise it; heavy compression lowers it.
- ``detail_ratio``: the same fine energy over the energy one octave coarser. A scale-free
  blur measure: a defocused frame loses its finest octave first.
- ``noise_native`` (sigma on the 0-255 scale) and ``noise_rel`` (sigma over the level of the
  flat regions: an under-exposed frame has less noise in absolute terms but more relative
  to its signal).
- ``blockiness_native``: the 8x8 grid strength at native pixels.
- ``anisotropy_native``: how one-directional the native gradients are (motion blur).
- ``face_detail_native``: ``detail_native`` on the main face's eye region (0 without a face).

Everything works on crops, never on the whole full-resolution frame, so the cost does not
grow with the megapixels beyond the decode itself.
"""
from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

from .quality import blockiness, immerkaer_sigma, structure_tensor

NATIVE_FEATURES = (
    "detail_native",
    "detail_ratio",
    "noise_native",
    "noise_rel",
    "blockiness_native",
    "anisotropy_native",
    "face_detail_native",
)
CROP = 192              # native pixels on a side of each analysed crop
DETAIL_REGIONS = 4
NOISE_REGIONS = 3
_LAP_NOISE_GAIN = 20.0  # sum of squares of the 4-neighbour Laplacian kernel
_LEVEL_OFFSET = 8.0     # 0-255: keeps the relative measures finite in near-black crops


def _peaks(energy: np.ndarray, count: int, radius: int, largest: bool = True) -> list[tuple[int, int]]:
    """Up to ``count`` (y, x) extrema of ``energy``, at least ``radius`` apart."""
    e = energy.astype(np.float32).copy()
    fill = -np.inf if largest else np.inf
    out = []
    for _ in range(count):
        idx = int(np.argmax(e) if largest else np.argmin(e))
        y, x = divmod(idx, e.shape[1])
        if not np.isfinite(e[y, x]):
            break
        out.append((y, x))
        e[max(0, y - radius):y + radius + 1, max(0, x - radius):x + radius + 1] = fill
    return out


PLAN_SIZE = 192         # long side of the map the regions are planned on


def choose_regions(work_gray: np.ndarray, scale: float, native_size: tuple[int, int],
                   crop: int = CROP) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, int, int]]]:
    """Detail and noise regions as native (x, y, w, h) boxes, planned on a small copy of the
    overview ``work_gray`` (float 0-1); ``scale`` = native pixels per overview pixel. Boxes
    start on the 8x8 grid."""
    nw, nh = native_size
    side = min(crop, nw, nh)
    h0, w0 = work_gray.shape
    f = min(1.0, PLAN_SIZE / max(h0, w0))
    plan = cv2.resize(work_gray, (max(1, round(w0 * f)), max(1, round(h0 * f))), interpolation=cv2.INTER_AREA)
    step = scale / f                                  # native pixels per plan pixel
    h, w = plan.shape
    win = max(3, int(round(side / step)) | 1)
    coarse = cv2.Laplacian(cv2.GaussianBlur(plan, (0, 0), 1.0), cv2.CV_32F)
    ys, xs = np.ogrid[:h, :w]
    centre = 1.0 - 0.25 * (((ys - h / 2) / (h / 2)) ** 2 + ((xs - w / 2) / (w / 2)) ** 2)
    structure = cv2.boxFilter(coarse * coarse, -1, (win, win)) * centre
    fine = cv2.Laplacian(plan, cv2.CV_32F)
    energy = cv2.boxFilter(fine * fine, -1, (win, win))
    level = cv2.boxFilter(plan, -1, (win, win))
    half = win // 2
    valid = np.zeros_like(energy, bool)
    valid[half:max(half + 1, h - half), half:max(half + 1, w - half)] = True
    usable = valid & (level > 0.04) & (level < 0.96)           # clipped areas hold neither detail nor noise
    detail_energy = np.where(usable, structure, -np.inf)
    mid = valid & (level > 0.15) & (level < 0.85)
    flat_energy = np.where(mid if mid.any() else usable, energy, np.inf)

    def box(y: int, x: int) -> tuple[int, int, int, int]:
        cx, cy = (x + 0.5) * step, (y + 0.5) * step
        x0 = int(min(max(0, cx - side / 2), nw - side)) // 8 * 8
        y0 = int(min(max(0, cy - side / 2), nh - side)) // 8 * 8
        return x0, y0, side, side

    detail = [box(y, x) for y, x in _peaks(detail_energy, DETAIL_REGIONS, win)]
    noise = [box(y, x) for y, x in _peaks(flat_energy, NOISE_REGIONS, win, largest=False)]
    if not detail:
        detail = [box(h // 2, w // 2)]
    return detail, noise or detail


def eye_region(landmarks: np.ndarray, scale: float, native_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A native box around both eyes of a face (YuNet landmarks: right eye, left eye, ...)."""
    (rx, ry), (lx, ly) = np.asarray(landmarks[:2], np.float64) * scale
    d = max(8.0, math.hypot(lx - rx, ly - ry))
    side = int(min(max(32.0, 2.0 * d), 384.0, *native_size))
    cx, cy = (rx + lx) / 2, (ry + ly) / 2
    x0 = int(min(max(0, cx - side / 2), native_size[0] - side)) // 8 * 8
    y0 = int(min(max(0, cy - side / 2), native_size[1] - side)) // 8 * 8
    return x0, y0, side, side


def _crop_gray(native: Image.Image, box: tuple[int, int, int, int]) -> np.ndarray:
    x, y, w, h = box
    return np.asarray(native.crop((x, y, x + w, y + h)).convert("L"), np.float32)


def _inside_blocks(shape: tuple[int, int], period: int = 8) -> np.ndarray:
    """Pixels whose 4-neighbour Laplacian does not cross an 8x8 block edge."""
    ys = (np.arange(shape[0]) % period)
    xs = (np.arange(shape[1]) % period)
    return ((ys > 0) & (ys < period - 1))[:, None] & ((xs > 0) & (xs < period - 1))[None, :]


def fine_energy(gray: np.ndarray, sigma: float) -> float:
    """Noise-corrected Laplacian energy inside the JPEG blocks of a 0-255 crop."""
    lap = cv2.Laplacian(gray, cv2.CV_32F, ksize=1)
    inside = _inside_blocks(gray.shape)
    inside[0, :] = inside[-1, :] = False
    inside[:, 0] = inside[:, -1] = False
    energy = float((lap[inside] ** 2).mean()) if inside.any() else float((lap * lap).mean())
    return max(energy - _LAP_NOISE_GAIN * sigma * sigma, 0.02 * energy)


def coarse_energy(gray: np.ndarray, sigma: float) -> float:
    """The same one octave coarser (2x2 averages: the noise sigma halves)."""
    h, w = gray.shape[0] // 2 * 2, gray.shape[1] // 2 * 2
    if not (h and w):                   # a crop one pixel thin (a 3000 x 1 strip) has no coarser octave
        return 0.0
    half = gray[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
    lap = cv2.Laplacian(half, cv2.CV_32F, ksize=1)[1:-1, 1:-1]
    energy = float((lap * lap).mean()) if lap.size else 0.0
    return max(energy - _LAP_NOISE_GAIN * (sigma / 2) ** 2, 0.02 * energy)


def relative_detail(gray: np.ndarray, sigma: float) -> float:
    """log10 of the fine energy relative to the crop's brightness (squared)."""
    level = float(gray.mean()) + _LEVEL_OFFSET
    return math.log10(fine_energy(gray, sigma) / (level * level) + 1e-7)


def _anisotropy(gray: np.ndarray) -> float:
    return structure_tensor(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))[0]


def native_features(native: Image.Image, work_gray: np.ndarray, eye_landmarks: np.ndarray | None = None) -> dict[str, float]:
    """:data:`NATIVE_FEATURES` of one upright RGB image at full resolution. ``work_gray`` is
    the overview (float 0-1) the regions are chosen on; ``eye_landmarks`` are the main face's
    landmarks in overview coordinates (None without a face)."""
    scale = native.width / work_gray.shape[1]
    detail_boxes, noise_boxes = choose_regions(work_gray, scale, native.size)
    noise_crops = [_crop_gray(native, b) for b in noise_boxes]
    sigmas = [immerkaer_sigma(c) for c in noise_crops]
    sigma = float(np.median(sigmas))
    level = float(np.median([c.mean() for c in noise_crops])) + _LEVEL_OFFSET
    detail_crops = [_crop_gray(native, b) for b in detail_boxes]
    fine = [fine_energy(c, sigma) for c in detail_crops]
    coarse = [coarse_energy(c, sigma) for c in detail_crops]
    levels = [(float(c.mean()) + _LEVEL_OFFSET) ** 2 for c in detail_crops]
    face = 0.0
    if eye_landmarks is not None:
        face = relative_detail(_crop_gray(native, eye_region(eye_landmarks, scale, native.size)), sigma)
    # Averaged in log: missed focus is local, and a linear mean would let one sharp background
    # region hide a blurred subject. Equal weights: a weight that followed the regions' order
    # would jump when two regions swap places.
    return {
        "detail_native": float(np.mean([math.log10(f / lv + 1e-7) for f, lv in zip(fine, levels)])),
        "detail_ratio": math.log10((sum(fine) + 1e-3) / (sum(coarse) + 1e-3)),
        "noise_native": sigma,
        "noise_rel": sigma / level,
        "blockiness_native": float(np.median([blockiness(c) for c in detail_crops + noise_crops])),
        "anisotropy_native": float(np.mean([_anisotropy(c) for c in detail_crops])),
        "face_detail_native": face,
    }
