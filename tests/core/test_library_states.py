"""Issue 27: a library state never makes ``index`` fail, and the catalog passes ``check`` after
every index, whatever renames, deletes, replacements, re-saves, copies, trashes and undos the
user did between the runs."""
import os
import random
import shutil

import numpy as np
import pytest
from PIL import Image

from app.core.catalog import Catalog
from app.core.consistency import check_catalog
from app.core.culling import decide, undo
from app.core.indexer import index_library
from app.core.jobs import drive
from tests.helpers import sample

SOURCES = ["scikit-image_chelsea.jpg", "opencv-doc_fruits.jpg", "pillow_fujifilm.jpg", "opencv-doc_baboon.jpg"]
NAMES = ["a.jpg", "b.jpg", os.fsdecode(b"caf\xe9.jpg"), "sub/d.jpg"]       # one name is not UTF-8


@pytest.fixture
def pictures(tmp_path):
    """Four different small pictures (small, so that hundreds of index runs stay quick)."""
    out = []
    for i, name in enumerate(SOURCES):
        img = Image.open(sample(f"photos/{name}")).convert("RGB")
        img.thumbnail((96, 96))
        path = tmp_path / f"src{i}.jpg"
        img.save(path, quality=90)
        out.append(path)
    return out


def _ab_library(tmp_path, pictures):
    """lib/a.jpg and lib/b.jpg, two different pictures."""
    root = tmp_path / "lib"
    root.mkdir()
    shutil.copy(pictures[0], root / "a.jpg")
    shutil.copy(pictures[1], root / "b.jpg")
    return root


def index(catalog, root, features=None):
    summary = drive(index_library(catalog, str(root), features=features, workers=1))
    report = drive(check_catalog(catalog))
    assert report.problems == 0, report.to_json()
    return summary


def test_trashed_name_taken_by_a_rename_indexes_cleanly(tmp_path, pictures):
    """index {a,b}; pick a --reject; trash --rejected; mv b a; index: was `UNIQUE constraint
    failed: photos.path` on every later run."""
    from app.core.trash import trash_rejected, undo_trash

    root = _ab_library(tmp_path, pictures)
    with Catalog(tmp_path / "c.db") as catalog:
        index(catalog, root)
        decide(catalog, catalog.photos.id_for_path(str(root / "a.jpg")), "pick", -1)
        assert not drive(trash_rejected(catalog)).failed
        os.replace(root / "b.jpg", root / "a.jpg")
        first = index(catalog, root)
        assert (first.moved, first.indexed) == (1, 0)
        again = index(catalog, root)
        assert again.unchanged == 1 and not again.skipped
        rows = {p: i.status for p, i in catalog.photos.identities().items()}
        assert rows == {str(root / "a.jpg"): "ok"}
        assert catalog.decisions.states() == {}          # the reject waits for its own picture
        assert catalog.decisions.waiting() == 1
        # the trashed picture comes back under another name: its reject goes with it
        os.replace(root / "a.jpg", root / "c.jpg")
        undo = drive(undo_trash(catalog))
        assert not undo.failed
        index(catalog, root)
        a = catalog.photos.id_for_path(str(root / "a.jpg"))
        assert catalog.decisions.state(a).pick == -1


def test_deleted_name_taken_by_a_rename_indexes_cleanly(tmp_path, pictures):
    """rm a; index; mv b a; index: was `FOREIGN KEY constraint failed`."""
    root = _ab_library(tmp_path, pictures)
    with Catalog(tmp_path / "c.db") as catalog:
        index(catalog, root)
        b_id = catalog.photos.id_for_path(str(root / "b.jpg"))
        decide(catalog, b_id, "pick", 1)
        catalog.conn.execute("INSERT INTO embeddings (photo_id, model, dim, vector) VALUES (?, 'm', 1, x'00')",
                             (catalog.photos.id_for_path(str(root / "a.jpg")),))
        catalog.conn.commit()
        os.remove(root / "a.jpg")
        assert index(catalog, root).missing == [str(root / "a.jpg")]
        os.replace(root / "b.jpg", root / "a.jpg")
        summary = index(catalog, root)
        assert summary.moved == 1
        assert catalog.photos.id_for_path(str(root / "a.jpg")) == b_id
        assert catalog.decisions.state(b_id).pick == 1
        assert index(catalog, root).unchanged == 1


