"""Duplicates mean duplicates: frames of a burst are the burst's business, and the suggested
keeper is the original, not a later mirrored, cropped or re-encoded copy."""
import os
import shutil

from PIL import Image

from app.core.duplicates import suggest_keeper
from app.core.jobs import drive
from benchmarks.triage_library import _save
from tests.helpers import sample


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
