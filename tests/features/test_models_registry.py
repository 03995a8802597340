import hashlib

import numpy as np
import pytest
from PIL import Image, ImageOps

from app.core.models import ModelUnavailable, registry
from app.core.models.download import DownloadError, download
from app.core.models.registry import Registry
from tests.helpers import sample


def test_offline_defaults_resolve_to_installed_packages():
    reg = registry()
    for name in ("efficientnet_lite0", "yunet", "sface"):
        assert reg.available(name), name
        assert reg[name].origin == "package"
    for kind in ("photo_embedding", "face_detection", "face_embedding"):
        assert reg.defaults[kind] in reg.specs
    for spec in reg.specs.values():
        assert spec.licence and spec.preprocess is not None


def test_the_registry_describes_the_detector_as_it_runs():
    from models.face.detection import DETECT_MAX_SIDE, DETECT_THRESHOLD, NMS_THRESHOLD

    assert registry()["yunet"].preprocess == {"max_side": DETECT_MAX_SIDE, "score_threshold": DETECT_THRESHOLD,
                                              "nms": NMS_THRESHOLD}


def test_missing_download_fails_with_an_actionable_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PHOTOTRIAGE_MODEL_CACHE", str(tmp_path))
    reg = Registry({"models": {"m": {"kind": "photo_embedding", "source": {
        "type": "url", "url": "http://127.0.0.1:9/none.pt", "sha256": "0" * 64, "file": "none.pt"}}}})
    with pytest.raises(ModelUnavailable, match="phototriage models fetch m"):
        reg.path("m", allow_download=False)
    with pytest.raises(ModelUnavailable, match="could not be downloaded"):
        reg.path("m", allow_download=True)
    assert not list(tmp_path.rglob("*.pt"))


def test_download_checks_the_checksum_and_reports_progress(tmp_path):
    src = tmp_path / "weights.bin"
    src.write_bytes(b"x" * 300_000)
    good = hashlib.sha256(src.read_bytes()).hexdigest()
    seen = []
    out = download(src.as_uri(), tmp_path / "cache" / "w.bin", good, lambda d, t: seen.append(d))
    assert out.read_bytes() == src.read_bytes() and seen[-1] == 300_000
    with pytest.raises(DownloadError, match="checksum"):
        download(src.as_uri(), tmp_path / "cache" / "bad.bin", "f" * 64)
    assert not (tmp_path / "cache" / "bad.bin").exists()
    assert not list((tmp_path / "cache").glob(".*part"))


def test_embeddings_are_deterministic_unit_and_batch_independent():
    from app.core.features.embedders import load_embedder

    im = Image.open(sample("photos/scikit-image_chelsea.jpg")).convert("RGB")
    mirrored = ImageOps.mirror(im)
    emb = load_embedder()
    a, b = emb.embed([im]), emb.embed([im])
    assert np.array_equal(a, b)
    assert np.linalg.norm(a[0]) == pytest.approx(1.0, abs=1e-5)
    both = emb.embed([im, mirrored])
    assert np.allclose(both[0], a[0], atol=1e-5)
    assert np.allclose(both[1], emb.embed([mirrored])[0], atol=1e-5)
    # one pass per photo: the mirror image is a different (but close) vector; searches add a mirrored view
    assert 0.6 < float(a[0] @ both[1]) < 0.9999


def test_query_embedder_gives_the_index_vectors_without_torch():
    from app.core.features.embedders import load_embedder, load_query_embedder

    im = Image.open(sample("photos/scikit-image_chelsea.jpg")).convert("RGB")
    indexed = load_embedder().embed([im])[0]          # exports the ONNX copy on first load
    query = load_query_embedder()
    assert type(query).__name__ == "OnnxEmbedder"
    assert float(query.embed([im])[0] @ indexed) > 0.999
