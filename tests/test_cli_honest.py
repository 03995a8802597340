"""Issue 27, the command line's honesty: exit 2 for out-of-range numbers, exit 1 when an item
failed, reasons in plain words, a closed pipe ends quietly, and names that are not UTF-8 work
in every command (JSON carries the exact path, people read \\xNN)."""
import errno
import json
import os
import shutil
import subprocess
import sys

import pytest

from app import cli
from app.core.text import readable, reason
from tests.helpers import REPO, sample

CAFE = os.fsdecode(b"caf\xe9.jpg")            # a Latin-1 name: not UTF-8


def run_cli(*args):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "app.cli", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True)


@pytest.mark.parametrize("args", [
    ["search", "x.jpg", "-k", "0"], ["search", "x.jpg", "-k", "-5"], ["search", "x.jpg", "-k", "2.5"],
    ["duplicates", "--threshold", "-1"], ["duplicates", "--threshold", "1.5"], ["faces", "--threshold", "nan"],
    ["bursts", "--max-gap", "nan"], ["bursts", "--max-gap", "-3"], ["bursts", "--max-gap", "inf"],
    ["bursts", "--min-similarity", "2"], ["index", ".", "--workers", "0"], ["index", ".", "--batch-size", "-1"],
])
def test_out_of_range_numbers_are_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main([*args, "--db", "/nonexistent/c.db"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "error: argument" in err and "Traceback" not in err


def test_a_number_in_range_is_taken(tmp_path, capsys):
    """The same options in range reach the command (here: it fails on the missing catalog, exit 1)."""
    assert cli.main(["duplicates", "--threshold", "0", "--db", str(tmp_path / "none.db")]) == 1
    assert "no catalog at" in capsys.readouterr().err


def test_reasons_are_plain_words_with_a_readable_path():
    path = os.fsencode("/photos/" + CAFE)
    assert reason(PermissionError(errno.EACCES, "Permission denied", path), with_path=True) == \
        "permission denied: /photos/caf\\xe9.jpg"
    assert reason(OSError(errno.ENOSPC, "No space left on device", "/out/x.jpg")) == "no space left on the disk"
    assert reason(OSError(errno.EIO, "could not write the sidecar /a.xmp: Input/output error")) == \
        "could not write the sidecar /a.xmp: Input/output error"
    assert reason(ValueError("bad\n value")) == "bad value"
    # a name with a newline or a terminal escape is one readable line
    assert readable(os.fsdecode(b"/p/new\nline \x1b[31mred\xe9.jpg")) == "/p/new\\x0aline \\x1b[31mred\\xe9.jpg"


def test_a_command_failing_on_the_system_says_so_in_words(monkeypatch, tmp_path, capsys):
    def full_disk(args):
        raise OSError(errno.ENOSPC, "No space left on device", os.fsencode("/out/" + CAFE))

    monkeypatch.setattr(cli, "cmd_check", full_disk)
    assert cli.main(["check", "--db", str(tmp_path / "c.db"), "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out) == {"error": "no space left on the disk: /out/caf\\xe9.jpg"}
    assert err == "phototriage: error: no space left on the disk: /out/caf\\xe9.jpg\n"


def _library(tmp_path):
    root = tmp_path / "lib"
    root.mkdir()
    shutil.copy2(sample("photos/scikit-image_chelsea.jpg"), root / "a.jpg")
    shutil.copy2(sample("photos/opencv-doc_fruits.jpg"), root / "b.jpg")
    return root


def test_index_exits_1_for_a_file_it_could_not_read_and_0_for_a_broken_one(tmp_path, monkeypatch, capsys):
    root = _library(tmp_path)
    (root / "broken.jpg").write_bytes(b"not a picture at all")
    db = str(tmp_path / "c.db")
    assert cli.main(["index", str(root), "--db", db, "--no-features"]) == 0
    first = capsys.readouterr().out
    assert "2 indexed" in first and f"  skipped {root / 'broken.jpg'}: " in first
    locked = str(root / "b.jpg")
    os.utime(locked, ns=(1, 1))                 # changed: read again ... and refused
    real_open = open
    monkeypatch.setattr("builtins.open", lambda p, *a, **k: (_ for _ in ()).throw(
        PermissionError(errno.EACCES, "Permission denied", p)) if os.fspath(p) == locked else real_open(p, *a, **k))
    assert cli.main(["index", str(root), "--db", db, "--no-features", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["failed"] == 1 and doc["failed_files"] == [{"path": locked, "reason": "permission denied"}]
    assert [f["path"] for f in doc["skipped_files"]] == [str(root / "broken.jpg")]
    monkeypatch.undo()
    assert cli.main(["index", str(root), "--db", db, "--no-features"]) == 0     # readable again: taken
    assert "1 indexed" in capsys.readouterr().out


def test_a_closed_pipe_ends_quietly(tmp_path):
    root = _library(tmp_path)
    db = tmp_path / "c.db"
    assert run_cli("index", root, "--db", db, "--no-features").returncode == 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for args in (["bursts"], ["check", "--json"]):
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", *args, "--db", str(db)], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.close()                     # the reader is gone before anything is written
        err = proc.stderr.read().decode()
        assert proc.wait() == 0, err
        assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err


def test_names_that_are_not_utf8_work_in_every_command(tmp_path):
    root = tmp_path / "lib"
    root.mkdir()
    shutil.copy2(sample("photos/scikit-image_chelsea.jpg"), root / CAFE)
    shutil.copy2(sample("photos/scikit-image_chelsea.jpg"), root / "copy.jpg")
    shutil.copy2(sample("photos/opencv-doc_fruits.jpg"), root / "b.jpg")
    cafe, db = str(root / CAFE), str(tmp_path / "c.db")

    def ok_json(*args):
        r = run_cli(*args, "--db", db, "--json")
        assert r.returncode == 0, r.stderr.decode(errors="replace")
        assert b"\\udce9" in r.stdout or b"caf" not in r.stdout      # the exact name, escaped for JSON
        return json.loads(r.stdout)

    assert ok_json("index", root)["indexed"] == 3
    assert ok_json("bursts") == []
    groups = ok_json("duplicates")
    assert [(g["kind"], sorted(g["photos"])) for g in groups] == [("exact", sorted([str(root / "copy.jpg"), cafe]))]
    assert all(os.path.exists(p) for g in groups for p in g["photos"])        # json.loads gives the real path
    assert {h["path"] for h in ok_json("search", cafe, "-k", "2")} == {cafe, str(root / "copy.jpg")}
    assert ok_json("faces") == []
    assert ok_json("pick", cafe, "--accept")["path"] == cafe
    exported = ok_json("export", "--picks", tmp_path / "out")
    assert exported["exported"] == 1 and os.path.exists(tmp_path / "out" / CAFE)
    assert ok_json("check")["consistent"] is True
    human = run_cli("duplicates", "--db", db)
    assert human.returncode == 0 and f"{root}/caf\\xe9.jpg".encode() in human.stdout


def test_a_query_that_is_not_a_picture_is_said_in_words(tmp_path, capsys):
    root = _library(tmp_path)
    db = str(tmp_path / "c.db")
    assert cli.main(["index", str(root), "--db", db, "--no-features"]) == 0
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"junk")
    capsys.readouterr()
    assert cli.main(["search", str(junk), "--db", db]) == 1
    assert capsys.readouterr().err == (f"phototriage: error: cannot read the query image {junk}: "
                                       "not a recognisable image (wrong extension or corrupt header)\n")


def test_a_library_folder_whose_name_is_not_utf8_indexes_and_is_remembered(tmp_path, isolated_home):
    """A trial: `index` of a folder named with a byte that is not UTF-8 did its work, then failed
    with UnicodeEncodeError remembering the library (exit 1, no summary)."""
    root = tmp_path / os.fsdecode(b"caf\xe9-lib")
    root.mkdir()
    shutil.copy2(sample("photos/scikit-image_chelsea.jpg"), root / "a.jpg")
    r = run_cli("index", root, "--no-features", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["indexed"] == 1, r.stderr.decode(errors="replace")
    r = run_cli("check", "--json")                               # no --db: the library indexed last
    assert r.returncode == 0 and json.loads(r.stdout)["photos"] == 1, r.stderr.decode(errors="replace")
