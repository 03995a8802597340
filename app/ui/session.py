"""The open library as the GUI sees it: the catalog (GUI-thread connection for reads and
decisions), its folder, and factories for background jobs, each opening its own connection
(SQLite connections stay in the thread that made them)."""
from __future__ import annotations

import os
from pathlib import Path

from app.core import paths
from app.core.catalog import Catalog


def library_root_for(folder: str, catalogs_dir: str | None = None) -> str:
    """The indexed library ``folder`` is part of (the nearest folder above it, or itself, that
    has a catalog); ``folder`` itself when none has."""
    folder = os.path.abspath(folder)
    candidate = folder
    while True:
        if paths.find_catalog_path(candidate, catalogs_dir).exists():
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return folder
        candidate = parent


class Session:
    def __init__(self, catalog_path: str | os.PathLike, folder: str | None = None) -> None:
        self.catalog_path = Path(catalog_path)
        self.folder = folder
        self.catalog = Catalog(self.catalog_path)

    @classmethod
    def for_folder(cls, folder: str, catalogs_dir: str | None = None) -> "Session":
        folder = os.path.abspath(folder)
        return cls(paths.find_catalog_path(folder, catalogs_dir), folder)

    def open_worker_catalog(self) -> Catalog:
        return Catalog(self.catalog_path)

    def index_job(self, workers: int | None = None):
        """A factory for the worker: index the folder with features in a child process
        (app/core/index_process.py: the models never load into the window's process)."""
        folder, catalog_path = self.folder, self.catalog_path

        def factory(cancel):
            from app.core.index_process import index_in_child

            return (yield from index_in_child(catalog_path, folder, workers=workers, cancel=cancel))
        return factory

    def run_in_worker(self, fn):
        """A factory running ``fn(catalog)`` (or its generator) on a worker-thread catalog."""
        def factory(cancel):
            cat = self.open_worker_catalog()
            try:
                result = fn(cat, cancel)
                if hasattr(result, "__next__"):
                    result = yield from result
                return result
            finally:
                cat.close()
        return factory

    def close(self) -> None:
        self.catalog.close()
