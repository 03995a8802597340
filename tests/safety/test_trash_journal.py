"""Trash and undo as journaled, resumable operations: a kill at any step is finished by the
next run, a photo and its sidecar go and come back together, an undo that cannot put a
photo back says so and never strands the batches before it."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from app.core import trash as trash_mod
from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.jobs import drive
from app.core.trash import trash_rejected, undo_trash
from app.core.xmp.sidecars import sidecar_names
from tests.decisions.fixtures import DARKTABLE
from tests.decisions.helpers import add_photo, digest, library
from tests.safety.kills import Killed, kill_at


def _rejects(tmp_path, names, db="c.db"):
    files = library(tmp_path, names)
    for f in files:
        sidecar_names(f)["ext"].write_text(DARKTABLE.replace('xmp:Rating="2"', 'xmp:Rating="-1"'))
    cat = Catalog(tmp_path / db)
    ids = [add_photo(cat, p) for p in files]
    for pid in ids:
        decide(cat, pid, "pick", -1)
    return cat, files, ids


@pytest.fixture(autouse=True)
def own_trash(tmp_path, monkeypatch):
    """Each test its own trash folder (send2trash reads XDG_DATA_HOME once, at import)."""
    import send2trash.plat_other as plat

    share = os.fsencode(tmp_path / "share")
    monkeypatch.setattr(plat, "XDG_DATA_HOME", share)
    monkeypatch.setattr(plat, "HOMETRASH_B", os.path.join(share, b"Trash"))
    monkeypatch.setattr(plat, "HOMETRASH", os.fsdecode(os.path.join(share, b"Trash")))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))


def _trash_folder() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


def _in_trash(name: str) -> list[Path]:
    return [p for p in (_trash_folder() / "files").glob("*") if p.name.split(".")[0].split(" ")[0] == name]


def _undo_killed_at(cat, tmp_path, step: int):
    """``trash --undo`` killed at its ``step``-th unlink; the catalog opened again."""
    with pytest.MonkeyPatch.context() as mp:
        kill_at(mp, os, "unlink", step)
        with pytest.raises(Killed):
            drive(undo_trash(cat))
    cat.close()
    return Catalog(tmp_path / "c.db")


def _everything_back(files, before):
    for f in files:
        assert digest(f) == before[str(f)], f
        assert sidecar_names(f)["ext"].exists(), f


@pytest.mark.parametrize("step", range(1, 6))
def test_a_kill_during_undo_is_finished_by_the_next_undo(tmp_path, monkeypatch, step):
    cat, files, ids = _rejects(tmp_path, ["old1.jpg", "old2.jpg"])
    before = {str(f): digest(f) for f in files}
    drive(trash_rejected(cat))                                       # an older batch
    cat2_files = library(tmp_path / "n", ["p001.jpg", "p002.jpg"])
    new_ids = [add_photo(cat, f) for f in cat2_files]
    for f in cat2_files:
        sidecar_names(f)["ext"].write_text(DARKTABLE)
    for pid in new_ids:
        decide(cat, pid, "pick", -1)
    before.update({str(f): digest(f) for f in cat2_files})
    drive(trash_rejected(cat))                                       # the latest batch
    cat = _undo_killed_at(cat, tmp_path, step)
    report = drive(undo_trash(cat))
    assert not report.failed, report.failed
    _everything_back(cat2_files, before)
    older = drive(undo_trash(cat))                                   # and the batch before still comes back
    assert not older.failed and older.photos == 2
    _everything_back(files, before)
    assert not list((_trash_folder() / "info").glob("*.trashinfo"))
    assert all(cat.photos.get(i)["status"] == "ok" for i in ids + new_ids)


@pytest.mark.parametrize("where", ["before_record", "inside_send2trash", "between_photo_and_sidecar"])
def test_a_kill_during_trash_is_finished_by_the_next_run(tmp_path, monkeypatch, where):
    cat, files, ids = _rejects(tmp_path, ["a.jpg", "b.jpg"])
    before = {str(f): digest(f) for f in files}
    with pytest.MonkeyPatch.context() as mp:
        if where == "before_record":              # the photo is in the trash, the journal does not say so yet
            kill_at(mp, cat.trash, "trashed", 1)
        else:                                     # send2trash wrote the .trashinfo, the file never moved
            nth = 1 if where == "inside_send2trash" else 2        # the photo's, or (the photo gone) its sidecar's
            kill_at(mp, os, "rename", nth, when=lambda src, dst, *a, **k: b"Trash" in os.fsencode(dst))
        with pytest.raises(Killed):
            drive(trash_rejected(cat))
    cat.close()
    cat = Catalog(tmp_path / "c.db")
    again = drive(trash_rejected(cat))
    assert not again.failed, again.failed
    assert not any(f.exists() for f in files)
    infos = list((_trash_folder() / "info").glob("*.trashinfo"))
    assert len(infos) == 4 and all((_trash_folder() / "files" / i.name[:-10]).exists() for i in infos)
    drive(undo_trash(cat))                        # the killed run and the one after it: one batch, one undo
    _everything_back(files, before)


def test_a_sidecar_that_cannot_go_keeps_its_photo(tmp_path, monkeypatch):
    cat, files, ids = _rejects(tmp_path, ["a.jpg"])
    import send2trash

    real = send2trash.send2trash

    def refuse_sidecars(path):
        if str(path).endswith(".xmp"):
            raise OSError(errno.EACCES, "Permission denied: " + str(path))
        return real(path)

    monkeypatch.setattr(send2trash, "send2trash", refuse_sidecars)
    report = drive(trash_rejected(cat))
    assert files[0].exists() and sidecar_names(files[0])["ext"].exists()
    assert report.photos == 0 and report.to_json()["exit_code"] == 1
    assert report.failed[0][1].startswith("not trashed (nor its sidecars)")
    assert "Errno" not in report.failed[0][1]
    assert cat.photos.get(ids[0])["status"] == "ok"
    assert not list((_trash_folder() / "files").glob("a*"))


def test_undo_never_puts_a_sidecar_beside_another_picture(tmp_path):
    cat, files, ids = _rejects(tmp_path, ["a.jpg", "b.jpg"])
    drive(trash_rejected(cat))
    files[0].write_bytes(b"a new picture took the name")
    report = drive(undo_trash(cat))
    assert [Path(p).name for p, _ in report.failed] == ["a.jpg"]
    assert "another file is at its place now" in report.failed[0][1]
    assert not sidecar_names(files[0])["ext"].exists()              # the reject's sidecar stays with it
    assert files[1].exists() and sidecar_names(files[1])["ext"].exists()
    assert report.to_json()["exit_code"] == 1
    files[0].rename(tmp_path / "moved-away.jpg")                     # the user makes room and retries that batch
    retry = drive(undo_trash(cat, batch=report.batch))
    assert not retry.failed and files[0].exists() and sidecar_names(files[0])["ext"].exists()


def test_a_failed_undo_does_not_strand_older_batches(tmp_path):
    cat, files, ids = _rejects(tmp_path, ["old.jpg"])
    first = drive(trash_rejected(cat))
    newer = library(tmp_path / "n", ["new.jpg"])
    pid = add_photo(cat, newer[0])
    decide(cat, pid, "pick", -1)
    drive(trash_rejected(cat))
    newer[0].write_bytes(b"someone else's photo")
    assert drive(undo_trash(cat)).failed                            # the latest batch cannot come back...
    older = drive(undo_trash(cat))                                   # ...the one before it still can
    assert older.batch == first.batch and not older.failed and files[0].exists()


def test_non_utf8_names_go_to_the_trash_and_come_back(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.jpg")
    src = library(tmp_path, ["plain.jpg"])[0]
    photo = folder / name
    photo.write_bytes(src.read_bytes())
    sidecar_names(photo)["ext"].write_text(DARKTABLE)
    with Catalog(tmp_path / "u.db") as cat:
        pid = add_photo(cat, photo)
        decide(cat, pid, "pick", -1)
        report = drive(trash_rejected(cat))
        assert report.photos == 1 and not photo.exists()
        assert cat.trash.entries(report.batch)[0]["original"] == str(photo)
        back = drive(undo_trash(cat))
        assert not back.failed and photo.exists() and sidecar_names(photo)["ext"].exists()
        assert trash_mod.TrashReport("x", files=[str(photo)]).to_json()["files"] == [str(photo)]     # exact, for JSON


@pytest.mark.parametrize("step", range(1, 5))
def test_a_kill_during_undo_is_seen_and_finished_by_check_repair(tmp_path, step):
    """A trial: `trash --undo` killed after a photo came back and before its sidecar did left
    the sidecar in the trash, and `check --repair` said "consistent" (emptying the trash then
    loses the darktable history)."""
    from app.core.consistency import check_catalog
    from app.core.recovery import interrupted

    cat, files, ids = _rejects(tmp_path, ["a.jpg", "b.jpg", "c.jpg"])
    drive(trash_rejected(cat))
    cat = _undo_killed_at(cat, tmp_path, step)
    split = [f for f in files if f.exists() and not sidecar_names(f)["ext"].exists()]
    assert interrupted(cat) or not split                # (a sidecar back but not yet recorded is listed too)
    report = drive(check_catalog(cat, repair=True))
    assert not interrupted(cat), report
    for f in files:                                   # never a photo back without its sidecar
        assert f.exists() == sidecar_names(f)["ext"].exists(), f
    drive(undo_trash(cat))                           # the rest of the batch still comes back
    assert all(f.exists() and sidecar_names(f)["ext"].exists() for f in files)
    cat.close()


def test_an_interrupted_undo_that_cannot_be_finished_stays_reported(tmp_path):
    """A review: when a new sidecar stood where the trashed one goes back, the interrupted undo
    was counted as repaired and forgotten, its sidecar left in the trash unsaid."""
    from app.core.consistency import check_catalog
    from app.core.recovery import interrupted

    cat, files, ids = _rejects(tmp_path, ["a.jpg"])
    drive(trash_rejected(cat))
    _undo_killed_at(cat, tmp_path, 2).close()                  # the photo back, its sidecar not
    side = sidecar_names(files[0])["ext"]
    assert files[0].exists() and not side.exists()
    side.write_text(DARKTABLE)                                # an editor made a new one meanwhile
    cat = Catalog(tmp_path / "c.db")
    drive(check_catalog(cat, repair=True))
    assert interrupted(cat), "still said"
    assert "move that away, then `phototriage trash --undo --batch 1`" in interrupted(cat)[0]     # what to do
    assert any(f.kind == "interrupted file operations" for f in drive(check_catalog(cat)).findings)
    side.unlink()                                             # the user moves the new one away
    drive(check_catalog(cat, repair=True))
    assert side.exists() and not interrupted(cat)             # now it comes back
    cat.close()


def test_an_index_says_what_interrupted_operation_it_finished(tmp_path):
    """A review: the index finished an interrupted undo (or trashing) without a word."""
    from app.cli_output import human_lines
    from app.core.indexer import index_library

    cat, files, ids = _rejects(tmp_path, ["a.jpg"])
    drive(trash_rejected(cat))
    cat = _undo_killed_at(cat, tmp_path, 2)                  # the photo back, its sidecar not
    summary = drive(index_library(cat, str(tmp_path / "lib"), workers=1))
    assert summary.finished and "interrupted undo was finished" in summary.finished[0]
    assert "1 interrupted file operation finished" in summary.headline()
    assert any("interrupted undo was finished" in line for line in human_lines("index", summary.to_json()))
    assert sidecar_names(files[0])["ext"].exists()
    cat.close()
