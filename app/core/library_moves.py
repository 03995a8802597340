"""A library folder moved or renamed as a whole (from the ingest drive to the archive, `lib` to
`wedding-2026`): its catalog is keyed by the folder's path, so the new path starts an empty
catalog and the decisions stay in the old one. Two steps, the second one the user's:

- :func:`find_moved`: a folder that has no decisions yet is compared with the catalogs whose
  library folder is not there now; when the files one of them recorded are there under the same
  relative paths, with the same sizes and sampled content hashes (32 KB at eight places:
  app/core/fileio.py), the index and the window say so, with the command that brings the
  catalog along. Nothing moves on that guess alone: a folder that is not there may be a drive
  that is not plugged in, and the folder opened a backup copy of it;
- :func:`adopt` (``phototriage index NEW --moved-from OLD``): the old folder's catalog moves
  to the new folder's place (its directory renamed, thumbnails and indexes with it; its photos
  moved to the same place in the new folder, identical copies each keeping their own decisions;
  refused unless the new folder holds the old one's photos, while an index or an export of
  either library runs, and while a window or a command has either catalog open). A catalog
  made meanwhile for the new folder, with no decision in it, is kept aside, not deleted.
"""
from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from . import paths

SAMPLE = 60            # photos of a candidate catalog checked against the folder
MATCH = 0.8            # the share of them that must be there: same relative path, size and sampled hash
MIN_FILES = 2


class NotMoved(Exception):
    """The adoption cannot be done (said in words)."""


@dataclass(frozen=True)
class MovedLibrary:
    old_root: str
    catalog: Path              # where the catalog is now (the new folder's place)
    set_aside: Path | None     # an empty catalog the new folder had, kept under another name
    decisions: int = 0         # photos with a decision that came along


def _catalog_dirs(catalogs_dir) -> list[Path]:
    dirs = [paths.data_dir() / "libraries"]
    if catalogs_dir:
        dirs.insert(0, Path(catalogs_dir))
    return [d for d in dict.fromkeys(dirs) if d.is_dir()]


def _recorded(catalog: Path) -> tuple[str | None, list[tuple[str, int, str | None]], bool | None]:
    """(the library's folder, a sample of (path, size, sampled hash) of its photos, whether it
    holds decisions) as the catalog says, read only; (None, [], None) when it cannot be read."""
    from .catalog import Catalog, CatalogError
    from .catalog.jobs import LIBRARY_ROOT

    try:
        with Catalog(catalog, readonly=True) as cat:
            # the folder as the latest index recorded it, else (a catalog from before) its latest index job's
            root = cat.settings.get(LIBRARY_ROOT) or cat.jobs.last_root()
            return root, cat.photos.sample(SAMPLE), cat.decisions.any_recorded()
    except (CatalogError, sqlite3.Error, OSError):
        return None, [], None


def _share_there(folder: str, old_root: str, rows: list[tuple[str, int, str | None]]) -> float:
    from .fileio import ReadError, sample_hash

    found = 0
    for path, size, sampled in rows:
        rel = os.path.relpath(path, old_root)
        if rel.startswith(os.pardir):
            continue
        here = os.path.join(folder, rel)
        try:
            found += os.path.getsize(here) == size and sampled is not None and sample_hash(here) == sampled
        except (OSError, ReadError):
            pass
    return found / len(rows) if rows else 0.0


def find_moved(folder: str | os.PathLike, catalogs_dir=None) -> str | None:
    """The folder of the library ``folder`` looks like, that is not there now (moved, renamed,
    or on a drive not plugged in); None when there is none. Never raises: a hint only."""
    folder = os.path.abspath(os.fspath(folder))
    best = None
    try:
        for base in _catalog_dirs(catalogs_dir):
            for catalog in base.glob("*/catalog.db"):
                old_root, rows, decided = _recorded(catalog)
                if not old_root or os.path.abspath(old_root) == folder or os.path.exists(old_root) or \
                        len(rows) < MIN_FILES:
                    continue
                share = _share_there(folder, old_root, rows)
                score = (share, bool(decided))                  # of equal matches, one with decisions first
                if share >= MATCH and (best is None or score > best[0]):
                    best = (score, old_root)
    except (OSError, ValueError, TypeError):
        return None
    return None if best is None else best[1]


