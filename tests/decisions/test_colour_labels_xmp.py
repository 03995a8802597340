"""Colour labels (keys 6-9) round trip through the sidecar as xmp:Label, as Lightroom reads and
writes them: given in PhotoTriage they are written; changed or removed in an editor they come
back; the pick/reject label setting keeps its meaning."""
from __future__ import annotations

import os

from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.jobs import drive
from app.core.xmp.convention import Convention
from app.core.xmp.document import XMP, XmpDocument
from app.core.xmp.sidecars import sidecar_for, sidecar_names
from app.core.xmp.sync import import_xmp, write_sidecars
from tests.decisions.helpers import add_photo, library
from tests.decisions.real_tools import darktable_view, needs_darktable


def _label(side):
    return XmpDocument(side.read_text()).get(XMP, "Label")


def _edit(side, label):
    doc = XmpDocument(side.read_text())
    doc.set(XMP, "Label", label)
    side.write_text(doc.serialize())


def test_a_colour_label_round_trips_through_the_sidecar(tmp_path):
    photo, = library(tmp_path, ["a.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        decide(cat, pid, "label", None, "Green")
        drive(write_sidecars(cat))
        side = sidecar_for(str(photo), Convention.from_settings(cat.settings))
        assert _label(side) == "Green"
        _edit(side, "Yellow")                                     # changed in Lightroom
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).label == "Yellow" and cat.decisions.state(pid).imported
        drive(write_sidecars(cat))
        assert _label(side) == "Yellow"
        _edit(side, None)                                         # taken off in Lightroom
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).label is None
        decide(cat, pid, "label", None, "Red")                    # given again here, then taken off here
        drive(write_sidecars(cat))
        assert _label(side) == "Red"
        decide(cat, pid, "label", None, None)
        drive(write_sidecars(cat))
        assert _label(side) is None


