"""One SQLite catalog per library. The object that opens it is its single writer."""
from __future__ import annotations

import os
from pathlib import Path

from .. import paths
from ..tempfiles import sweep
from .connection import (CatalogDamagedError, CatalogError, CatalogReadOnlyError, CatalogTooNewError, open_connection,
                         readonly_error, transaction)
from .decisions import DecisionState, DecisionStore
from .features import FeatureStore
from .file_ops import FileOpJournal
from .jobs import JobStore, ThumbnailStore
from .local_features import LocalFeatureStore
from .pair_checks import DetailEvidenceStore, OrderedPairStore, PairCheckStore
from .people import PeopleStore
from .migrations import SCHEMA_VERSION
from .photos import MISSING, OK, SKIPPED, PhotoIdentity, PhotoStore
from .settings import SettingsStore
from .sidecars import SidecarStore
from .trash_journal import TrashJournal
from .xmp_base import XmpBaseStore

__all__ = ["Catalog", "CatalogError", "CatalogDamagedError", "CatalogTooNewError", "CatalogReadOnlyError", "SCHEMA_VERSION", "OK", "SKIPPED",
           "MISSING", "PhotoIdentity", "DecisionState"]


class Catalog:
    def __init__(self, path: str | os.PathLike, readonly: bool = False) -> None:
        """``readonly``: never write (also chosen by itself when the file or folder is not writable)."""
        self.path = Path(path).absolute()
        self.conn, self.migrated, self.readonly = open_connection(self.path, readonly)
        self.photos = PhotoStore(self.conn)
        self.decisions = DecisionStore(self.conn)
        self.features = FeatureStore(self.conn)
        self.settings = SettingsStore(self.conn)
        self.jobs = JobStore(self.conn)
        self.thumbnails = ThumbnailStore(self.conn)
        self.pair_checks = PairCheckStore(self.conn)
        self.detail_evidence = DetailEvidenceStore(self.conn)
        self.frame_steps = OrderedPairStore(self.conn, "frame_steps", "step")
        self.highlight_pairs = OrderedPairStore(self.conn, "highlight_pairs", "result")
        self.people = PeopleStore(self.conn)
        self.sidecars = SidecarStore(self.conn)
        self.xmp_base = XmpBaseStore(self.conn)
        self.local_features = LocalFeatureStore(self.conn)
        self.trash = TrashJournal(self.conn)
        self.file_ops = FileOpJournal(self.conn)
        self.open_indexes: dict = {}        # vector indexes held while the catalog is unchanged (app/core/vector_index.py)
        self.last_xmp_report = None         # what the latest decision wrote to sidecars (app/core/culling.py)
        self.thumbs_dir = paths.thumbs_dir_for(self.path)
        if not self.readonly:
            for folder in (self.path.parent, *self.derived_dirs()):
                sweep(folder)               # debris of writes a kill interrupted

    @property
    def id(self) -> str:
        """This catalog instance: stores derived from it (vector indexes) carry it, so a new
        catalog at the same path never serves an old one's data."""
        return self.settings.get("catalog.id") or ""

    def derived_dirs(self) -> list[Path]:
        """Folders beside the catalog that belong to it (besides the thumbnails)."""
        stem = self.path.stem
        return [self.path.parent / f"{stem}.vectors", self.path.parent / f"{stem}.rankers"]

    @property
    def db(self):
        """sqlite-utils view of the catalog (imported on first use)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def integrity(self) -> tuple[list[str], list[tuple]]:
        """(SQLite's quick check: ["ok"] when sound; rows whose references point nowhere)."""
        check = [r[0] for r in self.conn.execute("PRAGMA quick_check")]
        broken = self.conn.execute("PRAGMA foreign_key_check").fetchall() if check == ["ok"] else []
        return check, broken

    def require_writable(self, what: str) -> None:
        """Fail at once, naming the file, before a job that writes starts on a read-only catalog."""
        if self.readonly:
            raise readonly_error(self.conn, what)

    def transaction(self):
        return transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
