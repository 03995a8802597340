"""RAW files are judged at the sensor's pixels: where the embedded preview is smaller than half
the sensor, the index develops the file at half size and the burst-relative pass in full; the
preview still makes the overview (thumbnail, embedding, faces)."""
import io
import sys
import types

import numpy as np
import pytest
from PIL import Image

from app.core.decode import decode, needs_develop
from tests.features.raw_samples import CANON_30D, SONY_A7RM3, raw_sample


def test_the_preview_is_developed_past_only_when_smaller_than_half_the_sensor():
    assert needs_develop((1616, 1080), (5184, 3464))         # Sony A7R III: 31 % of the sensor
    assert not needs_develop((6000, 4000), (6000, 4000))     # a full-size preview
    assert not needs_develop((3000, 2000), (6000, 4000))     # exactly half: good enough
    assert needs_develop((160, 120), (640, 480))


def _fake_rawpy(monkeypatch, preview_size, sensor=(6000, 4000), flip=6):
    buf = io.BytesIO()
    Image.new("RGB", preview_size, (90, 120, 150)).save(buf, "JPEG")
    calls = []

    class FakeRaw:
        sizes = types.SimpleNamespace(width=sensor[0], height=sensor[1], flip=flip)

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def extract_thumb(self):
            return types.SimpleNamespace(format="jpeg", data=buf.getvalue())

        def postprocess(self, **kw):
            calls.append(kw)
            f = 2 if kw["half_size"] else 1
            return np.full((sensor[1] // f, sensor[0] // f, 3), 100, np.uint8)

    fake = types.SimpleNamespace(
        imread=lambda f: FakeRaw(), LibRawNoThumbnailError=type("E1", (Exception,), {}),
        LibRawError=type("E2", (Exception,), {}), ThumbFormat=types.SimpleNamespace(JPEG="jpeg"),
        DemosaicAlgorithm=types.SimpleNamespace(LINEAR="linear"))
    monkeypatch.setitem(sys.modules, "rawpy", fake)
    return calls


def test_index_develops_half_size_and_the_burst_pass_full(monkeypatch):
    calls = _fake_rawpy(monkeypatch, (600, 400))
    index = decode(b"II*\x00fake-raw", "x.ARW", native=True)
    assert calls[-1]["half_size"] and calls[-1]["user_flip"] == 0
    assert index.native_source == "raw-half" and index.native_view.size == (2000, 3000)   # flip 6: upright portrait
    assert index.image.size == (400, 600)                                                  # the preview's overview
    burst = decode(b"II*\x00fake-raw", "x.ARW", native=True, raw_develop="full")
    assert not calls[-1]["half_size"] and calls[-1]["demosaic_algorithm"] == "linear"
    assert burst.native_source == "raw-full" and burst.native_view.size == (4000, 6000)
    n = len(calls)
    assert decode(b"II*\x00fake-raw", "x.ARW").native_view is None and len(calls) == n     # thumbnails only: no develop


def test_a_large_preview_is_used_as_it_is(monkeypatch):
    calls = _fake_rawpy(monkeypatch, (3000, 2000))
    d = decode(b"II*\x00fake-raw", "x.NEF", native=True)
    assert not calls and d.native_source == "preview" and d.native_view.size == (2000, 3000)


# the real files of two makes: sensor (the visible area), the index's half-size development, the overview
REAL = {SONY_A7RM3: ((5184, 3464), (2592, 1732), (808, 540)),       # preview 1616 x 1080: 31 % of the sensor
        CANON_30D: ((3522, 2348), (1761, 1174), (864, 576))}        # preview 1728 x 1152: 49 %


@pytest.fixture(scope="module", params=list(REAL), ids=lambda s: s.make)
def raw(request):
    path = raw_sample(request.param)
    if path is None:
        pytest.skip(f"the {request.param.model} sample is neither in tests/data/raw nor obtainable")
    return request.param, path.read_bytes()


def test_real_raw_files_are_judged_on_a_development(raw):
    from app.core.features.compute import FeaturePipeline

    sample, data = raw
    sensor, half, overview = REAL[sample]
    index = decode(data, sample.name, native=True)
    assert (index.width, index.height) == sensor
    assert index.native_source == "raw-half" and index.native_view.size == half
    assert index.image.size == overview and index.develop_seconds > 0               # overview from the preview
    preview = decode(data, sample.name)
    assert np.array_equal(np.asarray(preview.image), np.asarray(index.image))          # thumbnails unchanged
    full = decode(data, sample.name, native=True, raw_develop="full")
    assert full.native_source == "raw-full" and full.native_view.size == sensor
    # the development shows the same picture as the preview (same framing, similar tones)
    small = np.asarray(index.native_view.upright().resize(index.image.size, Image.Resampling.BOX), np.float32)
    gray = lambda a: a.mean(axis=2) - a.mean()                                          # noqa: E731
    corr = np.corrcoef(gray(small).ravel(), gray(np.asarray(index.image, np.float32)).ravel())[0, 1]
    assert corr > 0.9
    q = FeaturePipeline(faces=False, iqa=False).compute(index).quality
    assert all(np.isfinite(v) for v in q.values())
    assert q["noise_native"] > 0


def test_the_burst_pass_compares_raw_frames_at_full_resolution(raw, tmp_path):
    from app.core.burst_detail import _native_gray, native_sigma
    from app.core.features.compute import FeaturePipeline

    sample, data = raw
    path = tmp_path / sample.name
    path.write_bytes(data)
    gray = _native_gray(str(path))
    sigma = native_sigma(gray)
    assert gray.shape == REAL[sample][0][::-1] and gray.dtype == np.float32
    # its noise is measured on the full development, not taken from the index's half-size one:
    # the two differ (a linear demosaic interpolates two colours of three, which smooths the
    # finest noise; a half-size pixel is one raw sample per colour)
    half = FeaturePipeline(faces=False, iqa=False).compute(decode(data, str(path), native=True)).quality["noise_native"]
    assert sigma > 0 and half > 0 and abs(np.log(sigma / half)) > 0.2


def test_raw_files_of_two_makes_are_indexed_with_their_camera(tmp_path):
    from app.core.catalog import Catalog
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library
    from app.core.jobs import drive

    found = {s: raw_sample(s) for s in REAL}
    if any(p is None for p in found.values()):
        pytest.skip("a RAW sample is neither in tests/data/raw nor obtainable")
    root = tmp_path / "lib"
    root.mkdir()
    for s, p in found.items():
        (root / s.name).write_bytes(p.read_bytes())
    with Catalog(tmp_path / "c.db") as cat:
        summary = drive(index_library(cat, str(root), features=FeaturePipeline(faces=False, iqa=False), workers=1))
        assert summary.indexed == 2 and not summary.failed and not summary.skipped
        for s in REAL:
            row = cat.photos.get(cat.photos.id_for_path(str(root / s.name)))
            assert (row["width"], row["height"]) == REAL[s][0] and row["camera_model"] == s.model
            q = cat.features.quality([row["id"]])[row["id"]]
            assert q["detail_native"] is not None and q["noise_native"] > 0


def test_the_burst_pass_measures_noise_as_the_index_does():
    from app.core.burst_detail import native_sigma
    from models.features.native import native_features
    from models.features.quality import analysis_image, luminance
    from tests.helpers import mosaic_2048

    rng = np.random.default_rng(3)
    arr = np.asarray(mosaic_2048(), np.float32) + rng.normal(0, 4, (1700, 2048, 1))
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    index = native_features(img, luminance(analysis_image(img.reduce(2))))["noise_native"]
    again = native_sigma(np.asarray(img.convert("L"), np.float32))
    assert index > 2 and abs(again / index - 1) < 0.15
