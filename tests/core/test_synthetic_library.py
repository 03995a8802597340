"""The generated libraries the scale benchmarks run on (benchmarks/synthetic_library.py,
synthetic_catalog.py) keep the real photos' similarity structure, and a generated catalog is a
catalog the product works on: its bursts are found, its planted copies are the duplicates."""
import numpy as np
import pytest

from app.core.jobs import drive


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from benchmarks.synthetic_library import real_sample

    return real_sample(tmp_path_factory.mktemp("real"))


def test_generated_similarities_match_the_real_photos(real):
    from benchmarks.synthetic_library import LibraryGenerator, profiles

    vectors, structure = LibraryGenerator(real, seed=1).generate(20_000)
    assert vectors.shape == (20_000, real.embeddings.shape[1])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert abs((vectors == 0).mean() - (real.embeddings == 0).mean()) < 0.02     # a ReLU network's zeros
    p = profiles(real, vectors, structure)
    (real_lo, real_mid, _), (gen_lo, gen_mid, _) = p["real"]["random_pairs"], p["generated"]["random_pairs"]
    assert abs(gen_mid - real_mid) < 0.06 and abs(gen_lo - real_lo) < 0.06
    (real_lo, real_mid, _), (gen_lo, gen_mid, _) = p["real"]["burst_frames"], p["generated"]["burst_frames"]
    assert abs(gen_mid - real_mid) < 0.02 and abs(gen_lo - real_lo) < 0.12
    copies = np.flatnonzero(structure.copy_of >= 0)
    assert len(copies) == 400
    sims = np.einsum("ij,ij->i", vectors[copies], vectors[structure.copy_of[copies]])
    assert sims.min() > 0.99


def test_a_generated_catalog_has_bursts_and_exactly_its_planted_copies(real, tmp_path):
    from app.core.catalog import Catalog
    from app.core.duplicates import find_duplicates
    from app.core.triage import ranked_bursts
    from benchmarks.scale import duplicate_scores
    from benchmarks.synthetic_catalog import build_catalog

    db, truth = build_catalog(tmp_path, 1500, real, workers=1)
    assert len(truth) == 30
    with Catalog(db) as cat:
        assert cat.photos.counts()["ok"] == 1500
        bursts = drive(ranked_bursts(cat))
        groups = drive(find_duplicates(cat))
        rejected = {pid for pid, s in cat.decisions.states().items() if s.pick == -1}
    # (the generated decisions reject a fifth of the photos at random: a rejected frame is never
    # suggested, so a burst with one frame left has no suggestion)
    open_bursts = [b for b in bursts if sum(pid not in rejected for pid in b.photo_ids) >= 2]
    assert len(open_bursts) > 150 and all(b.best is not None and b.best not in rejected for b in open_bursts)
    scores = duplicate_scores([g.to_json() for g in groups], truth)
    assert scores["recall"] == 1.0 and scores["precision"] == 1.0, scores
