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
