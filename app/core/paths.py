"""File paths in the catalog, and where catalogs live by default.

Linux file names are bytes; Python maps undecodable bytes to lone surrogates
(``surrogateescape``), which SQLite's UTF-8 text cannot hold. Such paths are
stored as BLOBs holding the raw bytes; every other path is stored as TEXT (``to_db``; any str
bound into the catalog goes through it, see catalog/photos.py). Read back with ``from_db``:
in Python a path is always the str ``os.fsdecode`` gives.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "phototriage"


def to_db(path: str) -> str | bytes:
    raw = os.fsencode(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def from_db(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def display(path: str) -> str:
    """A printable form of a path for people: bytes that are not UTF-8 shown as ``\\xNN``
    (text.readable; JSON documents carry the exact path instead)."""
    from .text import readable

    return readable(path)


def shared_tail(a: str, b: str) -> int:
    """How many trailing path parts (the file name, then its folders) two paths share."""
    n = 0
    for x, y in zip(reversed(Path(a).parts), reversed(Path(b).parts)):
        if x != y:
            break
        n += 1
    return n


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_catalog_path(library_root: str | os.PathLike, catalogs_dir: str | os.PathLike | None = None) -> Path:
    """One catalog per library: ``<catalogs dir>/<name>-<hash of path>/catalog.db``, where the
    catalogs dir defaults to ``<data dir>/libraries``."""
    root = os.path.abspath(os.fspath(library_root))
    digest = hashlib.sha1(os.fsencode(root)).hexdigest()[:10]
    # U+FFFD for bytes that are not UTF-8 (then "_"): the folder names catalogs already have
    readable_name = os.fsencode(os.path.basename(root)).decode("utf-8", "replace")
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", readable_name or "root")[:40]
    base = Path(catalogs_dir) if catalogs_dir else data_dir() / "libraries"
    return base / f"{name}-{digest}" / "catalog.db"


def find_catalog_path(library_root: str | os.PathLike, catalogs_dir: str | os.PathLike | None = None) -> Path:
    """The library's existing catalog (in ``catalogs_dir`` or the default place), else where a
    new one goes: moving the catalogs folder never orphans libraries indexed before."""
    preferred = default_catalog_path(library_root, catalogs_dir)
    fallback = default_catalog_path(library_root)
    if not preferred.exists() and fallback.exists():
        return fallback
    return preferred


def thumbs_dir_for(catalog_path: str | os.PathLike) -> Path:
    return Path(catalog_path).parent / "thumbs"
