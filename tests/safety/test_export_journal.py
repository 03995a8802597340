"""Export as journaled transactions: a photo and its sidecar reach DEST together or not at
all, a kill at any step is finished by the next run, a re-run never nests or duplicates, and
DEST inside the library or a foreign sidecar in DEST is refused with a reason."""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.export import ExportRefused, export_picks
from app.core.jobs import drive
from app.core.xmp.sidecars import sidecar_names
from tests.decisions.fixtures import DARKTABLE
from tests.decisions.helpers import add_photo, digest, library
from tests.safety.kills import Killed, kill_at


def _lib(tmp_path, names, picks=None):
    files = library(tmp_path, names)
    for f in files:
        sidecar_names(f)["ext"].write_text(DARKTABLE.replace('xmp:Rating="2"', f'xmp:Rating="{len(f.name)}"'))
    cat = Catalog(tmp_path / "c.db")
    cat.jobs.start("index", str(tmp_path / "lib"))
    ids = [add_photo(cat, p) for p in files]
    for i in (picks if picks is not None else range(len(ids))):
        decide(cat, ids[i], "pick", 1)
    return cat, files, ids


def _where(tmp_path, files, digests):
    """Each picture's bytes: the places they are at (library or DEST), sidecar beside each."""
    found = {}
    for p in Path(tmp_path).rglob("*"):
        if p.is_file() and p.suffix == ".jpg" and digest(p) in digests.values():
            found.setdefault(digest(p), []).append(p)
    return found


def _assert_once_with_sidecar(cat, ids, files, digests, tmp_path):
    found = _where(tmp_path, files, digests)
    for pid, f in zip(ids, files):
        places = found.get(digests[str(f)], [])
        assert len(places) == 1, (f, places)
        assert sidecar_names(places[0])["ext"].exists(), places[0]
        assert Path(cat.photos.get(pid)["path"]) == places[0]


def test_a_second_move_after_new_picks_keeps_the_structure(tmp_path):
    cat, files, ids = _lib(tmp_path, ["a/Aqua.jpg", "b/Grey.jpg", "c/Blue.jpg"], picks=[0])
    out = tmp_path / "P"
    drive(export_picks(cat, str(out), move=True))
    decide(cat, ids[1], "pick", 1)
    report = drive(export_picks(cat, str(out), move=True))
    assert (out / "b" / "Grey.jpg").exists() and (out / "b" / "Grey.jpg.xmp").exists()
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.jpg")) == ["a/Aqua.jpg", "b/Grey.jpg"]
    assert report.already == [str(out / "a" / "Aqua.jpg")] and len(report.done) == 1


@pytest.mark.parametrize("step", range(1, 8))
def test_a_kill_at_any_step_of_a_move_is_finished_by_the_next_run(tmp_path, monkeypatch, step):
    cat, files, ids = _lib(tmp_path, ["a/x.jpg", "b/y.jpg"])
    digests = {str(f): digest(f) for f in files}
    out = tmp_path / "P"
    steps = {"link": (os, "link"), "unlink": (os, "unlink")}
    counter = [0]
    real = {k: getattr(o, n) for k, (o, n) in steps.items()}

    def counting(kind):
        def call(*a, **k):
            counter[0] += 1
            if counter[0] == step:
                raise Killed(kind)
            return real[kind](*a, **k)
        return call

    for kind, (owner, name) in steps.items():
        monkeypatch.setattr(owner, name, counting(kind))
    with pytest.raises(Killed):
        drive(export_picks(cat, str(out), move=True))
    monkeypatch.undo()
    cat.close()
    cat = Catalog(tmp_path / "c.db")                 # the next process
    report = drive(export_picks(cat, str(out), move=True))
    assert not report.failed
    _assert_once_with_sidecar(cat, ids, files, digests, tmp_path)
    assert all(str(out) in cat.photos.get(i)["path"] for i in ids)


