"""The real window under a real X server (Xvfb), not offscreen: it opens on the demo library,
indexes it (the event loop measured meanwhile), shows every view on the screen and quits
cleanly, run after run.

Needs Debian's ``xvfb`` and Qt's xcb libraries (``.ci/run`` installs them). Without them the
test is skipped, except in CI (``PHOTOTRIAGE_REQUIRE_XVFB=1``), where that is a failure."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
RUNS = 3


def _xvfb_or_skip():
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        if os.environ.get("PHOTOTRIAGE_REQUIRE_XVFB"):
            pytest.fail("Xvfb is not installed (CI installs it: .ci/run)")
        pytest.skip("Xvfb is not installed (Debian: apt-get install xvfb)")
    return xvfb


@pytest.fixture
def x_server(tmp_path):
    xvfb = _xvfb_or_skip()
    read, write = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write)
    with os.fdopen(read) as fh:
        display = fh.readline().strip()
    if not display:
        proc.kill()
        pytest.fail(f"Xvfb did not start: {proc.stderr.read().decode(errors='replace')[-500:]}")
    yield f":{display}"
    proc.terminate()
    proc.wait(10)


def _env(home: Path, display: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local/share"), XDG_CACHE_HOME=str(home / ".cache"),
               PYTHONFAULTHANDLER="1")
    return env


def test_the_window_opens_indexes_shows_every_view_and_quits_cleanly(x_server, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    reports = []
    for run in range(RUNS):
        out = tmp_path / f"shots{run}"
        env = _env(home, x_server)
        env["PT_T0"] = repr(time.time())
        proc = subprocess.run([sys.executable, str(REPO / "packaging" / "desktop_smoke.py"), str(out)], env=env,
                              cwd=REPO, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, (run, proc.returncode, proc.stderr[-3000:])
        assert "Fatal Python error" not in proc.stderr, proc.stderr[-3000:]
        report = json.loads(proc.stdout.strip().splitlines()[-1])
        assert report["platform"] == "xcb"
        reports.append(report)
        assert {"loupe", "survey"} <= set(report["screenshots"]), report["screenshots"]
        assert not {"loupe", "survey"} & set(report["empty_views"]), report["empty_views"]
        for name, path in report["screenshots"].items():
            img = Image.open(path).convert("L")
            assert img.size == (1280, 800), name
            lo, hi = img.getextrema()
            assert hi - lo > 64, f"{name}: the screen shows nothing"
    # the first run indexes (models load in the workers); the event loop keeps ticking
    print("first window, s:", [r["first_window_s"] for r in reports],
          "| event-loop stall while indexing, worst / p99 ms:", reports[0]["stall_worst_ms"], reports[0]["stall_p99_ms"])
    # The index runs in a child process, so the event loop keeps ticking: 15-35 ms worst here on
    # an idle machine. The bound catches a window that freezes (work on the GUI thread: seconds),
    # not the scheduler of a loaded machine (202 ms once, with 2 cores shared by 4 busy processes);
    # the figure itself is printed above and belongs to benchmarks, not to a pass/fail line.
    assert reports[0]["stall_ticks"] > 20 and reports[0]["stall_worst_ms"] < 500, reports[0]
    # after the first run (models cached, catalog made) the window is up within 2 s
    assert min(r["first_window_s"] for r in reports[1:]) <= 2.0, reports
