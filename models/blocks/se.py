"""Squeeze-and-excitation: channel attention from globally pooled features."""
from __future__ import annotations

import torch
from torch import nn

from .layers import activation


class SqueezeExcitation(nn.Module):
    def __init__(self, channels: int, reduction: int = 16, act: str = "relu") -> None:
        super().__init__()
        hidden = max(1, channels // reduction)
        self.fc1 = nn.Linear(channels, hidden)
        self.act = activation(act)
        self.fc2 = nn.Linear(hidden, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = x.mean(dim=(2, 3))
        s = torch.sigmoid(self.fc2(self.act(self.fc1(s))))
        return x * s[:, :, None, None]
