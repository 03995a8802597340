"""A raw + JPEG pair sharing ``name.xmp`` is one photo, as Lightroom and Capture One treat it:
a decision on either file is the decision of both (one undo step); with ``name.ext.xmp`` each
file keeps its own."""
import pytest

from app.core.catalog import Catalog
from app.core.culling import decide, undo
from tests.decisions.helpers import add_photo, library


@pytest.fixture
def pair(tmp_path):
    raw, jpg, other = library(tmp_path, ["IMG_3.dng", "IMG_3.jpg", "IMG_30.jpg"])
    cat = Catalog(tmp_path / "c.db")
    ids = [add_photo(cat, p) for p in (raw, jpg, other)]
    yield cat, ids
    cat.close()


def _states(cat, ids):
    return [(cat.decisions.state(i).pick, cat.decisions.state(i).rating or 0, cat.decisions.state(i).best) for i in ids]


def test_with_shared_sidecars_a_decision_on_either_file_is_the_pairs(pair):
    cat, (raw, jpg, other) = pair
    cat.settings.set({"xmp.naming": "base"})
    decide(cat, raw, "pick", 1)
    decide(cat, raw, "rating", 5)
    assert _states(cat, [raw, jpg, other]) == [(1, 5, False), (1, 5, False), (0, 0, False)]
    decide(cat, jpg, "pick", -1)                      # rejecting the JPEG rejects the raw too
    assert _states(cat, [raw, jpg]) == [(-1, 5, False), (-1, 5, False)]
    undo(cat)                                         # one action, one undo step
    assert _states(cat, [raw, jpg]) == [(1, 5, False), (1, 5, False)]
    decide(cat, jpg, "best", 1, burst=[raw, jpg])
    assert _states(cat, [raw, jpg]) == [(1, 5, False), (1, 5, True)]   # one best; the pair accepted


def test_with_own_sidecars_each_file_keeps_its_decision(pair):
    cat, (raw, jpg, other) = pair
    decide(cat, raw, "pick", 1)
    decide(cat, jpg, "pick", -1)
    assert _states(cat, [raw, jpg]) == [(1, 0, False), (-1, 0, False)]


def test_the_pairs_shared_sidecar_carries_the_best_keyword(pair, tmp_path):
    """A trial: B on the JPEG of a pair (name.xmp) left the keyword out of the shared sidecar,
    and every write said the pair's decisions differed."""
    from app.core.jobs import drive
    from app.core.xmp.document import DC, XmpDocument
    from app.core.xmp.sidecars import sidecar_names
    from app.core.xmp.sync import write_sidecars

    cat, (raw, jpg, other) = pair
    cat.settings.set({"xmp.naming": "base"})
    decide(cat, jpg, "best", 1, burst=[raw, jpg, other])
    report = drive(write_sidecars(cat))
    side = sidecar_names(cat.photos.get(jpg)["path"])["base"]
    assert "PhotoTriage best" in XmpDocument(side.read_text()).get_list(DC, "subject")
    assert not report.conflicts, report.conflicts


def test_a_pair_is_not_a_duplicate_and_keep_one_keeps_it_together(pair):
    from app.core.culling import keep_one
    from app.core.duplicates import raw_pair

    assert raw_pair("/a/IMG_3.CR2", "/a/IMG_3.JPG") and not raw_pair("/a/IMG_3.jpg", "/a/IMG_3.png")
    assert not raw_pair("/a/IMG_3.CR2", "/b/IMG_3.JPG")
    cat, (raw, jpg, other) = pair
    cat.settings.set({"xmp.naming": "base"})
    done = keep_one(cat, raw, [jpg, other])                  # a group holding the pair itself
    assert done.keeper == raw and done.rejected == [other] and done.spared == [jpg]
    assert _states(cat, [raw, jpg, other]) == [(1, 0, False), (1, 0, False), (-1, 0, False)]
    undo(cat)
    done = keep_one(cat, other, [jpg])                       # rejecting the JPEG rejects its raw too
    assert sorted(done.rejected) == sorted([jpg, raw])
    assert _states(cat, [raw, jpg, other]) == [(-1, 0, False), (-1, 0, False), (1, 0, False)]


def test_two_files_of_one_name_that_are_not_a_raw_and_its_jpeg_are_two_photos(tmp_path):
    """A review: with Lightroom naming, rejecting IMG_0001.jpg rejected another picture,
    IMG_0001.tif (and trash took it): no editor pairs two files that are not raw."""
    from app.core.jobs import drive
    from app.core.trash import trash_rejected

    jpg, other = library(tmp_path, ["s/IMG_0001.jpg", "s/other.jpg"])
    tif = other.rename(jpg.with_suffix(".tif"))
    with Catalog(tmp_path / "c.db") as cat:
        cat.settings.set({"xmp.naming": "base"})
        jpg_id, tif_id = add_photo(cat, jpg), add_photo(cat, tif)
        decide(cat, tif_id, "pick", 1)
        decide(cat, jpg_id, "pick", -1)
        assert cat.decisions.state(tif_id).pick == 1
        drive(trash_rejected(cat))
    assert tif.exists() and not jpg.exists()


