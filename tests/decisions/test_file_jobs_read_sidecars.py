"""Export and trash act on the decisions as the editors left them: what changed in a sidecar
since the last sync is imported first (a trial: a photo un-rejected in darktable went to the
trash), a sidecar that cannot be read keeps its photo out of the trash, and a photo decided
otherwise while a trashing runs stays."""
from __future__ import annotations

import json

from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.jobs import drive
from app.core.trash import trash_rejected
from app.core.xmp.sidecars import sidecar_names
from tests.decisions.edits import edit
from tests.decisions.helpers import add_photo, library
from tests.test_cli import cli


def _json(*args):
    r = cli(*args, "--json")
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def _state(db, path):
    with Catalog(db, readonly=True) as cat:
        s = cat.decisions.state(cat.photos.id_for_path(str(path)))
        return s.pick, s.rating


def test_trash_and_export_read_what_the_editor_changed_first(tmp_path):
    files = library(tmp_path, ["a.jpg", "b.jpg", "c.jpg", "d.jpg"])
    db = tmp_path / "c.db"
    args = ["--db", str(db)]
    _json("index", str(tmp_path / "lib"), "--no-features", *args)
    for f, flag in zip(files, ("--reject", "--reject", "--accept", "--accept")):
        _json("pick", str(f), flag, *args)
    _json("xmp", "write", *args)
    edit(sidecar_names(files[0])["ext"], rating=3)             # darktable: un-rejected, 3 stars
    edit(sidecar_names(files[2])["ext"], pick_label="0")       # digiKam: no longer picked

    plan = _json("trash", "--rejected", "--dry-run", *args)
    assert plan["files"] == [str(files[1]), str(sidecar_names(files[1])["ext"])]
    assert plan["imported_from_xmp"] == [str(files[0]), str(files[2])] and _state(db, files[0]) == (-1, None)
    r = cli("trash", "--rejected", *args)
    assert r.returncode == 0 and "decisions changed in the sidecars were imported first for 2 photos" in r.stdout
    assert files[0].exists() and not files[1].exists()        # the un-rejected photo stays
    assert _state(db, files[0]) == (0, 3)

    out = tmp_path / "out"
    doc = _json("export", "--picks", str(out), *args)
    assert [f["from"] for f in doc["files"]] == [str(files[3])]  # not the photo un-picked in digiKam
    assert not (out / "c.jpg").exists() and _state(db, files[2])[0] == 0


def _meanwhile(job, phase: str, db, decide_there):
    """Run ``job`` to its first ``phase`` event, let a window (another connection to ``db``)
    decide there, run it to its end; returns its report."""
    event = next(job)
    while event.phase != phase:
        event = next(job)
    with Catalog(db) as window:
        decide_there(window)
    try:
        while True:
            next(job)
    except StopIteration as stop:
        return stop.value


def test_an_unreadable_sidecar_keeps_its_photo_and_a_late_change_of_mind_is_kept(tmp_path):
    files = library(tmp_path, ["a.jpg", "b.jpg", "c.jpg"])
    catalog = Catalog(tmp_path / "c.db")
    ids = [add_photo(catalog, f) for f in files]
    for pid in ids:
        decide(catalog, pid, "pick", -1)
    sidecar_names(files[0])["ext"].write_text("<x:xmpmeta broken")       # not XMP any more
    report = _meanwhile(trash_rejected(catalog), "trash", tmp_path / "c.db",
                        lambda window: decide(window, ids[2], "pick", 0))    # un-rejected in the window meanwhile
    assert files[0].exists() and not files[1].exists() and files[2].exists()
    doc = report.to_json()
    assert [f["path"] for f in doc["failed"]] == [str(files[0])] and "sidecar could not be read" in doc["failed"][0]["reason"]
    assert doc["no_longer_rejected"] == [str(files[2])] and doc["photos"] == 1
    catalog.close()


def test_a_move_keeps_a_photo_whose_sidecar_cannot_be_read(tmp_path):
    """A trial: `export --move` moved a picked photo whose sidecar could not be read without a
    word (the sidecar may say it is no longer picked); a copy takes nothing away."""
    from app.core.export import export_picks

    files = library(tmp_path, ["a.jpg", "b.jpg"])
    catalog = Catalog(tmp_path / "c.db")
    ids = [add_photo(catalog, f) for f in files]
    for pid in ids:
        decide(catalog, pid, "pick", 1)
    sidecar_names(files[0])["ext"].write_text("<x:xmpmeta broken")
    copied = drive(export_picks(catalog, str(tmp_path / "copies")))
    assert sorted(s for s, _ in copied.done) == sorted(map(str, files))
    moved = drive(export_picks(catalog, str(tmp_path / "moved"), move=True))
    assert [s for s, _ in moved.done] == [str(files[1])] and files[0].exists() and not files[1].exists()
    assert moved.failed[0][0] == str(files[0]) and "sidecar could not be read" in moved.failed[0][1]
    catalog.close()


def test_a_photo_unpicked_while_a_move_runs_stays(tmp_path):
    """A review: trash checks each photo's decision when its turn comes, export --move did not:
    a photo un-picked in the window while the move ran was moved all the same."""
    from app.core.export import export_picks

    files = library(tmp_path, ["a.jpg", "b.jpg"])
    catalog = Catalog(tmp_path / "c.db")
    ids = [add_photo(catalog, f) for f in files]
    for pid in ids:
        decide(catalog, pid, "pick", 1)
    report = _meanwhile(export_picks(catalog, str(tmp_path / "out"), move=True), "export", tmp_path / "c.db",
                        lambda window: decide(window, ids[1], "pick", 0))
    assert not files[0].exists() and files[1].exists()
    assert report.to_json()["no_longer_picked"] == [str(files[1])] and len(report.done) == 1
    catalog.close()
