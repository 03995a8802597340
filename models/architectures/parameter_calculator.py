"""Predict an architecture's parameter count from its config, without building it."""
from __future__ import annotations

from typing import Any

from torch import nn

from .convnext import convnext_layout
from .resnet import resnet_layout


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _conv(cin: int, cout: int, k: int, bias: bool = False, groups: int = 1) -> int:
    return cin // groups * cout * k * k + (cout if bias else 0)


def _se(c: int, reduction: int) -> int:
    h = max(1, c // reduction)
    return c * h + h + h * c + c


def _resnet(cfg: dict[str, Any]) -> int:
    lay = resnet_layout(cfg)
    norm = 2  # every normalisation choice has a weight and a bias per channel
    total = _conv(int(cfg.get("in_channels", 3)), lay["stem"], 7) + norm * lay["stem"]
    cin = lay["stem"]
    for i, (n, w) in enumerate(zip(lay["stages"], lay["widths"])):
        for j in range(n):
            stride = 2 if (j == 0 and i > 0) else 1
            cout = w * lay["expansion"]
            if lay["block"] == "basic":
                total += _conv(cin, w, 3) + _conv(w, w, 3) + 2 * norm * w
            else:
                total += _conv(cin, w, 1) + _conv(w, w, 3) + _conv(w, cout, 1) + norm * (2 * w + cout)
            if cfg.get("use_se"):
                total += _se(cout, cfg.get("se_reduction", 16))
            if stride != 1 or cin != cout:
                total += _conv(cin, cout, 1) + norm * cout
            cin = cout
    classes = int(cfg.get("num_classes", 1000))
    return total + (cin * classes + classes if classes else 0)


def _convnext(cfg: dict[str, Any]) -> int:
    depths, dims = convnext_layout(cfg)
    total = _conv(int(cfg.get("in_channels", 3)), dims[0], 4, bias=True) + 2 * dims[0]
    for a, b in zip(dims[:-1], dims[1:]):
        total += 2 * a + _conv(a, b, 2, bias=True)
    for n, d in zip(depths, dims):
        block = _conv(d, d, 7, bias=True, groups=d) + 2 * d + (d * 4 * d + 4 * d) + (4 * d * d + d) + d
        if cfg.get("use_se"):
            block += _se(d, cfg.get("se_reduction", 16))
        total += n * block
    classes = int(cfg.get("num_classes", 1000))
    return total + 2 * dims[-1] + (dims[-1] * classes + classes if classes else 0)


def predict_parameters(config: dict[str, Any]) -> int:
    arch = config.get("architecture", "resnet")
    if arch == "resnet":
        return _resnet(config)
    if arch == "convnext":
        return _convnext(config)
    raise ValueError(f"no parameter formula for architecture {arch!r}")
