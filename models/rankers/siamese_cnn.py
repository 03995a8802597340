"""SiameseCNNRanker: an end-to-end CNN shared by both photos, feature difference -> MLP ->
two preference logits (first preferred, second preferred). Inputs are resized keeping the
aspect ratio and padded with the training set's mean colour."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from PIL import Image
from torch import nn

from ..backbones import ImageTrunk
from ..blocks import activation


@dataclass
class SiameseCNNConfig:
    backbone: str = "vgg16"
    hidden_dims: list[int] = field(default_factory=lambda: [128, 128])
    dropout: float = 0.0
    activation: str = "tanh"
    input_size: int = 224
    padding_mean_color: tuple[float, float, float] = (0.460, 0.450, 0.430)
    pretrained: bool = True


def pad_to_square(image: Image.Image, size: int, color: tuple[float, float, float]) -> Image.Image:
    """Resize the long side to ``size`` (aspect kept) and centre on a ``color`` square."""
    scale = size / max(image.size)
    w, h = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    canvas = Image.new("RGB", (size, size), tuple(int(round(c * 255)) for c in color))
    canvas.paste(image.convert("RGB").resize((w, h), Image.Resampling.BILINEAR),
                 ((size - w) // 2, (size - h) // 2))
    return canvas


class SiameseCNNRanker(nn.Module):
    def __init__(self, config: SiameseCNNConfig) -> None:
        super().__init__()
        self.config = config
        self.backbone = ImageTrunk(config.backbone, pretrained=config.pretrained)
        layers: list[nn.Module] = []
        width = self.backbone.channels
        for h in config.hidden_dims:
            layers += [nn.Linear(width, h), activation(config.activation)]
            if config.dropout:
                layers.append(nn.Dropout(config.dropout))
            width = h
        self.head = nn.Sequential(*layers, nn.Linear(width, 2))

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1] -> (N, 2) logits: index 0 'a preferred', index 1 'b preferred'."""
        return self.head(self.backbone(a) - self.backbone(b))

    def parameter_groups(self, backbone_lr: float, head_lr: float) -> list[dict]:
        """Differential learning rates: a small one for the pretrained trunk, a larger one for the head."""
        return [{"params": self.backbone.parameters(), "lr": backbone_lr},
                {"params": self.head.parameters(), "lr": head_lr}]

    def get_architecture_metadata(self) -> dict:
        return {"architecture_type": "siamese_cnn", "model_class": type(self).__name__,
                "total_parameters": sum(p.numel() for p in self.parameters()),
                "config": asdict(self.config)}
