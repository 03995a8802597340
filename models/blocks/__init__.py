"""Reusable building blocks."""
from .layers import activation, norm2d
from .se import SqueezeExcitation

__all__ = ["activation", "norm2d", "SqueezeExcitation"]
