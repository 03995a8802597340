"""Synthetic quality pairs: each real photo against degraded copies of itself (defocus,
motion blur, noise, under/over exposure, heavy compression, tilted framing, and closed eyes
where a face is found). The source photo is the series, so splits never share a scene.

A pair may also start from a *low-key* rendering of the source (a tone curve, gamma > 1,
applied to the clean photo before it is degraded): a dark stage or night scene is not a
defect in itself, and a ranker that saw only bright, well-exposed sources learns to prefer
any brightened copy, blown highlights and washed-out blacks included."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

from .degradations import TRAIN_FAMILIES, close_eyes, degrade
from .images import load_image

EYES = "closed_eyes"


@dataclass(frozen=True)
class QualityPair:
    source: str          # path of the clean photo (its folder/name is the series id)
    kind: str            # degradation applied to the second photo
    seed: int
    severity: float = 1.0  # the defect's strength in (0, 1] (degradations.py)
    tone: float = 1.0      # gamma applied to the clean photo first (> 1: a low-key version of the scene)

    @property
    def series(self) -> str:
        """``folder/name`` of the source: the split must not depend on where the data lives."""
        return "/".join(Path(self.source).parts[-2:])

    @property
    def key(self) -> str:
        mild = f":s{self.severity:g}" if self.severity != 1.0 else ""
        return f"{hashlib.sha1(self.source.encode()).hexdigest()[:16]}:{self.kind}:{self.seed}{mild}{tone_suffix(self.tone)}"


def tone_suffix(tone: float) -> str:
    return f":g{tone:g}" if tone != 1.0 else ""


def apply_tone(img: Image.Image, gamma: float) -> Image.Image:
    """``255 * (x / 255) ** gamma`` per channel (gamma > 1 darkens mid-tones, keeps black and white)."""
    if gamma == 1.0:
        return img
    lut = [round(255 * (v / 255) ** gamma) for v in range(256)]
    return img.convert("RGB").point(lut * 3)


def make_quality_pairs(sources: list[str | os.PathLike], kinds: tuple[str, ...] | None = None,
                       variants: int = 1, seed: int = 0,
                       faces: Callable[[str], list] | None = None,
                       severities: tuple[float, ...] | None = None,
                       tones: dict[float, int] | None = None,
                       strength_range: tuple[float, float] = (0.15, 1.0),
                       eyes_variants: int | None = None) -> list[QualityPair]:
    """``variants`` degraded copies per source, kind, tone and listed severity; without
    ``severities`` each copy's strength is drawn uniformly from ``strength_range`` (a
    continuous range: real bursts differ by defects of every size). ``tones`` maps a gamma for
    the clean photo to its number of variants (default ``{1.0: variants}``); ``faces(path)``
    returns the landmarks of faces in a photo (closed-eye pairs are made only where one is
    found; ``eyes_variants`` of them, default ``variants``). Default kinds: the training families only."""
    import random

    kinds = tuple(kinds or TRAIN_FAMILIES)
    tones = {float(g): int(v) for g, v in (tones or {1.0: variants}).items()}
    pairs = []
    for i, src in enumerate(sorted(str(s) for s in sources)):
        for t, (tone, count) in enumerate(sorted(tones.items())):
            for kind in kinds:
                for n, sev in enumerate(severities or (None,)):
                    for v in range(count):
                        pair_seed = seed * 1_000_003 + i * 101 + v + 17 * n + 7919 * t
                        strength = sev if sev is not None else random.Random(f"{pair_seed}:{kind}").uniform(*strength_range)
                        pairs.append(QualityPair(src, kind, pair_seed, round(float(strength), 3), tone))
        if faces is not None and faces(src):
            pairs += [QualityPair(src, EYES, seed * 1_000_003 + i * 101 + v)
                      for v in range(variants if eyes_variants is None else eyes_variants)]
    return pairs


def holdout_sources(sources: list, fraction: float) -> tuple[list, list]:
    """(kept for training, held out for evaluation): a fixed share of the sources chosen by a
    hash of their ``folder/name`` (the same wherever the data lives, whatever else is added)."""
    def held(src) -> bool:
        name = "/".join(Path(src).parts[-2:])
        return int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < fraction

    return [s for s in sources if not held(s)], [s for s in sources if held(s)]


def camera_jpeg(img: Image.Image, seed: int) -> Image.Image:
    """``img`` as a camera or export writes it (JPEG, quality 88-97): every frame a user culls
    went through an encoder, the clean one too."""
    import io
    import random

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=random.Random(seed).randint(88, 97))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


class PairRenderer:
    """Clean and degraded images of a pair, at native resolution (long side capped), each
    encoded as a camera JPEG after its defect."""

    def __init__(self, max_side: int = 2048, landmarks: Callable[[str], list] | None = None) -> None:
        self.max_side, self.landmarks = max_side, landmarks
        self._source: dict[tuple[str, float], Image.Image] = {}     # (source, tone) -> toned source
        self._clean: dict[tuple[str, float], Image.Image] = {}      # (source, tone) -> its camera JPEG

    def source(self, source: str, tone: float = 1.0) -> Image.Image:
        if (source, tone) not in self._source:
            self._source[source, tone] = apply_tone(load_image(source, self.max_side), tone)
        return self._source[source, tone]

    def clean(self, source: str, tone: float = 1.0) -> Image.Image:
        if (source, tone) not in self._clean:
            seed = int(hashlib.sha1(f"{source}:{tone}".encode()).hexdigest()[:8], 16)
            self._clean[source, tone] = camera_jpeg(self.source(source, tone), seed)
        return self._clean[source, tone]

    def degraded(self, pair: QualityPair) -> Image.Image:
        img = self.source(pair.source, pair.tone)
        if pair.kind == EYES:
            import random

            marks = self.landmarks(pair.source) if self.landmarks else []
            if not marks:
                raise ValueError(f"no face landmarks for {pair.source}")
            return camera_jpeg(close_eyes(img, np.asarray(marks[0]), random.Random(pair.seed)), pair.seed)
        return camera_jpeg(degrade(img, pair.kind, pair.seed, pair.severity), pair.seed)


def source_photos(root: str | os.PathLike, folders: tuple[str, ...] = ("photos",)) -> list[Path]:
    """Photos to degrade, from the given sub-folders of ``root`` (burst folders contribute
    their first frame only, so near-identical frames do not dominate)."""
    from .images import list_images

    root, photos = Path(root), []
    for name in folders:
        if name == "bursts":
            photos += [frames[0] for d in sorted((root / name).iterdir())
                       if d.is_dir() and (frames := list_images(d))]
        else:
            photos += list_images(root / name)
    return photos
