"""Checkpoints: atomic writes (temp file + os.replace), metadata inside, safe loading."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch


def save_checkpoint(path: str | os.PathLike, model: torch.nn.Module, metadata: dict[str, Any],
                    extra: dict[str, Any] | None = None) -> Path:
    """``extra``: further top-level entries (tensors and plain data), e.g. ``replay`` pairs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save({"model_state_dict": model.state_dict(), "metadata": metadata, **(extra or {})}, tmp)
    os.replace(tmp, path)
    return path


def load_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """Tensors and plain data only (``weights_only=True``): a checkpoint cannot run code."""
    return torch.load(path, map_location="cpu", weights_only=True)
