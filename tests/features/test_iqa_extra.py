"""pyiqa is an optional extra: the default install neither needs nor imports it; where it is
installed its PIQE score becomes a stored quality feature and a reason the user reads."""
from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.core.catalog import Catalog
from app.core.features.compute import FeaturePipeline
from app.core.ranking import reasons_for, _explain_values
from models.features.iqa import IQA_FEATURES, IqaScorer, default_iqa
from models.features.photo_features import RANKER_QUALITY_FEATURES, STORED_QUALITY_FEATURES, PhotoFeatureExtractor

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "resources/demo/scikit-image_chelsea.jpg"
HAS_PYIQA = importlib.util.find_spec("pyiqa") is not None


class MeanDarkness(IqaScorer):
    """A stand-in metric with pyiqa's interface (lower is better), so the wiring is tested
    where pyiqa is not installed."""
    id = "iqa-test"

    def score(self, rgb):
        return {"piqe": float(100 - rgb.mean() / 2.55)}


def test_pyiqa_is_an_extra_and_not_a_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(d.lower().startswith("pyiqa") for d in project["dependencies"])
    assert any(d.startswith("pyiqa") for d in project["optional-dependencies"]["iqa"])


def test_importing_the_pipeline_does_not_import_pyiqa():
    code = ("import sys, app.core.features.compute, app.core.ranking, models.features.photo_features; "
            "sys.exit('pyiqa' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_turned_off_it_stays_out_of_the_pipeline(monkeypatch):
    monkeypatch.setenv("PHOTOTRIAGE_IQA", "0")
    assert default_iqa() is None
    pipe = FeaturePipeline(faces=False)
    assert pipe.iqa is None and "iqa" not in pipe.id


def test_the_pipeline_id_changes_with_the_extra_so_stored_features_are_recomputed():
    plain, scored = FeaturePipeline(faces=False, iqa=False), FeaturePipeline(faces=False, iqa=MeanDarkness())
    assert plain.id != scored.id and scored.id.endswith("/iqa-test")


def test_the_metric_is_a_stored_quality_feature_but_never_a_ranker_input():
    assert set(IQA_FEATURES) <= set(STORED_QUALITY_FEATURES)
    assert not set(IQA_FEATURES) & set(RANKER_QUALITY_FEATURES)


def test_the_extractor_adds_the_metric_and_the_catalog_keeps_it(tmp_path):
    img = Image.open(PHOTO).convert("RGB")
    bright = PhotoFeatureExtractor(iqa=MeanDarkness()).extract_one(img)
    dark = PhotoFeatureExtractor(iqa=MeanDarkness()).extract_one(img.point(lambda v: v // 3))
    assert dark.quality["piqe"] > bright.quality["piqe"]
    assert "piqe" not in PhotoFeatureExtractor().extract_one(img).quality

    class Record:
        model, embedding, quality, faces, pixel_hash, layout = "m", np.ones(4, np.float32), bright.quality, [], "h", None

    with Catalog(tmp_path / "c.db") as cat:
        pid = cat.photos.upsert(str(PHOTO), {"size": 1, "mtime_ns": 1, "content_hash": "h", "status": "ok"})
        with cat.conn:
            cat.features.save(pid, Record, "p")
        assert cat.features.quality([pid])[pid]["piqe"] == pytest.approx(bright.quality["piqe"])


def test_a_clearly_better_metric_is_a_reason_and_an_absent_one_is_not():
    base = {"detail_native": 1.0, "noise_rel": 0.01, "brightness_mean": 0.47}
    explain = {1: _explain_values({**base, "piqe": 20.0}, None), 2: _explain_values({**base, "piqe": 45.0}, None),
               3: _explain_values({**base, "piqe": 50.0}, None)}
    assert "fewer distortions (PIQE)" in reasons_for(1, [2, 3], explain)
    plain = {i: _explain_values(base, None) for i in (1, 2, 3)}
    assert not any("PIQE" in r for r in reasons_for(1, [2, 3], plain))


@pytest.mark.skipif(not HAS_PYIQA, reason="the [iqa] extra (pyiqa) is not installed")
def test_real_piqe_scores_a_damaged_copy_worse(monkeypatch):
    monkeypatch.delenv("PHOTOTRIAGE_IQA", raising=False)
    scorer = default_iqa()
    assert scorer is not None
    img = Image.open(PHOTO).convert("RGB")
    buf = io.BytesIO()
    noisy = np.clip(np.asarray(img, np.float32) + np.random.default_rng(0).normal(0, 25, (img.height, img.width, 3)),
                    0, 255).astype(np.uint8)
    Image.fromarray(noisy).save(buf, "JPEG", quality=10)
    damaged = np.asarray(Image.open(buf).convert("RGB"))
    clean, bad = scorer.score(np.asarray(img))["piqe"], scorer.score(damaged)["piqe"]
    assert 0 <= clean <= 100 and 0 <= bad <= 100
    assert bad > clean + 10, (clean, bad)
