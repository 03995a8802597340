"""Each failure the fault-injection trial found (issue 19), as a test that failed before the fix."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import sample
from tests.reliability.harness import cli, cli_json, make_library, start

pytestmark = pytest.mark.slow


def _indexed(tmp_path, *flags):
    """A small real library indexed into tmp_path/c/C.db: (library, catalog path)."""
    lib = make_library(tmp_path / "lib")
    db = tmp_path / "c" / "C.db"
    cli("index", lib, "--db", db, *flags)
    return lib, db


def _top(db, query):
    return cli_json("search", query, "--db", db, "-k", "3")[0]


def _replace(path: Path, source: Path, keep_stat: os.stat_result | None = None) -> None:
    shutil.copyfile(source, path)
    if keep_stat is not None:
        os.utime(path, ns=(keep_stat.st_atime_ns, keep_stat.st_mtime_ns))


def test_search_serves_the_new_picture_after_an_in_place_change(tmp_path):
    lib, db = _indexed(tmp_path)
    target = lib / "set0" / "pillow_fujifilm.jpg"
    old = tmp_path / "old.jpg"
    shutil.copy2(target, old)
    with Image.open(sample("photos/scikit-image_coffee.jpg")) as im:   # a different picture, same name
        im.save(target, quality=92)
    cli("index", lib, "--db", db)
    hit = _top(db, target)
    assert hit["path"] == str(target) and hit["similarity"] > 0.99
    assert _top(db, old)["similarity"] < 0.9          # the old picture is not in the library any more


def test_a_new_catalog_at_the_same_path_never_serves_the_old_vectors(tmp_path):
    lib, db = _indexed(tmp_path)
    db.unlink()                                        # "start over", the vector files stay
    for extra in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        extra.unlink(missing_ok=True)
    target = lib / "set0" / "opencv-doc_box.jpg"
    with Image.open(sample("photos/scikit-image_coffee.jpg")) as im:
        im.save(target, quality=92)
    cli("index", lib, "--db", db)
    hit = _top(db, target)
    assert hit["path"] == str(target) and hit["similarity"] > 0.99


def test_two_index_runs_starting_on_a_new_catalog_both_succeed(tmp_path):
    lib = make_library(tmp_path / "lib")
    for trial in range(3):
        db = tmp_path / f"c{trial}" / "C.db"
        procs = [start("index", lib, "--db", db, "--json", "--no-features") for _ in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
        import json

        summaries = [json.loads(o[0]) for o in outs]
        assert sorted(s["indexed"] for s in summaries)[1] == summaries[0]["indexed"] + summaries[0]["unchanged"]
        assert sum(s["unchanged"] > 0 for s in summaries) >= 1 or any("waiting" in o[1] for o in outs)


def test_two_processes_opening_an_old_catalog_migrate_it_once(tmp_path):
    import sqlite3

    from tests.helpers import REPO

    fixture = REPO / "tests" / "fixtures" / "catalog_v1.sql"
    for trial in range(3):
        db = tmp_path / f"old{trial}.db"
        conn = sqlite3.connect(db)
        conn.executescript(fixture.read_text())
        conn.close()
        procs = [start("bursts", "--db", db, "--no-rank", "--json") for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
        backups = list(tmp_path.glob(f"old{trial}.db.v1.bak"))
        assert len(backups) == 1


def test_a_decision_follows_its_picture_not_the_name(tmp_path):
    lib, db = _indexed(tmp_path)
    a = lib / "set0" / "opencv-doc_fruits.jpg"
    cli("pick", a, "--reject", "--db", db)
    a.rename(lib / "set0" / "b.jpg")                  # the picture moves...
    with Image.open(sample("photos/scikit-image_coffee.jpg")) as im:
        im.save(a, quality=90)                         # ...and a different one takes its name
    out = cli_json("index", lib, "--db", db)
    assert out["decisions_moved"] == 1
    assert cli_json("pick", lib / "set0" / "b.jpg", "--rating", "2", "--db", db)["pick"] == -1
    assert cli_json("pick", a, "--rating", "3", "--db", db)["pick"] == 0


def test_an_edit_of_the_same_picture_keeps_its_decision(tmp_path):
    lib, db = _indexed(tmp_path)
    a = lib / "set0" / "tuxpaint-data_cliff.jpg"
    cli("pick", a, "--accept", "--db", db)
    with Image.open(a) as im:                          # re-saved at another quality: same picture
        im.load()
        im.save(a, quality=80)
    cli("index", lib, "--db", db)
    assert cli_json("pick", a, "--rating", "4", "--db", db)["pick"] == 1


def test_new_content_behind_the_same_size_and_mtime_is_noticed(tmp_path):
    lib, db = _indexed(tmp_path)
    a, b = lib / "set0" / "opencv-doc_baboon.jpg", lib / "set0" / "opencv-doc_box.jpg"
    st = a.stat()
    data = b.read_bytes()
    assert len(data) < st.st_size                      # the replacement fits: pad it to the same size
    a.write_bytes((data + b"\0" * st.st_size)[:st.st_size])                                # another picture, padded to the same size
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (a.stat().st_size, a.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    out = cli_json("index", lib, "--db", db)
    assert out["indexed"] == 1
    hit = _top(db, b)
    assert {h["path"] for h in cli_json("search", b, "--db", db, "-k", "2")} == {str(a), str(b)}
    assert hit["similarity"] > 0.99


def _make_readonly(path: Path):
    """chmod for a normal user; the immutable attribute for root (mode bits do not stop root)."""
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return lambda: path.chmod(0o755 if path.is_dir() else 0o644)
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed (Debian: e2fsprogs)")
    if subprocess.run(["chattr", "+i", str(path)]).returncode != 0:
        pytest.skip("the superuser cannot make a file immutable here (chattr +i): run the tests as a normal user")
    return lambda: subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_catalog_can_be_read_and_says_so_when_written(tmp_path, what):
    lib, db = _indexed(tmp_path)
    query = lib / "set0" / "opencv-doc_box.jpg"
    before = sorted(os.listdir(db.parent))
    undo = _make_readonly(db if what == "file" else db.parent)
    try:
        assert cli_json("bursts", "--db", db)
        assert _top(db, query)["path"] == str(query)
        failed = cli("pick", query, "--reject", "--db", db, check=False)
        assert failed.returncode == 1
        assert str(db) in failed.stderr and "read-only" in failed.stderr and "Error" not in failed.stderr
        failed = cli("index", lib, "--db", db, check=False)
        assert failed.returncode == 1 and "read-only" in failed.stderr
        assert sorted(os.listdir(db.parent)) == before      # no -wal/-shm left behind
    finally:
        undo()


def test_an_empty_file_is_not_taken_for_a_catalog(tmp_path):
    lib = make_library(tmp_path / "lib")
    db = tmp_path / "empty.db"
    db.touch()
    out = cli("index", lib, "--db", db, check=False)
    assert out.returncode == 1 and "empty file" in out.stderr
    assert db.stat().st_size == 0


def test_debris_of_interrupted_writes_is_cleaned_at_the_next_start(tmp_path):
    lib = make_library(tmp_path / "lib")
    db = tmp_path / "c" / "C.db"
    cli("index", lib, "--db", db, "--no-features")
    dead = subprocess.Popen(["true"])
    dead.wait()                                       # a pid that no longer runs
    rankers = tmp_path / "c" / "C.rankers"
    rankers.mkdir()
    debris = [rankers / f".v3.pt.{dead.pid}.tmp", tmp_path / "c" / "C.vectors" / f".photos.faiss.{dead.pid}.tmp",
              tmp_path / "c" / "thumbs" / "ab" / f".ab12.jpg.{dead.pid}.139872143955712.tmp"]   # pid, thread id
    for p in debris:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"partial")
    mine = rankers / f".v4.pt.{os.getpid()}.tmp"       # a live writer's file stays
    mine.write_bytes(b"in progress")
    cli("index", lib, "--db", db, "--no-features")
    assert not any(p.exists() for p in debris)
    assert mine.exists()


def test_thumbnail_rows_are_complete_after_a_kill_and_check_repairs(tmp_path):
    import sqlite3

    lib = make_library(tmp_path / "lib")
    db = tmp_path / "c" / "C.db"
    cli("index", lib, "--db", db, "--no-features")
    conn = sqlite3.connect(db)
    total = conn.execute("SELECT COUNT(*) FROM thumbnails").fetchone()[0]
    conn.execute("DELETE FROM thumbnails WHERE rowid IN (SELECT rowid FROM thumbnails LIMIT 3)")
    conn.commit()
    conn.close()
    first = next((tmp_path / "c" / "thumbs").rglob("*.jpg"))
    first.unlink()                                     # and one file lost
    report = cli_json("check", "--db", db, check=False)
    assert not report["consistent"]
    kinds = {f["kind"] for f in report["findings"]}
    assert {"thumbnails unrecorded", "thumbnails missing"} <= kinds
    repaired = cli_json("check", "--db", db, "--repair")
    assert repaired["consistent"] and first.exists()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM thumbnails").fetchone()[0] == total


def test_check_finds_and_rebuilds_a_stale_vector_index(tmp_path):
    import json

    lib, db = _indexed(tmp_path)
    manifest = next((tmp_path / "c" / "C.vectors").glob("photos-*.json"))
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "catalog": "another"}))
    report = cli("check", "--db", db, check=False)
    assert report.returncode == 1 and "vector indexes" in report.stdout
    assert cli_json("check", "--db", db, "--repair")["consistent"]
    assert cli_json("check", "--db", db)["consistent"]


def test_gifs_are_indexed_not_silently_skipped(tmp_path):
    """Like animated WebP and PNG: the first frame is the picture, the frames are counted."""
    import sqlite3

    lib = make_library(tmp_path / "lib")
    frames = [Image.new("RGB", (64, 48), c) for c in ("red", "green", "blue")]
    frames[0].save(lib / "anim.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    Image.open(sample("photos/scikit-image_chelsea.jpg")).convert("P").save(lib / "still.gif")
    db = tmp_path / "C.db"
    out = cli_json("index", lib, "--db", db, "--no-features")
    assert not out["skipped_files"]
    conn = sqlite3.connect(db)
    rows = dict(conn.execute("SELECT path, frames FROM photos WHERE format = 'GIF'").fetchall())
    assert rows == {str(lib / "anim.gif"): 3, str(lib / "still.gif"): 1}


def test_a_second_index_says_it_waits_for_the_first(tmp_path):
    lib = make_library(tmp_path / "lib", copies=2)
    db = tmp_path / "c" / "C.db"
    cli("index", lib, "--db", db, "--no-features")
    from app.core.catalog.lock import WriterLock

    lock = WriterLock(db)
    assert lock.try_acquire()
    second = start("index", lib, "--db", db, "--no-features", "--json")
    time.sleep(3)
    assert second.poll() is None                      # waiting, not failing
    lock.release()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0 and "waiting for it to finish" in err