def adopt(folder: str | os.PathLike, old_root: str | os.PathLike, catalogs_dir=None) -> MovedLibrary:
    """The catalog of the library that was at ``old_root`` moves to ``folder``'s place (see the
    module's docstring). Raises NotMoved, in words, when it cannot or must not."""
    folder, old_root = os.path.abspath(os.fspath(folder)), os.path.abspath(os.fspath(old_root))
    source = paths.find_catalog_path(old_root, catalogs_dir)
    if not source.exists():
        raise NotMoved(f"no catalog of a library at {paths.display(old_root)}")
    if os.path.exists(old_root):
        raise NotMoved(f"{paths.display(old_root)} is still there: {paths.display(folder)} is a copy of it, "
                       "a library of its own (move or rename the folder itself to keep one library)")
    target = paths.find_catalog_path(folder, catalogs_dir)
    _, sample, _ = _recorded(source)
    share = _share_there(folder, old_root, sample)
    if share < MATCH:
        raise NotMoved(f"{paths.display(folder)} does not hold the photos of {paths.display(old_root)} "
                       f"({share:.0%} of those checked are there, with the same sizes and content): nothing was moved")
    set_aside = None
    if target.exists():
        if _recorded(target)[2] is not False:        # (decisions, or it cannot be read: never set aside)
            raise NotMoved(f"{paths.display(folder)} already has a catalog with decisions of its own "
                           f"({paths.display(str(target))}): nothing was moved")
        set_aside = target.parent.with_name(f"{target.parent.name}.replaced-{time.strftime('%Y%m%d-%H%M%S')}")
    from .catalog import Catalog
    from .catalog.lock import WriterLock, open_elsewhere

    for catalog in (source, target):          # a window left open on either would go on writing there,
        if catalog.exists() and open_elsewhere(catalog):  # or make a new catalog at the old place
            raise NotMoved(f"PhotoTriage has the catalog of {paths.display(old_root if catalog == source else folder)} "
                           "open in another window or command: close it, then run this again; nothing was moved")

    locks = [WriterLock(source, "moving a library's catalog")] + \
        ([WriterLock(target, "moving a library's catalog")] if target.exists() else [])
    try:
        for lock in locks:                    # an index or an export of either library: not now
            if not lock.try_acquire():
                raise NotMoved(f"another PhotoTriage process (pid {lock.holder()}) is {lock.activity()} in "
                               "this library: try again when it ends")
        # each photo to the same place in the new folder (identical copies keep their own
        # decisions: matched by place, not by content); one not found there is missing
        with Catalog(source) as cat:
            prefix = old_root.rstrip(os.sep) + os.sep
            moved, gone = [], []
            for pid, path, _h, status, _t, _r in cat.photos.grid():
                path = paths.from_db(path)
                if status == "ok" and path.startswith(prefix):
                    here = os.path.join(folder, os.path.relpath(path, old_root))
                    try:
                        st = os.stat(here)
                        moved.append((pid, here, st.st_size, st.st_mtime_ns))
                    except OSError:
                        gone.append(pid)
            with cat.transaction():
                for pid, here, size, mtime_ns in moved:
                    cat.photos.move(pid, here, size, mtime_ns)
                cat.photos.mark_missing(gone)
            decisions = cat.decisions.photos_with_decisions()
        target.parent.parent.mkdir(parents=True, exist_ok=True)
        if set_aside is not None:
            os.rename(target.parent, set_aside)
        os.rename(source.parent, target.parent)
    except OSError as exc:
        if set_aside is not None and not target.parent.exists() and set_aside.exists():
            os.rename(set_aside, target.parent)
        raise NotMoved(f"the catalog could not be moved to {paths.display(str(target.parent))}: "
                       f"{exc.strerror or exc} (it stays at {paths.display(str(source.parent))}; "
                       f"`--db {paths.display(str(source))}` uses it from there)") from exc
    finally:
        for lock in locks:
            lock.release()
    return MovedLibrary(old_root, target, set_aside, decisions)