def test_with_the_label_setting_on_an_editor_changing_the_users_colour_label_is_not_an_unpick(tmp_path):
    """Label setting on (Green picks, Red rejects): a photo the user picked and gave the Red
    colour label in PhotoTriage; Lightroom changes the colour to Yellow. That is a colour label
    change: the pick stays and Yellow is kept, not overwritten by Red on the next write."""
    photo, = library(tmp_path, ["a.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        cat.settings.set({"xmp.labels": "1"})
        pid = add_photo(cat, photo)
        decide(cat, pid, "pick", 1)
        decide(cat, pid, "label", None, "Red")
        drive(write_sidecars(cat))
        side = sidecar_for(str(photo), Convention.from_settings(cat.settings))
        assert _label(side) == "Red"
        _edit(side, "Yellow")                                     # changed in Lightroom
        drive(import_xmp(cat))
        state = cat.decisions.state(pid)
        assert state.pick == 1 and state.label == "Yellow"
        drive(write_sidecars(cat))
        assert _label(side) == "Yellow"
        _edit(side, None)                                         # taken off in Lightroom
        drive(import_xmp(cat))
        state = cat.decisions.state(pid)
        assert state.pick == 1 and state.label is None


def test_with_the_label_setting_on_the_darktable_colour_follows_the_pick_under_a_users_label(tmp_path):
    """Label setting on: a picked photo has our green darktable colour; the user gives it the
    Yellow colour label, then rejects it. The darktable colour must turn red: a green one left
    behind says "picked" for a rejected photo."""
    from app.core.xmp.document import DARKTABLE

    photo, = library(tmp_path, ["a.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        cat.settings.set({"xmp.labels": "1"})
        pid = add_photo(cat, photo)
        decide(cat, pid, "pick", 1)
        drive(write_sidecars(cat))
        side = sidecar_for(str(photo), Convention.from_settings(cat.settings))
        assert XmpDocument(side.read_text()).get_list(DARKTABLE, "colorlabels") == ["2"]
        decide(cat, pid, "label", None, "Yellow")
        decide(cat, pid, "pick", -1)
        drive(write_sidecars(cat))
        doc = XmpDocument(side.read_text())
        assert doc.get(XMP, "Label") == "Yellow" and doc.get_list(DARKTABLE, "colorlabels") == ["0"]
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).pick == -1


def test_a_merge_base_written_before_colour_labels_still_reads(tmp_path):
    """A base stored by the version before colour labels has no "label" in its decision and no
    "user_label" in what PhotoTriage owns: a label Lightroom had set then is left as it is,
    and one Lightroom sets now comes in as the colour label without touching the pick."""
    from dataclasses import replace

    from app.core.catalog.xmp_base import SIDECAR

    photo, = library(tmp_path, ["a.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        decide(cat, pid, "pick", 1)
        drive(write_sidecars(cat))
        side = sidecar_for(str(photo), Convention.from_settings(cat.settings))
        _edit(side, "Purple")                                     # set in Lightroom under the old version
        drive(import_xmp(cat))
        base = cat.xmp_base.get(pid, SIDECAR)
        old = replace(base, decision={k: v for k, v in base.decision.items() if k != "label"},
                      ours={k: v for k, v in base.ours.items() if k != "user_label"},
                      fields={**base.fields, "label": "Purple"})
        cat.xmp_base.put(pid, SIDECAR, old)
        cat.conn.commit()
        drive(write_sidecars(cat))
        assert _label(side) == "Purple" and cat.decisions.state(pid).pick == 1
        _edit(side, "Blue")                                       # changed in Lightroom now
        drive(import_xmp(cat))
        state = cat.decisions.state(pid)
        assert state.label == "Blue" and state.pick == 1
        drive(write_sidecars(cat))
        assert _label(side) == "Blue"


def test_turning_the_label_setting_off_takes_back_the_labels_it_wrote(tmp_path):
    """A trial: with labels on a reject wrote Red (and darktable's red); with labels off they
    stayed, were forgotten as PhotoTriage's, and showed an accepted photo as rejected after."""
    from app.core.xmp.document import DARKTABLE, XMP, XmpDocument

    (photo,) = library(tmp_path, ["x.jpg"])
    side = sidecar_names(photo)["ext"]
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        decide(cat, pid, "pick", -1)
        cat.settings.set({"xmp.labels": "1"})
        drive(write_sidecars(cat))
        doc = XmpDocument(side.read_text())
        assert doc.get(XMP, "Label") == "Red" and doc.get_list(DARKTABLE, "colorlabels") == ["0"]
        cat.settings.set({"xmp.labels": "0"})
        assert drive(write_sidecars(cat)).written == [str(side)]
        doc = XmpDocument(side.read_text())
        assert doc.get(XMP, "Label") is None and doc.get_list(DARKTABLE, "colorlabels") == []
        assert doc.get(XMP, "Rating") == "-1"
        decide(cat, pid, "pick", 1)
        drive(write_sidecars(cat))
        cat.settings.set({"xmp.labels": "1"})
        drive(write_sidecars(cat))
        doc = XmpDocument(side.read_text())
        assert doc.get(XMP, "Label") == "Green" and doc.get_list(DARKTABLE, "colorlabels") == ["2"]
        assert cat.decisions.state(pid).label is None                  # never taken as the user's label


def test_a_users_label_stays_when_the_label_setting_goes_off(tmp_path):
    from app.core.xmp.document import XMP, XmpDocument

    (photo,) = library(tmp_path, ["x.jpg"])
    side = sidecar_names(photo)["ext"]
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        decide(cat, pid, "pick", -1)
        decide(cat, pid, "label", None, "Yellow")                        # the user's own colour label
        cat.settings.set({"xmp.labels": "1"})
        drive(write_sidecars(cat))
        cat.settings.set({"xmp.labels": "0"})
        drive(write_sidecars(cat))
        assert XmpDocument(side.read_text()).get(XMP, "Label") == "Yellow"


def test_no_empty_sidecar_is_made_for_a_photo_without_a_decision(tmp_path):
    """A trial: `xmp write` made ``f01.jpg.xmp`` holding nothing for the ranker's suggestion
    with the suggestion keyword off."""
    (photo, other) = library(tmp_path, ["a.jpg", "b.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        pid, oid = add_photo(cat, photo), add_photo(cat, other)
        decide(cat, oid, "pick", 1)
        report = drive(write_sidecars(cat, suggested={pid}))
        assert report.written == [str(sidecar_names(other)["ext"])] and not sidecar_names(photo)["ext"].exists()
        drive(write_sidecars(cat, [pid]))                                 # named: still nothing to say
        assert not sidecar_names(photo)["ext"].exists()
        cat.settings.set({"xmp.suggested_keyword": "1"})
        drive(write_sidecars(cat, suggested={pid}))
        assert "PhotoTriage suggested best" in sidecar_names(photo)["ext"].read_text()


DIGIKAM_SIDECAR = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:digiKam="http://www.digikam.org/ns/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
   xmp:Rating="3" xmp:Label="Blue" digiKam:ColorLabel="5" photoshop:Urgency="5"/>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
"""


def test_digikams_colour_label_is_read_and_kept_in_step(tmp_path):
    """A trial: digiKam reads digiKam:ColorLabel before xmp:Label, and its own changes (Orange,
    none) touch only that: they never came back, and a label given in PhotoTriage (xmp:Label)
    did not show in digiKam, which went on showing its own."""
    from app.core.xmp.document import DIGIKAM

    photo, = library(tmp_path, ["a.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_text(DIGIKAM_SIDECAR)

    def digikam(code: str) -> None:                    # digiKam's own change: ColorLabel and Urgency only
        side.write_text(side.read_text().replace(f'digiKam:ColorLabel="{now[0]}"', f'digiKam:ColorLabel="{code}"')
                        .replace(f'photoshop:Urgency="{now[0]}"', f'photoshop:Urgency="{code}"'))
        now[0] = code
        st = side.stat()
        os.utime(side, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))

    now = ["5"]
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).label == "Blue"
        digikam("2")                                     # Orange in digiKam
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).label == "Orange"
        decide(cat, pid, "label", None, "Yellow")          # key 7 in PhotoTriage
        drive(write_sidecars(cat))
        doc = XmpDocument(side.read_text())
        assert (doc.get(XMP, "Label"), doc.get(DIGIKAM, "ColorLabel")) == ("Yellow", "3") and 'Urgency="3"' in side.read_text()
        now[0] = "3"
        digikam("0")                                     # taken off in digiKam
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).label is None


@needs_darktable
def test_in_a_sidecar_darktable_keeps_the_users_label_is_a_darktable_colour(tmp_path):
    """A trial: a colour label given in PhotoTriage was written as xmp:Label into darktable's own
    sidecar; darktable shows xmp:Label instead of its colour labels and never writes it, so the
    user's darktable colours (blue here) were hidden, lost on darktable's next write, and its own
    colour changes never took. It now goes among darktable's colours, and comes back from there."""
    from app.core.xmp.document import DARKTABLE
    from tests.decisions.fixtures import DARKTABLE as DT_SIDECAR

    photo, = library(tmp_path, ["a.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_text(DT_SIDECAR)                                  # darktable's: blue (3)

    def colours():
        return XmpDocument(side.read_text()).get_list(DARKTABLE, "colorlabels")

    def darktable(new):                                          # darktable's write: its colours, xmp:Label left
        doc = XmpDocument(side.read_text())
        doc.set_list(DARKTABLE, "colorlabels", new, kind="Seq")
        side.write_text(doc.serialize())
        st = side.stat()
        os.utime(side, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))

    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        drive(import_xmp(cat))
        decide(cat, pid, "label", None, "Yellow")
        drive(write_sidecars(cat))
        assert _label(side) is None and colours() == ["3", "1"]
        assert darktable_view(tmp_path / "lib", tmp_path / "dt1")["a.jpg"]["colours"] == {"blue", "yellow"}
        darktable(["3", "4"])                                    # yellow changed to purple in darktable
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).label == "Purple"
        drive(write_sidecars(cat))
        assert colours() == ["3", "4"] and _label(side) is None
        darktable(["3"])                                         # taken off in darktable
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).label is None
        decide(cat, pid, "label", None, "Red")                    # given, then taken off, in PhotoTriage
        drive(write_sidecars(cat))
        assert colours() == ["3", "0"]
        decide(cat, pid, "label", None, None)
        drive(write_sidecars(cat))
        assert colours() == ["3"]                                # the user's blue stays throughout


def test_with_the_label_setting_on_darktables_sidecar_gets_the_pick_as_its_colour_only(tmp_path):
    """The same trap for the pick/reject label: written as xmp:Label into darktable's sidecar, it
    would hide darktable's colours and outlive darktable's own changes. There it is the darktable
    colour alone, and darktable's change of it comes back as a reject."""
    from app.core.xmp.document import DARKTABLE
    from tests.decisions.fixtures import DARKTABLE as DT_SIDECAR

    photo, = library(tmp_path, ["a.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_text(DT_SIDECAR.replace("<rdf:li>3</rdf:li>", "").replace("<darktable:colorlabels>\n    <rdf:Seq>\n"
                                                                          "     \n    </rdf:Seq>\n   </darktable:colorlabels>", ""))
    with Catalog(tmp_path / "c.db") as cat:
        cat.settings.set({"xmp.labels": "1"})
        pid = add_photo(cat, photo)
        drive(import_xmp(cat))
        decide(cat, pid, "pick", 1)
        drive(write_sidecars(cat))
        doc = XmpDocument(side.read_text())
        assert doc.get(XMP, "Label") is None and doc.get_list(DARKTABLE, "colorlabels") == ["2"]
        doc.set_list(DARKTABLE, "colorlabels", ["0"], kind="Seq")         # red in darktable: rejected
        side.write_text(doc.serialize())
        st = side.stat()
        os.utime(side, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        drive(import_xmp(cat))
        assert cat.decisions.state(pid).pick == -1
