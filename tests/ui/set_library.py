"""Small libraries of sets for window tests: an exposure bracket and a burst, indexed with the
full feature pipeline, and the window opened on them."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from app.core.catalog import Catalog
from app.core.features.compute import FeaturePipeline
from app.core.indexer import index_library
from app.core.jobs import drive
from app.ui.main_window import MainWindow
from benchmarks.sets_quality import expose, save
from tests.helpers import sample
from tests.ui.demo_window import open_window

T = 1_660_000_000.0


def write_bracket(root: Path) -> None:
    """A Canon-style bracket of one view: 1/8 s, 1 s and 8 s at f/11, 1.5 s apart."""
    view = Image.open(sample("photos/tuxpaint-data_cliff.jpg")).convert("RGB")
    for i, (seconds, ev) in enumerate(((1 / 8, 0), (1.0, 3), (8.0, 6))):
        save(expose(view, ev - 3), root / "bracket" / f"IMG_{i + 1:04d}.jpg", T + 1.5 * i, (seconds, 11.0, 100))


def write_burst(root: Path) -> None:
    """A real burst of five frames 0.4 s apart."""
    for i, frame in enumerate(sorted(sample("bursts/hamilton-burst01_t1s").glob("*.jpg"))):
        save(Image.open(frame), root / "burst" / frame.name, T + 200 + 0.4 * i, (1 / 250, 4.0, 200))


def open_indexed(qtbot, tmp_path: Path, root: Path, bursts: int = 1) -> MainWindow:
    """``root`` indexed into tmp_path/catalog.db, the window open on it at 1280 x 800 once the
    cull view has loaded ``bursts`` sets."""
    db = tmp_path / "catalog.db"
    with Catalog(db) as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=1))
    window = open_window(qtbot, db, library_tab=False)
    qtbot.waitUntil(lambda: len(window.cull.bursts) == bursts and window.cull.settled, timeout=60_000)
    return window
