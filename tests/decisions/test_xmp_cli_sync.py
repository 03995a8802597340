"""Issue 28 and the XMP part of issue 27 through the CLI as a user runs it: one best per burst
in `bursts` and in sidecars, embedded XMP changed after the first index, `xmp write` that writes
what it can with a reason per file (non-UTF-8 names, a folder with a sidecar's name), refuses a
read-only catalog before any sidecar and exits 1 when any sidecar failed."""
from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys

from app.core.xmp.document import DC, XMP, XmpDocument
from app.core.xmp.sidecars import sidecar_names
from tests.decisions.edits import edit
from tests.decisions.helpers import DEMO, library, make_readonly
from tests.test_cli import REPO, cli


def _json(*args):
    r = cli(*args, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout)


def _keywords(side) -> list[str]:
    return XmpDocument(side.read_text()).get_list(DC, "subject") if side.exists() else []


def test_one_best_per_burst_in_bursts_and_sidecars(tmp_path):
    lib = tmp_path / "lib"
    shutil.copytree(DEMO / "tree-burst", lib)
    db = ["--db", str(tmp_path / "c.db")]
    _json("index", str(lib), *db)                                   # with features: bursts and a suggestion
    burst, = _json("bursts", *db)
    suggested = burst["best"]
    mine = next(p for p in burst["photos"] if p != suggested)
    _json("pick", mine, "--best", *db)
    burst, = _json("bursts", *db)
    assert burst["best"] == mine and burst["best_is_users"]         # the user's best replaces the suggestion
    _json("xmp", "write", *db)
    best = [p for p in burst["photos"] if "PhotoTriage best" in _keywords(sidecar_names(p)["ext"])]
    assert best == [mine]                                           # the keyword marks the user's best only
    edit(sidecar_names(suggested)["ext"] if sidecar_names(suggested)["ext"].exists()
         else _new_sidecar(suggested), rating=2)
    _json("xmp", "read", *db)
    burst, = _json("bursts", *db)
    assert burst["best"] == mine                                    # an edit elsewhere makes no second best
    edit(sidecar_names(suggested)["ext"], add_keyword="PhotoTriage best")   # the user tags another frame best
    _json("xmp", "read", *db)
    burst, = _json("bursts", *db)
    assert burst["best"] == suggested
    _json("xmp", "write", *db)
    best = [p for p in burst["photos"] if "PhotoTriage best" in _keywords(sidecar_names(p)["ext"])]
    assert best == [suggested]
    _json("xmp", "write", "--suggested-keyword", "on", *db)         # an unconfirmed suggestion: another keyword
    assert all("PhotoTriage suggested best" not in _keywords(sidecar_names(p)["ext"]) for p in burst["photos"])


def _new_sidecar(photo: str):
    side = sidecar_names(photo)["ext"]
    side.write_text(XmpDocument.new().serialize())
    return side


def _embed(path, rating: int) -> None:
    """An XMP packet with a rating in a JPEG's APP1 segment (replacing one put there before)."""
    packet = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
              f'<rdf:Description rdf:about="" xmlns:xmp="{XMP}" xmp:Rating="{rating}"/></rdf:RDF></x:xmpmeta>').encode()
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + packet
    data = path.read_bytes()
    if data[2:4] == b"\xff\xe1" and b"ns.adobe.com/xap" in data[:200]:
        data = data[:2] + data[4 + struct.unpack(">H", data[4:6])[0]:]
    st = os.stat(path)
    path.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_a_later_change_of_the_embedded_rating_is_imported_with_a_sidecar_there(tmp_path):
    photo, = library(tmp_path, ["cam.jpg"])
    _embed(photo, 5)
    db = ["--db", str(tmp_path / "c.db")]
    _json("index", str(tmp_path / "lib"), "--no-features", *db)
    assert _json("pick", str(photo), "--accept", *db)["rating"] == 5
    _json("xmp", "write", *db)                                      # a sidecar exists now
    _embed(photo, 2)                                                # re-rated in a tool that writes into the file
    doc = _json("index", str(tmp_path / "lib"), "--no-features", *db)
    assert doc["xmp"]["imported"] == 1
    assert _json("pick", str(photo), "--accept", *db)["rating"] == 2
    _json("xmp", "write", *db)
    assert XmpDocument(sidecar_names(photo)["ext"].read_text()).get(XMP, "Rating") == "2"


