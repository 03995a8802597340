"""A library's decisions and its XMP: sidecars and embedded XMP imported (marked as imported),
re-read when changed on disk, the newer side winning with the user told; sidecars written
after each decision when the user turns that on, undo included."""
from __future__ import annotations

import os
import struct
import time

from app.core.catalog import Catalog
from app.core.culling import decide, undo
from app.core.jobs import drive
from app.core.xmp.convention import LABELS, Convention
from app.core.xmp.document import XMP, XmpDocument
from app.core.xmp.sidecars import read_sidecar, sidecar_names
from app.core.xmp.sync import AUTO_WRITE, import_xmp, write_sidecars
from tests.decisions.fixtures import DARKTABLE, LIGHTROOM
from tests.decisions.helpers import add_photo, checksums, library


def _age(path, seconds):
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + int(seconds * 1e9)))


def _with_embedded_xmp(path, rating: int) -> None:
    """Put an XMP packet in a JPEG's APP1 segment, as cameras and editors do."""
    packet = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
              f'<rdf:Description rdf:about="" xmlns:xmp="{XMP}" xmp:Rating="{rating}"/></rdf:RDF></x:xmpmeta>').encode()
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + packet
    data = path.read_bytes()
    path.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:])


def test_sidecars_of_other_editors_are_imported_and_marked_as_imported(tmp_path):
    dt, lr, plain = library(tmp_path, ["dt.jpg", "lr.jpg", "plain.jpg"])
    sidecar_names(dt)["ext"].write_text(DARKTABLE)                          # rated 2 in darktable
    sidecar_names(lr)["base"].write_text(LIGHTROOM.replace('xmp:Label="Yellow"', 'xmp:Label="Red"'))  # rejected in Lightroom
    with Catalog(tmp_path / "c.db") as cat:
        cat.settings.set({LABELS: "1"})                                     # labels read as picks: a setting
        ids = [add_photo(cat, p) for p in (dt, lr, plain)]
        report = drive(import_xmp(cat))
        assert sorted(os.path.basename(p) for p in report.imported) == ["dt.jpg", "lr.jpg"]
        assert not report.conflicts
        s = cat.decisions.state(ids[0])
        assert s.rating == 2 and s.imported
        assert cat.decisions.state(ids[1]).pick == -1
        assert not cat.decisions.state(ids[2]).decided
        assert drive(import_xmp(cat)).imported == []                        # nothing changed on disk: nothing read


def test_embedded_xmp_is_imported_once(tmp_path):
    photo, = library(tmp_path, ["cam.jpg"])
    _with_embedded_xmp(photo, 5)
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        assert len(drive(import_xmp(cat)).imported) == 1
        assert cat.decisions.state(pid).rating == 5 and cat.decisions.state(pid).imported
        decide(cat, pid, "rating", 2)
        assert drive(import_xmp(cat)).imported == []                        # the user's own rating stays
        assert cat.decisions.state(pid).rating == 2


def test_a_sidecar_changed_on_disk_is_read_again_and_the_newer_side_wins(tmp_path):
    photo, = library(tmp_path, ["x.jpg"])
    conv = Convention()
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        decide(cat, pid, "rating", 3)
        drive(write_sidecars(cat))
        side = sidecar_names(photo)["ext"]
        # edited in another program only: imported, no conflict
        doc = XmpDocument(side.read_text())
        doc.set(XMP, "Rating", "5")
        side.write_text(doc.serialize())
        _age(side, 5)
        report = drive(import_xmp(cat))
        assert report.conflicts == [] and cat.decisions.state(pid).rating == 5
        # changed on both sides, the sidecar later: the sidecar wins, the user is told
        time.sleep(1.1)
        decide(cat, pid, "rating", 2)
        doc.set(XMP, "Rating", "3")
        side.write_text(doc.serialize())
        _age(side, 5)
        report = drive(import_xmp(cat))
        assert report.conflicts == [(str(photo), "sidecar")] and cat.decisions.state(pid).rating == 3
        assert any("sidecar was newer" in line for line in report.lines())
        # then decided in PhotoTriage after an older edit of the sidecar: the catalog wins, the user is told
        doc.set(XMP, "Rating", "1")
        side.write_text(doc.serialize())
        _age(side, -3600)
        time.sleep(1.1)
        decide(cat, pid, "rating", 4)
        report = drive(import_xmp(cat))
        assert report.conflicts == [(str(photo), "catalog")] and cat.decisions.state(pid).rating == 4
        assert any("xmp write" in line for line in report.lines())
        drive(write_sidecars(cat))
        assert read_sidecar(side, conv).decision.rating == 4


