"""Fine-tuning a ranker on a user's preference pairs without forgetting quality.

The whole small network learns (or only its head, by choice). Each step also rehearses a batch of
the quality pairs the ranker was trained on (clean frame over its defocused, shaken, noisy,
badly exposed or over-compressed copy), so a taste learnt from a few dozen bursts ("darker")
cannot overrule sharpness ("darker, even when blurred")."""
from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from typing import Generator

import torch

from .multifeature import MultiFeaturePairwiseRanker
from .runtime import ReplayPairs


@dataclass
class FineTuneSettings:
    epochs: int = 40
    batch_size: int = 32
    lr: float = 3e-3
    weight_decay: float = 1e-3
    margin: float = 1.0
    replay_weight: float = 1.0      # rehearsal loss relative to the user's loss
    layers: str = "all"             # "all", or "head" (the head and the last tower layer)
    seed: int = 0


def weighted_margin_loss(better: torch.Tensor, worse: torch.Tensor, margin: float,
                         weight: torch.Tensor | None = None) -> torch.Tensor:
    """mean(w * max(0, margin - (s_better - s_worse))), normalised by the weights."""
    loss = torch.clamp(margin - (better - worse), min=0)
    if weight is None:
        return loss.mean()
    return (loss * weight).sum() / weight.sum().clamp_min(1e-12)


def trainable_copy(base: MultiFeaturePairwiseRanker, layers: str = "all") -> MultiFeaturePairwiseRanker:
    """A copy to tune: every layer (``"all"``) or the head and the last tower layer (``"head"``).
    The input standardisation is never tuned."""
    model = copy.deepcopy(base)
    for p in model.parameters():
        p.requires_grad_(layers == "all")
    if layers != "all":
        for module in (model.comparison_head, model.siamese_tower[-3]):
            for p in module.parameters():
                p.requires_grad_(True)
    return model


def fine_tune(base: MultiFeaturePairwiseRanker, better: torch.Tensor, worse: torch.Tensor,
              weight: torch.Tensor, replay: ReplayPairs | None = None,
              settings: FineTuneSettings | None = None,
              cancelled=lambda: False) -> Generator[tuple[int, float], None, MultiFeaturePairwiseRanker]:
    """Yields (epoch, mean loss) per epoch; returns the tuned copy of ``base``."""
    cfg = settings or FineTuneSettings()
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    model = trainable_copy(base, cfg.layers)
    model.train()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=cfg.lr,
                            weight_decay=cfg.weight_decay)
    n = len(weight)
    for epoch in range(cfg.epochs):
        if cancelled():
            break
        order = list(range(n))
        rng.shuffle(order)
        total = 0.0
        for start in range(0, n, cfg.batch_size):
            idx = order[start:start + cfg.batch_size]
            loss = weighted_margin_loss(model(better[idx]), model(worse[idx]), cfg.margin, weight[idx])
            if replay is not None and len(replay) and cfg.replay_weight > 0:
                r = [rng.randrange(len(replay)) for _ in range(max(len(idx), cfg.batch_size))]
                loss = loss + cfg.replay_weight * weighted_margin_loss(
                    model(replay.better[r]), model(replay.worse[r]), cfg.margin)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        yield epoch, total / max(1, n)
    model.eval()
    return model
