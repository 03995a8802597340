"""The decision commands as a user runs them: index (sidecars of another editor imported),
pick, `xmp write`, `export --picks`, `trash --rejected` and `trash --undo`; `--dry-run` changes
nothing; originals' checksums unchanged through every command."""
from __future__ import annotations

import json
import os

from app.core.xmp.sidecars import sidecar_names
from tests.decisions.fixtures import DARKTABLE
from tests.decisions.helpers import checksums, library
from tests.test_cli import cli


def _json(*args):
    r = cli(*args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_decisions_leave_the_app_through_the_cli(tmp_path):
    files = library(tmp_path, ["a.jpg", "b.jpg", "sub/c.jpg"])
    lib, db = str(tmp_path / "lib"), ["--db", str(tmp_path / "c.db")]
    sidecar_names(files[2])["ext"].write_text(DARKTABLE)            # rated 2 in darktable before
    originals = checksums(files)
    doc = _json("index", lib, "--no-features", *db)
    assert doc["xmp"]["imported"] == 1
    assert _json("pick", str(files[0]), "--accept", *db)["pick"] == 1
    assert _json("pick", str(files[1]), "--reject", *db)["pick"] == -1
    r = cli("pick", str(files[1]), "--best", *db)                   # a single photo has no best (as in the window)
    assert r.returncode == 1 and "in no burst" in r.stderr, r.stdout + r.stderr
    assert _json("pick", str(files[1]), "--reject", *db)["best"] is False     # and its reject is untouched
    r = cli("pick", str(files[2]), "--rating", "4", *db)
    assert r.returncode == 0

    planned = _json("xmp", "write", "--dry-run", *db)
    assert planned["written"] == 3 and not sidecar_names(files[0])["ext"].exists()
    r = cli("xmp", "write", *db)
    assert r.returncode == 0 and "3 sidecars written" in r.stdout, r.stdout + r.stderr
    assert "Rating=\"-1\"" in sidecar_names(files[1])["ext"].read_text()
    assert "darktable:history" in sidecar_names(files[2])["ext"].read_text()    # darktable's stack kept

    out = tmp_path / "picks"
    assert _json("export", "--picks", str(out), "--dry-run", *db)["exported"] == 1 and not out.exists()
    r = cli("export", "--picks", str(out), *db)
    assert r.returncode == 0 and "copied 1 photo" in r.stdout
    assert sorted(p.name for p in out.iterdir()) == ["a.jpg", "a.jpg.xmp"]

    r = cli("trash", "--rejected", "--dry-run", *db)
    assert r.returncode == 0 and "would send 1 rejected photo" in r.stdout and files[1].exists()
    r = cli("trash", "--rejected", *db)
    assert r.returncode == 0 and "trash --undo" in r.stdout and not files[1].exists()
    r = cli("trash", "--undo", *db)
    assert r.returncode == 0 and "put back 2 files" in r.stdout, r.stdout + r.stderr
    assert checksums(files) == originals                              # byte-identical, every original
    assert _json("index", lib, "--no-features", *db)["missing"] == 0


def test_xmp_settings_are_remembered_and_lightroom_naming_used(tmp_path):
    files = library(tmp_path, ["d.jpg"])
    db = ["--db", str(tmp_path / "c.db")]
    _json("index", str(tmp_path / "lib"), "--no-features", *db)
    _json("pick", str(files[0]), "--accept", *db)
    doc = _json("xmp", "write", "--naming", "base", "--pick-label", "Blue", "--labels", "on", *db)
    side = sidecar_names(files[0])["base"]
    assert doc["sidecars"] == [str(side)] and 'xmp:Label="Blue"' in side.read_text()
    assert os.path.getsize(files[0]) > 0


def test_a_dry_run_neither_imports_nor_remembers_its_options(tmp_path):
    """A trial: `xmp read --dry-run` imported, and `xmp write --labels on --dry-run` turned the
    labels on for the next real write (and --naming base its naming)."""
    from app.core.catalog import Catalog

    files = library(tmp_path, ["d.jpg"])
    db = ["--db", str(tmp_path / "c.db")]
    _json("index", str(tmp_path / "lib"), "--no-features", *db)
    _json("pick", str(files[0]), "--reject", *db)
    plan = _json("xmp", "write", "--naming", "base", "--labels", "on", "--dry-run", *db)
    assert plan["sidecars"] == [str(sidecar_names(files[0])["base"])]     # the options are tried...
    assert not sidecar_names(files[0])["base"].exists()
    _json("xmp", "write", *db)                                          # ...and forgotten
    side = sidecar_names(files[0])["ext"]
    assert side.exists() and not sidecar_names(files[0])["base"].exists()
    assert 'Rating="-1"' in side.read_text() and "xmp:Label" not in side.read_text()
    side.write_text(side.read_text().replace('Rating="-1"', 'Rating="3"'))    # un-rejected in darktable
    r = cli("xmp", "write", "--dry-run", *db)                          # the plan says it imports first
    assert r.returncode == 0 and "would be imported first for 1 photo" in r.stdout, r.stdout
    r = cli("xmp", "read", "--dry-run", *db)
    assert r.returncode == 0 and "would import ratings and picks from XMP for 1 photo (nothing changed)" in r.stdout
    with Catalog(tmp_path / "c.db", readonly=True) as cat:
        state = cat.decisions.state(cat.photos.id_for_path(str(files[0])))
        assert (state.pick, state.rating) == (-1, None)                 # still rejected
    assert _json("xmp", "read", *db)["imported"] == 1
    with Catalog(tmp_path / "c.db", readonly=True) as cat:
        state = cat.decisions.state(cat.photos.id_for_path(str(files[0])))
        assert (state.pick, state.rating) == (0, 3)


def test_export_to_a_read_only_destination_fails_in_one_line(tmp_path):
    files = library(tmp_path, ["e.jpg"])
    db = ["--db", str(tmp_path / "c.db")]
    _json("index", str(tmp_path / "lib"), "--no-features", *db)
    _json("pick", str(files[0]), "--accept", *db)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    r = cli("export", "--picks", str(blocked / "out"), *db)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_pick_says_when_the_catalog_stayed_busy_and_when_the_file_is_gone(tmp_path, monkeypatch, capsys):
    """A trial: `pick` behind another process's write lock failed with SQLite's own words, and
    `pick` on a file gone since the index said nothing."""
    import sqlite3

    import app.core.catalog.connection as connection
    from app.cli import main

    (photo,) = library(tmp_path, ["a.jpg"])
    db = str(tmp_path / "c.db")
    assert main(["index", str(tmp_path / "lib"), "--no-features", "--db", db]) == 0
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 0.3)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")                                   # another process writing
    try:
        capsys.readouterr()
        assert main(["pick", str(photo), "--reject", "--db", db]) == 1
        err = capsys.readouterr().err
        assert "the decision was not saved: another process held the catalog's write lock for 0.3 s" in err
        assert "database is locked" not in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    os.rename(photo, tmp_path / "away.jpg")
    assert main(["pick", str(photo), "--reject", "--db", db, "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["pick"] == -1 and "is gone since the last index; the decision is kept" in out.err


def test_an_undo_that_failed_names_its_batch_and_a_wrong_batch_is_refused(tmp_path):
    """A trial: `--batch -3`, `0` and `99` put back 0 files with exit 0, and after a failed undo
    nothing said which batch to try again."""
    files = library(tmp_path, ["a.jpg"])
    db = ["--db", str(tmp_path / "c.db")]
    _json("index", str(tmp_path / "lib"), "--no-features", *db)
    _json("pick", str(files[0]), "--reject", *db)
    assert _json("trash", "--rejected", *db)["batch"] == 1
    files[0].write_text("a new file took its name")
    r = cli("trash", "--undo", *db)
    assert r.returncode == 1 and "another file is at its place now: this one stays in the trash" in r.stdout + r.stderr
    assert "batch 1 (`phototriage trash --undo --batch N` tries again)" in r.stdout, r.stdout
    r = cli("trash", "--undo", *db)
    assert r.returncode == 0 and r.stdout.startswith("nothing to put back; still in the trash after an undo "
                                                     "failed: batch 1"), r.stdout
    for bad in ("0", "-3"):
        assert cli("trash", "--undo", "--batch", bad, *db).returncode == 2
    r = cli("trash", "--undo", "--batch", "99", *db)
    assert r.returncode == 1 and "batch 99 has nothing in the trash to put back (an undo could not finish batch 1" \
        in r.stderr, r.stderr
    files[0].unlink()
    r = cli("trash", "--undo", "--batch", "1", *db)
    assert r.returncode == 0 and "put back 1 file of batch 1" in r.stdout and files[0].exists(), r.stdout + r.stderr
    assert "still in the trash" not in r.stdout
