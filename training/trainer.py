"""A small training loop as a generator: it yields an event after every iteration and every
epoch (progress, loss, validation metrics), stops early, keeps the best weights, writes
checkpoints atomically and returns when cancelled. Hooks are callables that get every event.

``cancel`` is any object with a ``cancelled`` attribute (``app.core.jobs.CancelToken``)."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Generator, Iterable

import torch

from models.checkpoints import save_checkpoint

from .early_stopping import EarlyStopping
from .freezing import keep_frozen_bn_eval


@dataclass(frozen=True)
class TrainEvent:
    kind: str                       # "iteration" or "epoch"
    epoch: int
    step: int
    steps: int | None
    loss: float
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class TrainResult:
    history: list[dict[str, float]]
    best_epoch: int
    best_metric: float | None
    cancelled: bool
    seconds: float
    checkpoint: str | None = None


class Trainer:
    def __init__(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                 loss_fn: Callable[[Any], torch.Tensor], batches: Callable[[int], Iterable[Any]],
                 evaluate: Callable[[], dict[str, float]], *, epochs: int, monitor: str = "val_loss",
                 mode: str = "min", patience: int = 3, hooks: Iterable[Callable[[TrainEvent], None]] = (),
                 cancel: Any = None, checkpoint: str | None = None, metadata: dict | None = None,
                 grad_clip: float | None = 5.0, extra: Callable[[], dict] | None = None) -> None:
        self.model, self.optimizer, self.loss_fn = model, optimizer, loss_fn
        self.batches, self.evaluate, self.epochs = batches, evaluate, epochs
        self.monitor, self.stopper = monitor, EarlyStopping(patience, mode)
        self.hooks, self.cancel = list(hooks), cancel
        self.checkpoint, self.metadata, self.grad_clip = checkpoint, dict(metadata or {}), grad_clip
        self.extra = extra          # further checkpoint entries, made after training (e.g. replay pairs)

    def _cancelled(self) -> bool:
        return bool(self.cancel is not None and self.cancel.cancelled)

    def _emit(self, event: TrainEvent) -> TrainEvent:
        for hook in self.hooks:
            hook(event)
        return event

    def run(self) -> Generator[TrainEvent, None, TrainResult]:
        start, history, cancelled = time.monotonic(), [], False
        for epoch in range(self.epochs):
            self.model.train()
            keep_frozen_bn_eval(self.model)
            batches = list(self.batches(epoch))
            losses = []
            for step, batch in enumerate(batches):
                if self._cancelled():
                    cancelled = True
                    break
                self.optimizer.zero_grad(set_to_none=True)
                loss = self.loss_fn(batch)
                if not math.isfinite(loss.item()):
                    raise FloatingPointError(f"loss became {loss.item()} at epoch {epoch}, step {step}")
                loss.backward()
                if self.grad_clip:
                    torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
                self.optimizer.step()
                losses.append(loss.item())
                yield self._emit(TrainEvent("iteration", epoch, step + 1, len(batches), losses[-1]))
            if cancelled:
                break
            self.model.eval()
            with torch.no_grad():
                metrics = {"train_loss": sum(losses) / max(1, len(losses)), **self.evaluate()}
            history.append({"epoch": epoch, **metrics})
            stop = self.stopper.step(metrics[self.monitor], epoch, self.model)
            yield self._emit(TrainEvent("epoch", epoch, len(batches), len(batches), metrics["train_loss"], metrics))
            if stop:
                break
        if self.stopper.best_state is not None:
            self.model.load_state_dict(self.stopper.best_state)
        path = None
        if self.checkpoint and history and not cancelled:
            meta = {**self.metadata, "history": history, "best_epoch": self.stopper.best_epoch,
                    "best_" + self.monitor: self.stopper.best}
            path = str(save_checkpoint(self.checkpoint, self.model, meta, self.extra() if self.extra else None))
        return TrainResult(history, self.stopper.best_epoch, self.stopper.best, cancelled,
                           time.monotonic() - start, path)
