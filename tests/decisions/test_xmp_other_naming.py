"""A photo's sidecar in the other naming (darktable and digiKam write ``name.ext.xmp``,
Lightroom and Capture One ``name.xmp``) is another file: a new Lightroom sidecar that holds no
rating or pick never clears the decision the darktable sidecar carried (a trial: a reject and
four stars were wiped when ``name.jpg.xmp`` was replaced by a ``name.xmp`` of develop settings)."""
import os
import time
from contextlib import contextmanager

from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.jobs import drive
from app.core.xmp.sidecars import sidecar_names
from app.core.xmp.sync import import_xmp, write_sidecars
from tests.decisions.helpers import add_photo, library

DEVELOP_ONLY = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                '<rdf:Description rdf:about="" xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/" '
                'crs:Exposure2012="+0.30"/></rdf:RDF></x:xmpmeta>\n')


@contextmanager
def _one_photo(tmp_path):
    """(catalog, photo id, photo, its sidecar names) of a library of one photo."""
    (photo,) = library(tmp_path, ["a/x.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        yield cat, add_photo(cat, photo), photo, sidecar_names(photo)


def _state(cat, pid):
    s = cat.decisions.state(pid)
    return s.pick, s.rating


def test_a_new_sidecar_in_the_other_naming_clears_nothing(tmp_path):
    with _one_photo(tmp_path) as (cat, pid, photo, names):
        decide(cat, pid, "pick", -1)
        decide(cat, pid, "rating", 4)
        drive(write_sidecars(cat))
        assert names["ext"].is_file()
        names["ext"].unlink()                        # the darktable sidecar cleaned up...
        names["base"].write_text(DEVELOP_ONLY)       # ...and Lightroom's written
        assert drive(import_xmp(cat)).imported == []
        assert _state(cat, pid) == (-1, 4)
        report = drive(write_sidecars(cat))          # the decision goes into the sidecar that is there
        assert [str(names["base"])] == report.written and not names["ext"].exists()
        text = names["base"].read_text()
        assert 'xmp:Rating="-1"' in text and 'crs:Exposure2012="+0.30"' in text
        assert drive(import_xmp(cat)).imported == [] and _state(cat, pid) == (-1, 4)


def test_the_new_sidecar_brings_what_it_holds(tmp_path):
    with _one_photo(tmp_path) as (cat, pid, photo, names):
        decide(cat, pid, "rating", 4)
        drive(write_sidecars(cat))
        names["ext"].unlink()
        names["base"].write_text(DEVELOP_ONLY.replace('crs:Exposure2012="+0.30"',
                                                      'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="2"'))
        later = time.time() + 5                      # written after the decision (the newer side wins)
        os.utime(names["base"], (later, later))
        assert drive(import_xmp(cat)).imported == [str(photo)]
        assert _state(cat, pid) == (0, 2)


LIGHTROOM_RATED = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                   '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="{rating}" '
                   'xmp:Label="{label}"/></rdf:RDF></x:xmpmeta>\n')


def _later(path, seconds):
    t = time.time() + seconds
    os.utime(path, (t, t))


def test_both_namings_are_read_and_kept_in_step(tmp_path):
    """darktable's ``x.jpg.xmp`` (PhotoTriage's chosen naming) and Lightroom's ``x.xmp`` side by
    side: an edit in either is imported (the trial: Lightroom's was silently ignored), and a
    write puts the decision in both, so neither editor shows another."""
    with _one_photo(tmp_path) as (cat, pid, photo, names):
        decide(cat, pid, "pick", -1)
        drive(write_sidecars(cat))
        names["base"].write_text(LIGHTROOM_RATED.format(rating=5, label="Yellow"))
        _later(names["base"], 5)
        assert drive(import_xmp(cat)).imported == [str(photo)]
        s = cat.decisions.state(pid)
        # a sidecar seen for the first time: its rating is a rating (a rating is never a pick)
        assert (s.pick, s.rating, s.label) == (-1, 5, "Yellow")
        report = drive(write_sidecars(cat))
        assert set(report.written) == {str(names["ext"]), str(names["base"])} and not report.failed
        for side in names.values():
            text = side.read_text()
            assert 'xmp:Rating="-1"' in text and "Yellow" in text, (side, text)
        assert drive(import_xmp(cat)).imported == []                            # in step: nothing new
        names["base"].write_text(LIGHTROOM_RATED.format(rating=2, label="Purple"))    # un-rejected in Lightroom
        _later(names["base"], 10)
        drive(import_xmp(cat))
        s = cat.decisions.state(pid)
        assert (s.pick, s.rating, s.label) == (0, 2, "Purple")
        drive(write_sidecars(cat))
        assert 'xmp:Rating="2"' in names["ext"].read_text() and "Purple" in names["ext"].read_text()
        decide(cat, pid, "pick", -1)                                            # and back from PhotoTriage
        drive(write_sidecars(cat))
        assert all('xmp:Rating="-1"' in side.read_text() for side in names.values())


def test_a_sidecar_deleted_and_made_again_by_the_editor_clears_nothing(tmp_path):
    """A review: Lightroom's x.xmp deleted, then written again with develop settings only, was
    merged against the base of the deleted one (pick and stars wiped). The same for the chosen
    naming: a sidecar replaced by one holding none of the managed properties is another file."""
    with _one_photo(tmp_path) as (cat, pid, photo, names):
        decide(cat, pid, "pick", 1)
        decide(cat, pid, "rating", 4)
        drive(write_sidecars(cat))
        names["base"].write_text(DEVELOP_ONLY)
        drive(import_xmp(cat))
        drive(write_sidecars(cat))                                   # both in step
        names["base"].unlink()
        drive(import_xmp(cat))
        names["base"].write_text(DEVELOP_ONLY)
        _later(names["base"], 5)
        assert drive(import_xmp(cat)).imported == [] and _state(cat, pid) == (1, 4)
        names["ext"].write_text(DEVELOP_ONLY)                        # darktable's own replaced without our fields
        _later(names["ext"], 6)
        assert drive(import_xmp(cat)).imported == [] and _state(cat, pid) == (1, 4)


def test_the_other_sidecar_keeps_its_base_when_the_photo_moves(tmp_path):
    import shutil

    with _one_photo(tmp_path) as (cat, pid, photo, names):
        decide(cat, pid, "rating", 4)
        drive(write_sidecars(cat))
        names["base"].write_text(DEVELOP_ONLY)
        drive(import_xmp(cat))
        drive(write_sidecars(cat))                                   # both in step at 4 stars
        decide(cat, pid, "rating", 2)                                # not written yet
        moved = tmp_path / "lib" / "b"
        moved.mkdir()
        for f in (photo, names["ext"], names["base"]):
            shutil.move(f, moved / f.name)
        st = os.stat(moved / "x.jpg")
        with cat.transaction():
            cat.photos.move(pid, str(moved / "x.jpg"), st.st_size, st.st_mtime_ns)
        lr = moved / "x.xmp"
        lr.write_text(lr.read_text().replace("+0.30", "+0.50"))      # a develop edit, the rating untouched
        _later(lr, 5)
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).rating == 2


