"""What PhotoTriage wrote into a sidecar and the user took back in PhotoTriage leaves the
sidecar too (a trial: 5 then Ctrl+Z left xmp:Rating="5" in the sidecar, and `xmp write` called
it up to date; a renamed best keyword left the old one on a frame no longer best), while what
an editor wrote stays."""
from __future__ import annotations

from app.core.catalog import Catalog
from app.core.culling import decide, undo
from app.core.jobs import drive
from app.core.xmp.document import DC, XMP, XmpDocument
from app.core.xmp.sidecars import sidecar_names
from app.core.xmp.sync import import_xmp, write_sidecars
from tests.decisions.edits import edit
from tests.decisions.helpers import add_photo, library


def _rating(side):
    return XmpDocument(side.read_text()).get(XMP, "Rating")


def _keywords(side):
    return XmpDocument(side.read_text()).get_list(DC, "subject")


def test_an_undone_rating_leaves_the_sidecar_and_an_editors_rating_stays(tmp_path):
    a, b = library(tmp_path, ["a.jpg", "b.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        pa, pb = add_photo(cat, a), add_photo(cat, b)
        decide(cat, pa, "pick", 1)
        decide(cat, pa, "rating", 5)
        drive(write_sidecars(cat))
        side = sidecar_names(a)["ext"]
        assert _rating(side) == "5"
        undo(cat)                                              # Ctrl+Z: no rating
        assert cat.decisions.state(pa).rating is None
        report = drive(write_sidecars(cat))
        assert _rating(side) == "0" and report.written == [str(side)]
        decide(cat, pa, "rating", 4)
        drive(write_sidecars(cat))
        decide(cat, pa, "rating", 3)                           # changed again: the sidecar follows
        drive(write_sidecars(cat))
        assert _rating(side) == "3"
        # an editor's rating, never given in PhotoTriage, stays when PhotoTriage clears its pick
        decide(cat, pb, "pick", 1)
        drive(write_sidecars(cat))
        edit(sidecar_names(b)["ext"], rating=2)
        drive(import_xmp(cat))
        decide(cat, pb, "pick", 0)
        drive(write_sidecars(cat))
        assert _rating(sidecar_names(b)["ext"]) == "2" and cat.decisions.state(pb).rating == 2


def test_a_renamed_best_keyword_takes_the_old_one_away(tmp_path):
    a, b = library(tmp_path, ["a.jpg", "b.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        pa, pb = add_photo(cat, a), add_photo(cat, b)
        decide(cat, pa, "best", 1, burst=[pa, pb])
        drive(write_sidecars(cat))
        assert "PhotoTriage best" in _keywords(sidecar_names(a)["ext"])
        cat.settings.set({"xmp.best_keyword": "Keeper"})
        decide(cat, pb, "best", 1, burst=[pa, pb])
        drive(write_sidecars(cat))
        assert _keywords(sidecar_names(b)["ext"]) == ["Keeper"]
        assert "PhotoTriage best" not in _keywords(sidecar_names(a)["ext"])


def test_decisions_made_while_the_folder_was_renamed_reach_its_sidecars_at_the_next_index(tmp_path):
    """A trial: with sidecars written after each decision, a folder renamed in the file manager
    while the window was open: the decisions made then were saved, their sidecars skipped
    without a word, and the next index did not write them either."""
    from app.core.indexer import index_library
    from app.core.xmp.sync import AUTO_WRITE

    a, = library(tmp_path, ["shoot/a.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(tmp_path / "lib")))
        cat.settings.set({AUTO_WRITE: "1"})
        pid = cat.photos.id_for_path(str(a))
        decide(cat, pid, "pick", 1)
        (tmp_path / "lib" / "shoot").rename(tmp_path / "lib" / "final")       # the sidecar goes with it
        decide(cat, pid, "rating", 4)
        assert cat.last_xmp_report.skipped and "not where the catalog has it" in cat.last_xmp_report.skipped[0][1]
        summary = drive(index_library(cat, str(tmp_path / "lib")))
        assert summary.moved == 1
        side = sidecar_names(tmp_path / "lib" / "final" / "a.jpg")["ext"]
        assert _rating(side) == "4"
