import io
import os
import shutil

import pytest
from PIL import Image

from app.core import analyze, indexer
from app.core.catalog import Catalog
from app.core.jobs import CancelToken, Progress, drive
from app.core.scanner import FileEntry
from app.core.thumbnails import thumb_path
from tests.helpers import sample, tree_hashes


def run(catalog, root, **kw):
    events = []
    summary = drive(indexer.index_library(catalog, str(root), **kw), events.append)
    return summary, events


def statuses(catalog):
    return {p: i.status for p, i in catalog.photos.identities().items()}


def test_first_index_catalogs_every_photo_with_metadata_and_thumbnail(catalog, library):
    summary, events = run(catalog, library)
    assert summary.indexed == 15 and not summary.skipped and not summary.missing
    assert {e.phase for e in events} >= {"scan", "index", "done"}
    assert all(isinstance(e, Progress) for e in events)
    last_index = [e for e in events if e.phase == "index"][-1]
    assert last_index.done == last_index.total == 15
    row = catalog.photos.get(catalog.photos.id_for_path(str(library / "2024/singles/canon.jpg")))
    assert row["camera_model"] == "Canon EOS 5D Mark IV" and row["time_source"] == "exif"
    assert row["captured_at"] == "2019-07-20T17:45:22.160000-07:00"
    no_exif = catalog.photos.get(catalog.photos.id_for_path(str(library / "tree/f01.jpg")))
    assert no_exif["time_source"] == "file" and no_exif["captured_ts"] > 0
    for ident in catalog.photos.identities().values():
        assert thumb_path(catalog.thumbs_dir, ident.content_hash).exists()
    job = catalog.conn.execute("SELECT state, done, total FROM jobs").fetchone()
    assert job == ("completed", 15, 15)


def test_originals_are_never_written(catalog, library):
    before = tree_hashes(library)
    stat_before = {p: os.stat(library / p).st_mtime_ns for p in before}
    run(catalog, library)
    run(catalog, library)
    assert tree_hashes(library) == before
    assert {p: os.stat(library / p).st_mtime_ns for p in before} == stat_before
    assert not catalog.thumbs_dir.is_relative_to(library)


def test_unchanged_rescan_reads_no_file(catalog, library, monkeypatch):
    run(catalog, library)
    reads = []
    real = analyze.read_original
    monkeypatch.setattr(analyze, "read_original", lambda *a: reads.append(a) or real(*a))
    summary, _ = run(catalog, library)
    assert summary.unchanged == 15 and summary.indexed == 0 and reads == []


def test_changed_and_touched_files(catalog, library):
    run(catalog, library)
    touched = library / "tree/f02.jpg"
    os.utime(touched, ns=(1, 1_000_000_000))
    changed = library / "tree/f03.jpg"
    Image.new("RGB", (50, 40), (1, 2, 3)).save(changed, "JPEG")
    summary, _ = run(catalog, library)
    assert (summary.indexed, summary.updated, summary.unchanged) == (1, 1, 13)
    row = catalog.photos.get(catalog.photos.id_for_path(str(changed)))
    assert (row["width"], row["height"]) == (50, 40)


def test_rename_and_move_keep_identity_and_decisions(catalog, library):
    run(catalog, library)
    old = library / "2024/singles/canon.jpg"
    pid = catalog.photos.id_for_path(str(old))
    catalog.decisions.record(pid, "pick", 1)
    catalog.decisions.record(pid, "rating", 5)
    (library / "moved").mkdir()
    new = library / "moved" / "renamed.jpg"
    os.rename(old, new)
    summary, _ = run(catalog, library)
    assert summary.moved == 1 and summary.indexed == 0 and not summary.missing
    assert catalog.photos.id_for_path(str(new)) == pid
    assert catalog.photos.id_for_path(str(old)) is None
    state = catalog.decisions.state(pid)
    assert state.pick == 1 and state.rating == 5


