"""One long writer (an index job) per library at a time: an advisory lock on a file beside the
catalog. The lock goes with the process, so a killed index never leaves the library locked."""
from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:                     # not on POSIX: SQLite's own locking still keeps data safe
    fcntl = None


class WriterLock:
    def __init__(self, catalog_path: str | os.PathLike) -> None:
        self.path = Path(f"{os.fspath(catalog_path)}.lock")
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
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return True

    def holder(self) -> str:
        try:
            return self.path.read_text().strip() or "?"
        except OSError:
            return "?"

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
