"""Labelled quality pairs from real photos: a clean frame versus a degraded copy of it."""
from __future__ import annotations

import io
import random
from typing import Callable

VERSION = 2      # part of every feature-cache key: bump when a degradation changes

import numpy as np
from PIL import Image, ImageFilter


def defocus(img: Image.Image, rng: random.Random) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius=rng.uniform(2.0, 5.0) * max(img.size) / 800))


def motion_blur(img: Image.Image, rng: random.Random) -> Image.Image:
    length = max(5, int(rng.uniform(0.012, 0.03) * max(img.size))) | 1
    kernel = np.zeros((length, length), np.float32)
    if rng.random() < 0.5:
        kernel[length // 2, :] = 1
    else:
        np.fill_diagonal(kernel, 1)
    kernel /= kernel.sum()
    import cv2

    out = cv2.filter2D(np.asarray(img, np.float32), -1, kernel, borderType=cv2.BORDER_REPLICATE)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def noise(img: Image.Image, rng: random.Random) -> Image.Image:
    arr = np.asarray(img, np.float32)
    sigma = rng.uniform(12, 30)
    noisy = arr + np.random.default_rng(rng.randrange(2**32)).normal(0, sigma, arr.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def underexpose(img: Image.Image, rng: random.Random) -> Image.Image:
    arr = np.asarray(img, np.float32) / 255
    return Image.fromarray((np.clip(arr * rng.uniform(0.2, 0.4), 0, 1) * 255).astype(np.uint8))


def overexpose(img: Image.Image, rng: random.Random) -> Image.Image:
    arr = np.asarray(img, np.float32) / 255
    return Image.fromarray((np.clip(arr * rng.uniform(2.0, 3.0) + 0.1, 0, 1) * 255).astype(np.uint8))


def compression(img: Image.Image, rng: random.Random) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(3, 8))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def tilt_crop(img: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.choice([-1, 1]) * rng.uniform(8, 15)
    rotated = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=(0, 0, 0))
    w, h = img.size
    dx, dy = int(w * rng.uniform(0.2, 0.35)), int(h * rng.uniform(0.0, 0.1))
    return rotated.crop((dx, dy, w, h)).resize(img.size, Image.Resampling.BILINEAR)


DEGRADATIONS: dict[str, Callable[[Image.Image, random.Random], Image.Image]] = {
    "defocus": defocus, "motion_blur": motion_blur, "noise": noise, "underexpose": underexpose,
    "overexpose": overexpose, "compression": compression, "tilt_crop": tilt_crop,
}


def degrade(img: Image.Image, kind: str, seed: int = 0, severity: float = 1.0) -> Image.Image:
    """``severity`` < 1 blends the degraded copy with the clean one (a milder defect)."""
    img = img.convert("RGB")
    out = DEGRADATIONS[kind](img, random.Random(seed))
    if severity >= 1.0 or out.size != img.size:
        return out
    return Image.blend(img, out, max(0.0, severity))


def close_eyes(img: Image.Image, landmarks, rng: random.Random) -> Image.Image:
    """Paint closed lids over both eyes of a face (YuNet landmarks: right eye, left eye, ...):
    skin from just below each eye, softly blended, crossed by a darker lid line."""
    from PIL import ImageDraw

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
