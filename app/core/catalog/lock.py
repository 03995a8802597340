"""One long writer per library at a time: an index, an export, trashing, an undo of one or a
repair (``check --repair``). Each moves or judges files the others would see half-done (an
export moving photos while an index scans them had the index mark them missing; each finishes
operations it finds pending, which must be ones a kill interrupted, never another process's
in flight). An advisory lock on a file beside the catalog; it goes with the process, so a
killed job never leaves the library locked. The file says who holds it: its pid and what it
is doing."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Generator

try:
    import fcntl
except ImportError:                     # not on POSIX: SQLite's own locking still keeps data safe
    fcntl = None


class WriterLock:
    def __init__(self, catalog_path: str | os.PathLike, doing: str = "indexing") -> None:
        self.path = Path(f"{os.fspath(catalog_path)}.lock")
        self.doing = doing
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        if fcntl is None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {self.doing}".encode())
        self._fd = fd
        return True

    def _said(self) -> list[str]:
        try:
            return self.path.read_text().split(maxsplit=1)
        except OSError:
            return []

    def holder(self) -> str:
        """The holder's pid ("?" when unknown)."""
        return (self._said() or ["?"])[0]

    def activity(self) -> str:
        """What the holder is doing ("indexing", "exporting", ...)."""
        said = self._said()
        return said[1].strip() if len(said) > 1 else "indexing"

    def held_elsewhere(self) -> bool:
        """Whether another process holds the lock now (an index is running); takes nothing that
        would make that process wait more than a moment."""
        if fcntl is None or self._fd is not None:
            return False
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:                 # never taken, or not readable: no index to report
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)                # closing drops the shared lock
        return False

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)          # closing drops the lock
            self._fd = None


def hold(catalog_path: str | os.PathLike, doing: str, cancel=None) -> Generator:
    """A job's step (``lock = yield from hold(...)``): the library's writer lock, waiting while
    another process holds it (said once as a "waiting" progress event). Returns the held lock,
    to release when the job ends, or None when ``cancel`` was cancelled while waiting."""
    from ..jobs import Progress

    lock = WriterLock(catalog_path, doing)
    if lock.try_acquire():
        return lock
    pid = lock.holder()                 # ("?": read while the holder was writing who it is)
    who = f"another PhotoTriage process (pid {pid}) is {lock.activity()}" if pid != "?" else \
        "another PhotoTriage process is working"
    yield Progress("waiting", 0, None, message=f"{who} in this library: waiting for it to finish")
    while not lock.try_acquire():
        if cancel is not None and cancel.cancelled:
            return None
        time.sleep(0.2)
    return lock


def exclusive(catalog_path: str | os.PathLike, doing: str, job: Generator, cancel, cancelled_result,
              needed: bool = True) -> Generator:
    """Run ``job`` (a job generator, not started yet) holding the library's writer lock
    (:func:`hold`); ``cancelled_result()`` is its result when cancelled while waiting.
    ``needed`` False (a dry run, a check that mends nothing): run without it."""
    if not needed:
        return (yield from job)
    lock = yield from hold(catalog_path, doing, cancel)
    if lock is None:
        job.close()
        return cancelled_result()
    try:
        return (yield from job)
    finally:
        lock.release()


SHM_DMS_BYTE = 128       # SQLite's unix VFS: each connection to a WAL catalog holds a shared lock
#                          on this byte of the "-shm" file for as long as it is open


def open_elsewhere(catalog_path: str | os.PathLike) -> bool:
    """Whether another process has the catalog open now (a window, any command), from SQLite's own
    per-connection lock; False where that cannot be told. Never call it in a process that has this
    catalog open itself: closing any descriptor of a file drops all of the process's POSIX locks
    on it, SQLite's included."""
    if fcntl is None:
        return False
    try:
        fd = os.open(f"{os.fspath(catalog_path)}-shm", os.O_RDWR)
    except OSError:                     # no WAL index: nobody has it open (or it cannot be told)
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DMS_BYTE)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)
