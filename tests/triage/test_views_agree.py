"""Issue 31: the cull view and the duplicates view never give opposite advice on the same
files. An original portrait with a q92, a blurred and a q35 copy next to it (no EXIF, one file
time: a messenger download) is one duplicates group kept by the original, not a burst whose
best is a copy; copies of a frame among real burst frames are listed as copies, and the burst
is ranked over distinct frames."""
import os
import shutil

from PIL import Image, ImageFilter

from app.core.jobs import drive
from benchmarks.triage_library import _save
from tests.helpers import indexed_catalog as _catalog
from tests.helpers import sample

STAMP = 1_700_000_000


def _write(im, path, quality, blur=0.0):
    path.parent.mkdir(parents=True, exist_ok=True)
    (im.filter(ImageFilter.GaussianBlur(blur)) if blur else im).save(path, "JPEG", quality=quality)
    os.utime(path, (STAMP, STAMP))


def test_a_portrait_and_its_copies_get_one_advice(tmp_path):
    from app.core.duplicates import find_duplicates
    from app.core.triage import ranked_bursts

    root = tmp_path / "lib"
    face = Image.open(sample("faces/Kit_Harington/john1.jpg")).convert("RGB")
    _write(face, root / "portrait.jpg", 97)
    _write(face, root / "portrait-q92.jpg", 92)
    _write(face, root / "portrait-blur.jpg", 92, blur=1.2)
    _write(face, root / "portrait-q35.jpg", 35)
    with _catalog(tmp_path, root) as cat:
        views = drive(ranked_bursts(cat))
        groups = drive(find_duplicates(cat))
    names = lambda paths: sorted(os.path.basename(p) for p in paths)  # noqa: E731
    advised_best = {os.path.basename(v.paths[v.photo_ids.index(v.best)]) for v in views if v.best is not None}
    keepers = {os.path.basename(g.paths[g.photo_ids.index(g.keeper)]) for g in groups}
    in_bursts = {os.path.basename(p) for v in views for p in v.paths}
    in_groups = {os.path.basename(p) for g in groups for p in g.paths}
    assert not (in_bursts & in_groups) or advised_best <= keepers, (views, groups)
    assert keepers == {"portrait.jpg"}
    assert not views, [names(v.paths) for v in views]                 # copies only: no burst


def _burst_with_copies(tmp_path):
    """A real 5-frame burst with an exact copy of f03 ("f03 (1).jpg") and a q80 export of f02
    keeping its EXIF; (the library folder, the burst's source frames)."""
    root = tmp_path / "lib"
    frames = sorted(sample("bursts/hamilton-burst01_t1s").glob("*.jpg"))
    (root / "burst").mkdir(parents=True)
    for i, src in enumerate(frames):
        _save(Image.open(src), root / "burst" / src.name, 1.7e9 + 0.4 * i, ("Canon", "EOS R6"))
    shutil.copy2(root / "burst" / "f03.jpg", root / "burst" / "f03 (1).jpg")                 # an exact copy
    Image.open(root / "burst" / "f02.jpg").save(root / "burst" / "f02-export.jpg", quality=80,
                                                  exif=Image.open(root / "burst" / "f02.jpg").getexif())
    return root, frames


def test_copies_among_burst_frames_are_shown_as_copies(tmp_path):
    from app.core.bursts import find_bursts
    from app.core.duplicates import find_duplicates

    root, frames = _burst_with_copies(tmp_path)
    with _catalog(tmp_path, root) as cat:
        bursts = find_bursts(cat)
        groups = drive(find_duplicates(cat))
    assert len(bursts) == 1
    b = bursts[0]
    assert sorted(os.path.basename(p) for p in b.paths) == [f.name for f in frames]     # distinct frames only
    copies = {os.path.basename(k): sorted(os.path.basename(c) for c in v) for k, v in b.copy_paths.items()}
    assert copies == {"f02.jpg": ["f02-export.jpg"], "f03.jpg": ["f03 (1).jpg"]}
    near = [sorted(os.path.basename(p) for p in g.paths) for g in groups]
    assert sorted(near) == [["f02-export.jpg", "f02.jpg"], ["f03 (1).jpg", "f03.jpg"]]
    for g in groups:                                 # the duplicates view keeps the frame the burst ranks
        assert g.paths[g.photo_ids.index(g.keeper)] in b.paths


def test_a_best_frame_the_user_marked_on_a_copy_stays_a_frame_of_its_burst(tmp_path):
    """The user marked the best frame before copies were told apart (or chose the export): that
    file stays the burst's frame, with the original listed as its copy. Folded away as a copy,
    their best would vanish from the cull view, a suggestion would show instead, and marking
    another best would leave two in the burst (the rule unmarks only the burst's frames)."""
    from app.core.bursts import find_bursts
    from app.core.culling import decide

    root, frames = _burst_with_copies(tmp_path)
    with _catalog(tmp_path, root) as cat:
        ids = {os.path.basename(p): pid for pid, p in ((r[0], r[1]) for r in cat.photos.timeline())}
        decide(cat, ids["f02-export.jpg"], "best", 1)
        b, = find_bursts(cat)
        names = sorted(os.path.basename(p) for p in b.paths)
        assert "f02-export.jpg" in names and "f02.jpg" not in names
        assert b.copies[ids["f02-export.jpg"]] == [ids["f02.jpg"]]
        decide(cat, ids["f03 (1).jpg"], "best", 1, burst=b.photo_ids)                  # an exact copy too
        b, = find_bursts(cat)
        assert ids["f03 (1).jpg"] in b.photo_ids and ids["f03.jpg"] not in b.photo_ids


def test_of_identical_files_the_one_in_the_cards_folder_is_the_frame(tmp_path):
    """A trial: exact copies of two frames in backup/ took the frames' places in the burst, so
    decisions in the cull view landed on the backup's files (then exported or trashed)."""
    import shutil

    from app.core.bursts import distinct_frames
    from app.core.catalog import Catalog
    from app.core.indexer import index_library
    from app.core.jobs import drive
    from tests.helpers import sample

    root = tmp_path / "lib"
    (root / "card").mkdir(parents=True)
    (root / "a-backup").mkdir()                        # sorts (and is indexed) first
    for src in sorted(sample("bursts/hamilton-burst01_t1s").glob("*.jpg")):
        shutil.copy2(src, root / "card" / src.name)
    for name in ("f03.jpg", "f04.jpg"):
        shutil.copy2(root / "card" / name, root / "a-backup" / name)
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(root)))
        copies: dict = {}
        kept = distinct_frames(cat, copies)
        folders = {os.path.basename(os.path.dirname(f.path)) for f in kept}
        assert folders == {"card"} and len(kept) == 5
        assert sorted(os.path.basename(os.path.dirname(cat.photos.get(c)["path"])) for v in copies.values()
                      for c in v) == ["a-backup", "a-backup"]
