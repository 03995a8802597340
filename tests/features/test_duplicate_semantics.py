"""Duplicates mean duplicates: frames of a burst are the burst's business, and the suggested
keeper is the original, not a later mirrored, cropped or re-encoded copy."""
import os
import shutil

from PIL import Image

from app.core.duplicates import suggest_keeper
from app.core.jobs import drive
from benchmarks.triage_library import _save
from tests.helpers import sample


def _count_comparisons(monkeypatch) -> list:
    """A list that grows by one for every pair the duplicates job compares."""
    from app.core import duplicates

    calls = []
    real = duplicates.compare_prepared
    monkeypatch.setattr(duplicates, "compare_prepared", lambda a, b: calls.append(1) or real(a, b))
    return calls


def _row(pixels, meta, mtime, sharp=2.0):
    return {"pixels": pixels, "meta": meta, "mtime_ns": mtime, "sharpness": sharp}


def test_the_keeper_is_the_original():
    rows = {1: _row(12_000_000, 2, 100), 2: _row(12_000_000, 2, 900, 2.2),    # a later, crisper-looking copy
            3: _row(12_000_000, 0, 50), 4: _row(3_000_000, 2, 10)}            # EXIF stripped; a resized one
    assert suggest_keeper([2, 1, 3, 4], rows) == 1
    assert suggest_keeper([3, 4], rows) == 3            # resolution first


def test_burst_frames_are_not_near_duplicates_but_identical_pixels_are(tmp_path):
    from app.core.catalog import Catalog
    from app.core.duplicates import find_duplicates
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library

    root = tmp_path / "lib"
    frames = []
    for b, burst in enumerate(("hamilton-burst01_t1s", "visp-cube-burst02_from0040")):
        (root / burst).mkdir(parents=True)
        for i, src in enumerate(sorted(sample(f"bursts/{burst}").glob("*.jpg"))):
            frames.append(root / burst / src.name)
            _save(Image.open(src), frames[-1], 1.7e9 + 100 * b + 0.4 * i, ("Canon", "EOS R6"))
    copy = root / "copy_of_f03.jpg"
    shutil.copy2(root / "hamilton-burst01_t1s" / "f03.jpg", copy)
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
        groups = drive(find_duplicates(cat))
    near = [g for g in groups if g.kind == "near"]
    assert not near, [[os.path.relpath(p, root) for p in g.paths] for g in near]
    exact = [sorted(os.path.basename(p) for p in g.paths) for g in groups if g.kind == "exact"]
    assert exact == [["copy_of_f03.jpg", "f03.jpg"]]


def test_a_copy_of_a_frame_does_not_pull_the_next_frame_in(tmp_path):
    """A trial: with file times only, "f03 (1).jpg" beside a burst made f04 a near duplicate of
    f03 (the copy's name broke the frames' numbered sequence)."""
    from app.core.catalog import Catalog
    from app.core.duplicates import find_duplicates
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library

    root = tmp_path / "lib"
    shutil.copytree(sample("bursts/hamilton-burst01_t1s"), root)
    shutil.copy2(root / "f03.jpg", root / "f03 (1).jpg")
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
        groups = drive(find_duplicates(cat))
    assert [(g.kind, sorted(os.path.basename(p) for p in g.paths)) for g in groups] == \
        [("exact", ["f03 (1).jpg", "f03.jpg"])]


def test_an_export_of_a_burst_frame_joins_that_frame_only(tmp_path):
    """A trial: a same-size re-export of frame 5 of a tripod burst also matched frame 4, and the
    three became one picture (whose "keep one" then rejected the user's best frame)."""
    from app.core.catalog import Catalog
    from app.core.duplicates import find_duplicates
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library

    root = tmp_path / "lib"
    (root / "card").mkdir(parents=True)
    for i, src in enumerate(sorted(sample("bursts/hamilton-burst01_t1s").glob("*.jpg"))):
        _save(Image.open(src), root / "card" / f"IMG_{i + 1:04d}.jpg", 1.7e9 + 0.4 * i, ("Canon", "EOS R6"))
    frame = Image.open(root / "card" / "IMG_0005.jpg")
    (root / "edits").mkdir()
    frame.save(root / "edits" / "IMG_0005.jpg", quality=95, exif=frame.info["exif"])
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
        groups = drive(find_duplicates(cat))
    assert [sorted(os.path.relpath(p, root) for p in g.paths) for g in groups] == \
        [["card/IMG_0005.jpg", "edits/IMG_0005.jpg"]]


def test_numbered_frames_are_a_sequence_a_copys_name_is_not():
    from app.core.duplicates import numbered_sequence

    assert numbered_sequence("/a/f03.jpg", "/a/f04.jpg")
    assert numbered_sequence("/a/IMG_0412.JPG", "/b/IMG_0413.jpg")
    assert not numbered_sequence("/a/IMG_0412.jpg", "/a/IMG_0412 (1).jpg")
    assert not numbered_sequence("/a/x.jpg", "/a/x-edit.jpg")
    assert not numbered_sequence("/a/f03.jpg", "/a/f03.jpg")


