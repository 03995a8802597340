"""Temporary files of atomic writes (write beside the target, then ``os.replace``), and the
sweep that removes those an interrupted process left behind.

Every temp name has the form ``.<target name>.<pid>[.<thread>].<tmp|part|new>``, so a later
process can tell whose it is: a file whose process is gone (or that is older than a day) is
debris from a kill and is removed at the next start."""
from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

_TEMP = re.compile(r"^\..+?\.(?P<pid>\d+)(\.\d+)?\.(tmp|part|new)$")   # lazy: the pid, not the thread id
STALE_AFTER_S = 24 * 3600


def temp_path(dest: Path, suffix: str = "tmp", per_thread: bool = False) -> Path:
    """Where to write ``dest`` before replacing it."""
    dest = Path(dest)
    thread = f".{threading.get_ident()}" if per_thread else ""
    return dest.with_name(f".{dest.name}.{os.getpid()}{thread}.{suffix}")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):     # gone, or no process id at all
        return False
    except PermissionError:
        return True
    return True


def is_debris(path: Path, now: float | None = None) -> bool:
    m = _TEMP.match(path.name)
    if m is None:
        return False
    if not _alive(int(m.group("pid"))):
        return True
    try:
        return (now or time.time()) - path.stat().st_mtime > STALE_AFTER_S   # a reused pid
    except OSError:
        return False


def sweep(folder: Path, recursive: bool = False) -> list[Path]:
    """Remove the debris of interrupted writes in ``folder``; returns what was removed."""
    removed: list[Path] = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    now = time.time()
    for path in (folder.rglob(".*") if recursive else folder.glob(".*")):
        if path.is_file() and is_debris(path, now):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed
