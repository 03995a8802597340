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


def portable_twin(runtime: RankerRuntime, dest: Path):
    """The NumPy twin of a loaded checkpoint, saved at ``dest`` for the processes that rank
    without PyTorch (best effort: a read-only cache only costs the next process a rebuild)."""
    import json

    from .portable import PortableRanker, save_twin

    arrays = {k: v.detach().cpu().numpy() for k, v in runtime.model.state_dict().items()}
    metadata = json.loads(json.dumps(runtime.metadata, default=str))
    twin = PortableRanker(arrays, metadata)
    try:
        save_twin(dest, arrays, metadata)
    except OSError:
        pass
    return twin
