"""One SQLite catalog per library. The object that opens it is its single writer."""
from __future__ import annotations

import os
from pathlib import Path

from .. import paths
from .connection import CatalogError, CatalogTooNewError, open_connection, transaction
from .decisions import DecisionState, DecisionStore
from .features import FeatureStore
from .migrations import SCHEMA_VERSION
from .photos import MISSING, OK, SKIPPED, PhotoIdentity, PhotoStore
from .settings import SettingsStore

__all__ = ["Catalog", "CatalogError", "CatalogTooNewError", "SCHEMA_VERSION", "OK", "SKIPPED",
           "MISSING", "PhotoIdentity", "DecisionState"]


class Catalog:
    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path).absolute()
        self.conn, self.migrated = open_connection(self.path)
        self.photos = PhotoStore(self.conn)
        self.decisions = DecisionStore(self.conn)
        self.features = FeatureStore(self.conn)
        self.settings = SettingsStore(self.conn)
        self.thumbs_dir = paths.thumbs_dir_for(self.path)

    @property
    def db(self):
        """sqlite-utils view of the catalog (imported on first use)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def transaction(self):
        return transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
