"""The window over the indexed demo library (resources/demo), as several window tests open it."""
from __future__ import annotations

import shutil
from pathlib import Path

from app.core.catalog import Catalog
from app.core.indexer import index_library
from app.core.jobs import drive
from app.ui.main_window import MainWindow
from tests.helpers import REPO

DEMO = REPO / "resources" / "demo"


def index_demo(tmp_path: Path, copy: bool = True, settings: dict | None = None) -> tuple[Path, Path]:
    """(the photo folder, the catalog) of the demo photos indexed; ``copy``: a copy of them in
    tmp_path (for tests that write sidecars or move files), else the repository's own."""
    folder = DEMO
    if copy:
        folder = tmp_path / "photos"
        shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("*.tsv"))
    db = tmp_path / "catalog.db"
    with Catalog(db) as cat:
        drive(index_library(cat, str(folder)))
        if settings:
            cat.settings.set(settings)
    return folder, db


def open_window(qtbot, db: Path, folder: Path | None = None, library_tab: bool = True,
                size: tuple[int, int] = (1280, 800)) -> MainWindow:
    """The window, shown at ``size``, on the catalog ``db`` without indexing."""
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(*size)
    w.open_library(None if folder is None else str(folder), str(db), index=False)
    w.show()
    qtbot.waitExposed(w)
    if library_tab:
        w.tabs.setCurrentWidget(w.library)
    return w
