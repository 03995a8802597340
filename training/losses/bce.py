"""Binary cross-entropy on similarity logits (pairwise face verification)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class PairBCELoss(nn.Module):
    def forward(self, logits: torch.Tensor, same: torch.Tensor) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(logits, same.float())
