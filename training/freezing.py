"""Layer freezing: train only the last stages of a pretrained trunk (seed 004: layer4 only)."""
from __future__ import annotations

from torch import nn


def freeze(module: nn.Module) -> None:
    for p in module.parameters():
        p.requires_grad_(False)


def freeze_early_stages(trunk, trainable_stages: int) -> None:
    """Freeze every stage of an :class:`~models.backbones.ImageTrunk` but the last
    ``trainable_stages`` (0 freezes the whole trunk; a negative number freezes nothing).
    Frozen BatchNorm layers are also kept in eval mode by :func:`keep_frozen_bn_eval`."""
    if trainable_stages < 0:
        return
    stages = trunk.stages()
    freeze(trunk)
    for stage in stages[len(stages) - trainable_stages:] if trainable_stages else []:
        for p in stage.parameters():
            p.requires_grad_(True)


def keep_frozen_bn_eval(model: nn.Module) -> None:
    """Call after ``model.train()``: BatchNorm layers whose weights are frozen keep their
    running statistics (small fine-tuning batches would otherwise overwrite them)."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            params = list(m.parameters(recurse=False))
            if params and not any(p.requires_grad for p in params):
                m.eval()


def count_trainable(model: nn.Module) -> tuple[int, int]:
    total = sum(p.numel() for p in model.parameters())
    return sum(p.numel() for p in model.parameters() if p.requires_grad), total
