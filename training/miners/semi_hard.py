"""Semi-hard mining (FaceNet): for each anchor-positive pair, the nearest negative farther than
the positive but within the margin; pairs without one fall back to the farthest negative."""
from __future__ import annotations

import torch

from .batch_hard import pairwise_distances


class SemiHardMiner:
    def __init__(self, margin: float = 0.3) -> None:
        self.margin = margin

    def __call__(self, embeddings: torch.Tensor, labels: torch.Tensor):
        with torch.no_grad():
            d = pairwise_distances(embeddings)
            n = len(labels)
            same = labels.unsqueeze(0) == labels.unsqueeze(1)
            eye = torch.eye(n, dtype=torch.bool, device=labels.device)
            anchors, positives, negatives = [], [], []
            for a, p in torch.nonzero(same & ~eye).tolist():
                neg = ~same[a]
                if not neg.any():
                    continue
                dap = d[a, p]
                semi = neg & (d[a] > dap) & (d[a] < dap + self.margin)
                if semi.any():   # the nearest semi-hard negative
                    neg_idx = torch.where(semi, d[a], torch.full_like(d[a], float("inf"))).argmin()
                else:            # none: the farthest negative
                    neg_idx = torch.where(neg, d[a], torch.full_like(d[a], -1.0)).argmax()
                anchors.append(a)
                positives.append(p)
                negatives.append(int(neg_idx))
        t = lambda v: torch.tensor(v, dtype=torch.long, device=labels.device)
        return t(anchors), t(positives), t(negatives)
