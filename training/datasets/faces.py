"""Face crops per person (one folder per person), aligned with the product's own face
detector, and person-level splits: no person appears in two splits."""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .images import list_images, load_image


@dataclass
class FaceSet:
    crops: torch.Tensor        # (N, 3, S, S) uint8
    labels: list[str]          # person per crop
    paths: list[str]
    missed: list[str]          # photos where no face was found

    def __len__(self) -> int:
        return len(self.labels)

    def label_ids(self) -> torch.Tensor:
        names = sorted(set(self.labels))
        return torch.tensor([names.index(n) for n in self.labels])

    def subset(self, people: set[str]) -> "FaceSet":
        idx = [i for i, n in enumerate(self.labels) if n in people]
        return FaceSet(self.crops[idx], [self.labels[i] for i in idx], [self.paths[i] for i in idx], [])


def load_faces(root: str | Path, size: int = 105, analyzer=None) -> FaceSet:
    """The largest face of every photo in ``root/<person>/``, aligned and resized to ``size``."""
    if analyzer is None:
        from models.face.detection import FaceAnalyzer

        analyzer = FaceAnalyzer(eyes=False)
    crops, labels, paths, missed = [], [], [], []
    for person in sorted(p for p in Path(root).iterdir() if p.is_dir()):
        for path in list_images(person):
            rgb = np.asarray(load_image(path, 1024))
            faces = sorted(analyzer.detect(rgb), key=lambda f: -f.box[2] * f.box[3])
            if not faces:
                missed.append(str(path))
                continue
            crop = Image.fromarray(analyzer.aligned_crop(rgb, faces[0])).resize((size, size), Image.Resampling.BILINEAR)
            crops.append(torch.from_numpy(np.asarray(crop).copy()).permute(2, 0, 1))
            labels.append(person.name)
            paths.append(str(path))
    stacked = torch.stack(crops) if crops else torch.zeros(0, 3, size, size, dtype=torch.uint8)
    return FaceSet(stacked, labels, paths, missed)


def person_split(labels: list[str], test_fraction: float, seed: int = 0, min_images: int = 2) -> tuple[set, set]:
    """(train people, test people); only people with ``min_images`` photos go to test
    (a verification pair needs two)."""
    people = sorted(set(labels))
    eligible = [p for p in people if labels.count(p) >= min_images]
    rng = random.Random(seed)
    test = set(rng.sample(eligible, max(1, round(len(eligible) * test_fraction))))
    return set(people) - test, test


def augment(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random mirror, brightness/contrast jitter and a small shift, on float images in [0, 1]."""
    n = batch.shape[0]
    flip = torch.rand(n, generator=generator) < 0.5
    batch = torch.where(flip.view(n, 1, 1, 1), batch.flip(3), batch)
    gain = 1 + (torch.rand(n, 1, 1, 1, generator=generator) - 0.5) * 0.4
    bias = (torch.rand(n, 1, 1, 1, generator=generator) - 0.5) * 0.2
    batch = (batch * gain + bias).clamp(0, 1)
    dx, dy = (int(v) for v in torch.randint(-4, 5, (2,), generator=generator))
    return torch.roll(batch, shifts=(dy, dx), dims=(2, 3))
