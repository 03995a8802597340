"""A photo's sidecar in the other naming (darktable and digiKam write ``name.ext.xmp``,
Lightroom and Capture One ``name.xmp``) is another file: a new Lightroom sidecar that holds no
rating or pick never clears the decision the darktable sidecar carried (a trial: a reject and
four stars were wiped when ``name.jpg.xmp`` was replaced by a ``name.xmp`` of develop settings)."""
import os
import time

from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.jobs import drive
from app.core.xmp.sidecars import sidecar_names
from app.core.xmp.sync import import_xmp, write_sidecars
from tests.decisions.helpers import add_photo, library

DEVELOP_ONLY = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                '<rdf:Description rdf:about="" xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/" '
                'crs:Exposure2012="+0.30"/></rdf:RDF></x:xmpmeta>\n')


def _state(cat, pid):
    s = cat.decisions.state(pid)
    return s.pick, s.rating


def test_a_new_sidecar_in_the_other_naming_clears_nothing(tmp_path):
    (photo,) = library(tmp_path, ["a/x.jpg"])
    names = sidecar_names(photo)
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
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
    (photo,) = library(tmp_path, ["a/x.jpg"])
    names = sidecar_names(photo)
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
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
    (photo,) = library(tmp_path, ["a/x.jpg"])
    names = sidecar_names(photo)
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
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


def test_a_name_xmp_of_a_raw_beside_the_jpeg_is_not_the_jpegs(tmp_path):
    """Lightroom writes ``IMG_3.xmp`` for ``IMG_3.CR2``: beside ``IMG_3.jpg`` and its own
    ``IMG_3.jpg.xmp``, that file is not the JPEG's other sidecar."""
    from app.core.xmp.sidecars import other_sidecar

    (photo,) = library(tmp_path, ["a/IMG_3.jpg"])
    names = sidecar_names(photo)
    names["ext"].write_text(LIGHTROOM_RATED.format(rating=1, label=""))
    names["base"].write_text(LIGHTROOM_RATED.format(rating=5, label=""))
    assert other_sidecar(photo, names["ext"]) == names["base"]
    (photo.parent / "IMG_3.CR2").write_bytes(b"raw")
    assert other_sidecar(photo, names["ext"]) is None
