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



def test_the_burst_relative_pass_is_kept_and_never_decodes_a_pair_twice(slight_defects, monkeypatch):
    from app.core import burst_detail
    from app.core.ranking import BurstRanker

    cat, ids = slight_defects
    monkeypatch.setattr(burst_detail, "METHOD_VERSION", 1000)        # nothing measured yet
    decoded = []
    real = burst_detail._native_gray
    monkeypatch.setattr(burst_detail, "_native_gray", lambda path: decoded.append(path) or real(path))
    pair = [ids["clean"], ids["blur"]]
    first = burst_detail.detail_evidence(cat, pair)
    assert len(decoded) == 2
    assert first[0, 1] > 0.2 and first[1, 0] == -first[0, 1]          # the clean frame kept the detail
    again = burst_detail.detail_evidence(cat, pair[::-1])
    assert len(decoded) == 2 and again[0, 1] == pytest.approx(first[1, 0])
    # the same comparison serves the ranking: the blurred frame does not win even where the
    # ranker alone slightly prefers it
    ranker = BurstRanker()
    monkeypatch.setattr(ranker, "scores", lambda x: np.array([0.0, 0.5], np.float32))
    assert ranker.rank(cat, pair).best == ids["clean"]
    assert ranker.rank(cat, pair, relative=False).best == ids["blur"]
    assert len(decoded) == 2


def test_a_frame_that_cannot_be_read_is_ranked_without_the_comparison(slight_defects, monkeypatch):
    from app.core import burst_detail
    from app.core.decode import DecodeError
    from app.core.ranking import BurstRanker

    cat, ids = slight_defects
    monkeypatch.setattr(burst_detail, "METHOD_VERSION", 1001)
    noisy = cat.photos.get(ids["noise"])["path"]
    real = burst_detail.decode

    def decode(data, path, **kw):
        if path == noisy:
            raise DecodeError("gone")
        return real(data, path, **kw)

    monkeypatch.setattr(burst_detail, "decode", decode)
    e = burst_detail.detail_evidence(cat, [ids["clean"], ids["noise"]])
    assert np.isnan(e[0, 1])
    assert BurstRanker().rank(cat, [ids["noise"], ids["clean"]]).best == ids["clean"]
    # nothing was stored for the pair: it is measured once the file reads again
    monkeypatch.setattr(burst_detail, "decode", real)
    assert not np.isnan(burst_detail.detail_evidence(cat, [ids["clean"], ids["noise"]])[0, 1])


def test_a_catalog_busy_past_its_timeout_never_stops_the_comparison(slight_defects, monkeypatch):
    import sqlite3

    from app.core import burst_detail
    from app.core.ranking import BurstRanker

    cat, ids = slight_defects
    monkeypatch.setattr(burst_detail, "METHOD_VERSION", 1002)

    def busy(*_a, **_k):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(cat.detail_evidence, "save", busy)
    e = burst_detail.detail_evidence(cat, [ids["clean"], ids["blur"]])
    assert e[0, 1] > 0.2                                                  # measured, just not kept
    assert BurstRanker().rank(cat, [ids["blur"], ids["clean"]]).best == ids["clean"]


def test_a_frame_edited_since_it_was_indexed_is_not_measured_under_its_old_hash(slight_defects, monkeypatch):
    import os
    import shutil

    from app.core import burst_detail

    cat, ids = slight_defects
    monkeypatch.setattr(burst_detail, "METHOD_VERSION", 1003)
    blur = cat.photos.get(ids["blur"])["path"]
    saved = blur + ".kept"
    shutil.copy2(blur, saved)
    try:
        shutil.copyfile(cat.photos.get(ids["clean"])["path"], blur)       # saved over by an editor
        os.utime(blur, ns=(1, 10**9))
        assert np.isnan(burst_detail.detail_evidence(cat, [ids["clean"], ids["blur"]])[0, 1])
    finally:
        shutil.copy2(saved, blur)                                         # as it was indexed
        os.remove(saved)
    assert burst_detail.detail_evidence(cat, [ids["clean"], ids["blur"]])[0, 1] > 0.2
