"""Feature tensors for ranker training and evaluation: synthetic quality pairs rendered,
featurised once (cached) and stacked; the order inside each pair is randomised."""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import torch

from models.features.photo_features import BLOCK_NAMES, PhotoFeatureExtractor

from .datasets.degradations import VERSION as DEGRADATIONS_VERSION
from .datasets.pair_list import series_split
from .datasets.quality_pairs import (EYES, PairRenderer, QualityPair, holdout_sources, make_quality_pairs,
                                     source_photos, tone_suffix)
from .feature_cache import FeatureCache

MIN_EYE_FACE = 60      # pixels: smaller faces do not get closed-eye pairs
ORDINAL = ":ordinal"   # kind suffix of pairs between two strengths of one defect


@dataclass
class PairTensors:
    a: torch.Tensor            # (N, D) features of the first photo
    b: torch.Tensor            # (N, D)
    target: torch.Tensor       # (N,) +1 when the first photo is the better one, -1 otherwise
    kinds: list[str]           # degradation of the worse photo

    def __len__(self) -> int:
        return len(self.target)

    def subset(self, idx: Iterable[int]) -> "PairTensors":
        idx = list(idx)
        return PairTensors(self.a[idx], self.b[idx], self.target[idx], [self.kinds[i] for i in idx])


def feature_index(blocks: list[str], block_dims: dict[str, int], name: str) -> int:
    """Column of a named quality/face feature in the concatenated vector."""
    offset = 0
    for block in blocks:
        names = BLOCK_NAMES.get(block, ())
        if name in names:
            return offset + names.index(name)
        offset += block_dims[block]
    raise KeyError(name)


class LandmarkFinder:
    """Largest face's landmarks per source photo (for closed-eye pairs), computed once."""

    def __init__(self, renderer: PairRenderer, analyzer) -> None:
        self.renderer, self.analyzer, self._cache = renderer, analyzer, {}

    def __call__(self, source: str) -> list:
        if source not in self._cache:
            rgb = np.asarray(self.renderer.clean(source))
            faces = [f for f in self.analyzer.detect(rgb) if min(f.box[2:]) >= MIN_EYE_FACE]
            faces.sort(key=lambda f: -f.box[2] * f.box[3])
            self._cache[source] = [f.landmarks for f in faces[:1]]
        return self._cache[source]


def _clean_key(source: str, tone: float = 1.0) -> str:
    return "clean:" + hashlib.sha1(source.encode()).hexdigest()[:16] + tone_suffix(tone)


