"""ConvNeXt (tiny/small/base or custom depths/dims), optional squeeze-and-excitation."""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..blocks import SqueezeExcitation
from .base import BaseArchitecture

VARIANTS = {"tiny": ([3, 3, 9, 3], [96, 192, 384, 768]), "small": ([3, 3, 27, 3], [96, 192, 384, 768]),
            "base": ([3, 3, 27, 3], [128, 256, 512, 1024])}


def convnext_layout(config: dict[str, Any]) -> tuple[list[int], list[int]]:
    variant = config.get("convnext_variant", config.get("variant", "tiny"))
    if "depths" in config and "dims" in config:
        return list(config["depths"]), list(config["dims"])
    if variant not in VARIANTS:
        raise ValueError(f"ConvNeXt variant must be one of {sorted(VARIANTS)}")
    return VARIANTS[variant]


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over channels of an (N, C, H, W) map."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class ConvNeXtBlock(nn.Module):
    def __init__(self, dim: int, cfg: dict[str, Any]) -> None:
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pw1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.pw2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(torch.full((dim,), float(cfg.get("layer_scale_init", 1e-6))))
        self.se = (SqueezeExcitation(dim, cfg.get("se_reduction", 16), cfg.get("se_activation", "relu"))
                   if cfg.get("use_se") else nn.Identity())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.dwconv(x).permute(0, 2, 3, 1)
        y = self.gamma * self.pw2(self.act(self.pw1(self.norm(y))))
        return x + self.se(y.permute(0, 3, 1, 2))


class ConvNeXt(BaseArchitecture):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        depths, dims = convnext_layout(config)
        cin = int(config.get("in_channels", 3))
        self.downsample = nn.ModuleList([nn.Sequential(nn.Conv2d(cin, dims[0], 4, 4), LayerNorm2d(dims[0], eps=1e-6))])
        for a, b in zip(dims[:-1], dims[1:]):
            self.downsample.append(nn.Sequential(LayerNorm2d(a, eps=1e-6), nn.Conv2d(a, b, 2, 2)))
        self.stages = nn.ModuleList(nn.Sequential(*[ConvNeXtBlock(d, config) for _ in range(n)])
                                    for n, d in zip(depths, dims))
        self.head_norm = nn.LayerNorm(dims[-1], eps=1e-6)
        self.feature_dim = dims[-1]
        self.classifier = nn.Linear(dims[-1], self.num_classes) if self.num_classes else None

    def stages_forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        outs = []
        for down, stage in zip(self.downsample, self.stages):
            x = stage(down(x))
            outs.append(x)
        return outs

    def pool(self, x: torch.Tensor) -> torch.Tensor:
        return self.head_norm(x.mean(dim=(2, 3)))
