"""Edited views of a photo for retrieval training and tests: crops, mirroring, resizing,
re-compression, colour edits, grayscale and small rotations (what search must see through)."""
from __future__ import annotations

import io
import random

from PIL import Image, ImageEnhance, ImageOps


def crop(img: Image.Image, rng: random.Random) -> Image.Image:
    f = rng.uniform(0.65, 0.9)
    w, h = int(img.width * f), int(img.height * f)
    x, y = rng.randint(0, img.width - w), rng.randint(0, img.height - h)
    return img.crop((x, y, x + w, y + h))


def mirror(img, rng):
    return ImageOps.mirror(img)


def resize(img, rng):
    f = rng.uniform(0.3, 0.6)
    return img.resize((max(8, int(img.width * f)), max(8, int(img.height * f))), Image.Resampling.BILINEAR)


def recompress(img, rng):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(15, 40))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def colour(img, rng):
    img = ImageEnhance.Color(img).enhance(rng.uniform(0.4, 1.6))
    img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.7, 1.3))
    return ImageEnhance.Contrast(img).enhance(rng.uniform(0.7, 1.3))


def grayscale(img, rng):
    return ImageOps.grayscale(img).convert("RGB")


def rotate(img, rng):
    return img.rotate(rng.uniform(-8, 8), resample=Image.Resampling.BILINEAR, expand=False, fillcolor=(128, 128, 128))


EDITS = {"crop": crop, "mirror": mirror, "resize": resize, "recompress": recompress, "colour": colour,
         "grayscale": grayscale, "rotate": rotate}


def random_view(img: Image.Image, seed: int, edits: int = 2) -> Image.Image:
    rng = random.Random(seed)
    out = img.convert("RGB")
    for name in rng.sample(sorted(EDITS), edits):
        out = EDITS[name](out, rng)
    return out