def test_vanished_files_are_marked_missing_and_come_back(catalog, library, tmp_path):
    run(catalog, library)
    gone = library / "2024/singles/pillow_fujifilm.jpg"
    pid = catalog.photos.id_for_path(str(gone))
    catalog.decisions.record(pid, "pick", -1)
    parked = tmp_path / "parked.jpg"
    shutil.move(gone, parked)
    summary, _ = run(catalog, library)
    assert summary.missing == [str(gone)]
    assert statuses(catalog)[str(gone)] == "missing"
    assert catalog.photos.get(pid)["missing_since"]
    assert catalog.decisions.state(pid).pick == -1
    shutil.move(parked, gone)
    summary, _ = run(catalog, library)
    assert statuses(catalog)[str(gone)] == "ok" and summary.missing == []
    assert catalog.photos.id_for_path(str(gone)) == pid


def test_file_moved_into_the_library_while_missing_is_recognised(catalog, library, tmp_path):
    run(catalog, library)
    src = library / "tree/f05.jpg"
    pid = catalog.photos.id_for_path(str(src))
    outside = tmp_path / "f05.jpg"
    shutil.move(src, outside)
    run(catalog, library)
    assert catalog.photos.get(pid)["status"] == "missing"
    back = library / "2024" / "f05-restored.jpg"
    shutil.move(outside, back)
    summary, _ = run(catalog, library)
    assert summary.moved == 1 and catalog.photos.id_for_path(str(back)) == pid


def test_copies_get_their_own_rows(catalog, library):
    shutil.copy2(library / "tree/f01.jpg", library / "tree/f01-copy.jpg")
    summary, _ = run(catalog, library)
    assert summary.indexed == 16
    ids = catalog.photos.identities()
    assert ids[str(library / "tree/f01.jpg")].content_hash == ids[str(library / "tree/f01-copy.jpg")].content_hash


