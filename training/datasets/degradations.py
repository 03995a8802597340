"""Labelled quality pairs from real photos: a clean frame versus a degraded copy of it.

Each family takes a ``strength`` in (0, 1]: 0.25 is a mild defect a photographer still
rejects at 100 %, 1.0 a strong one. Blur sizes are in native pixels (what a photographer
sees at 100 %), not in fractions of the frame.

Two sets of families: ``TRAIN_FAMILIES`` render the default ranker's training pairs;
``HELDOUT_FAMILIES`` are different physical models of the same defects (a lens disc instead
of a Gaussian, a shake trajectory instead of a straight line, shot noise with chroma instead of
white noise, resampling softness, missed focus and motion on the subject only) and are used
only to evaluate (``benchmarks/triage_quality.py``), among them (issue 30) a harder recompression
through another encoder, exposure shifts in linear light in both directions and a gamma lift;
``smooth_scene`` turns a source into a foggy scene that the recompression is also judged on."""
from __future__ import annotations

import io
import math
import random
from typing import Callable

import cv2
import numpy as np
from PIL import Image

VERSION = 4      # part of every feature-cache key: bump when a degradation changes


def _arr(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("RGB"), np.float32)


def _img(arr: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8))


def _convolve(img: Image.Image, kernel: np.ndarray) -> Image.Image:
    kernel = kernel.astype(np.float32) / float(kernel.sum())
    return _img(cv2.filter2D(_arr(img), -1, kernel, borderType=cv2.BORDER_REFLECT))


# --- training families -------------------------------------------------------------------

