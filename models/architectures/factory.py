"""Create an architecture from a config dict (``"architecture": "resnet" | "convnext"``)."""
from __future__ import annotations

from typing import Any, Callable

from .base import BaseArchitecture
from .convnext import ConvNeXt
from .resnet import ResNet


class ArchitectureFactory:
    registry: dict[str, Callable[[dict[str, Any]], BaseArchitecture]] = {"resnet": ResNet, "convnext": ConvNeXt}

    @classmethod
    def register(cls, name: str, builder: Callable[[dict[str, Any]], BaseArchitecture]) -> None:
        cls.registry[name] = builder

    def create_model(self, config: dict[str, Any]) -> BaseArchitecture:
        name = config.get("architecture", "resnet")
        if name not in self.registry:
            raise ValueError(f"unknown architecture {name!r}; known: {sorted(self.registry)}")
        return self.registry[name](config)
