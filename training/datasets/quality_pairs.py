"""Synthetic quality pairs: each real photo against degraded copies of itself (defocus,
motion blur, noise, under/over exposure, heavy compression, tilted framing, and closed eyes
where a face is found). The source photo is the series, so splits never share a scene."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

from .degradations import DEGRADATIONS, close_eyes, degrade
from .images import load_image

EYES = "closed_eyes"


@dataclass(frozen=True)
class QualityPair:
    source: str          # path of the clean photo (its folder/name is the series id)
    kind: str            # degradation applied to the second photo
    seed: int
    severity: float = 1.0  # < 1: a milder defect (blended with the clean photo)

    @property
    def series(self) -> str:
        """``folder/name`` of the source: the split must not depend on where the data lives."""
        return "/".join(Path(self.source).parts[-2:])

    @property
    def key(self) -> str:
        mild = f":s{self.severity:g}" if self.severity != 1.0 else ""
        return f"{hashlib.sha1(self.source.encode()).hexdigest()[:16]}:{self.kind}:{self.seed}{mild}"


def make_quality_pairs(sources: list[str | os.PathLike], kinds: tuple[str, ...] | None = None,
                       variants: int = 1, seed: int = 0,
                       faces: Callable[[str], list] | None = None,
                       severities: tuple[float, ...] = (1.0,)) -> list[QualityPair]:
    """``variants`` degraded copies per source, kind and severity (real bursts differ by
    milder defects than a full-strength degradation); ``faces(path)`` returns the landmarks
    of faces in a photo (closed-eye pairs are made only where one is found)."""
    kinds = tuple(kinds or DEGRADATIONS)
    pairs = []
    for i, src in enumerate(sorted(str(s) for s in sources)):
        for kind in kinds:
            for n, sev in enumerate(severities):
                pairs += [QualityPair(src, kind, seed * 1_000_003 + i * 101 + v + 17 * n, float(sev))
                          for v in range(variants)]
        if faces is not None and faces(src):
            pairs += [QualityPair(src, EYES, seed * 1_000_003 + i * 101 + v) for v in range(variants)]
    return pairs


class PairRenderer:
    """Clean and degraded images of a pair, at the size the app analyses."""

    def __init__(self, max_side: int = 1024, landmarks: Callable[[str], list] | None = None) -> None:
        self.max_side, self.landmarks = max_side, landmarks
        self._clean: dict[str, Image.Image] = {}

    def clean(self, source: str) -> Image.Image:
        if source not in self._clean:
            self._clean[source] = load_image(source, self.max_side)
        return self._clean[source]

    def degraded(self, pair: QualityPair) -> Image.Image:
        img = self.clean(pair.source)
        if pair.kind == EYES:
            import random

            marks = self.landmarks(pair.source) if self.landmarks else []
            if not marks:
                raise ValueError(f"no face landmarks for {pair.source}")
            return close_eyes(img, np.asarray(marks[0]), random.Random(pair.seed))
        return degrade(img, pair.kind, pair.seed, pair.severity)


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
