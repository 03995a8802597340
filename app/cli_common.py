"""What every ``phototriage`` command shares: the one-line failures, the common options, which
catalog a command works on, and the progress bar. The command modules import this one; none of
them imports another (no cycle)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


class Failure(Exception):
    """A failure reported to the user as one line, exit code 1."""


class UsageError(Failure):
    """The command line itself is wrong or incomplete: exit code 2."""


def count(minimum: int = 1):
    """An argparse type: a whole number ``>= minimum`` (``-k 0`` and ``-k -5`` are usage errors)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, not {value}")
        return value
    parse.__name__ = "count"
    return parse


def number(low: float | None = None, high: float | None = None):
    """An argparse type: a finite number in [low, high] (``nan``, ``inf`` and values out of range
    are usage errors)."""
    import math

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, not {text!r}")
        if (low is not None and value < low) or (high is not None and value > high):
            span = (f"between {low:g} and {high:g}" if low is not None and high is not None
                    else f"{low:g} or more" if low is not None else f"{high:g} or less")
            raise argparse.ArgumentTypeError(f"must be {span}, not {value:g}")
        return value
    parse.__name__ = "number"
    return parse


SIMILARITY = number(0.0, 1.0)          # thresholds on a cosine similarity
SECONDS = number(0.0)


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", help="catalog file (default: the library of the current folder, "
                                                "else the last indexed one)")
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    if "folder" not in [a.dest for a in p._actions]:
        p.add_argument("--library", metavar="FOLDER", help="use the catalog of this library folder")


def last_library_file() -> Path:
    from app.core import paths

    return paths.data_dir() / "last-library"


def remember_library(catalog_path: str, folder: str) -> None:
    """Record the library just indexed (commands without --db/--library use it next)."""
    path = last_library_file()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # a folder name that is not UTF-8 keeps its bytes (surrogateescape), as the catalog does
        tmp.write_bytes(os.fsencode(catalog_path) + b"\n" + os.fsencode(folder) + b"\n")
        os.replace(tmp, path)
    except (OSError, UnicodeError):              # a convenience: never a reason to fail an index
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _library_of(folder: Path) -> tuple[str, str] | None:
    """The indexed library containing ``folder`` (it or a parent), as (catalog, library root)."""
    from app.core import paths

    for candidate in (folder, *folder.parents):
        catalog = paths.find_catalog_path(candidate)
        if catalog.exists():
            return str(catalog), str(candidate)
    return None


def catalog_path(args) -> str:
    """--db, else --library / the folder argument, else the library of the current folder, else the
    last indexed library (saying which on stderr)."""
    from app.core import paths

    if args.db:
        path = os.path.abspath(args.db)
        if os.path.isdir(path):
            raise UsageError(f"--db needs a catalog file, not a folder: {args.db}")
        return path
    folder = getattr(args, "folder", None) or getattr(args, "library", None)
    if folder is not None:
        return str(paths.find_catalog_path(os.path.abspath(folder)))
    found = _library_of(Path.cwd())
    if found is None:
        try:
            catalog, root = (os.fsdecode(line) for line in last_library_file().read_bytes().splitlines()[:2])
        except (OSError, ValueError):
            catalog = root = None
        if catalog and os.path.exists(catalog):
            found = (catalog, root)
    if found is None:
        raise UsageError("no library here and none indexed yet: run `phototriage index FOLDER` first, "
                         "or say which with --library FOLDER or --db PATH")
    print(f"phototriage: library {paths.display(found[1])} (catalog {paths.display(found[0])})", file=sys.stderr)
    return found[0]


def open_catalog(args):
    from app.core.catalog import Catalog

    path = catalog_path(args)
    if not os.path.exists(path):
        raise Failure(f"no catalog at {path}: run `phototriage index FOLDER` first (or pass --db)")
    return Catalog(path)


def run_job(job, args):
    """Drive a core job with the progress bar (none with --json); returns its result."""
    from app.core.jobs import drive

    bar = ProgressBar(not args.json)
    try:
        return drive(job, bar)
    finally:
        bar.close()


class ProgressBar:
    """tqdm on stderr, only for an interactive terminal and not with --json; with ``lines``,
    one JSON line per event on stderr instead (``PROGRESS_MARK`` first), for a parent process
    that shows the progress itself (the window indexes through a child process)."""

    def __init__(self, enabled: bool, lines: bool = False) -> None:
        self.lines = lines
        self.enabled = enabled and sys.stderr.isatty() and not lines
        self.bar = None
        self.phase = None

    def __call__(self, event) -> None:
        if self.lines:
            import json

            from app.core.index_process import PROGRESS_MARK

            print(PROGRESS_MARK + json.dumps({"phase": event.phase, "done": event.done, "total": event.total,
                                              "current": event.current, "message": event.message}),
                  file=sys.stderr, flush=True)
            return
        if event.phase == "waiting" and event.message:      # said even without a terminal
            print(f"phototriage: {event.message}", file=sys.stderr, flush=True)
        if not self.enabled:
            return
        from tqdm import tqdm

        if event.phase != self.phase:
            if self.bar is not None:
                self.bar.close()
            self.phase = event.phase
            self.bar = tqdm(total=event.total, desc=event.phase, unit="photo", file=sys.stderr,
                            dynamic_ncols=True, leave=False)
        if event.total is not None and self.bar.total != event.total:
            self.bar.total = event.total
        self.bar.n = event.done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