def test_copies_without_capture_times_are_duplicates_and_verdicts_are_kept(tmp_path, monkeypatch):
    """Copies with file times only (a burst by file time is a guess) are verified, not skipped;
    a re-run verifies nothing again; new content in a file is verified afresh."""
    from app.core import duplicates
    from app.core.catalog import Catalog
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library

    root = tmp_path / "lib"
    root.mkdir()
    src = Image.open(sample("photos/tuxpaint-data_cliff.jpg")).convert("RGB")
    src.save(root / "cliff.jpg", quality=95)
    src.save(root / "cliff-small.jpg", quality=60)
    src.resize((src.width // 2, src.height // 2)).save(root / "cliff-half.jpg", quality=90)
    shutil.copy2(sample("photos/scikit-image_chelsea.jpg"), root / "cat.jpg")
    for p in root.iterdir():
        os.utime(p, (1.7e9, 1.7e9))                  # one file time for all, as after a copy
    calls = _count_comparisons(monkeypatch)
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
        first = drive(duplicates.find_duplicates(cat))
        verified = len(calls)
        second = drive(duplicates.find_duplicates(cat))
        assert len(calls) == verified > 0                 # every verdict came from the catalog
        near = [sorted(os.path.basename(p) for p in g.paths) for g in first if g.kind == "near"]
        assert near == [["cliff-half.jpg", "cliff-small.jpg", "cliff.jpg"]]
        assert [g.paths for g in second] == [g.paths for g in first]
        w, h = src.size                                   # new content in one file: a crop
        src.crop((w // 10, h // 10, w - w // 10, h - h // 10)).save(root / "cliff-small.jpg", quality=90)
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
        third = drive(duplicates.find_duplicates(cat))
        assert len(calls) > verified                      # the new picture was verified, not looked up
        near = [sorted(os.path.basename(p) for p in g.paths) for g in third if g.kind == "near"]
        assert near == [["cliff-half.jpg", "cliff-small.jpg", "cliff.jpg"]]


def test_two_capture_times_are_two_shots_a_copy_keeps_its_originals_time(tmp_path, monkeypatch):
    """An export keeps the camera's capture time: it is verified and found. The same picture
    with another capture time (the photographer pressed the shutter again) is a second shot:
    never verified, never a duplicate, although its pixels would pass verification."""
    from app.core import duplicates
    from app.core.catalog import Catalog
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library

    root = tmp_path / "lib"
    root.mkdir()
    src = Image.open(sample("photos/tuxpaint-data_cliff.jpg")).convert("RGB")
    camera, t = ("Canon", "EOS R6"), 1.7e9
    _save(src, root / "IMG_0001.jpg", t, camera)
    _save(src.resize((src.width // 2, src.height // 2)), root / "IMG_0001-export.jpg", t, camera)
    _save(src.point(lambda v: min(255, int(v * 1.1))), root / "IMG_0007.jpg", t + 30, camera)
    calls = _count_comparisons(monkeypatch)
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
        groups = drive(duplicates.find_duplicates(cat))
    near = [sorted(os.path.basename(p) for p in g.paths) for g in groups if g.kind == "near"]
    assert near == [["IMG_0001-export.jpg", "IMG_0001.jpg"]]
    assert len(calls) == 1                               # the second shot was never compared


def test_two_captures_needs_both_camera_times_a_second_apart():
    from app.core.duplicates import two_captures

    def row(ts):
        return {"captured_ts": ts}

    assert two_captures(row(100.0), row(101.0))
    assert not two_captures(row(100.0), row(100.6))     # a copy that lost its sub-seconds
    assert not two_captures(row(100.0), row(None))      # a messenger stripped the time
    assert not two_captures(row(None), row(None))


def test_a_copy_under_another_name_in_another_folder_does_not_pull_the_next_frame_in(tmp_path):
    """A trial: `zcard/` holding a burst (file times only) and `export/f03_edit.jpg`, a byte copy
    of f03: f04 joined their group, and "keep one" rejected it."""
    from app.core.catalog import Catalog
    from app.core.duplicates import find_duplicates
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library

    root = tmp_path / "lib"
    shutil.copytree(sample("bursts/hamilton-burst01_t1s"), root / "zcard")
    (root / "export").mkdir()
    shutil.copy2(root / "zcard" / "f03.jpg", root / "export" / "f03_edit.jpg")
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
        groups = drive(find_duplicates(cat))
    assert [(g.kind, sorted(os.path.relpath(p, root) for p in g.paths)) for g in groups] == \
        [("exact", ["export/f03_edit.jpg", "zcard/f03.jpg"])]
