"""XMP sidecars written and read: values as exiftool reads them, foreign sidecars merged without
loss, malformed or unwritable ones left untouched with an error, originals never modified."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from app.core.catalog import DecisionState
from app.core.xmp.convention import Convention, read_decision
from app.core.xmp.document import DARKTABLE, DC, XMP, XmpDocument, XmpError
from app.core.xmp.sidecars import SidecarError, read_sidecar, sidecar_names, sync_sidecar, write_sidecar
from tests.decisions.fixtures import DARKTABLE as DT_SIDECAR, LIGHTROOM as LR_SIDECAR
from tests.decisions.helpers import checksums, library

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(
    EXIFTOOL is None and not os.environ.get("PHOTOTRIAGE_REQUIRE_XVFB"),
    reason="exiftool is not installed (Debian: libimage-exiftool-perl)")
CONV = Convention()
LABELS = Convention(labels=True)          # the setting that also writes pick/reject as labels
MANAGED = {f"{{{XMP}}}Rating", f"{{{XMP}}}Label", "{http://www.digikam.org/ns/1.0/}PickLabel",
           f"{{{DARKTABLE}}}colorlabels", f"{{{DC}}}subject"}


def exif(path) -> dict:
    out = subprocess.run([EXIFTOOL, "-j", "-struct", "-G1", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)[0]


def _without_managed(text: str) -> str:
    """The packet with the properties PhotoTriage manages taken out, canonicalised."""
    doc = XmpDocument(text)
    for d in doc.descriptions():
        for name in list(d.attrib):
            if name in MANAGED:
                del d.attrib[name]
        for child in list(d):
            if child.tag in MANAGED:
                d.remove(child)
    return ET.canonicalize(ET.tostring(doc.root, encoding="unicode"), strip_text=True)


@needs_exiftool
def test_a_decision_round_trips_through_a_new_sidecar_as_exiftool_reads_it(tmp_path):
    photo, = library(tmp_path, ["a.jpg"])
    before = checksums([photo])
    side, changed = write_sidecar(photo, DecisionState(pick=1, rating=4), True, CONV)
    assert changed and side == sidecar_names(photo)["ext"] and side.name == "a.jpg.xmp"
    tags = exif(side)                                                       # by default: no label of the user's touched
    assert tags["XMP-xmp:Rating"] == 4 and tags["XMP-digiKam:PickLabel"] == 3
    assert "XMP-xmp:Label" not in tags and "XMP-darktable:Colorlabels" not in tags
    side.unlink()
    first = sync_sidecar(photo, DecisionState(pick=1, rating=4), True, LABELS)
    side, changed = first.path, first.changed
    tags = exif(side)
    assert tags["XMP-xmp:Rating"] == 4 and tags["XMP-xmp:Label"] == "Green"
    assert tags["XMP-digiKam:PickLabel"] == 3 and "PhotoTriage best" in str(tags["XMP-dc:Subject"])
    assert tags["XMP-darktable:Colorlabels"] == [2]
    got = read_sidecar(side, CONV).decision
    assert (got.pick, got.rating, got.best) == (1, 4, True)
    sync_sidecar(photo, DecisionState(pick=-1, rating=4), False, LABELS, ours=first.ours)   # rejected: -1, red
    tags = exif(side)
    assert tags["XMP-xmp:Rating"] == -1 and tags["XMP-xmp:Label"] == "Red"
    assert "XMP-dc:Subject" not in tags and tags["XMP-darktable:Colorlabels"] == [0]
    got = read_sidecar(side, CONV).decision
    assert (got.pick, got.best) == (-1, False)
    assert checksums([photo]) == before                                     # the original untouched


@needs_exiftool
def test_darktable_sidecar_keeps_its_history_and_tags_after_a_rating_update(tmp_path):
    photo, = library(tmp_path, ["IMG_0001.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_text(DT_SIDECAR)
    before = exif(side)
    write_sidecar(photo, DecisionState(pick=1, rating=5), False, CONV)
    after = exif(side)
    assert after["XMP-xmp:Rating"] == 5
    assert after["XMP-darktable:History"] == before["XMP-darktable:History"]     # the whole stack, as exiftool reads it
    assert after["XMP-lr:HierarchicalSubject"] == before["XMP-lr:HierarchicalSubject"]
    assert after["XMP-dc:Subject"] == ["holiday"]                                # the user's tag kept
    assert after["XMP-darktable:Colorlabels"] == [3]                             # blue kept, no label added by default
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed <= {"XMP-xmp:Rating", "XMP-xmp:Label", "XMP-digiKam:PickLabel", "XMP-darktable:Colorlabels",
                       "System:FileModifyDate", "System:FileAccessDate", "System:FileInodeChangeDate",
                       "System:FileSize", "System:FilePermissions"}, changed
    assert _without_managed(side.read_text()) == _without_managed(DT_SIDECAR)    # every other element, in meaning
    assert side.read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>')


@needs_exiftool
def test_lightroom_sidecar_named_name_xmp_keeps_its_develop_settings(tmp_path):
    photo, = library(tmp_path, ["DSC_0042.jpg"])
    side = sidecar_names(photo)["base"]
    side.write_text(LR_SIDECAR)
    before = exif(side)
    path, _ = write_sidecar(photo, DecisionState(pick=-1), False, CONV)          # merged into name.xmp, not a second file
    assert path == side and not sidecar_names(photo)["ext"].exists()
    after = exif(side)
    assert after["XMP-xmp:Rating"] == -1 and after["XMP-xmp:Label"] == "Yellow"    # the user's label kept
    for key in [k for k in before if k.startswith("XMP-crs:")]:
        assert after[key] == before[key], key
    assert _without_managed(side.read_text()) == _without_managed(LR_SIDECAR)


def test_lightroom_naming_is_chosen_for_new_sidecars(tmp_path):
    photo, = library(tmp_path, ["b.jpg"])
    path, _ = write_sidecar(photo, DecisionState(rating=3), False, Convention(naming="base"))
    assert path.name == "b.xmp"


def test_a_malformed_sidecar_is_reported_and_left_untouched(tmp_path):
    photo, = library(tmp_path, ["c.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_bytes(b"<x:xmpmeta><rdf:RDF><rdf:Description xmp:Rating='3'>")
    before = side.read_bytes()
    with pytest.raises(SidecarError, match="malformed"):
        write_sidecar(photo, DecisionState(pick=1), False, CONV)
    assert side.read_bytes() == before
    with pytest.raises(XmpError):
        read_sidecar(side, CONV)


WRITE_ONE = ("import sys; sys.path.insert(0, sys.argv[1]);"
             "from app.core.xmp.sidecars import write_sidecar, SidecarError;"
             "from app.core.xmp.convention import Convention;"
             "from app.core.catalog.decisions import DecisionState\n"
             "try:\n write_sidecar(sys.argv[2], DecisionState(pick=1), False, Convention()); print('written')\n"
             "except SidecarError as e:\n print(e)")
REPO = str(__import__("pathlib").Path(__file__).resolve().parents[2])


def test_a_read_only_folder_gives_a_clear_error_and_nothing_half_written(tmp_path):
    photo, = library(tmp_path, ["d.jpg"])
    os.chmod(photo.parent, 0o555)
    try:
        with pytest.raises(SidecarError, match="folder is read-only"):
            write_sidecar(photo, DecisionState(pick=1), False, CONV)
        assert sorted(p.name for p in photo.parent.iterdir()) == ["d.jpg"]
    finally:
        os.chmod(photo.parent, 0o755)


def test_a_read_only_or_locked_sidecar_is_left_as_it_is(tmp_path):
    photo, = library(tmp_path, ["e.jpg"])
    side = sidecar_names(photo)["ext"]
    write_sidecar(photo, DecisionState(rating=1), False, CONV)
    before = side.read_bytes()
    with open(side, "rb") as fh:                             # another program holds a lock on it
        fcntl.flock(fh, fcntl.LOCK_EX)
        child = subprocess.run([sys.executable, "-c", WRITE_ONE, REPO, str(photo)], capture_output=True, text=True)
    assert "locked by another program" in child.stdout, child.stdout + child.stderr
    assert side.read_bytes() == before
    os.chmod(side, 0o444)
    try:
        with pytest.raises(SidecarError, match="read-only"):
            write_sidecar(photo, DecisionState(pick=1), False, CONV)
        assert side.read_bytes() == before
    finally:
        os.chmod(side, 0o644)


def test_a_vanished_photo_gets_no_sidecar(tmp_path):
    photo, = library(tmp_path, ["f.jpg"])
    photo.unlink()
    with pytest.raises(SidecarError, match="gone"):
        write_sidecar(photo, DecisionState(pick=1), False, CONV)
    assert not sidecar_names(photo)["ext"].exists()


def test_unflagging_takes_back_only_what_phototriage_wrote():
    from app.core.xmp.fields import Ours, write_fields

    doc = XmpDocument(LR_SIDECAR)                            # the user's own Yellow label
    ours = Ours()
    for pick, colours in ((1, ["2"]), (-1, ["0"]), (0, [])):  # even with labels on, Yellow stays
        ours = write_fields(doc, DecisionState(pick=pick), False, False, LABELS, ours)
        assert doc.get(XMP, "Label") == "Yellow" and doc.get_list(DARKTABLE, "colorlabels") == colours
    doc.set(XMP, "Label", None)
    ours = write_fields(doc, DecisionState(pick=-1), False, False, LABELS, ours)
    assert doc.get(XMP, "Label") == "Red" and ours.label == "Red" and ours.colour == "0"
    write_fields(doc, DecisionState(pick=0), False, False, LABELS, ours)
    assert doc.get(XMP, "Label") is None and doc.get(XMP, "Rating") == "0"
    assert doc.get_list(DARKTABLE, "colorlabels") == [] and read_decision(doc, CONV).empty


EXIV2 = shutil.which("exiv2")


def exiv2_props(path) -> dict[str, str]:
    """What exiv2 (the library darktable and digiKam read XMP with) reads: key -> value."""
    out = subprocess.run([EXIV2, "-px", str(path)], capture_output=True, text=True, check=True).stdout
    props = {}
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) >= 3:
            props[parts[0]] = parts[3] if len(parts) == 4 else ""
    return props


@pytest.mark.skipif(EXIV2 is None and not os.environ.get("PHOTOTRIAGE_REQUIRE_XVFB"),
                    reason="exiv2 is not installed (Debian: exiv2)")
def test_exiv2_as_darktable_and_digikam_read_it(tmp_path):
    photo, = library(tmp_path, ["IMG_0002.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_text(DT_SIDECAR)
    before = exiv2_props(side)
    write_sidecar(photo, DecisionState(pick=-1), False, CONV)
    after = exiv2_props(side)
    assert after["Xmp.xmp.Rating"] == "-1" and after["Xmp.digiKam.PickLabel"] == "1"
    assert "Xmp.xmp.Label" not in after and after["Xmp.darktable.colorlabels"] == "3"    # the user's blue only
    history = {k: v for k, v in before.items() if k.startswith("Xmp.darktable.history")}
    assert len(history) >= 18 and all(after[k] == v for k, v in history.items())    # the whole stack, entry by entry
    untouched = set(before) - {"Xmp.xmp.Rating", "Xmp.darktable.colorlabels"}
    assert all(after.get(k) == before[k] for k in untouched), [k for k in untouched if after.get(k) != before[k]]


def test_a_rating_with_qualifiers_is_read_and_set_in_place(tmp_path):
    """A trial: xmp:Rating written as a value with qualifiers (rdf:value inside the element, valid
    RDF) was not read, and the write added an xmp:Rating attribute beside it: a duplicate
    property that exiv2 (darktable, digiKam) refuses to read at all. An array where a value
    belongs is refused, the sidecar left as it is."""
    photo, = library(tmp_path, ["a.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_text(DT_SIDECAR.replace('   xmp:Rating="2"\n', "").replace(
        "<darktable:colorlabels>", '<xmp:Rating rdf:parseType="Resource"><rdf:value>2</rdf:value></xmp:Rating>\n'
                                   "   <darktable:colorlabels>"))
    assert read_sidecar(side, CONV).fields.rating == 2
    write_sidecar(photo, DecisionState(pick=-1), False, CONV)
    text = side.read_text()
    assert text.count("<xmp:Rating") == 1 and "xmp:Rating=" not in text and read_sidecar(side, CONV).fields.rating == -1
    if shutil.which("exiv2"):
        assert exiv2_props(side)["Xmp.xmp.Rating"] == "-1"
    odd = DT_SIDECAR.replace('   xmp:Rating="2"\n', "").replace(
        "<darktable:colorlabels>", "<xmp:Rating><rdf:Bag><rdf:li>2</rdf:li></rdf:Bag></xmp:Rating>\n   <darktable:colorlabels>")
    side.write_text(odd)
    with pytest.raises((SidecarError, XmpError)):
        write_sidecar(photo, DecisionState(pick=-1), False, CONV)
    assert side.read_text() == odd
