"""Configurable ResNet: depth or custom stages, basic/bottleneck blocks, width multiplier,
stem width, squeeze-and-excitation, activation, normalisation, projection type, residual scaling."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..blocks import SqueezeExcitation, activation, norm2d
from .base import BaseArchitecture

DEPTHS = {18: ("basic", [2, 2, 2, 2]), 34: ("basic", [3, 4, 6, 3]), 50: ("bottleneck", [3, 4, 6, 3]),
          101: ("bottleneck", [3, 4, 23, 3]), 152: ("bottleneck", [3, 8, 36, 3])}
BASE_WIDTHS = (64, 128, 256, 512)
EXPANSION = {"basic": 1, "bottleneck": 4}


def resnet_layout(config: dict[str, Any]) -> dict[str, Any]:
    """Resolve a config to concrete stage depths, widths and block type (shared with the calculator)."""
    depth = config.get("resnet_depth", config.get("depth", 50))
    stages = config.get("stages")
    if stages is None:
        if depth not in DEPTHS:
            raise ValueError(f"ResNet depth must be one of {sorted(DEPTHS)} or give 'stages'")
        default_block, stages = DEPTHS[depth]
    else:
        default_block = "bottleneck" if (depth or 50) >= 50 else "basic"
    block = config.get("block_type", default_block)
    mult = float(config.get("width_multiplier", 1.0))
    widths = config.get("stage_widths") or [max(8, int(round(w * mult))) for w in BASE_WIDTHS[:len(stages)]]
    stem = int(config.get("stem_channels", max(8, int(round(64 * mult)))))
    return {"stages": list(stages), "block": block, "widths": list(widths), "stem": stem,
            "expansion": EXPANSION[block]}


class _Projection(nn.Sequential):
    def __init__(self, cin: int, cout: int, stride: int, kind: str, norm: str) -> None:
        layers: list[nn.Module] = []
        if kind == "avgpool" and stride > 1:  # ResNet-D: average, then a 1x1 conv without stride
            layers.append(nn.AvgPool2d(stride, stride, ceil_mode=True))
            stride = 1
        layers += [nn.Conv2d(cin, cout, 1, stride, bias=False), norm2d(norm, cout)]
        super().__init__(*layers)


class ResidualBlock(nn.Module):
    def __init__(self, cin: int, width: int, stride: int, block: str, cfg: dict[str, Any]) -> None:
        super().__init__()
        norm, act = cfg.get("normalization", "batch_norm"), cfg.get("activation", "relu")
        cout = width * EXPANSION[block]
        if block == "basic":
            self.body = nn.Sequential(
                nn.Conv2d(cin, width, 3, stride, 1, bias=False), norm2d(norm, width), activation(act),
                nn.Conv2d(width, width, 3, 1, 1, bias=False), norm2d(norm, width))
        else:
            self.body = nn.Sequential(
                nn.Conv2d(cin, width, 1, bias=False), norm2d(norm, width), activation(act),
                nn.Conv2d(width, width, 3, stride, 1, bias=False), norm2d(norm, width), activation(act),
                nn.Conv2d(width, cout, 1, bias=False), norm2d(norm, cout))
        self.se = (SqueezeExcitation(cout, cfg.get("se_reduction", 16), cfg.get("se_activation", "relu"))
                   if cfg.get("use_se") else nn.Identity())
        self.shortcut = (_Projection(cin, cout, stride, cfg.get("projection_type", "conv"), norm)
                         if stride != 1 or cin != cout else nn.Identity())
        self.scale = float(cfg.get("residual_scale", 1.0))
        self.drop = nn.Dropout2d(float(cfg.get("residual_dropout", 0.0)))
        self.act = activation(act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.shortcut(x) + self.scale * self.drop(self.se(self.body(x))))


class ResNet(BaseArchitecture):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        lay = resnet_layout(config)
        norm, act = config.get("normalization", "batch_norm"), config.get("activation", "relu")
        self.stem = nn.Sequential(
            nn.Conv2d(int(config.get("in_channels", 3)), lay["stem"], 7, 2, 3, bias=False),
            norm2d(norm, lay["stem"]), activation(act), nn.MaxPool2d(3, 2, 1))
        stages, cin = [], lay["stem"]
        for i, (n, width) in enumerate(zip(lay["stages"], lay["widths"])):
            blocks = []
            for j in range(n):
                stride = 2 if (j == 0 and i > 0) else 1
                blocks.append(ResidualBlock(cin, width, stride, lay["block"], config))
                cin = width * lay["expansion"]
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.ModuleList(stages)
        self.feature_dim = cin
        self.classifier = nn.Linear(cin, self.num_classes) if self.num_classes else None

    def stages_forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.stem(x)
        outs = []
        for stage in self.stages:
            x = stage(x)
            outs.append(x)
        return outs
