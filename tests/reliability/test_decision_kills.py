"""`trash --rejected`, `xmp write` and `export` killed (SIGKILL) at random moments: no photo
is lost (whatever left its place is in the journal, and `trash --undo` brings every file back
byte-identical), no sidecar is left half-written, and a second run finishes the job."""
from __future__ import annotations

import random
import signal
import time

import pytest

from app.core.xmp.document import XmpDocument
from tests.decisions.helpers import checksums, library
from tests.reliability.harness import cli, cli_json, integrity, start

pytestmark = [pytest.mark.slow, pytest.mark.reliability]
NAMES = [f"d{i // 20}/p{i:03d}.jpg" for i in range(90)]


def _library(tmp_path):
    """90 photos: every third picked, the others rejected (a whole trash run takes ~0.3 s)."""
    from app.core.catalog import Catalog
    from app.core.culling import decide

    files = library(tmp_path, NAMES)
    db = tmp_path / "c.db"
    cli_json("index", tmp_path / "lib", "--no-features", "--db", db)
    with Catalog(db) as cat:
        for i, f in enumerate(files):
            decide(cat, cat.photos.id_for_path(str(f)), "pick", -1 if i % 3 else 1)
    return files, db


def _kill_after(args, delay: float) -> bool:
    """Run the CLI and SIGKILL it after ``delay`` seconds; True when it was still running."""
    proc = start(*args)
    time.sleep(delay)
    running = proc.poll() is None
    if running:
        proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    return running


def test_killed_trash_runs_lose_no_photo(tmp_path):
    files, db = _library(tmp_path)
    cli("xmp", "write", "--db", db)
    sidecars = [f.with_name(f.name + ".xmp") for f in files]
    before = checksums(files + sidecars)
    rng = random.Random(11)
    killed = 0
    for _ in range(4):
        killed += _kill_after(["trash", "--rejected", "--db", db], rng.uniform(0.08, 0.4))
        assert integrity(db) == "ok"
        while "nothing to put back" not in cli("trash", "--undo", "--db", db).stdout:
            pass
        assert checksums(files + sidecars) == before
    assert killed >= 1, "no kill landed while trashing"
    cli("trash", "--rejected", "--db", db)                      # and a full run still works after all that
    assert sum(f.exists() for f in files) == 30
    cli("trash", "--undo", "--db", db)
    assert checksums(files + sidecars) == before


def test_killed_xmp_and_export_runs_leave_nothing_half_written(tmp_path):
    files, db = _library(tmp_path)
    before = checksums(files)
    rng = random.Random(5)
    for _ in range(3):
        _kill_after(["xmp", "write", "--db", db], rng.uniform(0.1, 0.6))
        for side in (tmp_path / "lib").rglob("*.xmp"):
            XmpDocument(side.read_text())                       # every sidecar there is whole
        _kill_after(["export", "--picks", tmp_path / "out", "--db", db], rng.uniform(0.08, 0.4))
    cli("xmp", "write", "--db", db)
    cli("export", "--picks", tmp_path / "out", "--db", db)
    assert len(list((tmp_path / "lib").rglob("*.xmp"))) == 90
    assert not [p for p in (tmp_path / "lib").rglob(".*") if p.is_file()]        # no temp debris left
    assert not [p for p in (tmp_path / "out").rglob(".*") if p.is_file()]
    assert sorted(p.name for p in (tmp_path / "out").rglob("*.jpg")) == sorted(f.name for f in files[::3])
    assert checksums(files) == before
