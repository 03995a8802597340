import os

import numpy as np
import pytest
from PIL import Image, ImageOps

from app.core.duplicates import find_duplicates
from app.core.jobs import drive
from app.core.people import people
from app.core.search import search_by_example, search_by_face
from app.core.vector_index import VectorIndex, index_path, open_index
from models.features.quality import QUALITY_FEATURES
from tests.features.conftest import DISTINCT, SOURCE, exif_rotated


def test_index_stores_features_embeddings_and_faces(featured):
    cat, summary = featured["catalog"], featured["summary"]
    n_ok = cat.photos.counts()["ok"]
    assert summary.featured == n_ok and not summary.feature_errors
    assert cat.features.count("efficientnet_lite0") == n_ok
    q = next(iter(cat.features.quality([1]).values()))
    assert all(q[name] is not None for name in QUALITY_FEATURES)
    faces = cat.features.faces()
    assert len(faces) >= 20 and all(f["embedding"].shape == (128,) for f in faces)


def test_rescan_recomputes_nothing(featured):
    from app.core.indexer import index_library

    summary = drive(index_library(featured["catalog"], str(featured["root"]), features=featured["pipeline"]))
    assert summary.indexed == 0 and summary.featured == 0


@pytest.mark.parametrize("edit", ["crop", "mirror", "grayscale", "exif_rotation", "small"])
def test_search_finds_the_edited_copy_first(featured, tmp_path, edit):
    src = featured["root"] / "photos" / DISTINCT[5]
    im = Image.open(src).convert("RGB")
    query = tmp_path / f"query_{edit}.jpg"
    if edit == "crop":
        im.crop((im.width * .15, im.height * .1, im.width * .85, im.height * .9)).save(query)
    elif edit == "mirror":
        ImageOps.mirror(im).save(query)
    elif edit == "grayscale":
        ImageOps.grayscale(im).save(query)
    elif edit == "small":
        im.resize((im.width // 4, im.height // 4)).save(query, quality=40)
    else:
        exif_rotated(src, query)
    results = search_by_example(featured["catalog"], str(query), k=5)
    assert results[0].path == str(src)
    assert results[0].verified                       # confirmed on local evidence, not only by the embedding


def test_search_by_face_finds_the_same_person(featured):
    root = featured["root"] / "faces" / "deepface_P02"
    query = sorted(root.iterdir())[0]
    results = search_by_face(featured["catalog"], str(query), k=8)
    top = [r.path for r in results[:6]]
    assert all("deepface_P02" in p for p in top)
    # every result says whether it reaches the same-person threshold; other people do not
    assert results[0].same_person
    assert not any(r.same_person for r in results if "deepface_P02" not in r.path), \
        [(r.path, round(r.similarity, 3)) for r in results]


def test_duplicates_group_the_crafted_copies_and_nothing_else(featured):
    groups = drive(find_duplicates(featured["catalog"]))
    copies = featured["root"] / "copies"
    source = str(featured["root"] / "photos" / SOURCE)
    near = [g for g in groups if g.kind == "near"]
    assert not [g for g in groups if g.kind == "exact"]      # the identical pair is inside the picture's group
    crafted = {source, *(str(p) for p in copies.iterdir())}
    big = [g for g in near if set(g.paths) & crafted]
    assert len(big) == 1 and set(big[0].paths) == crafted
    path_of = dict(zip(big[0].photo_ids, big[0].paths))
    assert [sorted(path_of[i] for i in e) for e in big[0].exact] == [sorted([source, str(copies / "exact_copy.jpg")])]
    distinct = {str(featured["root"] / "photos" / n) for n in DISTINCT} - {source}
    for g in groups:
        assert len(set(g.paths) & distinct) == 0, g.paths       # zero false groups among distinct photos
    keeper = big[0].paths[big[0].photo_ids.index(big[0].keeper)]
    assert keeper in (source, str(copies / "exact_copy.jpg")), keeper         # the original, never an edited copy


def test_face_clusters_by_person_precision_and_recall(featured):
    clusters = people(featured["catalog"])
    labelled = [(c.label, os.path.basename(os.path.dirname(f["path"]))) for c in clusters for f in c.faces
                if c.label != "unknown"]
    singles = sum(len(c.faces) for c in clusters if c.label == "unknown")
    truth = [os.path.basename(os.path.dirname(f["path"])) for c in clusters for f in c.faces]
    pred = [i for i, c in enumerate(clusters) for _ in c.faces]
    same_t = np.equal.outer(truth, truth)
    same_p = np.equal.outer(pred, pred)
    iu = np.triu_indices(len(truth), 1)
    tp = (same_t & same_p)[iu].sum()
    precision = tp / max(1, same_p[iu].sum())
    recall = tp / max(1, same_t[iu].sum())
    print(f"face clustering: pairwise precision {precision:.3f}, recall {recall:.3f}, "
          f"{len(clusters)} clusters, {singles} singletons")
    assert precision >= 0.95 and recall >= 0.8 and labelled


def test_faiss_index_is_rebuilt_after_the_file_is_deleted(featured):
    cat = featured["catalog"]
    index = open_index(cat, "photos", "efficientnet_lite0")
    path = index_path(cat, "photos", "efficientnet_lite0")
    assert path.exists()
    path.unlink()
    again = open_index(cat, "photos", "efficientnet_lite0")
    assert path.exists() and again.count == index.count == cat.features.count("efficientnet_lite0")
    # a stale manifest (count disagreeing with the catalog) is repaired too
    manifest = path.with_suffix(".faiss.json")
    manifest.write_text(manifest.read_text().replace(f'"count": {again.count}', '"count": 1'))
    assert open_index(cat, "photos", "efficientnet_lite0").count == again.count


def test_approximate_index_recall_at_the_threshold():
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(300, 256)).astype(np.float32)
    x = centres[rng.integers(0, 300, 6000)] + 0.6 * rng.normal(size=(6000, 256)).astype(np.float32)
    ids = np.arange(6000, dtype=np.int64) * 2 + 1
    approx = VectorIndex.build(ids, x, threshold=5000)
    exact = VectorIndex.build(ids, x, threshold=10**9)
    assert approx.kind == "ivf" and exact.kind == "flat"
    q = x[rng.choice(6000, 300, replace=False)] + 0.02 * rng.normal(size=(300, 256)).astype(np.float32)
    got = [{h.id for h in hits} for hits in approx.search(q, 10)]
    truth = [{h.id for h in hits} for hits in exact.search(q, 10)]
    recall = sum(len(a & t) for a, t in zip(got, truth)) / sum(len(t) for t in truth)
    assert recall >= 0.99 and approx.recall >= 0.99


def test_ivf_probes_stay_within_the_scan_budget(monkeypatch):
    import app.core.vector_index as vi

    monkeypatch.setattr(vi, "SCAN_BUDGET", 2000 * 32)          # at most ~2000 vectors of 32-D per query
    rng = np.random.default_rng(2)
    x = rng.normal(size=(8000, 32)).astype(np.float32)         # no structure: the budget, not the target, stops it
    index = VectorIndex.build(np.arange(8000, dtype=np.int64), x, threshold=5000)
    per_list = 8000 / index.index.nlist
    assert index.index.nprobe == index.max_nprobe and index.index.nprobe * per_list <= 2000
    q = x[:200] + 0.02 * rng.normal(size=(200, 32)).astype(np.float32)
    exact = VectorIndex.build(np.arange(8000, dtype=np.int64), x.copy(), threshold=10**9)
    got = [{h.id for h in hits} for hits in index.search(q, 10)]
    truth = [{h.id for h in hits} for hits in exact.search(q, 10)]
    measured = sum(len(a & t) for a, t in zip(got, truth)) / 2000
    assert 0.3 < index.recall < 0.99 and abs(measured - index.recall) < 0.1     # reported honestly


def test_a_rescan_of_an_unchanged_library_loads_no_model(tmp_path):
    import shutil

    from app.core.catalog import Catalog
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library
    from app.core.jobs import drive
    from tests.helpers import sample

    root = tmp_path / "lib"
    shutil.copytree(sample("bursts/ocv-basketball"), root)
    with Catalog(tmp_path / "c.db") as cat:
        first = FeaturePipeline()
        assert drive(index_library(cat, str(root), features=first, workers=1)).indexed == 2 and first.loaded
        again = FeaturePipeline()
        summary = drive(index_library(cat, str(root), features=again, workers=1))
        assert summary.unchanged == 2 and not again.loaded
