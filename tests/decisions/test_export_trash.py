"""Picks exported (copied or moved, with sidecars, structure kept or flat with collision-safe
names) and rejects sent to the trash and brought back byte-identical; originals never changed."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.export import export_picks
from app.core.jobs import drive
from app.core.trash import trash_rejected, undo_trash
from app.core.xmp.sidecars import sidecar_names
from tests.decisions.fixtures import DARKTABLE
from tests.decisions.helpers import add_photo, checksums, digest, library


@pytest.fixture
def lib(tmp_path):
    """Two folders whose photos share names; picks, a reject with a darktable sidecar."""
    files = library(tmp_path, ["2024/a.jpg", "2024/b.jpg", "2025/a.jpg", "2025/c.jpg"])
    sidecar_names(files[0])["ext"].write_text(DARKTABLE)
    sidecar_names(files[3])["ext"].write_text(DARKTABLE)
    cat = Catalog(tmp_path / "c.db")
    ids = [add_photo(cat, p) for p in files]
    decide(cat, ids[0], "pick", 1)
    decide(cat, ids[2], "best", 1)
    decide(cat, ids[1], "rating", 3)                  # rated, not picked: stays
    decide(cat, ids[3], "pick", -1)
    yield cat, files, ids
    cat.close()


def test_export_keeps_the_structure_with_sidecars_and_leaves_the_originals(lib, tmp_path):
    cat, files, ids = lib
    before = checksums(files)
    report = drive(export_picks(cat, str(tmp_path / "out")))
    out = tmp_path / "out"
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")
                  if p.is_file()) == ["2024/a.jpg", "2024/a.jpg.xmp", "2025/a.jpg"]
    assert digest(out / "2024/a.jpg") == digest(files[0]) and len(report.done) == 2
    assert checksums(files) == before
    again = drive(export_picks(cat, str(out)))                                # a second run adds nothing
    assert len(again.done) == 0 and len(again.already) == 2


def test_flat_export_gives_colliding_names_new_ones_and_the_sidecar_follows(lib, tmp_path):
    cat, files, _ = lib
    out = tmp_path / "flat"
    out.mkdir()
    (out / "a.jpg").write_bytes(b"something else already there")
    report = drive(export_picks(cat, str(out), flat=True))
    names = sorted(p.name for p in out.iterdir())
    assert names == ["a (2).jpg", "a (2).jpg.xmp", "a (3).jpg", "a.jpg"], names
    assert (out / "a.jpg").read_bytes() == b"something else already there"       # never overwritten
    assert {Path(d).name for _, d in report.done} == {"a (2).jpg", "a (3).jpg"}


def test_dry_run_lists_without_copying(lib, tmp_path):
    cat, _, _ = lib
    report = drive(export_picks(cat, str(tmp_path / "dry"), dry_run=True))
    assert len(report.done) == 2 and not (tmp_path / "dry").exists()


def test_move_takes_the_files_and_the_catalog_follows(lib, tmp_path):
    cat, files, ids = lib
    before = checksums([files[0]])[str(files[0])]
    drive(export_picks(cat, str(tmp_path / "moved"), move=True))
    moved = tmp_path / "moved/2024/a.jpg"
    assert not files[0].exists() and digest(moved) == before
    assert (tmp_path / "moved/2024/a.jpg.xmp").exists() and not sidecar_names(files[0])["ext"].exists()
    assert cat.photos.get(ids[0])["path"] == str(moved) and cat.decisions.state(ids[0]).pick == 1


def test_trash_then_undo_restores_byte_identical_files_at_their_paths(lib, tmp_path):
    cat, files, ids = lib
    reject, side = files[3], sidecar_names(files[3])["ext"]
    before = checksums([reject, side])
    plan = drive(trash_rejected(cat, dry_run=True))
    assert plan.files == [str(reject), str(side)] and reject.exists()
    report = drive(trash_rejected(cat))
    assert report.photos == 1 and report.files == [str(reject), str(side)]
    assert not reject.exists() and not side.exists()
    trash = Path(os.environ["XDG_DATA_HOME"]) / "Trash"
    assert any(p.name.startswith("c") for p in (trash / "files").iterdir())            # in the real trash, not deleted
    assert cat.photos.get(ids[3])["status"] == "missing"
    assert all(os.path.exists(f) for f in files[:3])                                   # nothing else touched
    back = drive(undo_trash(cat))
    assert sorted(back.files) == sorted([str(reject), str(side)]) and not back.failed
    assert checksums([reject, side]) == before
    assert cat.photos.get(ids[3])["status"] == "ok" and cat.decisions.state(ids[3]).pick == -1
    assert drive(undo_trash(cat)).batch is None                                        # nothing more to put back


def test_undo_never_overwrites_a_new_file_at_the_old_path(lib):
    cat, files, _ = lib
    drive(trash_rejected(cat))
    files[3].write_bytes(b"a new photo with the old name")
    report = drive(undo_trash(cat))
    assert [p for p, _ in report.failed] == [str(files[3])]
    assert files[3].read_bytes() == b"a new photo with the old name"


def test_a_changed_file_is_not_trashed(lib):
    cat, files, _ = lib
    with open(files[3], "ab") as fh:
        fh.write(b"edited after indexing")
    report = drive(trash_rejected(cat))
    assert report.photos == 0 and "index again" in report.failed[0][1] and files[3].exists()


def test_a_name_xmp_shared_with_another_file_stays(tmp_path):
    raw, jpg = library(tmp_path, ["shared/IMG_1.dng", "shared/IMG_1.jpg"])     # a raw+JPEG pair, one name.xmp
    side = sidecar_names(jpg)["base"]
    side.write_text(DARKTABLE)
    with Catalog(tmp_path / "pair.db") as cat:
        add_photo(cat, raw)
        pid = add_photo(cat, jpg)
        decide(cat, pid, "pick", -1)
        report = drive(trash_rejected(cat))
        assert report.files == [str(jpg)] and side.exists() and raw.exists()
        drive(undo_trash(cat))
    assert jpg.exists()


@pytest.mark.parametrize("how", ["trash", "move"])
def test_a_name_xmp_shared_by_a_pair_goes_with_the_last_of_them(tmp_path, how):
    """A trial: both files of a raw + JPEG pair rejected (or picked and moved) left their shared
    name.xmp alone in the library."""
    raw, jpg = library(tmp_path, ["shared/IMG_1.dng", "shared/IMG_1.jpg"])
    side = sidecar_names(jpg)["base"]
    side.write_text(DARKTABLE)
    before = digest(side)
    with Catalog(tmp_path / "pair.db") as cat:
        for pid in (add_photo(cat, raw), add_photo(cat, jpg)):
            decide(cat, pid, "pick", -1 if how == "trash" else 1)
        if how == "trash":
            plan = drive(trash_rejected(cat, dry_run=True))
            assert sorted(plan.files) == sorted([str(raw), str(jpg), str(side)])
            report = drive(trash_rejected(cat))
            assert sorted(report.files) == sorted([str(raw), str(jpg), str(side)]) and not side.exists()
            drive(undo_trash(cat))
            assert raw.exists() and jpg.exists() and digest(side) == before     # back together
        else:
            out = tmp_path / "out"
            drive(export_picks(cat, str(out), move=True))
            assert not side.exists() and not raw.exists() and not jpg.exists()
            assert digest(out / "IMG_1.xmp") == before and (out / "IMG_1.jpg").exists() and (out / "IMG_1.dng").exists()


def test_exporting_again_says_which_sidecars_there_are_out_of_date(tmp_path):
    """A trial: exported, then the decisions changed and exported again: "already there", with
    the destination's sidecars saying the old decisions and nothing saying so."""
    from app.core.xmp.sync import write_sidecars

    a, b = library(tmp_path, ["a.jpg", "b.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        pa, pb = add_photo(cat, a), add_photo(cat, b)
        decide(cat, pa, "pick", 1)
        decide(cat, pb, "pick", 1)
        drive(write_sidecars(cat, [pa]))                  # b has no sidecar yet
        out = tmp_path / "out"
        drive(export_picks(cat, str(out)))
        decide(cat, pa, "rating", 5)
        decide(cat, pb, "rating", 2)
        drive(write_sidecars(cat))
        before = digest(out / "a.jpg.xmp")
        report = drive(export_picks(cat, str(out)))
        assert sorted(report.already) == [str(a), str(b)]
        assert report.stale == [str(out / "a.jpg.xmp")] and digest(out / "a.jpg.xmp") == before   # said, not replaced
        assert digest(out / "b.jpg.xmp") == digest(sidecar_names(b)["ext"])                       # new there: copied


def test_picks_moved_out_by_an_earlier_export_stay_there(tmp_path, isolated_home):
    """A trial: after `export --move` to an archive, the next `export --picks` took the archive's
    photos too, nesting its layout (DEST/lib/..., DEST/archive/...); with --move it took them
    out of the archive."""
    import json

    from tests.test_cli import cli

    files = library(tmp_path, ["day1/a.jpg", "day1/b.jpg", "day2/c.jpg"])
    lib = tmp_path / "lib"
    assert cli("index", str(lib), "--no-features").returncode == 0
    assert cli("pick", str(files[0]), "--accept", "--library", str(lib)).returncode == 0
    assert cli("export", "--picks", str(tmp_path / "archive"), "--move", "--library", str(lib)).returncode == 0
    assert (tmp_path / "archive/day1/a.jpg").exists() and not files[0].exists()
    assert cli("pick", str(files[2]), "--accept", "--library", str(lib)).returncode == 0
    r = cli("export", "--picks", str(tmp_path / "second"), "--move", "--library", str(lib), "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["exported"] == 1 and doc["outside_library"] == [str(tmp_path / "archive/day1/a.jpg")]
    assert sorted(str(p.relative_to(tmp_path / "second")) for p in (tmp_path / "second").rglob("*.jpg")) == ["day2/c.jpg"]
    assert (tmp_path / "archive/day1/a.jpg").exists()                            # the first export keeps its photo
    r = cli("export", "--picks", str(tmp_path / "third"), "--library", str(lib))
    assert "outside the library (moved out by an earlier export): left where it is" in r.stdout


@pytest.mark.parametrize("flat", [True, False])
def test_a_raw_and_jpeg_pair_keeps_one_name_when_a_name_clashes(tmp_path, flat):
    """A trial: `export --flat` gave the JPEG of a pair "IMG_1 (2).jpg" (DEST already had another
    IMG_1.jpg) and its raw file "IMG_1.cr2": the pair split in two, each with its own name.xmp."""
    jpg, = library(tmp_path, ["IMG_1.jpg"])
    raw = jpg.with_suffix(".cr2")
    raw.write_bytes(b"raw bytes of the same shot")
    sidecar_names(jpg)["base"].write_text(DARKTABLE)              # the pair's one name.xmp
    out = tmp_path / "out"
    out.mkdir()
    (out / "IMG_1.jpg").write_bytes(b"another picture already there")
    with Catalog(tmp_path / "c.db") as cat:
        cat.settings.set({"xmp.naming": "base"})
        ids = [add_photo(cat, p) for p in (jpg, raw)]
        decide(cat, ids[0], "pick", 1)
        report = drive(export_picks(cat, str(out), flat=flat))
    assert not report.failed
    assert sorted(p.name for p in out.iterdir()) == ["IMG_1 (2).cr2", "IMG_1 (2).jpg", "IMG_1 (2).xmp", "IMG_1.jpg"]
    assert (out / "IMG_1 (2).xmp").read_text() == DARKTABLE


def test_a_move_after_a_copy_updates_its_sidecar_there_but_never_one_edited_there(tmp_path):
    """A copy exported, the decisions changed since in the library: the move takes the newer
    sidecar there. A review: a copy exported, then developed at DEST in darktable (its sidecar
    edited there), then `export --move`: the library's sidecar was written over the edits. That
    photo now stays in the library, and the report says why."""
    import time

    from app.core.xmp.sync import write_sidecars

    kept, edited = library(tmp_path, ["2024/kept.jpg", "2024/edited.jpg"])
    with Catalog(tmp_path / "c.db") as cat:
        ids = [add_photo(cat, p) for p in (kept, edited)]
        for pid in ids:
            decide(cat, pid, "pick", 1)
        drive(write_sidecars(cat))
        time.sleep(1.1)                                      # sidecars written before the export's second
        out = tmp_path / "out"
        drive(export_picks(cat, str(out)))
        there = {p: out / (p.name + ".xmp") for p in (kept, edited)}     # (their common folder is the root)
        developed = there[edited].read_text().replace("<rdf:Description", "<!-- developed here -->\n<rdf:Description", 1)
        there[edited].write_text(developed)                 # the user develops the copy at DEST
        for pid in ids:
            decide(cat, pid, "rating", 4)                    # decisions changed in the library since
        drive(write_sidecars(cat))
        report = drive(export_picks(cat, str(out), move=True))
        assert not kept.exists() and (out / "kept.jpg").exists()
        assert 'xmp:Rating="4"' in there[kept].read_text()                          # the newer sidecar went there
        assert there[edited].read_text() == developed and edited.exists()          # never written over
        assert [os.path.basename(p) for p, _r in report.failed] == ["edited.jpg"]
        assert "changed there since" in report.failed[0][1]


def test_a_flat_export_never_makes_two_pictures_look_like_a_raw_and_its_jpeg(tmp_path):
    """A review: a phone's a/IMG_0001.jpg and a camera's b/IMG_0001.CR2 with its Lightroom
    sidecar IMG_0001.xmp, both picked, exported flat: side by side in DEST they looked like one
    raw + JPEG pair, the raw's name.xmp read as the phone picture's too."""
    phone, other = library(tmp_path, ["a/IMG_0001.jpg", "b/IMG_0001.jpg"])
    raw = other.rename(other.with_suffix(".CR2"))
    sidecar_names(raw)["base"].write_text(DARKTABLE)
    with Catalog(tmp_path / "c.db") as cat:
        for f in (phone, raw):
            decide(cat, add_photo(cat, f), "pick", 1)
        report = drive(export_picks(cat, str(tmp_path / "flat"), flat=True))
    assert not report.failed
    names = sorted(p.name for p in (tmp_path / "flat").iterdir())
    assert names in (["IMG_0001 (2).CR2", "IMG_0001 (2).xmp", "IMG_0001.jpg"],
                     ["IMG_0001 (2).jpg", "IMG_0001.CR2", "IMG_0001.xmp"]), names


def test_a_new_file_given_a_trashed_photos_name_after_a_kill_is_not_taken_for_it(tmp_path, monkeypatch):
    """A review: both files of a rejected photo reached the trash, the process was killed before
    the journal said so, then a new photo from the card took the name. The next run took the new
    file for the trashed one: "rolled back (it is still in the library)", the journal forgotten
    (no way back), and the rejected photo's darktable sidecar put back beside the new picture."""
    from app.core.recovery import finish_interrupted

    class Killed(BaseException):
        pass

    photo, other = library(tmp_path, ["card/IMG_0001.jpg", "card/other.jpg"])
    side = sidecar_names(photo)["ext"]
    side.write_text(DARKTABLE)
    with Catalog(tmp_path / "c.db") as cat:
        decide(cat, add_photo(cat, photo), "pick", -1)
        real = cat.trash.trashed
        monkeypatch.setattr(cat.trash, "trashed", lambda *a: (_ for _ in ()).throw(Killed()))
        with pytest.raises(Killed):                     # killed after both files reached the trash
            drive(trash_rejected(cat))
        monkeypatch.setattr(cat.trash, "trashed", real)
        other.replace(photo)                            # a new photo under the same name
        new = digest(photo)
        said = finish_interrupted(cat)
        assert any("finished" in line for line in said) and not any("rolled back" in line for line in said)
        assert not side.exists() and digest(photo) == new        # the sidecar stays in the trash with its photo
        back = drive(undo_trash(cat))                   # the way back is kept: refused only while the name is taken
        assert back.photos == 0 and "another file is at its place" in back.failed[0][1]
        photo.rename(photo.with_name("new.jpg"))
        back = drive(undo_trash(cat, batch=1))
        assert back.photos == 1 and side.read_text() == DARKTABLE and digest(photo) != new


def test_trashing_a_jpeg_leaves_the_name_xmp_of_a_raw_the_catalog_could_not_read(tmp_path):
    """A review: IMG_0002.CR2 could not be decoded (a new camera: status skipped) and its
    Lightroom develop settings are in IMG_0002.xmp; trashing the rejected IMG_0002.jpg took them."""
    jpg, raw = library(tmp_path, ["s/IMG_0002.jpg", "s/IMG_0002.CR2"])
    shared = sidecar_names(jpg)["base"]
    shared.write_text(DARKTABLE)
    with Catalog(tmp_path / "c.db") as cat:
        pid = add_photo(cat, jpg)
        cat.photos.upsert(str(raw), {"status": "skipped", "status_reason": "cannot decode", "size": raw.stat().st_size,
                                     "mtime_ns": raw.stat().st_mtime_ns, "content_hash": digest(raw)})
        cat.conn.commit()
        decide(cat, pid, "pick", -1)
        report = drive(trash_rejected(cat))
    assert report.files == [str(jpg)] and shared.read_text() == DARKTABLE


def test_an_undo_across_file_systems_killed_mid_copy_leaves_no_half_photo(lib, monkeypatch):
    """A review: putting a photo back from a trash on another file system copied straight to its
    place; a kill mid-copy left half a photo there, and every later undo refused ("another file
    is at its place")."""
    import errno
    import shutil

    from app.core import file_moves, trash

    cat, files, _ids = lib
    reject = files[3]
    before = digest(reject)
    drive(trash_rejected(cat))

    class Killed(BaseException):
        pass

    def no_link(*a, **k):
        raise OSError(errno.EXDEV, "cross-device link")

    def half_copy(src, dst, *a, **k):
        Path(dst).write_bytes(Path(src).read_bytes()[:100])
        raise Killed()

    real_copy = shutil.copy2
    monkeypatch.setattr(trash.os, "link", no_link)             # (one os module: both modules' links)
    monkeypatch.setattr(file_moves.shutil, "copy2", half_copy)
    with pytest.raises(Killed):
        drive(undo_trash(cat))
    assert not reject.exists()                                   # nothing half there
    monkeypatch.setattr(file_moves.shutil, "copy2", real_copy)
    back = drive(undo_trash(cat, batch=1))
    assert back.photos == 1 and digest(reject) == before
    assert not [p for p in reject.parent.iterdir() if p.name.startswith(".")]   # the temp file swept


def test_an_export_from_a_library_whose_folder_name_is_not_utf8(tmp_path):
    """A review: the folder an index ran on is kept as shown (\\xe9) where its name is not UTF-8,
    so every pick looked outside the library (moved out by an earlier export): nothing exported."""
    from app.core import indexer

    a, = library(tmp_path, ["x/a.jpg"])
    odd = os.fsdecode(bytes(tmp_path / "lib") + b"/f\xe9te")
    os.rename(tmp_path / "lib" / "x", odd)
    with Catalog(tmp_path / "c.db") as cat:
        drive(indexer.index_library(cat, odd, workers=1))
        decide(cat, cat.photos.id_for_path(os.path.join(odd, "a.jpg")), "pick", 1)
        report = drive(export_picks(cat, str(tmp_path / "out")))
    assert len(report.done) == 1 and not report.outside


def test_an_undo_across_file_systems_killed_after_its_copy_finishes_later(lib, monkeypatch):
    """A review: killed after the checked copy was in place but before the trashed file went,
    every later undo failed ("another file is at its place now"), a second copy left in the trash."""
    import errno

    from app.core import trash

    cat, files, _ids = lib
    reject = files[3]
    before = digest(reject)
    trash_files = Path(os.environ["XDG_DATA_HOME"]) / "Trash" / "files"

    def copies_in_trash():                               # (earlier tests of this session left theirs)
        return len([p for p in trash_files.glob("*") if p.is_file() and digest(p) == before])

    already = copies_in_trash()
    drive(trash_rejected(cat))

    class Killed(BaseException):
        pass

    real_link, real_unlink = os.link, os.unlink
    def no_link(a, b, *k, **kw):
        if str(b) == str(reject):
            raise OSError(errno.EXDEV, "cross-device link")
        return real_link(a, b, *k, **kw)
    state = {"armed": True}
    def unlink(p, *a, **k):
        if state["armed"] and "Trash/files" in str(p) and not str(p).endswith(".xmp") and digest(Path(p)) == before:
            state["armed"] = False
            raise Killed()
        return real_unlink(p, *a, **k)
    monkeypatch.setattr(trash.os, "link", no_link)
    monkeypatch.setattr(trash.os, "unlink", unlink)
    with pytest.raises(Killed):
        drive(undo_trash(cat))
    assert digest(reject) == before                    # the copy is at its place
    monkeypatch.setattr(trash.os, "unlink", real_unlink)
    back = drive(undo_trash(cat, batch=1))               # (its recovery finishes the undo a kill cut short)
    assert not back.failed and (back.photos == 1 or any("undo was finished" in f for f in back.finished))
    assert digest(reject) == before
    assert copies_in_trash() == already                  # no second copy left there
