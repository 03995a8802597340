"""Screenshots of every view on real photos (for the README and for review).

    QT_QPA_PLATFORM=offscreen python packaging/screenshots.py OUT_DIR [FOLDER]

FOLDER defaults to a copy of two bursts, singles and faces from the public test photos in
tests/data. The library is indexed first, then each tab is
shown and grabbed to OUT_DIR/<view>.png; the library grid with a few marks (flags, stars,
colour labels), and the loupe on a single photo: loupe.png (fit, info panel and histogram),
loupe_100.png (100 %), loupe_clipping.png (clipped highlights and shadows shown, J); the
survey of a burst's frames (survey.png)."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def sample_library(dest: Path) -> Path:
    testdata = REPO / "tests" / "data"
    for burst in ("hamilton-burst01_t1s", "tree-burst01_frame60", "visp-cube-burst02_from0040"):
        shutil.copytree(testdata / "bursts" / burst, dest / "bursts" / burst)
    for person in ("deepface_P01", "deepface_P02", "Kit_Harington"):
        shutil.copytree(testdata / "faces" / person, dest / "faces" / person)
    (dest / "singles").mkdir()
    for p in sorted((testdata / "photos").glob("*.jpg"))[:12]:
        shutil.copy2(p, dest / "singles" / p.name)
    shutil.copy2(testdata / "photos" / "tuxpaint-data_cliff.jpg", dest / "singles" / "cliff_copy.jpg")
    return dest


def simulate_dark_taste(catalog, bursts) -> None:
    """Decisions of a user who prefers the darkest frame of each burst (so the training tab
    has something to learn and to plot)."""
    for b in bursts:
        quality = catalog.features.quality(b.photo_ids)
        darkest = min(b.photo_ids, key=lambda pid: quality[pid]["brightness_mean"])
        for pid in b.photo_ids:
            if pid == darkest:
                catalog.decisions.record(pid, "best", 1)
            else:
                catalog.decisions.record(pid, "pick", -1)


def mark_some(library) -> None:
    """A few marks in the grid, as a photographer's first pass leaves them (flags, stars, labels)."""
    from PySide6.QtCore import QItemSelectionModel

    grid, model = library.grid, library.model_
    for row, keys in ((0, "p3"), (1, "x"), (2, "6"), (3, "p8"), (4, "5"), (6, "p9")):
        if row < model.rowCount():
            grid.selectionModel().select(model.index(row, 0), QItemSelectionModel.ClearAndSelect)
            for key in keys:
                kind = {"p": ("pick", 1, None), "x": ("pick", -1, None)}.get(key)
                if kind is None and key in "6789":
                    kind = ("label", None, {"6": "Red", "7": "Yellow", "8": "Green", "9": "Blue"}[key])
                elif kind is None:
                    kind = ("rating", int(key), None)
                grid.apply(*kind)
    grid.selectionModel().clearSelection()


def loupe_shots(window, out: Path, wait, settle) -> None:
    """The loupe on a single photo: fit with the info panel and histogram, 100 %, clipping (J)."""
    library = window.library
    model = library.model_
    row = next((i for i in range(model.rowCount()) if not model.row_at(i).burst and "cliff" in model.row_at(i).name),
               next((i for i in range(model.rowCount()) if not model.row_at(i).burst), 0))
    library.open_loupe(row)
    loupe = library.loupe
    wait(lambda: not loupe.view.image().isNull(), 60)
    wait(lambda: loupe.info.histogram.hist is not None, 30)
    settle(1)
    window.grab().save(str(out / "loupe.png"))
    loupe.view.set_zoom(1.0)
    wait(lambda: loupe.previews.get(model.row_at(loupe.row).path, True) is not None, 60)
    settle(1)
    window.grab().save(str(out / "loupe_100.png"))
    loupe.view.set_zoom(None)
    loupe.view.set_clipping(True)
    settle(1)
    window.grab().save(str(out / "loupe_clipping.png"))
    loupe.view.set_clipping(False)
    loupe.close_loupe()
    # survey: the frames of the first burst side by side (N in the grid)
    from PySide6.QtCore import QItemSelectionModel

    burst = next((model.row_at(i).burst for i in range(model.rowCount()) if model.row_at(i).burst), None)
    rows = [i for i in range(model.rowCount()) if burst and model.row_at(i).burst == burst][:6]
    if len(rows) >= 2:
        library.grid.selectionModel().clearSelection()
        for i in rows:
            library.grid.selectionModel().select(model.index(i, 0), QItemSelectionModel.Select)
        library.open_survey()
        wait(lambda: all(not c.view.image().isNull() for c in library.survey.cells if c.isVisible()), 60)
        settle(1)
        window.grab().save(str(out / "survey.png"))
        library.close_loupe()


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(tmp / "home" / var.lower())             # never the user's settings or libraries
    app = QApplication.instance() or QApplication([])
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else sample_library(tmp / "library")

    def wait(cond, seconds=300):
        end = time.monotonic() + seconds
        while not cond() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.open_library(str(folder))
    wait(lambda: window.index_worker is None)
    wait(lambda: bool(window.cull.bursts) and window.cull.settled)
    settle = lambda s=1.5: wait(lambda: False, s)  # noqa: E731
    window.tabs.setCurrentWidget(window.library)
    mark_some(window.library)
    settle()
    window.grab().save(str(out / "library.png"))
    loupe_shots(window, out, wait, settle)
    window.tabs.setCurrentWidget(window.cull)
    cull = window.cull
    cull.move_frame(1)
    cull.record("pick", -1)
    cull.move_frame(1)
    settle(3)
    window.grab().save(str(out / "cull.png"))
    cull.toggle_compare()
    settle(3)
    window.grab().save(str(out / "cull_compare.png"))
    cull.change_compare_count(2)                    # four frames, 2 x 2
    settle(3)
    window.grab().save(str(out / "cull_compare4.png"))
    cull.change_compare_count(-2)
    cull.toggle_compare()
    window.tabs.setCurrentWidget(window.duplicates)
    window.duplicates.reload()
    wait(lambda: bool(window.duplicates.groups), 120)
    settle()
    window.grab().save(str(out / "duplicates.png"))
    window.tabs.setCurrentWidget(window.people)
    wait(lambda: bool(window.people.clusters), 120)
    settle(2)
    window.grab().save(str(out / "people.png"))
    window.tabs.setCurrentWidget(window.search)
    window.search.search_image(str(next(folder.rglob("*.jpg"))))
    wait(lambda: bool(window.search.last_results), 120)
    settle()
    window.grab().save(str(out / "search.png"))
    window.tabs.setCurrentWidget(window.training)
    simulate_dark_taste(window.session.catalog, window.cull.bursts)
    window.training.refresh()
    window.training.start()
    wait(lambda: window.training.last_outcome is not None or window.training.worker is None, 300)
    settle(0.5)
    window.grab().save(str(out / "training.png"))
    window.tabs.setCurrentWidget(window.settings)
    settle(0.5)
    window.grab().save(str(out / "settings.png"))
    window.decisions.start("trash")                 # the confirmation states counts and sizes
    wait(lambda: window.decisions.pending is not None, 60)
    settle(0.5)
    window.decisions.pending.grab().save(str(out / "decisions_trash.png"))
    window.decisions.pending.reject()
    window.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
