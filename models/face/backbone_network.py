"""Pretrained trunk -> pooled features -> Linear -> BatchNorm1d -> L2 (16-D by default)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..backbones import load_trunk


class BackboneNetwork(nn.Module):
    input_size = 105

    def __init__(self, backbone: str = "mobilenet_v3_small", embedding_dim: int = 16,
                 dropout: float = 0.0, pretrained: bool = True) -> None:
        super().__init__()
        trunk = load_trunk(backbone, pretrained=pretrained)
        self.backbone_name = trunk.name
        self.features = trunk.features
        self.register_buffer("mean", torch.tensor(trunk.mean).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(trunk.std).view(1, 3, 1, 1))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(trunk.channels, embedding_dim)
        self.bn = nn.BatchNorm1d(embedding_dim)

    def forward_once(self, x: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1], (N, 3, H, W) -> unit-length embeddings (N, D)."""
        x = (x - self.mean) / self.std
        x = self.pool(self.features(x)).flatten(1)
        return F.normalize(self.bn(self.fc(self.dropout(x))), dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_once(x)
