"""Batch-hard mining (Hermans et al. 2017): per anchor, its farthest positive and nearest negative."""
from __future__ import annotations

import torch


def pairwise_distances(x: torch.Tensor) -> torch.Tensor:
    """Euclidean distance matrix, with a safe gradient at zero."""
    sq = (x.unsqueeze(1) - x.unsqueeze(0)).pow(2).sum(-1)
    return torch.sqrt(sq.clamp_min(1e-12)) * (sq > 0)


class BatchHardMiner:
    def __call__(self, embeddings: torch.Tensor, labels: torch.Tensor):
        """-> (anchor, positive, negative) index tensors; anchors lacking a positive or negative are left out."""
        with torch.no_grad():
            d = pairwise_distances(embeddings)
            same = labels.unsqueeze(0) == labels.unsqueeze(1)
            eye = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
            pos_mask, neg_mask = same & ~eye, ~same
            valid = pos_mask.any(1) & neg_mask.any(1)
            hardest_pos = torch.where(pos_mask, d, torch.full_like(d, -1.0)).argmax(1)
            hardest_neg = torch.where(neg_mask, d, torch.full_like(d, float("inf"))).argmin(1)
            anchors = torch.nonzero(valid).squeeze(1)
        return anchors, hardest_pos[anchors], hardest_neg[anchors]
