"""How fast culling feels in the loupe, measured through the real window:

    QT_QPA_PLATFORM=offscreen python -m benchmarks.culling_speed [--photos 500] [--steps 40]

A generated library of N 12-megapixel JPEGs (4000 x 3000, a real photo enlarged with grain
and shifted per frame, so each decodes as a camera JPEG would) is indexed (metadata and
thumbnails), the real main window opens it and its loupe, and the script reports:

- ``next_fit_ms``: Right arrow to the next photo's picture painted, at fit;
- ``next_100_ms``: the same at 100 %;
- ``decision_to_disk_ms``: a decision key (P / U alternately) to its mark painted in the
  filmstrip and its row in the catalog on disk (read by a second connection);

each as median, p95 and worst, over ``--steps`` steps. The user is taken to look at each photo
for as long as its neighbours take to decode ("neighbours preloaded"): before each key press
the loop waits until the next picture is in the loupe's cache, then times the press. Settings
and catalogs live in a temporary folder. The last line is one JSON object."""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SOURCE = REPO / "resources" / "demo" / "tuxpaint-data_sheep.jpg"
SIZE = (4000, 3000)


def make_library(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """``n`` 12-MP JPEGs, each a different crop of one enlarged real photo with grain."""
    import numpy as np
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    big = Image.open(SOURCE).convert("RGB").resize((SIZE[0] + 400, SIZE[1] + 300), Image.BICUBIC)
    arr = np.asarray(big, np.int16)
    grain = rng.normal(0, 6, arr.shape).astype(np.int16)
    base = Image.fromarray(np.clip(arr + grain, 0, 255).astype(np.uint8))
    out = []
    for i in range(n):
        x, y = int(rng.integers(0, 400)), int(rng.integers(0, 300))
        img = base.crop((x, y, x + SIZE[0], y + SIZE[1]))
        ImageDraw.Draw(img).rectangle((100 + 7 * (i % 300), 100, 400 + 7 * (i % 300), 400), fill=(40 * (i % 6), 90, 200))
        path = folder / f"IMG_{i:04d}.jpg"
        img.save(path, quality=90)
        out.append(path)
    return out


def stats(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {"median": None, "p95": None, "worst": None}
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return {"median": round(statistics.median(values), 1), "p95": round(p95, 1), "worst": round(values[-1], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=500)
    parser.add_argument("--steps", type=int, default=40, help="key presses measured per figure")
    parser.add_argument("--workdir", help="keep the library and catalog here (default: a temporary folder)")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="culling_speed_"))
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(work / "home" / var.lower())            # never the user's settings
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.core.catalog import Catalog
    from app.core.indexer import index_library
    from app.core.jobs import drive
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    folder, db = work / "library", work / "catalog.db"
    t = time.monotonic()
    if not db.exists():
        make_library(folder, args.photos)
        print(f"generated {args.photos} photos of {SIZE[0]}x{SIZE[1]} in {time.monotonic() - t:.0f} s", flush=True)
        t = time.monotonic()
        with Catalog(db) as cat:
            drive(index_library(cat, str(folder)))
        print(f"indexed in {time.monotonic() - t:.0f} s", flush=True)

    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    window.open_library(None, str(db), index=False)
    window.tabs.setCurrentWidget(window.library)
    lib = window.library
    loupe, view = lib.loupe, lib.loupe.view
    loupe.auto_advance.setChecked(False)

    def spin(cond, seconds=60.0) -> bool:
        end = time.monotonic() + seconds
        while not cond():
            if time.monotonic() > end:
                return False
            app.processEvents()
            time.sleep(0.0005)
        return True

    def neighbour_ready(full: bool) -> bool:
        nxt = loupe.row + 1
        return nxt < lib.model_.rowCount() and loupe.previews.get(lib.model_.row_at(nxt).path, full) is not None

    def next_photo_ms(full: bool, steps: int) -> list[float]:
        out = []
        for _ in range(steps):
            if loupe.row >= lib.model_.rowCount() - 1:
                break
            spin(lambda: neighbour_ready(full))           # the user looked at this photo long enough
            want = loupe.previews.get(lib.model_.row_at(loupe.row + 1).path, full)
            t0 = time.perf_counter()
            QTest.keyClick(loupe, Qt.Key_Right)
            spin(lambda: view.canvas.painted_key == want.cacheKey() and view.canvas.painted_at > t0)
            out.append(1000 * (view.canvas.painted_at - t0))
        return out

    class PaintClock(QObject):
        last = 0.0

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint:
                self.last = time.perf_counter()
            return False

    lib.open_loupe(0)
    spin(lambda: not view.image().isNull())
    fit = next_photo_ms(False, args.steps)
    QTest.keyClick(loupe, Qt.Key_Z)
    spin(lambda: loupe.previews.get(lib.model_.row_at(loupe.row).path, True) is not None)
    full = next_photo_ms(True, args.steps)
    QTest.keyClick(loupe, Qt.Key_Z)

    clock = PaintClock()
    loupe.strip.viewport().installEventFilter(clock)
    reader = sqlite3.connect(str(db))
    decisions = []
    for i in range(args.steps):
        before = reader.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
        spin(lambda: False, 0.02)
        t0 = time.perf_counter()
        QTest.keyClick(loupe, Qt.Key_P if i % 2 == 0 else Qt.Key_U)
        on_disk = reader.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] > before
        t_disk = time.perf_counter()
        spin(lambda: clock.last > t0, 5)
        if on_disk:
            decisions.append(1000 * (max(t_disk, clock.last) - t0))
    reader.close()
    window.close()
    result = {"next_fit_ms": stats(fit), "next_100_ms": stats(full), "decision_to_disk_ms": stats(decisions)}
    print(f"photos {args.photos}, steps {args.steps}, screen {view.viewport().width()}x{view.viewport().height()}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
