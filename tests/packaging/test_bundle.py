"""The one-folder, CPU-only bundle (packaging/bundle/build.sh) built from this checkout: its
command line indexes the demo library, and its window starts on a real X server (Xvfb), indexes
the demo library in the background and shows it. Slow (a build takes about 2 minutes, plus the
bundle venv the first time); skipped where no CPU-only PyTorch wheel can be had."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image, ImageGrab

from tests.ui.test_desktop_smoke import _env, x_server  # noqa: F401  (the Xvfb fixture)

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(["bash", str(REPO / "packaging/bundle/build.sh"), str(dist)], capture_output=True,
                          text=True, timeout=1800)
    if proc.returncode != 0 and "no CPU-only PyTorch wheel" in proc.stderr:
        pytest.skip("no CPU-only PyTorch wheel on this machine (set TORCH_CPU_WHEEL)")
    assert proc.returncode == 0, proc.stderr[-3000:]
    print(proc.stderr.strip().splitlines()[-1])          # "built ... in N s: SIZE (torch ...)"
    exe = dist / "PhotoTriage" / "PhotoTriage"
    assert exe.is_file()
    return exe


def _count(db: Path, sql: str) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_the_bundle_has_no_cuda_and_its_cli_indexes_the_demo(bundle, tmp_path):
    internal = bundle.parent / "_internal"
    assert not list(internal.glob("**/libcudart*")) and not (internal / "nvidia").exists()
    env = _env(tmp_path / "home", ":0")
    r = subprocess.run([str(bundle), "cli", "index", str(DEMO), "--db", str(tmp_path / "c.db"), "--json"],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    doc = json.loads(r.stdout)
    assert doc["indexed"] == 10 and doc["featured"] == 10 and not doc["feature_errors"], doc
    r = subprocess.run([str(bundle), "cli", "bursts", "--db", str(tmp_path / "c.db")], capture_output=True,
                       text=True, env=env, timeout=600)
    assert r.returncode == 0 and "best" in r.stdout, r.stdout + r.stderr


def test_the_bundled_window_starts_and_indexes_under_xvfb(bundle, x_server, tmp_path):  # noqa: F811
    home = tmp_path / "home"
    lib = tmp_path / "demo"
    shutil.copytree(DEMO, lib)
    db = tmp_path / "gui.db"
    proc = subprocess.Popen([str(bundle), str(lib), "--db", str(db)], env=_env(home, x_server),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 300
        while time.monotonic() < end and proc.poll() is None:
            if _count(db, "SELECT COUNT(*) FROM features") == 10:
                break
            time.sleep(0.5)
        assert proc.poll() is None, proc.stderr.read()[-3000:]
        assert _count(db, "SELECT COUNT(*) FROM photos WHERE status = 'ok'") == 10
        assert _count(db, "SELECT COUNT(*) FROM features") == 10
        time.sleep(2)
        shot = ImageGrab.grab(xdisplay=x_server)
        shot.save(tmp_path / "bundle.png")
        lo, hi = shot.convert("L").getextrema()
        assert shot.size == (1280, 800) and hi - lo > 64, "the screen shows nothing"
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert Image.open(tmp_path / "bundle.png").size == (1280, 800)