def test_sidecars_follow_each_decision_and_its_undo_when_turned_on(tmp_path):
    a, b = library(tmp_path, ["a.jpg", "b.jpg"])
    before = checksums([a, b])
    with Catalog(tmp_path / "c.db") as cat:
        ia, ib = add_photo(cat, a), add_photo(cat, b)
        decide(cat, ia, "pick", 1)
        assert not sidecar_names(a)["ext"].exists()                          # off by default
        cat.settings.set({AUTO_WRITE: "1"})
        decide(cat, ib, "best", 1, burst=[ia, ib])                            # best implies picked
        assert cat.last_xmp_report.written == [str(sidecar_names(b)["ext"])]
        got = read_sidecar(sidecar_names(b)["ext"], Convention()).decision
        assert (got.pick, got.best) == (1, True)
        decide(cat, ib, "pick", -1)                                           # reject clears best
        got = read_sidecar(sidecar_names(b)["ext"], Convention()).decision
        assert (got.pick, got.best) == (-1, False)
        undo(cat)
        got = read_sidecar(sidecar_names(b)["ext"], Convention()).decision
        assert (got.pick, got.best) == (1, True)
        assert drive(import_xmp(cat)).imported == []                          # our own writes are not re-imported
    assert checksums([a, b]) == before


def test_dry_run_writes_nothing(tmp_path):
    photo, = library(tmp_path, ["y.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        decide(cat, pid, "pick", 1)
        report = drive(write_sidecars(cat, dry_run=True))
        assert report.written == [str(sidecar_names(photo)["ext"])]
        assert not sidecar_names(photo)["ext"].exists()


def _keyword_sidecar(photo, keyword: str = "PhotoTriage best"):
    """An editor's sidecar (darktable's naming) whose only decision is ``keyword``."""
    doc = DARKTABLE.replace('xmp:Rating="2"', 'xmp:Rating="0"').replace("<rdf:li>holiday</rdf:li>",
                                                                       f"<rdf:li>{keyword}</rdf:li>", 1)
    sidecar_names(photo)["ext"].write_text(doc)


def test_a_best_keyword_on_a_photo_that_has_no_best_is_a_pick(tmp_path):
    """The best keyword added in an editor to a single photo, or to a frame of a bracket (a set
    kept whole: `pick --best` and the window refuse it), is imported as "keep it", never as a
    best frame (a trial: the bracket frame became "best")."""
    from app.core.culling import set_of
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library
    from tests.ui.set_library import write_bracket

    root = tmp_path / "lib"
    write_bracket(root)
    single, = library(tmp_path, ["single.jpg"])
    frames = sorted((root / "bracket").glob("*.jpg"))
    for photo in (frames[1], single):
        _keyword_sidecar(photo)
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=1))
        ids = {p: cat.photos.id_for_path(str(p)) for p in (frames[1], single)}
        assert set_of(cat, ids[frames[1]]).kept_whole and set_of(cat, ids[single]) is None
        for pid in ids.values():
            state = cat.decisions.state(pid)
            assert (state.pick, bool(state.best)) == (1, False)
        assert drive(import_xmp(cat)).imported == []                    # stable: nothing read again
        drive(write_sidecars(cat))              # the sidecar then says what the catalog does: kept, not best
        for photo, pid in ids.items():
            assert not read_sidecar(sidecar_names(photo)["ext"], Convention()).fields.best
            assert drive(import_xmp(cat)).imported == [] and cat.decisions.state(pid).pick == 1


def test_an_editors_save_during_a_write_is_merged_not_written_over(tmp_path, monkeypatch):
    """A trial: darktable saved a sidecar (rating 1) after `xmp write` had read it to merge and
    before it wrote: the write put its own bytes over the editor's, no conflict was reported, and
    the next import found nothing to import. The write now finds the change, reads and merges
    again: the editor's rating is imported and kept."""
    from app.core.xmp import sync
    from tests.decisions.edits import edit

    photo, = library(tmp_path, ["a.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_text(DARKTABLE)                                   # rated 2 in darktable
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, photo)
        drive(import_xmp(cat))
        decide(cat, pid, "pick", 1)
        real, saved = sync._other_side, []

        def editor_saves_meanwhile(*args, **kwargs):           # after the merge read, before the write
            if not saved:
                edit(side, rating=1)
                saved.append(1)
            return real(*args, **kwargs)

        monkeypatch.setattr(sync, "_other_side", editor_saves_meanwhile)
        report = drive(write_sidecars(cat))
        assert not report.failed and saved
        assert cat.decisions.state(pid).rating == 1 and cat.decisions.state(pid).pick == 1
        doc = XmpDocument(side.read_text())
        assert doc.get(XMP, "Rating") == "1"
        assert "darktable:history" in side.read_text()
