"""File paths in the catalog, and where catalogs live by default.

Linux file names are bytes; Python maps undecodable bytes to lone surrogates
(``surrogateescape``), which SQLite's UTF-8 text cannot hold. Such paths are
stored as BLOBs holding the raw bytes; every other path is stored as TEXT.
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
    """A printable form of a path (undecodable bytes shown as U+FFFD)."""
    return os.fsencode(path).decode("utf-8", "replace")


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_catalog_path(library_root: str | os.PathLike) -> Path:
    """One catalog per library: ``<data dir>/libraries/<name>-<hash of path>/catalog.db``."""
    root = os.path.abspath(os.fspath(library_root))
    digest = hashlib.sha1(os.fsencode(root)).hexdigest()[:10]
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", display(os.path.basename(root)) or "root")[:40]
    return data_dir() / "libraries" / f"{name}-{digest}" / "catalog.db"


def thumbs_dir_for(catalog_path: str | os.PathLike) -> Path:
    return Path(catalog_path).parent / "thumbs"