def test_a_kill_between_placing_and_the_catalog_update_loses_nothing(tmp_path, monkeypatch):
    cat, files, ids = _lib(tmp_path, ["a/x.jpg"])
    digests = {str(f): digest(f) for f in files}
    kill_at(monkeypatch, cat.photos, "move", 1)
    with pytest.raises(Killed):
        drive(export_picks(cat, str(tmp_path / "P"), move=True))
    monkeypatch.undo()
    assert files[0].exists() and sidecar_names(files[0])["ext"].exists()       # the original stays until recorded
    drive(export_picks(cat, str(tmp_path / "P"), move=True))
    _assert_once_with_sidecar(cat, ids, files, digests, tmp_path)


@pytest.mark.parametrize("move", [False, True])
def test_no_space_for_the_sidecar_rolls_the_photo_back(tmp_path, monkeypatch, move):
    cat, files, ids = _lib(tmp_path, ["a/x.jpg", "a/y.jpg"])
    real_copy, real_link = shutil.copy2, os.link

    def copy2(src, dst, *a, **k):
        if str(src).endswith(".xmp") and "x.jpg" in str(src):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real_copy(src, dst, *a, **k)

    def link(src, dst, *a, **k):                 # DEST on another disk: a move copies
        if str(dst).startswith(str(tmp_path / "P")) and not os.path.basename(dst).startswith("."):
            if os.path.basename(src).startswith("."):
                return real_link(src, dst, *a, **k)
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        return real_link(src, dst, *a, **k)

    monkeypatch.setattr(shutil, "copy2", copy2)
    monkeypatch.setattr(os, "link", link)
    report = drive(export_picks(cat, str(tmp_path / "P"), move=move))
    assert report.to_json()["exit_code"] == 1
    assert [Path(p).name for p, _ in report.failed] == ["x.jpg"]
    assert report.failed[0][1].startswith("no space left on the disk")
    assert not (tmp_path / "P" / "a" / "x.jpg").exists() and files[0].exists()
    assert sidecar_names(files[0])["ext"].exists()
    assert cat.photos.get(ids[0])["path"] == str(files[0])
    assert (tmp_path / "P" / "a" / "y.jpg").exists() and (tmp_path / "P" / "a" / "y.jpg.xmp").exists()
    leftovers = [p.name for p in (tmp_path / "P").rglob(".*")]
    assert leftovers == []


def test_a_foreign_sidecar_in_dest_is_refused_with_a_reason(tmp_path):
    cat, files, ids = _lib(tmp_path, ["a/x.jpg"])
    out = tmp_path / "P" / "a"
    out.mkdir(parents=True)
    foreign = out / "x.xmp"                       # another picture's sidecar, Lightroom naming
    foreign.write_text(DARKTABLE.replace('xmp:Rating="2"', 'xmp:Rating="-1"'))
    report = drive(export_picks(cat, str(tmp_path / "P"), move=True))
    assert not (out / "x.jpg").exists() and files[0].exists()
    assert "sidecar of another picture" in report.failed[0][1] and str(foreign) in report.failed[0][1]
    assert report.to_json()["exit_code"] == 1


def test_dest_inside_the_library_is_refused(tmp_path):
    cat, files, _ = _lib(tmp_path, ["a/x.jpg"])
    with pytest.raises(ExportRefused, match="inside the library"):
        drive(export_picks(cat, str(tmp_path / "lib" / "picks")))
    assert not (tmp_path / "lib" / "picks").exists()


def test_flat_export_run_again_adds_nothing(tmp_path):
    cat, files, _ = _lib(tmp_path, ["2024/a.jpg", "2025/a.jpg", "2025/b.jpg"])
    out = tmp_path / "flat"
    first = drive(export_picks(cat, str(out), flat=True))
    names = sorted(p.name for p in out.iterdir())
    assert names == ["a (2).jpg", "a (2).jpg.xmp", "a.jpg", "a.jpg.xmp", "b.jpg", "b.jpg.xmp"]
    again = drive(export_picks(cat, str(out), flat=True))
    assert sorted(p.name for p in out.iterdir()) == names
    assert len(first.done) == 3 and not again.done and len(again.already) == 3


