"""Issue 31: one duplicates group per picture, and copies whose capture times were shifted by
whole hours are found while two exposures of one tripod view an hour apart are not copies."""
import os
import shutil

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from app.core.jobs import drive
from benchmarks.duplicates_quality import _save, exposure
from tests.helpers import indexed_catalog as _index
from tests.helpers import sample

T = 1_650_000_000.0


def test_fourteen_versions_of_one_photo_are_one_group_with_its_exact_copies_marked(tmp_path):
    from app.core.duplicates import find_duplicates

    root = tmp_path / "lib"
    im = Image.open(sample("photos/pillow_flower.jpg")).convert("RGB")
    w, h = im.size
    made = [_save(im, root / "flower.jpg", 95, T)]
    shutil.copy2(made[0], root / "flower (1).jpg")
    made.append(str(root / "flower (1).jpg"))
    edits = [(im, 92), (im, 35), (im, 70), (im.resize((w // 2, h // 2)), 90),
             (im.crop((w // 10, h // 10, w - w // 10, h - h // 10)), 90), (ImageOps.grayscale(im), 90),
             (ImageEnhance.Color(im).enhance(1.6), 90), (im.resize((w * 2 // 3, h * 2 // 3)), 85),
             (im.crop((0, 0, w * 4 // 5, h)), 92), (ImageEnhance.Contrast(im).enhance(1.3), 90),
             (ImageEnhance.Brightness(im).enhance(0.85), 88)]
    for n, (edited, quality) in enumerate(edits, start=2):
        made.append(_save(edited, root / f"flower ({n}).jpg", quality, T if n % 2 else None))   # half without EXIF
    shutil.copy2(made[5], root / "flower (13).jpg")
    made.append(str(root / "flower (13).jpg"))
    assert len(made) == 14
    with _index(tmp_path, root) as cat:
        groups = drive(find_duplicates(cat))
    assert len(groups) == 1, [[os.path.basename(p) for p in g.paths] for g in groups]
    group = groups[0]
    assert sorted(group.paths) == sorted(made)                       # all 91 pairs
    assert os.path.basename(group.paths[group.photo_ids.index(group.keeper)]) == "flower.jpg"
    exact = sorted(sorted(os.path.basename(p) for p in g) for g in group.to_json()["exact"])
    assert exact == [["flower (1).jpg", "flower.jpg"], ["flower (13).jpg", "flower (5).jpg"]]


def test_a_copy_whose_time_was_shifted_by_whole_hours_is_found_two_tripod_exposures_are_not(tmp_path):
    from app.core.duplicates import find_duplicates

    root = tmp_path / "lib"
    im = Image.open(sample("photos/tuxpaint-data_cliff.jpg")).convert("RGB")
    _save(im, root / "cliff.jpg", 95, T)
    _save(im, root / "backup" / "cliff.jpg", 90, T + 3600)            # a time-zone fix
    _save(im, root / "backup" / "cliff-date.jpg", 95, T + 2 * 86400)  # the date fixed by hand
    rng = np.random.default_rng(3)
    view = Image.open(sample("photos/opencv-doc_home.jpg")).convert("RGB")
    _save(exposure(view, rng, 6.0, 0, 0), root / "tripod" / "IMG_0100.jpg", 95, T + 50_000)
    _save(exposure(view, rng, 6.0, 0.3, -0.2), root / "tripod" / "IMG_0160.jpg", 95, T + 50_000 + 3600)
    with _index(tmp_path, root) as cat:
        groups = drive(find_duplicates(cat))
    found = sorted(sorted(os.path.relpath(p, root) for p in g.paths) for g in groups)
    assert found == [["backup/cliff-date.jpg", "backup/cliff.jpg", "cliff.jpg"]]


def test_whole_hour_offsets_do_not_rule_a_pair_out():
    from app.core.duplicates import shifted_clock, two_captures

    def row(ts):
        return {"captured_ts": ts}

    assert not two_captures(row(T), row(T + 3600))
    assert not two_captures(row(T), row(T - 7200.4))
    assert not two_captures(row(T), row(T + 86400))
    assert two_captures(row(T), row(T + 3598))
    assert two_captures(row(T), row(T + 1800))
    assert shifted_clock(T, T + 3600 * 9) and not shifted_clock(T, T + 30)


def test_the_same_exposure_test_tells_copies_from_second_exposures():
    import io

    from app.core.sets.same_exposure import compare

    rng = np.random.default_rng(0)
    view = Image.open(sample("photos/opencv-doc_home.jpg")).convert("RGB")
    first = exposure(view, rng, 6.0, 0, 0)

    def gray(im, q):
        buf = io.BytesIO()
        im.convert("RGB").save(buf, "JPEG", quality=q)
        return np.asarray(Image.open(buf).convert("L"))

    a = gray(first, 95)
    assert compare(a, gray(first, 90)).copy
    assert compare(a, gray(ImageEnhance.Brightness(first).enhance(1.2), 90)).copy
    assert not compare(a, gray(exposure(view, rng, 6.0, 0.0, 0.0), 95)).copy
    assert not compare(a, gray(exposure(view, rng, 6.0, 0.4, 0.1), 95)).copy
    assert compare(a, a[::2, ::2]).copy                                 # another size: an edit, not a shot


def test_two_shots_an_hour_apart_whose_pixels_cannot_be_read_stay_two_shots(tmp_path):
    """Raw files (or any the noise test cannot open) with capture times whole hours apart: a
    tripod timelapse an hour apart passes the geometric check, and without the noise test's
    evidence they are two shots, not a copy to suggest rejecting (precision first)."""
    from app.core.duplicates import verify_pair
    from app.core.near_duplicate import Prepared, compare_prepared

    gray = np.asarray(Image.open(sample("photos/opencv-doc_home.jpg")).convert("L"))
    pa, pb = Prepared.of(gray), Prepared.of(gray.copy())
    assert compare_prepared(pa, pb).duplicate
    raws = [tmp_path / "IMG_0001.CR2", tmp_path / "IMG_0002.CR2"]
    for p in raws:
        p.write_bytes(b"not a picture PIL reads")
    ra = {"path": str(raws[0]), "captured_ts": T}
    rb = {"path": str(raws[1]), "captured_ts": T + 3600}
    assert not verify_pair(pa, pb, ra, rb)
    assert verify_pair(pa, pb, ra, {**rb, "captured_ts": T})     # the same time: geometry alone decides


def test_a_picture_over_pillows_pixel_limit_is_unreadable_not_a_crash(tmp_path, monkeypatch):
    """The noise test and the exposure reading run inside `duplicates` and `bursts`: a stitched
    panorama over Pillow's decompression-bomb limit must read as "cannot tell", not raise."""
    from app.core.sets.intent import _file_exposure
    from app.core.sets.same_exposure import load_gray

    path = tmp_path / "pano.jpg"
    Image.new("RGB", (400, 300), "gray").save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)           # 400 x 300 is over twice the limit
    assert load_gray(str(path)) is None
    assert _file_exposure(str(path), 1, 1) == (None, False)