def _resave(path, quality):
    """The same picture written again (new bytes: other quality)."""
    img = Image.open(path)
    img.load()
    img.save(path, "JPEG", quality=quality)


@pytest.fixture(scope="module")
def pipeline():
    from app.core.features.compute import FeaturePipeline

    return FeaturePipeline()


@pytest.mark.parametrize("seed, with_features", [(s, False) for s in range(12)] + [(s, True) for s in (400, 401, 402)])
def test_random_library_histories_always_index_and_check_cleanly(tmp_path, pictures, seed, with_features, request):
    """With features too: vectors, faces and vector indexes follow every state (seed 400 left
    the vector index stale once: a vector deleted and another stored under its row id)."""
    from app.core.trash import trash_rejected, undo_trash

    features = request.getfixturevalue("pipeline") if with_features else None

    rng = random.Random(seed)
    root = tmp_path / "lib"
    (root / "sub").mkdir(parents=True)
    for name, src in zip(NAMES, pictures):
        shutil.copy(src, root / name)
    log = []
    with Catalog(tmp_path / "c.db") as catalog:
        index(catalog, root, features)
        for step in range(14):
            present = [n for n in NAMES if (root / n).is_file()]
            op = rng.choice(["rename", "delete", "replace", "resave", "copy", "decide", "trash", "undo",
                             "swap", "undo decision", "folder"])
            a, b = rng.choice(NAMES), rng.choice(NAMES)
            if op in ("rename", "copy", "delete", "resave", "decide") and not present:
                op = "replace"
            if op in ("rename", "copy", "delete", "resave", "decide"):
                a = rng.choice(present)
            if (root / b).is_dir() and op != "decide":
                op = "remove folder"                # a folder named like the photo goes first
            log.append((op, a, b))
            if op == "remove folder":
                shutil.rmtree(root / b)
            elif op == "folder":                    # the photo's name now a folder holding a photo
                if (root / b).exists():
                    os.remove(root / b)
                (root / b).mkdir()
                shutil.copy(rng.choice(pictures), root / b / "inside.jpg")
            elif op == "rename" and a != b:
                os.replace(root / a, root / b)
            elif op == "swap" and (root / a).is_file() and (root / b).is_file() and a != b:
                os.replace(root / a, root / "tmp.swp")
                os.replace(root / b, root / a)
                os.replace(root / "tmp.swp", root / b)
            elif op == "delete":
                os.remove(root / a)
            elif op == "replace":
                shutil.copy(rng.choice(pictures), root / b)
            elif op == "resave":
                _resave(root / a, rng.randint(60, 85))
            elif op == "copy" and a != b:
                shutil.copy2(root / a, root / b)
            elif op == "decide":
                pid = catalog.photos.id_for_path(str(root / a))
                if pid is not None:
                    decide(catalog, pid, "pick", rng.choice([-1, 1]))
            elif op == "trash":
                drive(trash_rejected(catalog))
            elif op == "undo":
                drive(undo_trash(catalog))
            elif op == "undo decision":
                undo(catalog)
            try:
                summary = index(catalog, root, features)
            except Exception as exc:
                raise AssertionError(f"seed {seed}, history {log}: {type(exc).__name__}: {exc}") from exc
            on_disk = {str(root / n) for n in NAMES if (root / n).is_file()}
            ok = {p for p, i in catalog.photos.identities().items() if i.status == "ok"}
            assert ok == on_disk, (seed, log, summary.to_json())


