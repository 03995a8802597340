"""Common base: forward returns {"feats": pooled (N, C), "all_feats": [stage maps], "out": logits}."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn


class BaseArchitecture(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.config = dict(config)
        self.num_classes = int(config.get("num_classes", 1000))
        self.dropout = nn.Dropout(float(config.get("dropout_rate", 0.0)))

    def stages_forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        raise NotImplementedError

    def pool(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3))

    def forward(self, x: torch.Tensor) -> dict[str, Any]:
        all_feats = self.stages_forward(x)
        feats = self.pool(all_feats[-1])
        out = self.classifier(self.dropout(feats)) if self.classifier is not None else feats
        return {"feats": feats, "all_feats": all_feats, "out": out}
