"""The one worker adapter: runs a core job generator (or a plain function) in a QThreadPool
and delivers its progress to the GUI thread in time-boxed batches.

Signals are emitted from the worker thread and queued to the GUI thread by Qt; progress
events are coalesced so the GUI receives at most one batch per ``BATCH_MS``. Only plain
data (and QImage, never QPixmap) crosses threads. ``cancel()`` sets the job's CancelToken;
``WorkerPool.shutdown()`` cancels everything and waits."""
from __future__ import annotations

import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.core.jobs import CancelToken

BATCH_MS = 50


class WorkerSignals(QObject):
    started = Signal()
    progress = Signal(list)          # a batch of Progress events (the newest last)
    returned = Signal(object)
    errored = Signal(str)
    finished = Signal()


class JobWorker(QRunnable):
    """``factory(cancel_token)`` returns a generator (a core job) or a plain result."""

    def __init__(self, factory: Callable[[CancelToken], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.factory = factory
        self.cancel_token = CancelToken()
        self.signals = WorkerSignals()
        self.done = False

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def run(self) -> None:
        sig = self.signals
        sig.started.emit()
        try:
            job = self.factory(self.cancel_token)
            if hasattr(job, "__next__"):
                batch, last = [], time.monotonic()
                try:
                    while True:
                        event = next(job)
                        batch.append(event)
                        now = time.monotonic()
                        # a job that says it waits (for another process) may say nothing more for long
                        if (now - last) * 1000 >= BATCH_MS or getattr(event, "phase", None) == "waiting":
                            sig.progress.emit(batch)
                            batch, last = [], now
                except StopIteration as stop:
                    if batch:
                        sig.progress.emit(batch)
                    result = stop.value
            else:
                result = job
            sig.returned.emit(result)
        except Exception as exc:  # reported to the GUI, never raised into Qt
            sig.errored.emit(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
        finally:
            self.done = True
            sig.finished.emit()


class WorkerPool(QObject):
    """Separate pools by purpose (indexing, thumbnails, other jobs), as Picard does."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.pools = {"jobs": QThreadPool(self), "thumbs": QThreadPool(self)}
        self.pools["jobs"].setMaxThreadCount(2)
        self.pools["thumbs"].setMaxThreadCount(2)
        self.active: list[JobWorker] = []
        self.generation = 0

    def start(self, factory: Callable[[CancelToken], Any], *, on_progress=None, on_result=None,
              on_error=None, on_finished=None, pool: str = "jobs") -> JobWorker:
        worker = JobWorker(factory)
        for signal, slot in ((worker.signals.progress, on_progress), (worker.signals.returned, on_result),
                             (worker.signals.errored, on_error)):
            if slot:
                signal.connect(self._current_only(slot))
        if on_finished:
            worker.signals.finished.connect(on_finished)
        worker.signals.finished.connect(lambda w=worker: self._forget(w))
        self.active.append(worker)
        self.pools[pool].start(worker)
        return worker

    def _current_only(self, slot):
        """``slot``, dropped once the pool was shut down after the job started: a result queued
        for a library that was closed meanwhile must not reach views of the closed library."""
        generation = self.generation

        def deliver(*args):
            if generation == self.generation:
                slot(*args)
        return deliver

    def _forget(self, worker: JobWorker) -> None:
        if worker in self.active:
            self.active.remove(worker)

    def busy(self) -> bool:
        return any(not w.done for w in self.active)

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Cancel every job and wait for the threads; True when all stopped in time. Results,
        progress and errors of these jobs still on their way are dropped."""
        self.generation += 1
        for w in list(self.active):
            w.cancel()
        return all(p.waitForDone(timeout_ms) for p in self.pools.values())
