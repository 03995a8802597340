"""A sidecar that moved with its photo (export --move, a file manager) is the same sidecar: its
unchanged bytes import nothing, so a decision made in PhotoTriage after the last sync is not
taken back by the old value (found by the decision machine)."""
from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.export import export_picks
from app.core.jobs import drive
from app.core.xmp.sidecars import sidecar_names
from app.core.xmp.sync import import_xmp
from tests.decisions.edits import edit
from tests.decisions.fixtures import DARKTABLE
from tests.decisions.helpers import add_photo, library


def test_a_sidecar_moved_with_its_photo_brings_back_no_old_decision(tmp_path):
    (photo,) = library(tmp_path, ["a/x.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_text(DARKTABLE)
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        edit(side, rating=-1)                               # rejected in darktable...
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).pick == -1
        decide(cat, pid, "pick", 1)                         # ...then accepted in PhotoTriage
        report = drive(export_picks(cat, str(tmp_path / "P"), move=True))
        assert not report.failed and sidecar_names(report.done[0][1])["ext"].exists()
        assert drive(import_xmp(cat)).imported == []
        assert cat.decisions.state(pid).pick == 1


def test_an_edit_after_the_photo_and_its_sidecar_were_renamed_merges_against_the_base(tmp_path):
    """Rejected in darktable, renamed with its sidecar, then un-rejected (Rating -1 -> 3):
    not rejected any more, rated 3 (found by the decision machine)."""
    import os

    (photo,) = library(tmp_path, ["a/x.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_text(DARKTABLE)
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        edit(side, rating=-1)
        drive(import_xmp(cat))
        moved = tmp_path / "lib" / "a" / "renamed.jpg"
        os.rename(photo, moved)
        os.rename(side, sidecar_names(moved)["ext"])
        st = os.stat(moved)
        with cat.transaction():
            cat.photos.move(pid, str(moved), st.st_size, st.st_mtime_ns)     # as the next index does
        edit(sidecar_names(moved)["ext"], rating=3)
        drive(import_xmp(cat))
        assert (cat.decisions.state(pid).pick, cat.decisions.state(pid).rating) == (0, 3)


def test_a_row_given_up_for_another_photo_takes_its_merge_bases_with_it(tmp_path):
    """A review: a photo row deleted when another picture moved onto its name left its XMP
    bases behind, for a later photo that reuses the id to inherit."""
    from app.core.catalog.xmp_base import SIDECAR, Base

    a, b = library(tmp_path, ["a/x.jpg", "a/y.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        gone, mover = add_photo(cat, a), add_photo(cat, b)
        with cat.transaction():
            cat.xmp_base.put(gone, SIDECAR, Base(str(a) + ".xmp", "h", {"rating": 3}, {"rating": 3}, {}))
        a.unlink()
        b.rename(a)
        st = a.stat()
        with cat.transaction():
            cat.photos.move(mover, str(a), st.st_size, st.st_mtime_ns)
        assert cat.xmp_base.get(gone, SIDECAR) is None
