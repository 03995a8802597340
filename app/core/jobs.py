"""Long jobs as generators: progress events, cooperative cancellation, a driver.

Every long operation in the core is a generator that yields :class:`Progress`
events and returns its result (``StopIteration.value``). It checks a
:class:`CancelToken` between units of work and returns early (with what it has
committed) when cancelled. The CLI drives it with :func:`drive`; the GUI runs
the same generator in a worker thread.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Generator, TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class Progress:
    phase: str
    done: int
    total: int | None = None
    current: str | None = None
    message: str | None = None
    metrics: dict | None = None      # e.g. training loss / agreement, for live plots

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


class CancelToken:
    """A thread-safe flag a job polls between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


Job = Generator[Progress, None, R]


def drive(job: Job[R], on_progress: Callable[[Progress], None] | None = None) -> R:
    """Run a job generator to completion, passing each event to ``on_progress``."""
    try:
        while True:
            event = next(job)
            if on_progress is not None:
                on_progress(event)
    except StopIteration as stop:
        return stop.value


class Throttle:
    """True at most every ``interval`` seconds (to keep progress events cheap)."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self._last = 0.0

    def ready(self) -> bool:
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            return True
        return False
