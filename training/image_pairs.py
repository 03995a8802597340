"""Image tensors for the end-to-end ranker: quality pairs rendered once, letterboxed with
the training mean colour, stored as uint8 (so a whole small dataset fits in memory)."""
from __future__ import annotations

import random

import numpy as np
import torch

from models.rankers import pad_to_square

from .datasets.quality_pairs import PairRenderer, QualityPair


def to_uint8_tensor(image, size: int, color) -> torch.Tensor:
    return torch.from_numpy(np.asarray(pad_to_square(image, size, color)).copy()).permute(2, 0, 1)


class ImagePairs:
    def __init__(self, pairs: list[QualityPair], renderer: PairRenderer, size: int, color, seed: int = 0) -> None:
        rng = random.Random(seed)
        a, b, target = [], [], []
        for pair in pairs:
            clean = to_uint8_tensor(renderer.clean(pair.source, pair.tone), size, color)
            worse = to_uint8_tensor(renderer.degraded(pair), size, color)
            first_clean = rng.random() < 0.5
            a.append(clean if first_clean else worse)
            b.append(worse if first_clean else clean)
            target.append(0 if first_clean else 1)      # class 0: first preferred
        self.a = torch.stack(a) if a else torch.zeros(0, 3, size, size, dtype=torch.uint8)
        self.b = torch.stack(b) if b else torch.zeros(0, 3, size, size, dtype=torch.uint8)
        self.target = torch.tensor(target, dtype=torch.long)
        self.kinds = [p.kind for p in pairs]

    def __len__(self) -> int:
        return len(self.target)

    def batch(self, idx) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return self.a[idx].float() / 255, self.b[idx].float() / 255, self.target[idx]