class RankerData:
    """Quality pairs from a config's ``data`` section, split by source photo."""

    def __init__(self, data_cfg: dict, extractor: PhotoFeatureExtractor, cache_dir: str | Path,
                 seed: int = 0, progress: Callable[[int, int], None] | None = None) -> None:
        from .config import resolve_path

        self.extractor, self.progress = extractor, progress
        self.blocks = list(data_cfg.get("blocks", ["quality", "face"]))
        root = resolve_path(data_cfg.get("root", "${TESTDATA}"))
        sources = [str(p) for p in source_photos(root, tuple(data_cfg.get("folders", ["photos"])))]
        sources, self.heldout_sources = holdout_sources(sources, float(data_cfg.get("holdout_fraction", 0.0)))
        fraction = float(data_cfg.get("fraction", 1.0))
        rng = random.Random(seed)
        if fraction < 1:
            sources = sorted(rng.sample(sources, max(4, int(len(sources) * fraction))))
        self.renderer = PairRenderer(int(data_cfg.get("max_side", 2048)))
        finder = LandmarkFinder(self.renderer, extractor.faces) if extractor.faces else None
        self.renderer.landmarks = finder
        kinds = data_cfg.get("kinds")
        pairs = make_quality_pairs(sources, tuple(kinds) if kinds else None, int(data_cfg.get("variants", 1)),
                                   seed, faces=finder if data_cfg.get("closed_eyes", True) else None,
                                   severities=tuple(data_cfg["severities"]) if data_cfg.get("severities") else None,
                                   tones=data_cfg.get("tones"),
                                   strength_range=tuple(data_cfg.get("strength_range", (0.15, 1.0))),
                                   eyes_variants=data_cfg.get("eyes_variants"))
        self.splits = series_split(pairs, data_cfg.get("splits", {"train": 0.7, "val": 0.15, "test": 0.15}), seed)
        self.cache = FeatureCache(cache_dir, f"{extractor.id}|render{self.renderer.max_side}|degradations-v{DEGRADATIONS_VERSION}")
        self.seed = seed
        self.ordinal_gap = float(data_cfg.get("ordinal_gap", 0) or 0)

    def _features(self, key: str, render) -> np.ndarray:
        blocks = self.cache.get(key, lambda: self.extractor.extract([render()])[0].blocks())
        return np.concatenate([blocks[b] for b in self.blocks])

    @property
    def block_dims(self) -> dict[str, int]:
        pair = next(p for split in self.splits.values() for p in split)
        blocks = self.cache.get(_clean_key(pair.source),
                                lambda: self.extractor.extract([self.renderer.clean(pair.source)])[0].blocks())
        return {b: len(blocks[b]) for b in self.blocks}

    def ordinal_pairs(self, pairs: list[QualityPair]):
        """(milder copy's features, stronger copy's features, kind) for every two copies of one
        defect of one source and tone whose strengths differ by at least ``ordinal_gap``: a stronger
        defect is worse than a milder one (without these, nothing teaches the ranker the order)."""
        if self.ordinal_gap <= 0:
            return
        groups: dict[tuple, list[QualityPair]] = {}
        for pair in pairs:
            if pair.kind != EYES:
                groups.setdefault((pair.source, pair.kind, pair.tone), []).append(pair)
        for (_, kind, _), copies in sorted(groups.items()):
            copies.sort(key=lambda p: p.severity)
            for i, milder in enumerate(copies):
                for stronger in copies[i + 1:]:
                    if stronger.severity - milder.severity >= self.ordinal_gap:
                        yield (self._features(milder.key, lambda p=milder: self.renderer.degraded(p)),
                               self._features(stronger.key, lambda p=stronger: self.renderer.degraded(p)),
                               kind + ORDINAL)

    def tensors(self, split: str) -> PairTensors:
        pairs: list[QualityPair] = self.splits[split]
        rng = random.Random(f"{self.seed}:{split}")
        a, b, target, kinds = [], [], [], []
        for i, pair in enumerate(pairs):
            clean = self._features(_clean_key(pair.source, pair.tone), lambda p=pair: self.renderer.clean(p.source, p.tone))
            worse = self._features(pair.key, lambda p=pair: self.renderer.degraded(p))
            if rng.random() < 0.5:
                a.append(clean), b.append(worse), target.append(1.0)
            else:
                a.append(worse), b.append(clean), target.append(-1.0)
            kinds.append(pair.kind)
            if self.progress:
                self.progress(i + 1, len(pairs))
        for milder, stronger, kind in self.ordinal_pairs(pairs):
            flip = rng.random() < 0.5
            a.append(stronger if flip else milder), b.append(milder if flip else stronger)
            target.append(-1.0 if flip else 1.0)
            kinds.append(kind)
        self.cache.save()
        dim = sum(self.block_dims.values())
        stack = (lambda rows: torch.from_numpy(np.stack(rows)) if rows else torch.zeros(0, dim))
        return PairTensors(stack(a), stack(b), torch.tensor(target), kinds)


def pairwise_accuracy(score_a: torch.Tensor, score_b: torch.Tensor, target: torch.Tensor) -> float:
    """Share of pairs ordered as the target says (ties count half)."""
    if len(target) == 0:
        return float("nan")
    diff = (score_a - score_b) * target
    return float(((diff > 0).float() + 0.5 * (diff == 0).float()).mean())


def per_kind_accuracy(score_a, score_b, data: PairTensors) -> dict[str, float]:
    out = {}
    for kind in sorted(set(data.kinds)):
        idx = [i for i, k in enumerate(data.kinds) if k == kind]
        out[kind] = pairwise_accuracy(score_a[idx], score_b[idx], data.target[idx])
    return out


__all__ = ["EYES", "PairTensors", "RankerData", "feature_index", "pairwise_accuracy", "per_kind_accuracy"]
