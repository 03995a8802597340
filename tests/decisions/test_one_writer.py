"""One writer of files at a time per library (app/core/catalog/lock.py): an export, a move, a
trashing, its undo and a repair wait while another process indexes or moves photos, since each
sees the other's work half-done (an export moving photos while an index scanned them had the
index mark every moved photo missing) and each finishes the operations it finds pending."""
from __future__ import annotations

import json
import subprocess
import sys

from app.core.catalog import Catalog
from app.core.catalog.lock import WriterLock
from app.core.consistency import check_catalog
from app.core.culling import decide
from app.core.export import export_picks
from app.core.jobs import CancelToken
from app.core.trash import trash_rejected, undo_trash
from tests.decisions.helpers import add_photo, checksums, library
from tests.test_cli import cli

HOLD = ("import sys, time; from app.core.catalog.lock import WriterLock; "
        "lock = WriterLock(sys.argv[1], 'indexing'); assert lock.try_acquire(); print('held', flush=True); "
        "sys.stdin.readline()")


def _holder(db):
    """Another process holding the library's writer lock, as a running index does, until told to go."""
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def _until_waiting(job, cancel):
    """Run ``job`` until it says it waits, then cancel it; returns (what it said, its result)."""
    said = []
    try:
        while True:
            event = next(job)
            said.append(event)
            if event.phase == "waiting":
                cancel.cancel()
    except StopIteration as stop:
        return said, stop.value


def _catalog(tmp_path):
    files = library(tmp_path, ["a.jpg", "b.jpg", "c.jpg"])
    catalog = Catalog(tmp_path / "c.db")
    ids = [add_photo(catalog, f) for f in files]
    decide(catalog, ids[0], "pick", 1)
    decide(catalog, ids[1], "pick", -1)
    return catalog, files


def test_file_jobs_wait_for_another_writer_and_touch_nothing_when_cancelled(tmp_path):
    catalog, files = _catalog(tmp_path)
    before = checksums(files)
    holder = _holder(catalog.path)
    try:
        jobs = {"export": export_picks(catalog, str(tmp_path / "out"), move=True, cancel=(c1 := CancelToken())),
                "trash": trash_rejected(catalog, cancel=(c2 := CancelToken())),
                "undo": undo_trash(catalog, cancel=(c3 := CancelToken())),
                "repair": check_catalog(catalog, repair=True, cancel=(c4 := CancelToken()))}
        for name, (job, cancel) in zip(jobs, zip(jobs.values(), (c1, c2, c3, c4))):
            said, result = _until_waiting(job, cancel)
            assert said and said[0].phase == "waiting", name
            assert f"(pid {holder.pid}) is indexing in this library" in said[0].message, name
            assert result is not None and not result.to_json().get("failed"), name
        assert checksums(files) == before and not (tmp_path / "out").exists()
        assert catalog.photos.counts() == {"ok": 3}
        # a dry run moves nothing: it does not wait
        said, report = _until_waiting(export_picks(catalog, str(tmp_path / "out"), dry_run=True), CancelToken())
        assert not any(e.phase == "waiting" for e in said) and len(report.done) == 1
    finally:
        holder.communicate("go\n", timeout=30)
    moved = list(export_picks(catalog, str(tmp_path / "out"), move=True))      # free again: it runs
    assert moved and not files[0].exists() and (tmp_path / "out" / "a.jpg").exists()
    catalog.close()


def test_the_cli_waits_and_says_who_holds_the_library(tmp_path):
    catalog, files = _catalog(tmp_path)
    db = str(catalog.path)
    catalog.close()
    holder = _holder(db)
    try:
        p = subprocess.Popen([sys.executable, "-m", "app.cli", "export", "--picks", str(tmp_path / "out"), "--move",
                              "--db", db, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            pass
        assert p.poll() is None and files[0].exists()                # waiting, nothing moved yet
    finally:
        holder.communicate("go\n", timeout=30)
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    assert f"(pid {holder.pid}) is indexing in this library: waiting for it to finish" in err
    assert json.loads(out)["exported"] == 1
    assert not files[0].exists() and (tmp_path / "out" / "a.jpg").exists()
    # and while it moves photos, another process sees what it is doing
    lock = WriterLock(db, "moving photos")
    assert lock.try_acquire()
    try:
        r = cli("bursts", "--db", db, "--no-rank")
        assert f"(pid {__import__('os').getpid()}) is moving photos in this library" in r.stderr, r.stderr
        assert "not reached yet" not in r.stderr
    finally:
        lock.release()