def test_xmp_write_goes_past_an_undecodable_name_and_a_folder_named_like_a_sidecar(tmp_path):
    a, b, c = library(tmp_path, ["a.jpg", "b.jpg", "c.jpg"])
    odd = tmp_path / "lib" / os.fsdecode(b"\xff.jpg")
    os.rename(b, odd)
    sidecar_names(c)["ext"].mkdir()                                 # a folder named c.jpg.xmp
    db = ["--db", str(tmp_path / "c.db")]
    _json("index", str(tmp_path / "lib"), "--no-features", *db)
    for p in (a, odd, c):                                           # (pick prints the name's raw bytes)
        assert subprocess.run([sys.executable, "-m", "app.cli", "pick", p, "--accept", *db], cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True).returncode == 0
    r = cli("xmp", "write", *db)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "2 sidecars written, 0 already up to date, 1 failed" in r.stdout, r.stdout + r.stderr
    assert "c.jpg.xmp" in r.stdout and "folder" in r.stdout and "Errno" not in r.stdout and "b'" not in r.stdout
    assert sidecar_names(a)["ext"].is_file() and sidecar_names(odd)["ext"].is_file()
    doc = json.loads(cli("xmp", "write", *db, "--json").stdout)
    assert doc["unchanged"] == 2 and [f["path"] for f in doc["failed"]] == [str(sidecar_names(c)["ext"])]
    os.chmod(sidecar_names(odd)["ext"], 0o444)                      # now the odd name's sidecar fails too
    subprocess.run([sys.executable, "-m", "app.cli", "pick", odd, "--reject", *db], cwd=REPO,
                   env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, check=True)
    r = cli("xmp", "write", *db)
    assert r.returncode == 1 and "0 sidecars written, 1 already up to date, 2 failed" in r.stdout, r.stdout + r.stderr
    assert "read-only" in r.stdout and "\\xff.jpg.xmp" in r.stdout and "Errno" not in r.stdout   # bytes shown as \xNN


def test_xmp_write_refuses_a_read_only_catalog_before_any_sidecar(tmp_path):
    a, b = library(tmp_path, ["a.jpg", "b.jpg"])
    (tmp_path / "cat").mkdir()
    db = ["--db", str(tmp_path / "cat" / "c.db")]
    _json("index", str(tmp_path / "lib"), "--no-features", *db)
    for p in (a, b):
        _json("pick", str(p), "--reject", *db)
    undo = make_readonly(tmp_path / "cat")
    try:
        r = cli("xmp", "write", *db)
        assert r.returncode == 1 and "read-only" in r.stderr and "Errno" not in r.stderr, r.stderr
        assert not sidecar_names(a)["ext"].exists() and not sidecar_names(b)["ext"].exists()
        planned = cli("xmp", "write", "--dry-run", *db)             # a dry run still tells
        assert planned.returncode == 0 and "would write 2 sidecars" in planned.stdout, planned.stdout + planned.stderr
    finally:
        undo()


def test_a_photo_renamed_onto_a_deleted_ones_name_keeps_its_own_decision(tmp_path):
    """A trial: b.jpg rejected, sidecars written; in a file manager b.jpg deleted and a.jpg
    (accepted, 1 star) renamed b.jpg, the sidecars left where they were. The index took the
    deleted photo's unchanged b.jpg.xmp as an edit: the kept photo became rejected (and
    `trash --rejected` listed it). A new photo given an old name does not take its reject either."""
    a, b, c = library(tmp_path, ["a.jpg", "b.jpg", "c.jpg"])
    lib, db = tmp_path / "lib", ["--db", str(tmp_path / "c.db")]
    _json("index", str(lib), "--no-features", *db)
    _json("pick", str(a), "--rating", "1", *db)
    _json("pick", str(a), "--accept", *db)
    _json("pick", str(b), "--reject", *db)
    _json("pick", str(c), "--reject", *db)
    _json("xmp", "write", *db)
    b.unlink()
    a.rename(b)                                            # the sidecars stay where they were
    c.unlink()
    shutil.copy2(DEMO / "tree-burst" / sorted(os.listdir(DEMO / "tree-burst"))[0], c)   # a new photo, an old name
    doc = _json("index", str(lib), "--no-features", *db)
    assert doc["moved"] == 1 and doc["indexed"] == 1, doc
    from app.core.catalog import Catalog

    with Catalog(tmp_path / "c.db", readonly=True) as cat:
        now_b = cat.decisions.state(cat.photos.id_for_path(str(b)))
        now_c = cat.decisions.state(cat.photos.id_for_path(str(c)))
    assert (now_b.pick, now_b.rating) == (1, 1) and now_c.pick == 0
    assert _json("trash", "--rejected", "--dry-run", *db)["photos"] == 0
    _json("xmp", "write", *db)                            # the sidecar at b.jpg now says what b.jpg is
    assert XmpDocument(sidecar_names(b)["ext"].read_text()).get(XMP, "Rating") == "1"
