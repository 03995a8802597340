"""Stop when the monitored value has not improved for ``patience`` epochs; remember the best state."""
from __future__ import annotations

import copy


class EarlyStopping:
    def __init__(self, patience: int = 3, mode: str = "min", min_delta: float = 0.0) -> None:
        self.patience, self.mode, self.min_delta = patience, mode, min_delta
        self.best: float | None = None
        self.best_epoch = -1
        self.best_state = None
        self.bad_epochs = 0

    def _better(self, value: float) -> bool:
        if self.best is None:
            return True
        return value < self.best - self.min_delta if self.mode == "min" else value > self.best + self.min_delta

    def step(self, value: float, epoch: int, model=None) -> bool:
        """Record an epoch; returns True when training should stop."""
        if self._better(value):
            self.best, self.best_epoch, self.bad_epochs = value, epoch, 0
            if model is not None:
                self.best_state = copy.deepcopy(model.state_dict())
            return False
        self.bad_epochs += 1
        return self.bad_epochs >= self.patience