def test_with_own_sidecars_the_jpeg_never_takes_the_raws_name_xmp(tmp_path):
    """A trial (default naming name.ext.xmp): the JPEG of a raw + JPEG pair read the raw's
    Lightroom sidecar IMG.xmp (its rating and label) and wrote its reject into it, so the kept
    raw was "rejected" in Lightroom and in the export."""
    from app.core.jobs import drive
    from app.core.xmp.document import XMP, XmpDocument
    from app.core.xmp.sidecars import sidecar_names
    from app.core.xmp.sync import import_xmp, write_sidecars
    from tests.decisions.fixtures import LIGHTROOM

    jpg, = library(tmp_path, ["IMG_5.jpg"])
    raw = jpg.with_suffix(".dng")
    raw.write_bytes(b"raw bytes")
    lr = sidecar_names(raw)["base"]
    lr.write_text(LIGHTROOM)                                     # Lightroom's, for the raw: Yellow
    with Catalog(tmp_path / "c.db") as cat:
        ir, ij = add_photo(cat, raw), add_photo(cat, jpg)
        drive(import_xmp(cat))
        assert cat.decisions.state(ir).label == "Yellow" and cat.decisions.state(ij).label is None
        decide(cat, ir, "pick", 1)
        decide(cat, ij, "pick", -1)
        report = drive(write_sidecars(cat))
        assert not report.conflicts and sorted(p.rsplit("/", 1)[1] for p in report.written) == ["IMG_5.jpg.xmp", "IMG_5.xmp"]
        assert XmpDocument(lr.read_text()).get(XMP, "Rating") != "-1"
        assert XmpDocument(sidecar_names(jpg)["ext"].read_text()).get(XMP, "Rating") == "-1"


def test_with_lightroom_naming_two_pictures_of_one_name_keep_their_own_sidecars(tmp_path):
    """A review: IMG_1.jpg and IMG_1.tif (neither raw: two photos) were both given IMG_1.xmp; the
    write put the JPEG's reject in it, and an editor's later rating there took the TIFF's pick."""
    from app.core.jobs import drive
    from app.core.xmp.sidecars import sidecar_names
    from app.core.xmp.sync import import_xmp, write_sidecars

    jpg, other = library(tmp_path, ["d/IMG_1.jpg", "d/other.jpg"])
    tif = other.rename(jpg.with_suffix(".tif"))
    with Catalog(tmp_path / "c.db") as cat:
        cat.settings.set({"xmp.naming": "base"})
        t, j = add_photo(cat, tif), add_photo(cat, jpg)
        decide(cat, t, "pick", 1)
        decide(cat, j, "pick", -1)
        report = drive(write_sidecars(cat))
        assert not report.conflicts and not sidecar_names(jpg)["base"].exists()
        assert sidecar_names(jpg)["ext"].exists() and sidecar_names(tif)["ext"].exists()
        drive(import_xmp(cat))
        assert (cat.decisions.state(t).pick, cat.decisions.state(j).pick) == (1, -1)


@pytest.mark.parametrize("how", ["trash", "move"])
def test_a_live_photos_video_beside_it_takes_no_sidecar(tmp_path, how):
    """A review: with Lightroom naming, the photo's own IMG_1.xmp stayed behind when an IMG_1.MOV
    (a Live Photo's video) or an IMG_1.AAE was beside it: only a raw file owns a name.xmp."""
    from app.core.export import export_picks
    from app.core.jobs import drive
    from app.core.trash import trash_rejected
    from app.core.xmp.sidecars import sidecar_names
    from app.core.xmp.sync import write_sidecars

    jpg, = library(tmp_path, ["d/IMG_1.jpg"])
    jpg.with_suffix(".MOV").write_bytes(b"live photo video")
    jpg.with_suffix(".AAE").write_bytes(b"<plist/>")
    with Catalog(tmp_path / "c.db") as cat:
        cat.settings.set({"xmp.naming": "base"})
        pid = add_photo(cat, jpg)
        decide(cat, pid, "pick", -1 if how == "trash" else 1)
        drive(write_sidecars(cat))
        side = sidecar_names(jpg)["base"]
        assert side.exists()
        if how == "trash":
            assert str(side) in drive(trash_rejected(cat)).files
        else:
            drive(export_picks(cat, str(tmp_path / "out"), move=True))
            assert (tmp_path / "out" / "IMG_1.xmp").exists()
        assert not side.exists() and jpg.with_suffix(".MOV").exists()


def test_within_a_pass_each_folder_is_listed_once(tmp_path, monkeypatch):
    """One listing per photo of a folder made XMP import and write quadratic."""
    from app.core.xmp import sidecars

    files = library(tmp_path, [f"IMG_{i}.jpg" for i in range(5)])
    calls = []
    real = sidecars.files_by_name
    monkeypatch.setattr(sidecars, "files_by_name", lambda folder: (calls.append(folder), real(folder))[1])
    with sidecars.folder_listings():
        assert all(sidecars.owns_base_name(f) for f in files)
    assert len(calls) == 1
    assert sidecars.owns_base_name(files[0]) and len(calls) == 2          # outside a pass: listed afresh