def test_check_repair_mends_every_row_that_points_nowhere(tmp_path, pictures):
    """What `check` reports as broken references, `check --repair` mends, keeping decisions."""
    root = _ab_library(tmp_path, pictures)
    with Catalog(tmp_path / "c.db") as catalog:
        index(catalog, root)
        a = catalog.photos.id_for_path(str(root / "a.jpg"))
        a_hash = catalog.photos.get(a)["content_hash"]
        conn = catalog.conn
        conn.execute("PRAGMA foreign_keys=OFF")      # rows a crash of another tool or an old version left
        conn.execute("INSERT INTO people (id, name) VALUES (7, 'gone soon')")
        unit = (np.ones(128, np.float32) / np.sqrt(128)).tobytes()
        conn.execute("INSERT INTO faces (photo_id, x, y, w, h, person_id, model, embedding, landmarks) "
                     "VALUES (?, 1, 1, 5, 5, 7, 'sface', ?, ?)", (a, unit, np.zeros(10, np.float32).tobytes()))
        conn.execute("DELETE FROM people WHERE id = 7")
        conn.execute("INSERT INTO embeddings (photo_id, model, dim, vector) VALUES (999, 'm', 1, x'00')")
        conn.executemany("INSERT INTO decisions (photo_id, kind, value, created_at, content_hash, action_id) "
                         "VALUES (?, 'pick', ?, '2026-01-01T00:00:00+00:00', ?, ?)",
                         [(555, -1, a_hash, 1), (556, 1, "f" * 32, 2), (556, 1, "f" * 32, 3)])
        conn.commit()
        conn.execute("PRAGMA foreign_keys=ON")
        before = drive(check_catalog(catalog))
        assert [(f.kind, f.count) for f in before.findings if f.kind == "references"] == [("references", 5)]
        repaired = drive(check_catalog(catalog, repair=True))
        assert repaired.problems == 0 and repaired.findings[0].repaired == 5
        assert drive(check_catalog(catalog)).findings == []
        assert catalog.decisions.state(a).pick == -1                        # found its picture
        assert conn.execute("SELECT person_id FROM faces").fetchall() == [(None,)]
        assert conn.execute("SELECT COUNT(*) FROM embeddings WHERE photo_id = 999").fetchone() == (0,)
        lost = conn.execute("SELECT id, status FROM photos WHERE content_hash = ?", ("f" * 32,)).fetchall()
        assert len(lost) == 1 and lost[0][1] == "missing"
        assert catalog.decisions.waiting() == 2                              # the two wait for their picture
        index(catalog, root)                                                 # and the index takes them


def test_a_photo_whose_name_became_a_folder_is_missing_and_the_folder_is_reported(tmp_path, pictures):
    root = _ab_library(tmp_path, pictures)
    with Catalog(tmp_path / "c.db") as catalog:
        index(catalog, root)
        os.remove(root / "a.jpg")
        (root / "a.jpg").mkdir()
        shutil.copy(pictures[2], root / "a.jpg" / "inside.jpg")
        summary = index(catalog, root)
        assert summary.missing == [str(root / "a.jpg")]
        assert summary.skipped == [(str(root / "a.jpg"), "a folder named like a photo or a sidecar: not looked into")]
        assert summary.failed == []
        assert {p: i.status for p, i in catalog.photos.identities().items()} == {
            str(root / "a.jpg"): "missing", str(root / "b.jpg"): "ok"}


def test_a_catalog_inside_its_library_does_not_index_its_own_thumbnails(tmp_path, pictures):
    """--db LIBRARY/c.db: the thumbnails beside it were indexed as photos, one more per run."""
    root = tmp_path / "lib"
    root.mkdir()
    shutil.copy(pictures[0], root / "a.jpg")
    with Catalog(root / "c.db") as catalog:
        assert index(catalog, root).indexed == 1
        assert list(catalog.thumbs_dir.rglob("*.jpg"))                  # they are in the library
        again = index(catalog, root)
        assert (again.indexed, again.unchanged) == (0, 1)
        assert list(catalog.photos.identities()) == [str(root / "a.jpg")]