def defocus(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Gaussian blur, sigma 0.5-4 native pixels."""
    sigma = (0.5 + 3.5 * strength) * rng.uniform(0.9, 1.1)
    return _img(cv2.GaussianBlur(_arr(img), (0, 0), sigma, borderType=cv2.BORDER_REFLECT))


def line_kernel(length: float, angle: float, oversample: int = 4) -> np.ndarray:
    """A straight, anti-aliased motion path of ``length`` pixels at ``angle`` degrees."""
    size = int(math.ceil(length)) | 1
    big = np.zeros((size * oversample, size * oversample), np.float32)
    c = (size * oversample - 1) / 2
    dx, dy = math.cos(math.radians(angle)) * length * oversample / 2, math.sin(math.radians(angle)) * length * oversample / 2
    cv2.line(big, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, max(1, oversample // 2))
    k = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    return k if k.sum() > 0 else np.ones((1, 1), np.float32)


def motion_blur(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """A straight camera or subject motion of 2-24 native pixels in any direction."""
    return _convolve(img, line_kernel((2 + 22 * strength) * rng.uniform(0.9, 1.1), rng.uniform(0, 180)))


def noise(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """White Gaussian noise, sigma 2-25 (0-255), independent per channel."""
    arr = _arr(img)
    sigma = (2 + 23 * strength) * rng.uniform(0.9, 1.1)
    return _img(arr + np.random.default_rng(rng.randrange(2**32)).normal(0, sigma, arr.shape))


def underexpose(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Exposure gain 0.9 (mild) down to 0.25."""
    return _img(_arr(img) * (1 - 0.75 * strength * rng.uniform(0.9, 1.1) + 0.05))


def overexpose(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Exposure gain 1.3 (mild) up to 3, highlights clipping."""
    gain = 1 + 2.0 * strength * rng.uniform(0.9, 1.1) + 0.1
    return _img(_arr(img) * gain + 25 * strength)


def compression(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """JPEG quality 40 (mild) down to 5."""
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=max(2, round(40 - 35 * strength + rng.uniform(-2, 2))))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def tilt_crop(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    angle = rng.choice([-1, 1]) * (3 + 12 * strength) * rng.uniform(0.9, 1.1)
    rotated = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=(0, 0, 0))
    w, h = img.size
    dx, dy = int(w * rng.uniform(0.2, 0.35) * strength), int(h * rng.uniform(0.0, 0.1) * strength)
    return rotated.crop((dx, dy, w, h)).resize(img.size, Image.Resampling.BILINEAR)


def _ellipse_mask(shape: tuple[int, int], centre: tuple[float, float], axes: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, np.float32)
    cv2.ellipse(mask, (int(centre[0]), int(centre[1])), axes, 0, 0, 360, 1.0, -1)
    return cv2.GaussianBlur(mask, (0, 0), max(axes) / 4)[..., None]


def partial_defocus(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Part of the frame out of focus (a random region of 15-35 % of each side, sigma 0.5-4
    native pixels): a shallow depth of field that missed part of the scene."""
    arr = _arr(img)
    h, w = arr.shape[:2]
    axes = (max(4, int(w * rng.uniform(0.15, 0.35))), max(4, int(h * rng.uniform(0.15, 0.35))))
    centre = (rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h)
    mask = _ellipse_mask((h, w), centre, axes)
    blurred = cv2.GaussianBlur(arr, (0, 0), (0.5 + 3.5 * strength) * rng.uniform(0.9, 1.1))
    return _img(mask * blurred + (1 - mask) * arr)


# --- held-out families (evaluation only) ------------------------------------------------------

def lens_defocus(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """A lens's defocus: a uniform disc (circle of confusion), radius 0.8-5 native pixels."""
    r = (0.8 + 4.2 * strength) * rng.uniform(0.9, 1.1)
    size = int(math.ceil(r)) * 2 + 1
    over = 8
    big = np.zeros((size * over, size * over), np.float32)
    cv2.circle(big, (size * over // 2, size * over // 2), int(r * over), 1.0, -1)
    return _convolve(img, cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA))


def shake_kernel(length: float, rng: random.Random, steps: int = 64) -> np.ndarray:
    """A hand-shake trajectory: a random walk with inertia, scaled to ``length`` pixels."""
    pos, vel = np.zeros(2), np.array([math.cos(a := rng.uniform(0, 2 * math.pi)), math.sin(a)])
    path = [pos.copy()]
    for _ in range(steps):
        vel = 0.85 * vel + 0.5 * np.array([rng.gauss(0, 1), rng.gauss(0, 1)])
        pos = pos + vel / (np.linalg.norm(vel) + 1e-9)
        path.append(pos.copy())
    path = np.array(path)
    path -= path.mean(0)
    extent = max(float(np.abs(path).max()), 1e-6)
    path *= (length / 2) / extent
    over = 4
    size = int(math.ceil(length)) | 1
    big = np.zeros((size * over, size * over), np.float32)
    c = (size * over - 1) / 2
    pts = np.round(path * over + c).astype(np.int32)
    cv2.polylines(big, [pts.reshape(-1, 1, 2)], False, 1.0, max(1, over // 2))
    k = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    return k if k.sum() > 0 else np.ones((1, 1), np.float32)


def shake(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Camera shake along a curved trajectory of 3-24 native pixels."""
    return _convolve(img, shake_kernel((3 + 21 * strength) * rng.uniform(0.9, 1.1), rng))


def sensor_noise(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Shot and read noise in linear light (variance grows with the signal), with chroma
    noise and low-frequency colour blotches, as a high-ISO sensor gives."""
    g = np.random.default_rng(rng.randrange(2**32))
    lin = (_arr(img) / 255.0) ** 2.2
    photons = 4000 / (1 + 60 * strength) ** 1.3          # full-well electrons per unit signal
    shot = g.poisson(lin * photons) / photons
    read = g.normal(0, 0.002 + 0.01 * strength, lin.shape)
    h, w = lin.shape[:2]
    blotch = cv2.resize(g.normal(0, 0.01 * strength, (max(1, h // 16), max(1, w // 16), 3)).astype(np.float32),
                        (w, h), interpolation=cv2.INTER_CUBIC)
    out = np.clip(shot + read + blotch, 0, 1) ** (1 / 2.2)
    return _img(out * 255)


def resample_soft(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Softness from resampling: shrunk to 85 % (mild) down to 35 % and enlarged back."""
    f = 1 - 0.65 * strength * rng.uniform(0.9, 1.1) + 0.05
    w, h = img.size
    small = img.resize((max(8, round(w * f)), max(8, round(h * f))), Image.Resampling.BILINEAR)
    return small.resize((w, h), Image.Resampling.BICUBIC)


def subject_region(arr: np.ndarray, rng: random.Random) -> tuple[tuple[float, float], tuple[int, int]]:
    """Centre and axes of an ellipse around the subject: the most detailed part of the frame."""
    gray = cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(gray, (64, max(1, round(64 * gray.shape[0] / gray.shape[1]))), interpolation=cv2.INTER_AREA)
    energy = cv2.GaussianBlur(np.abs(cv2.Laplacian(small, cv2.CV_32F)), (0, 0), 6)
    y, x = np.unravel_index(int(np.argmax(energy)), energy.shape)
    h, w = gray.shape
    centre = ((x + 0.5) * w / small.shape[1], (y + 0.5) * h / small.shape[0])
    return centre, (max(4, int(w * rng.uniform(0.2, 0.3))), max(4, int(h * rng.uniform(0.2, 0.3))))


def subject_defocus(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Missed focus: the subject (the most detailed part of the frame) is blurred, sigma
    0.5-4 native pixels, while the rest stays as sharp as it was."""
    arr = _arr(img)
    centre, axes = subject_region(arr, rng)
    mask = _ellipse_mask(arr.shape[:2], centre, axes)
    blurred = cv2.GaussianBlur(arr, (0, 0), (0.5 + 3.5 * strength) * rng.uniform(0.9, 1.1))
    return _img(mask * blurred + (1 - mask) * arr)


def subject_motion(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """The subject moved: a motion blur of 3-24 native pixels on the subject only, along a
    curved path, the background still."""
    arr = _arr(img)
    centre, axes = subject_region(arr, rng)
    mask = _ellipse_mask(arr.shape[:2], centre, axes)
    k = shake_kernel((3 + 21 * strength) * rng.uniform(0.9, 1.1), rng)
    moved = cv2.filter2D(arr, -1, k.astype(np.float32) / float(k.sum()), borderType=cv2.BORDER_REFLECT)
    return _img(mask * moved + (1 - mask) * arr)


# --- held-out families of issue 30: compression and exposure as a photographer sees them ------

def _encode(img: Image.Image, quality: int) -> Image.Image:
    """Through OpenCV's JPEG encoder (libjpeg's, 4:2:0), not Pillow's as the training family."""
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR),
                            [cv2.IMWRITE_JPEG_QUALITY, quality])
    return Image.fromarray(cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB))


def recompress(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """A copy saved again, harder: JPEG quality 45 (mild 0.3: about 36) down to 15."""
    return _encode(img, max(5, round(45 - 30 * strength + rng.uniform(-2, 2))))


def smooth_scene(img: Image.Image, seed: int = 0) -> Image.Image:
    """Not a defect: the same scene in fog (most of the frame a smooth gradient of haze, the
    detail faint), where a harder quantization shows as blocks and bands rather than as lost
    detail. The benchmark renders the recompression family on it as ``recompress_smooth``."""
    rng = random.Random(seed)
    arr = _arr(img)
    h, w = arr.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (np.cos(angle) * xs / w + np.sin(angle) * ys / h)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    haze = (170 + 60 * ramp)[..., None] * np.array([1.0, 1.0, 1.02], np.float32)
    density = rng.uniform(0.65, 0.8)
    return _img((1 - density) * cv2.GaussianBlur(arr, (0, 0), 1.0) + density * haze)


def _linear(img: Image.Image) -> np.ndarray:
    return (_arr(img) / 255.0) ** 2.2


def _srgb(lin: np.ndarray) -> Image.Image:
    return _img(255.0 * np.clip(lin, 0, 1) ** (1 / 2.2))


def stops_under(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Exposed 0.25 + 1.2 x strength stops under (mild 0.3: about 0.6), in linear light."""
    return _srgb(_linear(img) * 2.0 ** -((0.25 + 1.2 * strength) * rng.uniform(0.9, 1.1)))


def stops_over(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Exposed 0.2 + 1.0 x strength stops over (mild 0.3: 0.5), in linear light, highlights
    clipping where they pass full scale."""
    return _srgb(_linear(img) * 2.0 ** ((0.2 + 1.0 * strength) * rng.uniform(0.9, 1.1)))


def tone_lift(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """Shadows and mid-tones lifted by a gamma (exponent 1 / (1 + 0.7 x strength): mild 0.83),
    as an over-eager auto-tone or a flat picture style gives."""
    return _img(255.0 * (_arr(img) / 255.0) ** (1 / (1 + 0.7 * strength * rng.uniform(0.9, 1.1))))


Degradation = Callable[[Image.Image, random.Random, float], Image.Image]
TRAIN_FAMILIES: dict[str, Degradation] = {
    "defocus": defocus, "motion_blur": motion_blur, "noise": noise, "underexpose": underexpose,
    "overexpose": overexpose, "compression": compression, "tilt_crop": tilt_crop, "partial_defocus": partial_defocus,
}
HELDOUT_FAMILIES: dict[str, Degradation] = {
    "lens_defocus": lens_defocus, "shake": shake, "sensor_noise": sensor_noise,
    "resample_soft": resample_soft, "subject_defocus": subject_defocus, "subject_motion": subject_motion,
    "recompress": recompress, "stops_under": stops_under, "stops_over": stops_over, "tone_lift": tone_lift,
}
DEGRADATIONS: dict[str, Degradation] = {**TRAIN_FAMILIES, **HELDOUT_FAMILIES}


def degrade(img: Image.Image, kind: str, seed: int = 0, severity: float = 1.0) -> Image.Image:
    """``img`` with the defect ``kind`` at strength ``severity`` in (0, 1]."""
    return DEGRADATIONS[kind](img.convert("RGB"), random.Random(seed), max(0.02, min(1.0, float(severity))))


def close_eyes(img: Image.Image, landmarks, rng: random.Random) -> Image.Image:
    """Paint closed lids over both eyes of a face (YuNet landmarks: right eye, left eye, ...):
    skin from just below each eye, softly blended, crossed by a darker lid line."""
    from PIL import ImageDraw, ImageFilter

    out = img.convert("RGB").copy()
    (rx, ry), (lx, ly) = landmarks[0], landmarks[1]
    d = max(6.0, float(np.hypot(lx - rx, ly - ry)))
    w, h = int(d * rng.uniform(0.42, 0.5)), int(d * rng.uniform(0.22, 0.28))
    for cx, cy in ((rx, ry), (lx, ly)):
        box = (int(cx - w / 2), int(cy - h / 2), int(cx + w / 2), int(cy + h / 2))
        src = (box[0], box[1] + int(0.45 * d), box[2], box[3] + int(0.45 * d))
        patch = out.crop(src).filter(ImageFilter.GaussianBlur(max(1.0, d / 25)))
        mask = Image.new("L", patch.size, 0)
        ImageDraw.Draw(mask).ellipse((0, 0, patch.width - 1, patch.height - 1), fill=255)
        out.paste(patch, box[:2], mask.filter(ImageFilter.GaussianBlur(max(1.0, d / 30))))
        lid = ImageDraw.Draw(out)
        shade = tuple(int(c * 0.55) for c in patch.resize((1, 1)).getpixel((0, 0)))
        lid.arc((box[0], int(cy - h), box[2], int(cy + h / 3)), 20, 160, fill=shade, width=max(1, int(d / 30)))
    return out
