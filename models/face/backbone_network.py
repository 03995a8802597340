"""Pretrained trunk -> pooled features -> Linear -> BatchNorm1d -> L2 (16-D by default)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..backbones import ImageTrunk


class BackboneNetwork(nn.Module):
    input_size = 105

    def __init__(self, backbone: str = "mobilenet_v3_small", embedding_dim: int = 16,
                 dropout: float = 0.0, pretrained: bool = True) -> None:
        super().__init__()
        self.trunk = ImageTrunk(backbone, pretrained=pretrained)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(self.trunk.channels, embedding_dim)
        self.bn = nn.BatchNorm1d(embedding_dim)

    def forward_once(self, x: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1], (N, 3, H, W) -> unit-length embeddings (N, D)."""
        x = self.trunk(x)
        return F.normalize(self.bn(self.fc(self.dropout(x))), dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_once(x)
