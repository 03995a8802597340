"""A small CNN trained from scratch: 3 conv blocks -> 512 -> 16-D, L2-normalised."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class CustomCNN(nn.Module):
    input_size = 105

    def __init__(self, embedding_dim: int = 16, dropout: float = 0.3) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        )
        with torch.no_grad():
            flat = self.features(torch.zeros(1, 3, self.input_size, self.input_size)).numel()
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(flat, 512), nn.ReLU(inplace=True),
                                  nn.Dropout(dropout), nn.Linear(512, embedding_dim))

    def forward_once(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.head(self.features(x)), dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_once(x)
