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
from tests.features.raw_samples import SONY_A7RM3, raw_sample


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


@pytest.fixture(scope="module")
def arw():
    path = raw_sample(SONY_A7RM3)
    if path is None:
        pytest.skip("the Sony ARW sample is neither in tests/data/raw nor obtainable from PyPI")
    return path.read_bytes()


def test_sony_arw_is_judged_on_a_development(arw):
    from app.core.features.compute import FeaturePipeline

    index = decode(arw, "_DSC2164.ARW", native=True)
    assert (index.width, index.height) == (5184, 3464)
    assert index.native_source == "raw-half" and index.native_view.size == (2592, 1732)
    assert index.image.size == (808, 540) and index.develop_seconds > 0             # overview from the preview
    preview = decode(arw, "_DSC2164.ARW")
    assert np.array_equal(np.asarray(preview.image), np.asarray(index.image))          # thumbnails unchanged
    full = decode(arw, "_DSC2164.ARW", native=True, raw_develop="full")
    assert full.native_source == "raw-full" and full.native_view.size == (5184, 3464)
    # the development shows the same picture as the preview (same framing, similar tones)
    small = np.asarray(index.native_view.upright().resize(index.image.size, Image.Resampling.BOX), np.float32)
    gray = lambda a: a.mean(axis=2) - a.mean()                                          # noqa: E731
    corr = np.corrcoef(gray(small).ravel(), gray(np.asarray(index.image, np.float32)).ravel())[0, 1]
    assert corr > 0.9
    q = FeaturePipeline(faces=False, iqa=False).compute(index).quality
    assert all(np.isfinite(v) for v in q.values())
    assert q["noise_native"] > 0


def test_the_burst_pass_compares_raw_frames_at_full_resolution(arw, tmp_path):
    from app.core.burst_detail import _native_gray, native_sigma
    from app.core.features.compute import FeaturePipeline

    path = tmp_path / "_DSC2164.ARW"
    path.write_bytes(arw)
    gray = _native_gray(str(path))
    sigma = native_sigma(gray)
    assert gray.shape == (3464, 5184) and gray.dtype == np.float32
    # its noise is measured on the full development, not taken from the index's half-size one:
    # the two differ (a linear demosaic interpolates two colours of three, which smooths the
    # finest noise; a half-size pixel is one raw sample per colour)
    half = FeaturePipeline(faces=False, iqa=False).compute(decode(arw, str(path), native=True)).quality["noise_native"]
    assert sigma > 0 and half > 0 and abs(np.log(sigma / half)) > 0.2


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
