"""P x K balanced batches: P identities, K samples each (with replacement when a class is short)."""
from __future__ import annotations

import random
from collections import defaultdict
from typing import Iterator, Sequence

from torch.utils.data import Sampler


class PKBatchSampler(Sampler[list[int]]):
    def __init__(self, labels: Sequence, p: int, k: int, batches: int | None = None, seed: int = 0) -> None:
        self.by_label: dict = defaultdict(list)
        for i, label in enumerate(labels):
            self.by_label[label].append(i)
        if len(self.by_label) < p:
            raise ValueError(f"P={p} identities per batch, but only {len(self.by_label)} exist")
        self.p, self.k = p, k
        self.batches = batches or max(1, len(labels) // (p * k))
        self.seed = seed
        self.epoch = 0

    def __len__(self) -> int:
        return self.batches

    def __iter__(self) -> Iterator[list[int]]:
        rng = random.Random(self.seed + self.epoch)
        self.epoch += 1
        labels = list(self.by_label)
        for _ in range(self.batches):
            batch = []
            for label in rng.sample(labels, self.p):
                idx = self.by_label[label]
                batch += rng.sample(idx, self.k) if len(idx) >= self.k else rng.choices(idx, k=self.k)
            yield batch
