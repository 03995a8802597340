"""Kill a real `phototriage index` process mid-run, then re-run and compare catalogs."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.helpers import REPO, sample

pytestmark = pytest.mark.slow     # end to end: a real index process killed, then a full re-run

COLUMNS = "path, size, mtime_ns, content_hash, status, status_reason, width, height, captured_ts"


def _big_library(root):
    root.mkdir()
    files = sorted(sample("photos").glob("*.jpg")) + sorted(sample("faces").rglob("*.jpg"))
    for i in range(3):
        for f in files:
            shutil.copy2(f, root / f"{i}-{f.parent.name}-{f.name}")
    return len(list(root.iterdir()))


def _index(folder, db, *extra):
    return [sys.executable, "-m", "app.cli", "index", str(folder), "--db", str(db), "--json", *extra]


def _rows(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT {COLUMNS} FROM photos ORDER BY path").fetchall()
    finally:
        conn.close()


def test_kill_mid_index_then_resume_matches_a_clean_index(tmp_path):
    lib = tmp_path / "lib"
    n = _big_library(lib)
    db = tmp_path / "killed" / "catalog.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(_index(lib, db, "--batch-size", "4", "--workers", "1"), cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    committed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                committed = len(_rows(db))
            except sqlite3.OperationalError:
                committed = 0
            if committed >= 8:
                break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = len(_rows(db))
    assert 0 < partial < n, "the kill should land mid-index"

    resumed = subprocess.run(_index(lib, db), cwd=REPO, env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["unchanged"] >= partial - 4   # at most the batch in flight was lost
    assert summary["indexed"] + summary["unchanged"] == n

    clean = tmp_path / "clean" / "catalog.db"
    subprocess.run(_index(lib, clean), cwd=REPO, env=env, check=True, capture_output=True)
    assert _rows(db) == _rows(clean)
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT state FROM jobs ORDER BY id")] == ["interrupted", "completed"]