def test_copies_in_dest_are_not_the_library(tmp_path):
    """After a move the catalog knows the photo in DEST; the next export counts it as there."""
    cat, files, ids = _lib(tmp_path, ["a/x.jpg"])
    drive(export_picks(cat, str(tmp_path / "P"), move=True))
    again = drive(export_picks(cat, str(tmp_path / "P")))
    assert again.already == [str(tmp_path / "P" / "a" / "x.jpg")] and not again.done
    assert not (tmp_path / "P" / "P").exists() and not list((tmp_path / "P").rglob("picks"))


def _move_killed_before_the_originals_go(tmp_path):
    """A move killed at its first removal of an original (photo and sidecar already in DEST)."""
    cat, files, ids = _lib(tmp_path, ["a/x.jpg"])
    digests = {str(f): digest(f) for f in files}
    with pytest.MonkeyPatch.context() as mp:
        kill_at(mp, os, "unlink", 1, when=lambda p, *a, **k: not os.path.basename(p).startswith("."))
        with pytest.raises(Killed):
            drive(export_picks(cat, str(tmp_path / "P"), move=True))
    return cat, files, ids, digests


def test_check_reports_an_interrupted_move_and_repair_finishes_it(tmp_path):
    from app.core.consistency import check_catalog

    cat, files, ids, digests = _move_killed_before_the_originals_go(tmp_path)
    found = {f.kind: f.count for f in drive(check_catalog(cat)).findings}
    assert found["interrupted file operations"] == 1           # (no thumbnails: these photos were never indexed)
    drive(check_catalog(cat, repair=True))
    _assert_once_with_sidecar(cat, ids, files, digests, tmp_path)
    assert "interrupted file operations" not in {f.kind for f in drive(check_catalog(cat)).findings}


def test_index_finishes_an_interrupted_move_before_judging_files_missing(tmp_path):
    """A kill between the move and the catalog update: the next index, not only the next
    export, finishes it, so the photo is never marked missing."""
    from app.core.indexer import index_library

    cat, files, ids, digests = _move_killed_before_the_originals_go(tmp_path)
    drive(index_library(cat, str(tmp_path / "lib")))
    _assert_once_with_sidecar(cat, ids, files, digests, tmp_path)
    assert cat.photos.get(ids[0])["status"] == "ok" and cat.decisions.state(ids[0]).pick == 1


def test_a_move_after_a_copy_brings_the_newer_sidecar(tmp_path):
    """Exported as a copy, decided again (the sidecar rewritten), then moved: the photo is
    already in DEST, and its older sidecar there (the copy's) takes the current one (found by
    the decision machine); a sidecar no export of this photo made is still never replaced."""
    cat, files, ids = _lib(tmp_path, ["a/x.jpg", "a/y.jpg"])
    out = tmp_path / "P"
    drive(export_picks(cat, str(out), flat=True))
    for f in files:
        sidecar_names(f)["ext"].write_text(DARKTABLE.replace('xmp:Rating="2"', 'xmp:Rating="5"'))
    (out / "y.jpg.xmp").write_text("the user's own notes")            # no longer the copy we made
    cat.conn.execute("UPDATE file_ops SET files = replace(files, 'y.jpg.xmp', 'elsewhere.xmp')")
    report = drive(export_picks(cat, str(out), move=True, flat=True))
    assert (out / "x.jpg.xmp").read_text() == DARKTABLE.replace('xmp:Rating="2"', 'xmp:Rating="5"')
    assert not files[0].exists() and not sidecar_names(files[0])["ext"].exists()
    assert [Path(p).name for p, _ in report.failed] == ["y.jpg"] and files[1].exists()
    assert (out / "y.jpg.xmp").read_text() == "the user's own notes"
