"""The window's index runs in a child process: progress comes back as events, Ctrl-C stops it
cooperatively, its summary comes back whole, and a failure is one plain reason."""
from __future__ import annotations

import shutil

import pytest

from app.core.index_process import IndexFailed, index_in_child
from app.core.indexer import IndexSummary
from app.core.jobs import CancelToken, drive
from app.core.xmp.sync import ImportReport
from tests.helpers import sample


def test_the_summary_survives_its_json():
    s = IndexSummary(root="/p", catalog="/c.db", indexed=3, unchanged=2, skipped=[("/p/x.jpg", "empty file")],
                     missing=["/p/y.jpg"], xmp=ImportReport(imported=["/p/a.jpg"], conflicts=[("/p/a.jpg", "catalog")]))
    back = IndexSummary.from_json(s.to_json())
    assert back.to_json() == s.to_json() and back.headline() == s.headline()


def test_a_child_index_reports_progress_and_its_summary(tmp_path):
    events = []
    summary = drive(index_in_child(tmp_path / "c.db", sample("bursts/vtest-burst01_t3s"), extra=("--no-features",)),
                    events.append)
    assert summary.indexed == 5 and not summary.cancelled
    assert any(e.phase == "index" and e.total == 5 for e in events)


def test_cancelling_stops_the_child_with_what_it_did_kept(tmp_path):
    lib = tmp_path / "lib"
    for i in range(6):
        shutil.copytree(sample("bursts/vtest-burst01_t3s"), lib / f"s{i}")
    cancel = CancelToken()
    job = index_in_child(tmp_path / "c.db", lib, cancel=cancel, extra=("--no-features", "--batch-size", "1"))
    def on_progress(e):
        if e.phase == "index" and e.done >= 1:
            cancel.cancel()

    first = drive(job, on_progress)      # the child finished the files in flight and said so
    assert first.cancelled and first.indexed < 30, first.to_json()
    rerun = drive(index_in_child(tmp_path / "c.db", lib, extra=("--no-features",)))
    assert rerun.unchanged >= 1 and rerun.indexed + rerun.unchanged == 30


def test_a_failure_is_one_plain_reason(tmp_path):
    with pytest.raises(IndexFailed, match="not a folder"):
        drive(index_in_child(tmp_path / "c.db", tmp_path / "missing"))


def test_an_index_stopped_by_ctrl_c_exits_130_with_its_summary(tmp_path):
    """A trial: an index stopped by Ctrl-C exited 0, so a script could not tell it from a whole one."""
    import json
    import signal
    import subprocess
    import sys

    from app.core.index_process import PROGRESS_MARK

    lib = tmp_path / "lib"
    for i in range(6):
        shutil.copytree(sample("bursts/vtest-burst01_t3s"), lib / f"s{i}")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "index", str(lib), "--db", str(tmp_path / "c.db"),
                             "--json", "--progress-lines", "--no-features", "--batch-size", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if line.startswith(PROGRESS_MARK) and json.loads(line[len(PROGRESS_MARK):])["phase"] == "index":
            proc.send_signal(signal.SIGINT)
            break
    out, _ = proc.communicate(timeout=300)
    doc = json.loads(out)
    assert proc.returncode == 130 and doc["cancelled"] and doc["indexed"] < 30, (proc.returncode, doc)
