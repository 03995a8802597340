"""``phototriage-gui [FOLDER] [--db PATH]``: the culling workspace."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .platform_check import preflight

APP_ID = "io.github.phototriage.PhotoTriage"
ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / f"{APP_ID}.svg"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phototriage-gui")
    parser.add_argument("folder", nargs="?", help="library folder (indexed in the background)")
    parser.add_argument("--db", help="catalog file")
    parser.add_argument("--no-index", action="store_true", help="open without rescanning the folder")
    args = parser.parse_args(argv)
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        problem = preflight()
        if problem:
            print(problem, file=sys.stderr)
            return 1
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("PhotoTriage")
    app.setDesktopFileName(APP_ID)            # the launcher packaging/install_desktop.py installs
    app.setWindowIcon(QIcon(str(ICON)))
    window = MainWindow()
    if args.folder or args.db:
        window.open_library(os.path.abspath(args.folder) if args.folder else None,
                            os.path.abspath(args.db) if args.db else None, index=not args.no_index)
    else:
        window.open_last(index=not args.no_index)       # the library open when the window last closed
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
