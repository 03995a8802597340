"""Activation and normalisation choices by name."""
from __future__ import annotations

from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "swish": nn.SiLU, "silu": nn.SiLU,
               "leaky_relu": lambda: nn.LeakyReLU(0.01), "tanh": nn.Tanh}
NORMS = ("batch_norm", "group_norm", "layer_norm")


def activation(name: str) -> nn.Module:
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose from {sorted(ACTIVATIONS)}") from None


def group_count(channels: int, groups: int = 32) -> int:
    g = min(groups, channels)
    while channels % g:
        g -= 1
    return g


def norm2d(name: str, channels: int) -> nn.Module:
    """batch_norm; group_norm (up to 32 groups); layer_norm (over C, H, W: one group)."""
    if name == "batch_norm":
        return nn.BatchNorm2d(channels)
    if name == "group_norm":
        return nn.GroupNorm(group_count(channels), channels)
    if name == "layer_norm":
        return nn.GroupNorm(1, channels)
    raise ValueError(f"unknown normalisation {name!r}; choose from {NORMS}")
