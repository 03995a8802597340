"""Triplet loss over a batch of embeddings and labels, with a pluggable miner."""
from __future__ import annotations

import torch
from torch import nn

from ..miners.batch_hard import BatchHardMiner, pairwise_distances


class TripletLoss(nn.Module):
    """mean(max(0, d(a, p) - d(a, n) + margin)) over the triplets the miner picks."""

    def __init__(self, margin: float = 0.3, miner=None) -> None:
        super().__init__()
        self.margin = margin
        self.miner = miner or BatchHardMiner()

    def forward(self, embeddings: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        a, p, n = self.miner(embeddings, labels)
        if a.numel() == 0:
            return embeddings.sum() * 0.0
        dist = pairwise_distances(embeddings)
        return torch.relu(dist[a, p] - dist[a, n] + self.margin).mean()
