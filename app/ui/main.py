"""``phototriage-gui [FOLDER] [--db PATH]``: the library window.

For now a browsing window over an indexed catalog (the culling workspace
comes with the desktop-app issue); index first with ``phototriage index``.
"""
from __future__ import annotations

import argparse
import os
import sys

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QListView, QMainWindow

from app.core import paths
from app.core.catalog import Catalog

from .library_model import LibraryModel


class LibraryWindow(QMainWindow):
    def __init__(self, catalog: Catalog, title: str) -> None:
        super().__init__()
        self.setWindowTitle(f"PhotoTriage — {title}")
        self.catalog = catalog
        self.model = LibraryModel(catalog, self)
        view = QListView(self)
        view.setViewMode(QListView.IconMode)
        view.setResizeMode(QListView.Adjust)
        view.setUniformItemSizes(True)
        view.setIconSize(QSize(160, 120))
        view.setSpacing(6)
        view.setModel(self.model)
        self.setCentralWidget(view)
        counts = catalog.photos.counts()
        self.statusBar().showMessage(
            f"{counts.get('ok', 0)} photos, {counts.get('skipped', 0)} skipped, "
            f"{counts.get('missing', 0)} missing — catalog {catalog.path}")
        self.resize(1000, 700)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phototriage-gui")
    parser.add_argument("folder", nargs="?", help="library folder (already indexed)")
    parser.add_argument("--db", help="catalog file")
    args = parser.parse_args(argv)
    if not args.db and not args.folder:
        parser.error("give a library FOLDER or --db PATH")
    catalog_path = os.path.abspath(args.db) if args.db else str(paths.default_catalog_path(args.folder))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with Catalog(catalog_path) as catalog:  # creates or migrates it, and refuses a newer one
        window = LibraryWindow(catalog, paths.display(os.path.abspath(args.folder or catalog_path)))
        window.show()
        return app.exec()


if __name__ == "__main__":
    sys.exit(main())
