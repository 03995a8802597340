"""Put PhotoTriage in the desktop's application menu (per user, no root, no make):

    .venv/bin/python packaging/install_desktop.py [--uninstall]

Writes under ``$XDG_DATA_HOME`` (default ``~/.local/share``): the launcher
(``applications/``, its ``Exec`` pointing at this checkout's ``phototriage-gui``), the icon
in the hicolor sizes rendered from its SVG source plus the SVG itself (``icons/hicolor/``),
and the AppStream metainfo (``metainfo/``). Then refreshes the menu and icon caches when
their tools exist."""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

APP_ID = "io.github.phototriage.PhotoTriage"
HERE = Path(__file__).resolve().parent / "linux"
ICON = Path(__file__).resolve().parents[1] / "resources" / "icons" / f"{APP_ID}.svg"   # also the window's icon
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def targets(root: Path) -> dict[str, Path]:
    icons = root / "icons" / "hicolor"
    out = {"desktop": root / "applications" / f"{APP_ID}.desktop",
           "metainfo": root / "metainfo" / f"{APP_ID}.metainfo.xml",
           "svg": icons / "scalable" / "apps" / f"{APP_ID}.svg"}
    out.update({f"png{s}": icons / f"{s}x{s}" / "apps" / f"{APP_ID}.png" for s in SIZES})
    return out


def render_png(svg: Path, size: int, dest: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    # a widgets application (not a bare QGuiApplication): a later window in the same process
    # (a test run) needs that kind, and Qt allows one application per process
    QApplication.instance() or QApplication(["install_desktop", "-platform", "offscreen"])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(dest)):
        raise OSError(f"cannot write {dest}")


_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def exec_arg(path: str) -> str:
    """``path`` as one argument of a .desktop ``Exec`` key: double-quoted when it holds a
    reserved character, with ", `, $ and \\ escaped by a backslash, and every backslash then
    doubled by the string escaping the spec applies first."""
    if not any(c in _RESERVED for c in path):
        return path
    quoted = "".join("\\" + c if c in '"`$\\' else c for c in path)
    return '"' + quoted.replace("\\", "\\\\") + '"'


def launcher_text(gui: Path) -> str:
    """The shipped .desktop entry with Exec/TryExec pointing at ``gui``."""
    lines = []
    for line in (HERE / f"{APP_ID}.desktop").read_text().splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_arg(str(gui))} %f"
        elif line.startswith("TryExec="):
            line = f"TryExec={gui}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def install(root: Path, gui: Path) -> dict[str, Path]:
    t = targets(root)
    for path in t.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    t["desktop"].write_text(launcher_text(gui))
    shutil.copyfile(HERE / f"{APP_ID}.metainfo.xml", t["metainfo"])
    shutil.copyfile(ICON, t["svg"])
    for s in SIZES:
        render_png(ICON, s, t[f"png{s}"])
    for tool, args in (("update-desktop-database", [str(root / "applications")]),
                       ("gtk-update-icon-cache", ["-f", "-t", str(root / "icons" / "hicolor")])):
        if shutil.which(tool):
            subprocess.run([tool, *args], capture_output=True)
    return t


def uninstall(root: Path) -> list[Path]:
    removed = []
    for path in targets(root).values():
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--uninstall", action="store_true")
    args = ap.parse_args(argv)
    root = data_home()
    if args.uninstall:
        for p in uninstall(root):
            print(f"removed {p}")
        return 0
    gui = Path(sys.executable).parent / "phototriage-gui"
    if not gui.exists():
        print(f"no phototriage-gui next to {sys.executable}: run this with the .venv's python "
              "after ./run.sh has set it up", file=sys.stderr)
        return 1
    for name, path in install(root, gui).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