def _bad_library(root):
    root.mkdir()
    good = sample("photos/pillow_xmp_test.jpg").read_bytes()
    (root / "good.jpg").write_bytes(good)
    (root / "zero.jpg").write_bytes(b"")
    (root / "truncated.jpg").write_bytes(good[: len(good) // 3])
    (root / "text.jpg").write_text("hello, not a jpeg")
    buf = io.BytesIO()
    Image.new("1", (18000, 18000)).save(buf, "PNG")
    (root / "bomb.png").write_bytes(buf.getvalue())
    Image.new("CMYK", (30, 20)).save(root / "cmyk.jpg")
    Image.new("I;16", (30, 20)).save(root / "gray16.png")
    Image.new("P", (30, 20)).save(root / "palette.png")
    Image.new("RGBA", (30, 20), (0, 0, 0, 0)).save(root / "alpha.png")
    frames = [Image.new("RGB", (8, 8), c) for c in [(255, 0, 0), (0, 0, 255)]]
    frames[0].save(root / "anim.webp", save_all=True, append_images=frames[1:])
    (root / os.fsdecode(b"caf\xe9-latin1.jpg")).write_bytes(good)
    return root


def test_bad_input_is_reported_and_never_stops_the_scan(catalog, tmp_path):
    root = _bad_library(tmp_path / "bad")
    summary, _ = run(catalog, root)
    reasons = {os.path.basename(p): r for p, r in summary.skipped}
    assert set(reasons) == {"zero.jpg", "truncated.jpg", "text.jpg", "bomb.png"}
    assert "empty" in reasons["zero.jpg"]
    assert "truncated" in reasons["truncated.jpg"] or "corrupt" in reasons["truncated.jpg"]
    assert "not a recognisable image" in reasons["text.jpg"]
    assert "too large" in reasons["bomb.png"]
    assert summary.indexed == 7  # good, cmyk, gray16, palette, alpha, anim, non-UTF-8 name
    st = statuses(catalog)
    assert st[str(root / os.fsdecode(b"caf\xe9-latin1.jpg"))] == "ok"
    assert st[str(root / "zero.jpg")] == "skipped"
    # A rescan reports the still-skipped (broken) files again (as skipped, not as unchanged) but does not retry them.
    again, _ = run(catalog, root)
    assert again.unchanged == 7 and {os.path.basename(p) for p, _ in again.skipped} == set(reasons)
    assert dict((os.path.basename(p), r) for p, r in again.skipped) == reasons
    rehashed, _ = run(catalog, root, rehash=True)          # decoded again: still broken, still skipped
    assert dict((os.path.basename(p), r) for p, r in rehashed.skipped) == reasons and rehashed.failed == []
    json_out = again.to_json()
    assert json_out["skipped"] == 4 and all("reason" in s for s in json_out["skipped_files"])


def test_unreadable_file_is_skipped_with_reason(catalog, tmp_path, monkeypatch):
    root = tmp_path / "lib"
    root.mkdir()
    shutil.copy2(sample("photos/pillow_flower.jpg"), root / "ok.jpg")
    locked = root / "locked.jpg"
    shutil.copy2(sample("photos/pillow_flower2.jpg"), locked)
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads anything: make the OS refuse the read instead
        real_open = open

        def guarded_open(path, *a, **k):
            if os.fspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *a, **k)

        monkeypatch.setattr("builtins.open", guarded_open)
    summary, _ = run(catalog, root)
    assert summary.indexed == 1 and summary.skipped == []
    assert summary.failed == [(str(locked), "permission denied")]
    assert summary.to_json()["failed_files"] == [{"path": str(locked), "reason": "permission denied"}]
    again, _ = run(catalog, root, rehash=True)
    assert again.failed == [(str(locked), "permission denied")] and again.indexed == 0
    # readable again (chmod does not change the mtime): the next index takes it
    locked.chmod(0o644)
    monkeypatch.undo()
    fixed, _ = run(catalog, root)
    assert fixed.indexed == 1 and fixed.failed == [] and fixed.unchanged == 1
    assert statuses(catalog) == {str(root / "ok.jpg"): "ok", str(locked): "ok"}


def test_file_deleted_during_the_scan(catalog, library, monkeypatch):
    run(catalog, library)
    victim = library / "tree/f04.jpg"
    os.utime(victim, ns=(5, 5))  # changed, so it will be re-read ...
    real_walk = indexer.walk

    def walk_then_delete(root, own=()):
        yield from real_walk(root, own)
        victim.unlink()             # ... but it is gone by the time a worker reads it
        yield FileEntry(str(library / "never-existed.jpg"), 10, 10)

    monkeypatch.setattr(indexer, "walk", walk_then_delete)
    summary, _ = run(catalog, library)
    assert str(victim) in summary.missing
    assert (str(library / "never-existed.jpg"), "file disappeared during the scan") in summary.skipped
    assert statuses(catalog)[str(victim)] == "missing"
    assert sum(1 for s in statuses(catalog).values() if s == "ok") == 14


def test_cancel_keeps_committed_batches_and_the_next_run_resumes(catalog, library, tmp_path):
    cancel = CancelToken()
    job = indexer.index_library(catalog, str(library), cancel=cancel, batch_size=2, workers=1)
    for event in job:
        if event.phase == "index" and event.done >= 4:
            cancel.cancel()
    done_first = len(catalog.photos.identities())
    assert 2 <= done_first < 15
    assert catalog.conn.execute("SELECT state FROM jobs").fetchone()[0] == "cancelled"
    summary, _ = run(catalog, library)
    assert summary.unchanged == done_first and summary.indexed == 15 - done_first
    with Catalog(tmp_path / "fresh.db") as fresh:
        run(fresh, library)
        assert _catalog_content(fresh) == _catalog_content(catalog)


def _catalog_content(cat):
    rows = cat.conn.execute(
        "SELECT path, size, mtime_ns, content_hash, status, width, height, captured_ts, camera_model "
        "FROM photos ORDER BY path").fetchall()
    return rows


def test_crashed_job_is_marked_interrupted(catalog, library):
    catalog.conn.execute("INSERT INTO jobs (kind, state) VALUES ('index', 'running')")
    run(catalog, library)
    states = [r[0] for r in catalog.conn.execute("SELECT state FROM jobs ORDER BY id")]
    assert states == ["interrupted", "completed"]


@pytest.mark.parametrize("workers", [1, 3])
def test_results_do_not_depend_on_worker_count(tmp_path, library, workers):
    with Catalog(tmp_path / f"w{workers}.db") as cat:
        summary, _ = run(cat, library, workers=workers, batch_size=3)
        assert summary.indexed == 15
        assert len(cat.photos.identities()) == 15
