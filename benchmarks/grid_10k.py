"""The library grid on a 10,000-photo catalog, as a user feels it:

    QT_QPA_PLATFORM=offscreen python -m benchmarks.grid_10k [--photos 10000]

A generated catalog: 10,000 photo rows in capture order, each with its own thumbnail file (real
photo crops), a fifth of them with decisions. The real main window opens it (no indexing) and
reports:

- ``open_s``: opening the library (catalog, models of every view) until the grid's first paint;
- ``scroll_frame_ms``: median and worst time to scroll the grid by a page and repaint it, over
  60 pages, with thumbnails loading in the background as they would;
- ``filter_ms``: switching the grid to "picked" and back;
- ``peak_rss_mb``: the process's peak memory.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from benchmarks.index_speed import TESTDATA


def make_catalog(root: Path, photos: int) -> Path:
    from app.core.catalog import Catalog
    from app.core.catalog.connection import transaction
    from app.core.thumbnails import thumb_path

    db = root / "catalog.db"
    sources = [Image.open(p).convert("RGB") for p in sorted((TESTDATA / "photos").glob("*.jpg"))[:12]]
    rng = random.Random(0)
    with Catalog(db) as cat:
        with transaction(cat.conn):
            for i in range(photos):
                h = hashlib.sha1(f"photo-{i}".encode()).hexdigest()
                src = sources[i % len(sources)]
                x, y = rng.randrange(max(1, src.width - 200)), rng.randrange(max(1, src.height - 150))
                dest = thumb_path(cat.thumbs_dir, h)
                dest.parent.mkdir(parents=True, exist_ok=True)
                src.crop((x, y, x + 200, y + 150)).resize((160, 120)).save(dest, quality=80)
                cat.photos.upsert(f"/photos/{2000 + i // 2000}/{i // 100:03d}/IMG_{i:05d}.jpg",
                                  {"status": "ok", "content_hash": h, "captured_ts": 1.6e9 + 7.0 * i,
                                   "width": 6000, "height": 4000})
        ids = [r[0] for r in cat.photos.grid()]
        changes = [(pid, "pick", rng.choice((1, -1)), None) for pid in rng.sample(ids, photos // 5)]
        cat.decisions.apply(changes)
    return db


def measure(db: Path) -> dict:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    painted = []
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    t = time.perf_counter()
    window.open_library(None, str(db), index=False)
    grid = window.library.grid

    class PaintSeen(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint:
                painted.append(time.perf_counter())
            return False

    seen = PaintSeen()
    grid.viewport().installEventFilter(seen)
    window.tabs.setCurrentWidget(window.library)
    while not painted and time.perf_counter() - t < 60:
        app.processEvents()
    open_s = time.perf_counter() - t
    bar = grid.verticalScrollBar()
    frames = []
    for page in range(60):
        t0 = time.perf_counter()
        bar.setValue(min(bar.maximum(), bar.value() + bar.pageStep()))
        grid.viewport().repaint()
        app.processEvents()
        frames.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    window.library.set_view("picked")
    app.processEvents()
    window.library.set_view("all")
    app.processEvents()
    filter_ms = (time.perf_counter() - t0) * 1000
    rows = window.library.model_.total
    window.close()
    frames.sort()
    return {"photos": rows, "open_s": round(open_s, 3), "scroll_pages": len(frames),
            "scroll_frame_ms": {"median": round(frames[len(frames) // 2], 1), "worst": round(frames[-1], 1)},
            "filter_ms": round(filter_ms, 1),
            "peak_rss_mb": round(peak_rss_mb())}


def peak_rss_mb() -> float:
    """This process's own high-water mark (VmHWM; ru_maxrss also counts the process it was
    forked from)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=10_000)
    ap.add_argument("--db", type=Path, help="measure this catalog instead of generating one")
    args = ap.parse_args(argv)
    if args.db:
        print(json.dumps(measure(args.db), indent=2))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        db = make_catalog(Path(tmp), args.photos)
        made = time.perf_counter() - t
        report = {"generated_s": round(made, 1), **measure(db)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