def test_a_malformed_other_sidecar_is_reported_and_the_chosen_one_still_written(tmp_path):
    with _one_photo(tmp_path) as (cat, pid, photo, names):
        decide(cat, pid, "rating", 1)
        drive(write_sidecars(cat))
        names["base"].write_text("<x:xmpmeta xmlns:x='adobe:ns:meta/'>")
        decide(cat, pid, "rating", 3)
        report = drive(write_sidecars(cat))
        assert report.written == [str(names["ext"])] and 'xmp:Rating="3"' in names["ext"].read_text()
        assert [p for p, _ in report.failed] == [str(names["base"])]
        assert [p for p, _ in drive(import_xmp(cat)).failed] == [str(names["base"])]


def test_whose_name_xmp_it_is(tmp_path):
    from app.core.xmp.sidecars import other_sidecar

    (jpeg,) = library(tmp_path, ["a/IMG_3.jpg"])
    raw = jpeg.with_suffix(".CR2")
    names = sidecar_names(jpeg)
    names["ext"].write_text(DEVELOP_ONLY)
    names["base"].write_text(DEVELOP_ONLY)
    (jpeg.parent / "IMG_3.jpg.pp3").write_text("RawTherapee")        # another program's file of the JPEG: no owner
    assert other_sidecar(jpeg, names["ext"]) == names["base"]
    raw.write_bytes(b"raw")
    sidecar_names(raw)["ext"].write_text(DEVELOP_ONLY)
    assert other_sidecar(jpeg, names["ext"]) is None                  # Lightroom's IMG_3.xmp is the raw's
    assert other_sidecar(raw, sidecar_names(raw)["ext"]) == names["base"]


def test_the_suggestion_keyword_goes_when_its_setting_is_turned_off(tmp_path):
    with _one_photo(tmp_path) as (cat, pid, photo, names):
        side = names["ext"]
        cat.settings.set({"xmp.suggested_keyword": "1"})
        drive(write_sidecars(cat, suggested={pid}))
        assert "PhotoTriage suggested best" in side.read_text()
        cat.settings.set({"xmp.suggested_keyword": "0"})
        drive(write_sidecars(cat, suggested={pid}))
        assert "PhotoTriage suggested best" not in side.read_text()
