"""Issue 28: the three-way merge between the catalog and sidecars, as darktable, digiKam and
Lightroom users work: the user's labels kept, an editor's un-reject or accept taken, a rating
never taken as a pick, raw + JPEG pairs sharing name.xmp written once, dry runs that tell."""
from __future__ import annotations

import os
import shutil
import time

from app.core.catalog import Catalog
from app.core.culling import decide, photos_where
from app.core.jobs import drive
from app.core.xmp.convention import LABELS
from app.core.xmp.document import DARKTABLE, DC, DIGIKAM, LIGHTROOM, XMP, XmpDocument
from app.core.xmp.sidecars import sidecar_names
from app.core.xmp.sync import import_xmp, write_sidecars
from tests.decisions.edits import edit
from tests.decisions.fixtures import DARKTABLE as DT_SIDECAR, LIGHTROOM as LR_SIDECAR
from tests.decisions.helpers import add_photo, library
from tests.decisions.real_tools import darktable_view, needs_darktable


def _doc(side) -> XmpDocument:
    return XmpDocument(side.read_text(encoding="utf-8-sig"))


def test_the_users_lightroom_and_darktable_labels_survive_pick_write_and_clear(tmp_path):
    lr, dt = library(tmp_path, ["lr.jpg", "dt.jpg"])
    sidecar_names(lr)["base"].write_text(LR_SIDECAR)            # Label Yellow
    sidecar_names(dt)["ext"].write_text(DT_SIDECAR)             # colour label blue (3), rated 2
    with Catalog(tmp_path / "c.db") as cat:
        ids = [add_photo(cat, p) for p in (lr, dt)]
        drive(import_xmp(cat))
        for labels in ("0", "1"):                               # by default, and with the label setting on
            cat.settings.set({LABELS: labels})
            for pid in ids:
                decide(cat, pid, "pick", 1)
            drive(write_sidecars(cat))
            assert _doc(sidecar_names(lr)["base"]).get(XMP, "Label") == "Yellow"
            d = _doc(sidecar_names(dt)["ext"])
            # darktable shows xmp:Label instead of its colour labels: none is written over the user's blue
            assert d.get(XMP, "Label") is None and "3" in d.get_list(DARKTABLE, "colorlabels")
            assert d.get(DIGIKAM, "PickLabel") == "3"
            for pid in ids:
                decide(cat, pid, "pick", -1)
                decide(cat, pid, "pick", 0)                     # pick --clear
            drive(write_sidecars(cat))
            assert _doc(sidecar_names(lr)["base"]).get(XMP, "Label") == "Yellow"
            assert _doc(sidecar_names(dt)["ext"]).get_list(DARKTABLE, "colorlabels") == ["3"]


