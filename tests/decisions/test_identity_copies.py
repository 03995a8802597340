"""A decision follows its file and never jumps to another photo that holds the same bytes (a review: identical copies, renumbered names, an edited photo beside a copy of its original)."""
import os
import shutil

from app.core import indexer
from app.core.catalog import Catalog
from app.core.culling import decide
from app.core.jobs import drive
from tests.helpers import sample


def _index(cat, root, workers=2):
    return drive(indexer.index_library(cat, str(root), workers=workers))


def _state(cat, path):
    return cat.decisions.state(cat.photos.id_for_path(str(path)))


def _picked_then_edited(cat, lib) -> int:
    """work/a.jpg indexed, picked and rated 5, then cropped in place and
    indexed again (an edit of the same picture: its decisions carried over); returns its id."""
    from PIL import Image

    _index(cat, lib)
    work = cat.photos.id_for_path(str(lib / "work" / "a.jpg"))
    decide(cat, work, "pick", 1)
    decide(cat, work, "rating", 5)
    img = Image.open(lib / "work" / "a.jpg")
    img.crop((4, 4, img.width - 4, img.height - 4)).save(lib / "work" / "a.jpg", quality=85)   # the edit
    _index(cat, lib)
    return work


def test_identical_copies_keep_their_own_decisions_when_their_folder_is_renamed(tmp_path):
    """Four identical copies in one folder, each rated differently; the folder is renamed.
    Each copy must keep its own rating (the catalog matches moved rows by content only, and
    hands the rows out in the order the workers finish: the ratings are shuffled)."""
    lib = tmp_path / "lib"
    (lib / "x").mkdir(parents=True)
    src = sample("photos/scikit-image_chelsea.jpg")
    names = ["a.jpg", "a copy.jpg", "a copy 2.jpg", "a copy 3.jpg"]
    for n in names:
        shutil.copy2(src, lib / "x" / n)
    cat = Catalog(tmp_path / "c.db")
    _index(cat, lib)
    for rating, n in enumerate(names, 2):
        decide(cat, cat.photos.id_for_path(str(lib / "x" / n)), "rating", rating)
    os.rename(lib / "x", lib / "z")                         # the folder renamed
    s = _index(cat, lib)
    assert s.moved == 4
    assert {n: _state(cat, lib / "z" / n).rating for n in names} == {n: r for r, n in enumerate(names, 2)}


def test_a_reject_never_jumps_to_an_identical_copy_the_user_picked(tmp_path):
    """x/keep.jpg picked; y/IMG_2.jpg (the same bytes) rejected. In y the user renames
    IMG_2 -> IMG_5 and IMG_3 -> IMG_2 (a renumbering). The reject belongs to y/IMG_5."""
    lib = tmp_path / "lib"
    (lib / "x").mkdir(parents=True)
    (lib / "y").mkdir()
    src = sample("photos/scikit-image_chelsea.jpg")
    shutil.copy2(src, lib / "x" / "keep.jpg")
    shutil.copy2(src, lib / "y" / "IMG_2.jpg")
    shutil.copy2(sample("photos/opencv-doc_fruits.jpg"), lib / "y" / "IMG_3.jpg")
    cat = Catalog(tmp_path / "c.db")
    _index(cat, lib)
    decide(cat, cat.photos.id_for_path(str(lib / "x" / "keep.jpg")), "pick", 1)
    decide(cat, cat.photos.id_for_path(str(lib / "y" / "IMG_2.jpg")), "pick", -1)
    os.rename(lib / "y" / "IMG_2.jpg", lib / "y" / "IMG_5.jpg")
    os.rename(lib / "y" / "IMG_3.jpg", lib / "y" / "IMG_2.jpg")
    _index(cat, lib)
    assert _state(cat, lib / "x" / "keep.jpg").pick == 1, "the picked copy became rejected"
    assert _state(cat, lib / "y" / "IMG_5.jpg").pick == -1


def test_an_edited_photo_keeps_its_pick_when_the_library_also_holds_a_copy_of_the_original(tmp_path):
    """work/a.jpg and originals/a.jpg: the same bytes (the photographer keeps the untouched
    original). work/a.jpg is picked and rated 5, then edited in place (re-saved: an edit of the
    same picture, whose decisions are carried over). The pick must stay on work/a.jpg."""
    lib = tmp_path / "lib"
    (lib / "work").mkdir(parents=True)
    (lib / "originals").mkdir()
    src = sample("photos/scikit-image_chelsea.jpg")
    shutil.copy2(src, lib / "work" / "a.jpg")
    shutil.copy2(src, lib / "originals" / "a.jpg")
    cat = Catalog(tmp_path / "c.db")
    _picked_then_edited(cat, lib)
    orig = cat.decisions.state(cat.photos.id_for_path(str(lib / "originals" / "a.jpg")))
    assert orig.pick == 0, "the untouched original took the edited photo's pick"
    st = _state(cat, lib / "work" / "a.jpg")
    assert (st.pick, st.rating) == (1, 5)


def test_an_edit_keeps_its_pick_when_a_copy_of_its_original_arrives_later(tmp_path):
    """A review: the original copied in again by a later index (the card once more, a backup
    restored) took every decision of the photo edited from it."""
    lib = tmp_path / "lib"
    (lib / "work").mkdir(parents=True)
    src = sample("photos/scikit-image_chelsea.jpg")
    shutil.copy2(src, lib / "work" / "a.jpg")
    cat = Catalog(tmp_path / "c.db")
    work = _picked_then_edited(cat, lib)
    st = cat.decisions.state(work)
    assert (st.pick, st.rating) == (1, 5)          # carried over to the edit
    (lib / "card-again").mkdir()
    shutil.copy2(src, lib / "card-again" / "a.jpg")  # the original copied in again, later
    s = _index(cat, lib)
    st = cat.decisions.state(work)
    other = cat.decisions.state(cat.photos.id_for_path(str(lib / "card-again" / "a.jpg")))
    assert (st.pick, st.rating) == (1, 5) and s.decisions_moved == 0     # the edit keeps them
    assert (other.pick, other.rating) == (0, None)
    cat.close()


def test_a_backup_copy_moved_with_its_folder_keeps_its_own_decision_when_the_original_goes(tmp_path):
    """A trial: the original picked (5 stars) and its byte copy in backup/ rejected; the original
    deleted and backup/ renamed bak2/: the copy took the original's pick and stars, and the index
    said the backup copy was missing."""
    lib = tmp_path / "lib"
    (lib / "backup").mkdir(parents=True)
    src = sample("photos/scikit-image_chelsea.jpg")
    shutil.copy2(src, lib / "a.jpg")
    shutil.copy2(src, lib / "backup" / "a.jpg")
    shutil.copy2(sample("photos/opencv-doc_fruits.jpg"), lib / "other.jpg")
    cat = Catalog(tmp_path / "c.db")
    _index(cat, lib)
    original, copy = (cat.photos.id_for_path(str(p)) for p in (lib / "a.jpg", lib / "backup" / "a.jpg"))
    decide(cat, original, "pick", 1)
    decide(cat, original, "rating", 5)
    decide(cat, copy, "pick", -1)
    (lib / "a.jpg").unlink()
    os.rename(lib / "backup", lib / "bak2")
    summary = _index(cat, lib)
    moved = cat.decisions.state(cat.photos.id_for_path(str(lib / "bak2" / "a.jpg")))
    assert (moved.pick, moved.rating) == (-1, None)
    assert summary.missing == [str(lib / "a.jpg")]
    cat.close()
