"""The burst ranker as the app runs it: a MultiFeaturePairwiseRanker checkpoint with its
metadata (which feature blocks, in which order) and, when the checkpoint carries them, the
quality pairs it was trained on (rehearsed when the ranker is fine-tuned on a user's picks)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from ..checkpoints import load_checkpoint
from .multifeature import MultiFeaturePairwiseRanker


@dataclass
class ReplayPairs:
    better: torch.Tensor          # (N, D) features of the better photo of each pair
    worse: torch.Tensor           # (N, D)

    def __len__(self) -> int:
        return len(self.better)


class RankerRuntime:
    def __init__(self, path: str | Path) -> None:
        ckpt = load_checkpoint(path)
        self.path = Path(path)
        self.metadata: dict = ckpt["metadata"]
        self.model = MultiFeaturePairwiseRanker.from_metadata(self.metadata["architecture"])
        self.model.load_state_dict(ckpt["model_state_dict"])
        self.model.eval()
        self.blocks: list[str] = list(self.metadata["blocks"])
        replay = ckpt.get("replay")
        self.replay = ReplayPairs(replay["better"], replay["worse"]) if replay else None

    @torch.no_grad()
    def scores(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


def win_rates(s: torch.Tensor, offsets: torch.Tensor | None = None) -> list[float]:
    """Each photo's mean probability of beating the others from its scores ``s`` (round robin,
    P = sigmoid(s_i - s_j + offsets_ij); ``offsets``: antisymmetric (N, N) evidence from
    outside the model)."""
    logits = s[:, None] - s[None, :]
    wins = torch.sigmoid(logits if offsets is None else logits + offsets)
    n = len(s)
    return ((wins.sum(1) - 0.5) / max(1, n - 1)).tolist()      # drop the self-comparison (0.5)
