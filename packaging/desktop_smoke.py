"""The real window on a real (X11) screen, start to quit, as CI runs it under Xvfb:

    DISPLAY=:99 python packaging/desktop_smoke.py OUT_DIR [FOLDER]

Goes through the launcher's own checks (app/ui/platform_check.py), opens the main window
on FOLDER (default: the bundled demo library), reports when the window is first on screen,
waits for indexing while a 10 ms timer measures the longest stall of the event loop, shows
every view, grabs the real screen to OUT_DIR/<view>.png and quits through the normal close
path. Prints one JSON line with the timings; exit code 0 only when
all of that happened. ``PT_T0`` (epoch seconds, set by the caller before it started this
process) makes ``first_window_s`` include the interpreter's start and the imports."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

T0 = float(os.environ.get("PT_T0") or time.time())
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    from app.ui.platform_check import preflight

    problem = preflight()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "smoke")
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "resources" / "demo"
    app = QApplication.instance() or QApplication([sys.argv[0]])
    if app.platformName() not in ("xcb", "wayland"):
        print(f"not a real screen: Qt platform {app.platformName()!r}", file=sys.stderr)
        return 1

    def wait(cond, seconds: float = 300.0) -> bool:
        """Run the event loop (as app.exec() would) until ``cond()`` or the time is up."""
        end = time.monotonic() + seconds
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(20)
        poll.timeout.connect(lambda: (cond() or time.monotonic() > end) and loop.quit())
        if not cond():
            poll.start()
            loop.exec()
            poll.stop()
        return bool(cond())

    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    window.open_library(str(folder))
    shown = wait(lambda: window.windowHandle() is not None and window.windowHandle().isExposed(), 30)
    first_window = time.time() - T0
    if not shown:
        print("the window never appeared on the screen", file=sys.stderr)
        return 1
    t = time.monotonic()
    if not wait(lambda: window.index_worker is None, 600):
        print("indexing did not finish", file=sys.stderr)
        return 1
    indexed = time.monotonic() - t
    timer.stop()
    gaps = sorted(b - a for a, b in zip(ticks, ticks[1:]))
    stall = {"stall_worst_ms": round(gaps[-1] * 1000, 1) if gaps else None,
             "stall_p99_ms": round(gaps[int(0.99 * (len(gaps) - 1))] * 1000, 1) if gaps else None,
             "stall_ticks": len(gaps)}
    # each view with its content, as a user would wait for it (bursts are ranked in a worker)
    ready = {"cull": lambda: bool(window.cull.bursts)}
    shots, empty = {}, []

    def shoot(name: str) -> None:
        """The real screen, as the X server shows it (not a widget rendering itself), once
        the window has settled."""
        wait(lambda: False, 0.7)
        path = out / f"{name}.png"
        app.primaryScreen().grabWindow(0).save(str(path))
        shots[name] = str(path)

    for name in ("library", "cull", "duplicates", "people", "search", "training", "settings"):
        view = getattr(window, name)
        window.tabs.setCurrentWidget(view)
        if name == "duplicates":
            view.reload()
        if name in ready and not wait(ready[name], 120):
            empty.append(name)
        wait(lambda: not window.workers.busy(), 120)       # the view's own loading job
        shoot(name)
    # the loupe on the grid's first photo: the picture large, its info panel and histogram
    window.tabs.setCurrentWidget(window.library)
    window.library.open_loupe(0)
    loupe = window.library.loupe
    if not wait(lambda: not loupe.view.image().isNull() and loupe.info.histogram.hist is not None, 60):
        empty.append("loupe")
    shoot("loupe")
    loupe.close_loupe()
    # survey: the first photos of the grid side by side (N on a selection of 2 to 12)
    from PySide6.QtCore import QItemSelectionModel

    library, model = window.library, window.library.model_
    library.grid.selectionModel().clearSelection()
    for i in range(min(4, model.rowCount())):
        library.grid.selectionModel().select(model.index(i, 0), QItemSelectionModel.Select)
    library.open_survey()
    if not wait(lambda: all(not c.view.image().isNull() for c in library.survey.cells if c.isVisible()), 60):
        empty.append("survey")
    shoot("survey")
    library.close_loupe()
    window.close()
    wait(lambda: False, 0.3)
    print(json.dumps({"platform": app.platformName(), "first_window_s": round(first_window, 2),
                      "index_s": round(indexed, 2), **stall, "empty_views": empty, "screenshots": shots}),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
