"""Margin ranking loss for pairwise preferences, with optional per-pair weights."""
from __future__ import annotations

import torch
from torch import nn


class MarginRankingLoss(nn.Module):
    """max(0, -target * (s1 - s2) + margin); target 1 when the first is preferred, -1 otherwise."""

    def __init__(self, margin: float = 0.1) -> None:
        super().__init__()
        self.margin = margin

    def forward(self, s1: torch.Tensor, s2: torch.Tensor, target: torch.Tensor,
                weight: torch.Tensor | None = None) -> torch.Tensor:
        loss = torch.relu(-target.float() * (s1 - s2) + self.margin)
        if weight is None:
            return loss.mean()
        return (loss * weight).sum() / weight.sum().clamp_min(1e-12)
