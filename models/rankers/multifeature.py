"""MultiFeaturePairwiseRanker: frozen feature blocks -> LayerNorm -> shared Siamese tower
-> comparison head -> one quality score per photo. Pairs are compared by score difference."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from ..blocks import activation


@dataclass
class MultiFeatureConfig:
    """Input blocks are optional: a dim of 0 leaves that block out."""
    embedding_dim: int = 0        # photo embedding (e.g. EfficientNet-Lite0 1280, CLIP 512)
    cnn_dim: int = 0              # CNN features
    quality_dim: int = 0          # named quality features (sharpness, exposure, noise, ...)
    face_dim: int = 0             # face features (eyes open, face sharpness, ...)
    hidden_dims: list[int] = field(default_factory=lambda: [512, 256])
    dropout: float = 0.3
    activation: str = "relu"
    use_layernorm: bool = True

    @property
    def input_dims(self) -> dict[str, int]:
        dims = {"embedding": self.embedding_dim, "cnn": self.cnn_dim, "quality": self.quality_dim,
                "face": self.face_dim}
        return {k: v for k, v in dims.items() if v}

    @property
    def input_dim(self) -> int:
        return sum(self.input_dims.values())


class MultiFeaturePairwiseRanker(nn.Module):
    def __init__(self, config: MultiFeatureConfig) -> None:
        super().__init__()
        if config.input_dim == 0:
            raise ValueError("the ranker needs at least one feature block")
        if not config.hidden_dims:
            raise ValueError("hidden_dims needs at least one layer")
        self.config = config
        # Per-feature standardisation measured on the training set (saved with the weights).
        self.register_buffer("feature_mean", torch.zeros(config.input_dim))
        self.register_buffer("feature_std", torch.ones(config.input_dim))
        self.norm = nn.LayerNorm(config.input_dim) if config.use_layernorm else nn.Identity()
        layers: list[nn.Module] = []
        width = config.input_dim
        for h in config.hidden_dims:
            layers += [nn.Linear(width, h), activation(config.activation), nn.Dropout(config.dropout)]
            width = h
        self.siamese_tower = nn.Sequential(*layers)
        self.comparison_head = nn.Linear(width, 1)

    @property
    def embedding_dim(self) -> int:
        return self.config.hidden_dims[-1]

    def combine(self, blocks: dict[str, torch.Tensor]) -> torch.Tensor:
        """Concatenate the configured feature blocks in a fixed order."""
        missing = set(self.config.input_dims) - set(blocks)
        if missing:
            raise KeyError(f"missing feature blocks: {sorted(missing)}")
        return torch.cat([blocks[k] for k in self.config.input_dims], dim=1)

    def set_standardization(self, features: torch.Tensor) -> None:
        """Measure mean and spread of each input feature on (N, input_dim) training features."""
        self.feature_mean.copy_(features.mean(0))
        self.feature_std.copy_(features.std(0).clamp_min(1e-3) if len(features) > 1 else torch.ones_like(self.feature_std))

    def encode(self, features: torch.Tensor) -> torch.Tensor:
        return self.siamese_tower(self.norm((features - self.feature_mean) / self.feature_std))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """(N, input_dim) -> (N,) quality scores; higher is better."""
        return self.comparison_head(self.encode(features)).squeeze(1)

    def compare(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Probability that a is preferred over b."""
        return torch.sigmoid(self(a) - self(b))

    def get_architecture_metadata(self) -> dict:
        c = self.config
        dims = " → ".join(str(h) for h in c.hidden_dims)
        return {
            "architecture_type": "siamese",
            "model_class": type(self).__name__,
            "embedding_dim": self.embedding_dim,
            "input_dim": c.input_dim,
            "input_dims": c.input_dims,
            "hidden_dims": list(c.hidden_dims),
            "dropout": c.dropout,
            "activation": c.activation,
            "use_layernorm": c.use_layernorm,
            "total_parameters": sum(p.numel() for p in self.parameters()),
            "architecture_summary": f"Features({c.input_dim}) → Siamese({dims}) → Score(1) "
                                    f"[embedding_dim={self.embedding_dim}]",
            "config": asdict(c),
        }

    @classmethod
    def from_metadata(cls, metadata: dict) -> "MultiFeaturePairwiseRanker":
        return cls(MultiFeatureConfig(**metadata["config"]))
