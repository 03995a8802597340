"""A library folder moved or renamed as a whole keeps its catalog and decisions when the user
says so (a trial: `mv lib wedding-2026` then `index wedding-2026` started an empty catalog,
the decisions stranded in the old one). The index only says what it sees: a folder not there
now may be a drive that is not plugged in, and the folder indexed a backup copy of it."""
from __future__ import annotations

import json
import shutil

from app.core import paths
from app.core.catalog import Catalog
from tests.decisions.helpers import library
from tests.test_cli import cli


def _json(*args, code=0):
    r = cli(*args, "--json")
    assert r.returncode == code, r.stdout + r.stderr
    return (json.loads(r.stdout) if r.stdout.strip() else None), r.stderr


def _states(folder):
    """{file name: (pick, rating)} read from the folder's catalog, changing nothing."""
    with Catalog(paths.find_catalog_path(str(folder)), readonly=True) as cat:
        return {paths.from_db(p).rsplit("/", 1)[-1]: (cat.decisions.state(pid).pick, cat.decisions.state(pid).rating)
                for pid, p, *_ in cat.photos.grid() if paths.from_db(p).startswith(str(folder) + "/")}


def test_a_moved_library_is_noticed_and_its_catalog_comes_when_asked(tmp_path, isolated_home):
    files = library(tmp_path, ["day1/a.jpg", "day1/b.jpg", "day2/c.jpg"])
    lib = tmp_path / "lib"
    _json("index", str(lib), "--no-features")
    _json("pick", str(files[0]), "--reject", "--library", str(lib))
    _json("pick", str(files[2]), "--rating", "4", "--library", str(lib))
    shutil.copytree(lib, tmp_path / "copy")                       # a copy: the old folder is still there
    doc, err = _json("index", str(tmp_path / "copy"), "--no-features")
    assert doc["indexed"] == 3 and "looks_moved_from" not in doc
    _, err = _json("index", str(tmp_path / "copy"), "--moved-from", str(lib), code=1)
    assert "is still there" in err and "a library of its own" in err

    archive = tmp_path / "archive" / "wedding-2026"
    archive.parent.mkdir()
    lib.rename(archive)                                            # from the ingest drive to the archive
    doc, err = _json("index", str(archive), "--no-features")      # noticed, nothing moved on a guess
    assert doc["looks_moved_from"] == str(lib) and doc["indexed"] == 3
    assert f"--moved-from {lib}` brings its catalog and decisions" in err
    assert _states(archive) == {"a.jpg": (0, None), "b.jpg": (0, None), "c.jpg": (0, None)}
    doc, err = _json("index", str(archive), "--no-features", "--moved-from", str(lib))
    assert doc["library_moved_from"] == str(lib) and "with the decisions of 2 photos" in err
    assert doc["unchanged"] == 3 and doc["indexed"] == 0 and doc["missing"] == 0, doc
    assert _states(archive) == {"a.jpg": (-1, None), "b.jpg": (0, None), "c.jpg": (0, 4)}   # they came along
    again, _ = _json("index", str(archive), "--no-features")
    assert again["unchanged"] == 3 and "looks_moved_from" not in again
    assert any(p.name.startswith("wedding-2026-") and ".replaced-" in p.name
               for p in (paths.data_dir() / "libraries").iterdir())   # the empty catalog was kept aside


def test_the_hint_never_stops_an_index(tmp_path, isolated_home, monkeypatch):
    from app.core import library_moves

    (tmp_path / "x").mkdir()
    monkeypatch.setattr(library_moves, "_catalog_dirs", lambda _d: (_ for _ in ()).throw(OSError("unreadable")))
    assert library_moves.find_moved(tmp_path / "x") is None


def test_identical_copies_keep_their_own_decisions_and_a_wrong_old_folder_is_refused(tmp_path, isolated_home):
    """A trial: after --moved-from, the decisions of two identical copies were swapped (matched by
    content); and --moved-from a folder whose photos NEW does not hold stranded its decisions."""
    a, b, c = library(tmp_path, ["a.jpg", "sub/b.jpg", "c.jpg"])
    shutil.copy2(a, b)                                             # identical copies in two places
    lib = tmp_path / "lib"
    _json("index", str(lib), "--no-features")
    _json("pick", str(b), "--rating", "4", "--library", str(lib))
    _json("pick", str(a), "--reject", "--library", str(lib))
    other = tmp_path / "other"
    library(other, ["x.jpg"])                                      # photos of its own
    lib.rename(tmp_path / "away")                                 # a drive unplugged
    _, err = _json("index", str(other / "lib"), "--no-features", "--moved-from", str(lib), code=1)
    assert "does not hold the photos of" in err
    (tmp_path / "away").rename(tmp_path / "new")
    _json("index", str(tmp_path / "new"), "--no-features", "--moved-from", str(lib))
    assert _states(tmp_path / "new") == {"a.jpg": (-1, None), "b.jpg": (0, 4), "c.jpg": (0, None)}


def test_a_catalog_open_in_a_window_is_not_moved(tmp_path, isolated_home):
    """A trial: with the window still open on the old library, --moved-from moved its catalog;
    the window went on with the old place (its next job would make a new catalog there)."""
    import subprocess
    import sys

    from tests.decisions.helpers import ROOT

    library(tmp_path, ["a.jpg", "b.jpg"])
    lib = tmp_path / "lib"
    _json("index", str(lib), "--no-features")
    _json("pick", str(lib / "a.jpg"), "--reject", "--library", str(lib))
    window = subprocess.Popen(                                     # holds the catalog open, as the window does
        [sys.executable, "-c", "import sys, time; from app.core.catalog import Catalog\n"
         "cat = Catalog(sys.argv[1]); cat.decisions.states(); print('open', flush=True); time.sleep(120)",
         str(paths.find_catalog_path(str(lib)))], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert window.stdout.readline().strip() == "open"
        lib.rename(tmp_path / "new")
        _, err = _json("index", str(tmp_path / "new"), "--no-features", "--moved-from", str(lib), code=1)
        assert "open in another window or command" in err and "nothing was moved" in err
        assert paths.find_catalog_path(str(lib)).exists()
    finally:
        window.kill()
        window.wait()
    _json("index", str(tmp_path / "new"), "--no-features", "--moved-from", str(lib))   # closed: it moves
    assert _states(tmp_path / "new") == {"a.jpg": (-1, None), "b.jpg": (0, None)}


def test_pick_on_a_photo_of_another_library_says_which(tmp_path, isolated_home):
    """A trial: `pick` on a photo of another indexed library said "index its folder first"."""
    one, = library(tmp_path / "a", ["x.jpg"])
    two, = library(tmp_path / "b", ["y.jpg"])
    _json("index", str(tmp_path / "a" / "lib"), "--no-features")
    _json("index", str(tmp_path / "b" / "lib"), "--no-features")
    r = cli("pick", str(two), "--accept", "--library", str(tmp_path / "a" / "lib"))
    assert r.returncode == 1 and f"--library {tmp_path / 'b' / 'lib'}" in r.stderr
    r = cli("pick", str(tmp_path / "nowhere.jpg"), "--accept", "--library", str(tmp_path / "a" / "lib"))
    assert r.returncode == 1 and "no such file" in r.stderr
    (tmp_path / "a" / "lib" / "new.jpg").write_bytes(one.read_bytes())       # in this library, not indexed yet
    r = cli("pick", str(tmp_path / "a" / "lib" / "new.jpg"), "--accept", "--library", str(tmp_path / "a" / "lib"))
    assert r.returncode == 1 and "index its folder first" in r.stderr      # (a trial: it said to add --library)