def test_labels_written_when_turned_on_are_taken_back_but_never_the_users(tmp_path):
    a, = library(tmp_path, ["a.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        cat.settings.set({LABELS: "1"})
        pid = add_photo(cat, a)
        decide(cat, pid, "pick", -1)
        drive(write_sidecars(cat))
        side = sidecar_names(a)["ext"]
        assert _doc(side).get(XMP, "Label") == "Red" and _doc(side).get_list(DARKTABLE, "colorlabels") == ["0"]
        decide(cat, pid, "pick", 0)
        drive(write_sidecars(cat))
        assert _doc(side).get(XMP, "Label") is None and _doc(side).get_list(DARKTABLE, "colorlabels") == []
        edit(side, label="Red")                                 # the user's own Red now (labels on: a reject)
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).pick == -1
        time.sleep(1.1)
        decide(cat, pid, "pick", 1)
        drive(write_sidecars(cat))
        assert _doc(side).get(XMP, "Label") == "Red" and _doc(side).get(DIGIKAM, "PickLabel") == "3"


def test_darktable_unreject_is_imported_and_not_undone_by_the_next_write(tmp_path):
    a, = library(tmp_path, ["a.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        cat.settings.set({LABELS: "1"})
        pid = add_photo(cat, a)
        decide(cat, pid, "rating", 3)
        decide(cat, pid, "pick", -1)
        drive(write_sidecars(cat))
        side = sidecar_names(a)["ext"]
        assert _doc(side).get(XMP, "Rating") == "-1"
        edit(side, rating=3)                                    # darktable: un-reject, its Red label left
        report = drive(import_xmp(cat))
        s = cat.decisions.state(pid)
        assert (s.pick, s.rating) == (0, 3) and report.conflicts == []
        assert photos_where(cat, lambda st: st.pick == -1) == []     # not in `trash --rejected`
        drive(write_sidecars(cat))
        d = _doc(side)
        assert d.get(XMP, "Rating") == "3" and d.get(DIGIKAM, "PickLabel") == "0"
        assert d.get(XMP, "Label") is None                      # the Red we wrote, taken back


def test_digikam_accept_is_imported_and_kept(tmp_path):
    a, = library(tmp_path, ["a.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, a)
        decide(cat, pid, "pick", -1)
        drive(write_sidecars(cat))
        side = sidecar_names(a)["ext"]
        edit(side, pick_label="3", label="Red")                 # digiKam: accepted, the label left
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).pick == 1
        drive(write_sidecars(cat))
        d = _doc(side)
        assert d.get(DIGIKAM, "PickLabel") == "3" and d.get(XMP, "Rating") == "0" and d.get(XMP, "Label") == "Red"


def test_an_editors_default_one_star_is_a_rating_not_a_pick(tmp_path):
    a, = library(tmp_path, ["a.jpg"])
    fixture = os.path.join(os.path.dirname(__file__), "data", "darktable-4.2.1", "imported.jpg.xmp")
    shutil.copy(fixture, sidecar_names(a)["ext"])              # darktable's own sidecar after import
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, a)
        drive(import_xmp(cat))
        s = cat.decisions.state(pid)
        assert (s.pick, s.rating, s.best) == (0, 1, False)


def test_a_field_changed_in_the_catalog_only_is_written_and_one_changed_in_the_sidecar_only_is_read(tmp_path):
    a, = library(tmp_path, ["a.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, a)
        decide(cat, pid, "rating", 2)
        drive(write_sidecars(cat))
        side = sidecar_names(a)["ext"]
        decide(cat, pid, "pick", 1)                             # the pick changed here...
        edit(side, rating=5)                                    # ...the rating there
        report = drive(write_sidecars(cat))                     # merged before writing
        s = cat.decisions.state(pid)
        assert (s.pick, s.rating) == (1, 5) and report.conflicts == []
        d = _doc(side)
        assert (d.get(XMP, "Rating"), d.get(DIGIKAM, "PickLabel")) == ("5", "3")
        report = drive(write_sidecars(cat))
        assert report.written == [] and report.unchanged == 1   # unchanged fields never rewritten


def test_raw_and_jpeg_sharing_name_xmp_get_one_entry_and_a_said_conflict(tmp_path):
    raw, jpg = library(tmp_path, ["IMG_3.dng", "IMG_3.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        ir, ij = add_photo(cat, raw), add_photo(cat, jpg)
        decide(cat, ir, "pick", 1)                              # decided apart while each file had its own
        decide(cat, ir, "rating", 5)                            # sidecar (a pair decided in PhotoTriage with
        time.sleep(1.1)                                         # name.xmp is one decision: test_raw_jpeg_pairs)
        decide(cat, ij, "pick", -1)                             # decided later
        cat.settings.set({"xmp.naming": "base"})
        report = drive(write_sidecars(cat))
        side = str(tmp_path / "lib" / "IMG_3.xmp")
        assert report.written == [side]                         # once, not twice
        assert len(report.conflicts) == 1 and "IMG_3.dng and IMG_3.jpg" in report.conflicts[0][1]
        assert _doc(tmp_path / "lib" / "IMG_3.xmp").get(XMP, "Rating") == "-1"
        assert drive(import_xmp(cat)).imported == []
        assert cat.decisions.state(ij).pick == -1 and cat.decisions.state(ir).pick == 1
        edit(tmp_path / "lib" / "IMG_3.xmp", rating=4)          # un-rejected and rated 4 in Lightroom: one photo,
        drive(import_xmp(cat))                                  # both files follow (neither rejected, both 4)
        assert [(cat.decisions.state(i).pick, cat.decisions.state(i).rating) for i in (ir, ij)] == [(0, 4), (0, 4)]


def test_name_ext_xmp_keeps_one_sidecar_per_file(tmp_path):
    raw, jpg = library(tmp_path, ["IMG_4.dng", "IMG_4.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        ir, ij = add_photo(cat, raw), add_photo(cat, jpg)
        decide(cat, ir, "pick", 1)
        decide(cat, ij, "pick", -1)
        report = drive(write_sidecars(cat))
        assert sorted(os.path.basename(p) for p in report.written) == ["IMG_4.dng.xmp", "IMG_4.jpg.xmp"]
        assert report.conflicts == []


def test_dry_run_tells_written_skipped_and_up_to_date(tmp_path):
    a, b, c = library(tmp_path, ["a.jpg", "b.jpg", "c.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        ids = [add_photo(cat, p) for p in (a, b, c)]
        for pid in ids:
            decide(cat, pid, "pick", 1)
        drive(write_sidecars(cat, [ids[1], ids[2]]))
        decide(cat, ids[2], "rating", 4)
        os.chmod(sidecar_names(c)["ext"], 0o444)                # blocked
        try:
            report = drive(write_sidecars(cat, dry_run=True))
            assert report.written == [str(sidecar_names(a)["ext"])] and report.unchanged == 1
            assert [(p, "read-only" in r) for p, r in report.skipped] == [(str(sidecar_names(c)["ext"]), True)]
            assert not sidecar_names(a)["ext"].exists()
            report = drive(write_sidecars(cat))
            assert len(report.failed) == 1 and report.to_json()["exit_code"] == 1
            assert "Errno" not in report.failed[0][1]
        finally:
            os.chmod(sidecar_names(c)["ext"], 0o644)


def test_darktables_own_sidecars_read_as_darktable_shows_them(tmp_path):
    """darktable 4.2.1's rewrites: rejected, and rated 3 with its Green label (a colour, not a pick)."""
    rej, rated = library(tmp_path, ["rej.jpg", "rated.jpg"])
    data = os.path.join(os.path.dirname(__file__), "data", "darktable-4.2.1")
    shutil.copy(os.path.join(data, "rejected.jpg.xmp"), sidecar_names(rej)["ext"])
    shutil.copy(os.path.join(data, "rated3-green.jpg.xmp"), sidecar_names(rated)["ext"])
    with Catalog(tmp_path / "c.db") as cat:
        ir, ia = add_photo(cat, rej), add_photo(cat, rated)
        drive(import_xmp(cat))
        s_rej, s_rated = cat.decisions.state(ir), cat.decisions.state(ia)
        assert (s_rej.pick, s_rated.pick, s_rated.rating) == (-1, 0, 3)
        decide(cat, ia, "pick", -1)
        drive(write_sidecars(cat))
        d = _doc(sidecar_names(rated)["ext"])
        assert d.get(XMP, "Label") == "Green" and d.get_list(DARKTABLE, "colorlabels") == ["2"]
        assert d.get(XMP, "Rating") == "-1" and d.get_list("http://darktable.sf.net/", "history")  # its stack kept


def test_the_migration_keeps_embedded_xmp_read_before_from_being_read_again():
    import sqlite3

    import sqlite_utils

    from app.core.catalog import migrations

    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    mine = next(m for m in migrations.MIGRATIONS if m.__name__.endswith("_xmp_base"))   # whatever its number
    for step in migrations.MIGRATIONS[:migrations.MIGRATIONS.index(mine)]:
        step(db)
    db.execute("INSERT INTO photos (path, content_hash, status) VALUES ('/a.jpg', 'h1', 'ok'), ('/b.jpg', 'h2', 'ok')")
    db.execute("INSERT INTO xmp_embedded VALUES ('h1', '2026-01-01T00:00:00')")
    mine(db)
    assert list(db.execute("SELECT photo_id, source, file_hash, fields FROM xmp_base")) == [(1, "embedded", "h1", "{}")]


def test_a_rating_given_in_digikam_to_a_rejected_photo_keeps_it_rejected(tmp_path):
    """A trial: digiKam ignores xmp:Rating -1 and shows its own reject, the pick label; a rating
    given there (Rating -1 -> 4, PickLabel still 1) was read as darktable's un-reject, and the
    next write cleared digiKam's reject too. darktable's and Lightroom's un-reject (the pick
    label PhotoTriage wrote left as it was) stay un-rejects: test_darktable_unreject_...."""
    a, = library(tmp_path, ["a.jpg"])
    side = sidecar_names(a)["ext"]
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, a)
        decide(cat, pid, "pick", -1)
        drive(write_sidecars(cat))
        doc = _doc(side)
        assert (doc.get(XMP, "Rating"), doc.get(DIGIKAM, "PickLabel")) == ("-1", "1")
        text = side.read_text().replace('xmp:Rating="-1"', 'xmp:Rating="4" digiKam:ColorLabel="5" '
                                        'MicrosoftPhoto:Rating="75" xmlns:MicrosoftPhoto="http://ns.microsoft.com/photo/1.0/"')
        side.write_text(text)                                   # digiKam's write: its rating, label, Windows rating
        st = os.stat(side)
        os.utime(side, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        drive(import_xmp(cat))
        s = cat.decisions.state(pid)
        assert (s.pick, s.rating) == (-1, 4)
        drive(write_sidecars(cat))
        assert _doc(side).get(DIGIKAM, "PickLabel") == "1"


@needs_darktable
def test_the_best_keyword_goes_where_darktable_reads_tags(tmp_path):
    """A trial: a darktable sidecar with tags (dc:subject and lr:hierarchicalSubject); the best
    keyword went into dc:subject only, which darktable does not read where the hierarchical list
    is, so darktable never saw it and its next write (dc:subject rebuilt from its own tags) took
    it away: the best frame was unmarked. It now goes into both, and darktable shows it."""
    a, = library(tmp_path, ["a.jpg"])
    side = sidecar_names(a)["ext"]
    side.write_text(DT_SIDECAR)                                  # tags "holiday", "places|coast|holiday"
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, a)
        drive(import_xmp(cat))
        decide(cat, pid, "best", 1)
        drive(write_sidecars(cat))
        doc = _doc(side)
        assert "PhotoTriage best" in doc.get_list(LIGHTROOM, "hierarchicalSubject")
        assert "PhotoTriage best" in doc.get_list(DC, "subject")
        assert "PhotoTriage best" in darktable_view(tmp_path / "lib", tmp_path / "dt")["a.jpg"]["tags"]
        # darktable's next write: dc:subject rebuilt from its tags, the keyword among them
        hierarchy = doc.get_list(LIGHTROOM, "hierarchicalSubject")
        doc.set_list(DC, "subject", sorted({t.rsplit("|", 1)[-1] for t in hierarchy}))
        side.write_text(doc.serialize())
        st = os.stat(side)
        os.utime(side, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).best
        decide(cat, pid, "best", 0)                                 # unmarked in PhotoTriage: off both lists
        drive(write_sidecars(cat))
        doc = _doc(side)
        assert "PhotoTriage best" not in doc.get_list(LIGHTROOM, "hierarchicalSubject") + doc.get_list(DC, "subject")
        assert "places|coast|holiday" in doc.get_list(LIGHTROOM, "hierarchicalSubject")
