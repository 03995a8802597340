"""The product path at 100 %: a camera-sized JPEG and a copy blurred by sigma 1.3 px (or with
other slight defects) are indexed like any library; the shipped ranker suggests the clean frame
and says why in words the native measurements support."""
import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from benchmarks.triage_library import _save
from tests.helpers import mosaic_2048


def _jpeg(img, quality):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


@pytest.fixture(scope="module")
def slight_defects(tmp_path_factory):
    from tests.triage.test_ranking_learning import _index

    base = tmp_path_factory.mktemp("native")
    clean = mosaic_2048()
    arr = np.asarray(clean, np.float32)
    frames = {
        "clean": clean,
        "blur": clean.filter(ImageFilter.GaussianBlur(1.3)),
        "noise": Image.fromarray(np.clip(arr + np.random.default_rng(1).normal(0, 6, arr.shape), 0, 255).astype(np.uint8)),
        "jpeg": _jpeg(clean, 20),
        "dark": Image.fromarray(np.clip(arr * 0.4, 0, 255).astype(np.uint8)),
    }
    paths = {}
    for i, (name, img) in enumerate(frames.items()):
        paths[name] = base / "lib" / f"{name}.jpg"
        paths[name].parent.mkdir(exist_ok=True)
        _save(img, paths[name], 1.7e9 + 0.3 * i, ("Fujifilm", "X-T4"))
    cat = _index(base / "lib", base / "catalog.db")
    yield cat, {k: cat.photos.id_for_path(str(p)) for k, p in paths.items()}
    cat.close()


@pytest.mark.parametrize("defect", ["blur", "noise", "jpeg", "dark"])
def test_the_clean_frame_beats_a_slight_defect_at_native_resolution(slight_defects, defect):
    from app.core.ranking import BurstRanker

    cat, ids = slight_defects
    ranked = BurstRanker().rank(cat, [ids[defect], ids["clean"]])
    assert ranked.best == ids["clean"], (defect, ranked.scores, ranked.reasons)
    if defect == "blur":
        assert any("sharper" in r for r in ranked.reasons), ranked.reasons


def test_the_whole_burst_suggests_the_clean_frame_with_truthful_reasons(slight_defects):
    from app.core.ranking import BurstRanker

    cat, ids = slight_defects
    ranked = BurstRanker().rank(cat, list(ids.values()))
    assert ranked.best == ids["clean"], ranked.scores
    blurred = BurstRanker().rank(cat, [ids["blur"], ids["dark"]])
    if blurred.best == ids["blur"]:
        assert not any("noise" in r for r in blurred.reasons), blurred.reasons
