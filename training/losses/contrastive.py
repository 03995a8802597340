"""Contrastive loss (Hadsell et al. 2006) on pairs of embeddings."""
from __future__ import annotations

import torch
from torch import nn


class ContrastiveLoss(nn.Module):
    """same: d^2; different: max(0, margin - d)^2; averaged (each term halved)."""

    def __init__(self, margin: float = 1.0) -> None:
        super().__init__()
        self.margin = margin

    def forward(self, a: torch.Tensor, b: torch.Tensor, same: torch.Tensor) -> torch.Tensor:
        d = torch.norm(a - b, dim=1)
        same = same.float()
        loss = same * d.pow(2) + (1 - same) * torch.relu(self.margin - d).pow(2)
        return 0.5 * loss.mean()
