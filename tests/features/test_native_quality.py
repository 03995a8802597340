"""Quality at native resolution: a blur of sigma 1.3 px on a 2048 px frame is found, noise does
not pass for detail, blocking does not pass for sharpness, and an exposure change is not a
change of detail. The frame is a 2048 x 1700 mosaic of four public photos at their own resolution."""
import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from models.features.native import native_features
from models.features.quality import analysis_image, luminance
from models.features.shrink import work_image
from tests.helpers import mosaic_2048


def _jpeg(img: Image.Image, quality: int = 95) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


@pytest.fixture(scope="module")
def frame() -> Image.Image:
    return _jpeg(mosaic_2048())


def _measure(img: Image.Image) -> dict[str, float]:
    work = work_image(img)
    return native_features(img, luminance(analysis_image(work, max(work.size))))


def _variant(img: Image.Image, kind: str) -> Image.Image:
    arr = np.asarray(img, np.float32)
    if kind == "blur":
        return _jpeg(img.filter(ImageFilter.GaussianBlur(1.3)))
    if kind == "noise":
        noisy = arr + np.random.default_rng(0).normal(0, 8, arr.shape)
        return _jpeg(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)))
    if kind == "jpeg":
        return _jpeg(img, 15)
    if kind == "dark":
        return _jpeg(Image.fromarray(np.clip(arr * 0.4, 0, 255).astype(np.uint8)))
    raise ValueError(kind)


def test_a_slight_blur_is_found_at_native_resolution(frame):
    clean, blurred = _measure(frame), _measure(_variant(frame, "blur"))
    assert clean["detail_native"] - blurred["detail_native"] > 0.5
    assert clean["detail_ratio"] - blurred["detail_ratio"] > 0.2
    # the 640 px overview sees almost nothing of it: that is why quality is judged here
    from models.features.quality import quality_features

    over_clean, over_blur = quality_features(work_image(frame)), quality_features(work_image(_variant(frame, "blur")))
    assert over_clean["sharpness_subject"] - over_blur["sharpness_subject"] < 0.2


def test_noise_is_measured_as_noise_not_as_detail(frame):
    clean, noisy = _measure(frame), _measure(_variant(frame, "noise"))
    assert 5 < noisy["noise_native"] < 11 and clean["noise_native"] < 2
    assert noisy["noise_rel"] > 3 * clean["noise_rel"]
    assert abs(noisy["detail_native"] - clean["detail_native"]) < 0.3


def test_blocking_is_not_sharpness(frame):
    clean, blocky = _measure(frame), _measure(_variant(frame, "jpeg"))
    assert blocky["blockiness_native"] > clean["blockiness_native"] + 0.3
    assert blocky["detail_native"] < clean["detail_native"]


def test_an_exposure_change_is_not_a_change_of_detail(frame):
    clean, dark = _measure(frame), _measure(_variant(frame, "dark"))
    assert abs(dark["detail_native"] - clean["detail_native"]) < 0.25


def test_the_decoder_keeps_the_full_resolution_for_analysis(frame):
    from app.core.decode import decode

    buf = io.BytesIO()
    frame.resize((4000, 3320)).save(buf, "JPEG", quality=90)
    full = decode(buf.getvalue(), "x.jpg", native=True)
    reduced = decode(buf.getvalue(), "x.jpg")
    assert full.native.size == (4000, 3320) and reduced.native is None
    assert 768 <= max(full.image.size) <= 2 * 768 and 768 <= max(reduced.image.size) <= 2 * 768


def test_the_full_resolution_is_upright_like_the_overview(frame):
    from app.core.decode import decode

    exif = Image.Exif()
    exif[0x0112] = 6                                   # rotate 90 degrees clockwise to view
    for size in ((2048, 1700), (600, 500)):            # reduced for the overview, and not
        buf = io.BytesIO()
        frame.resize(size).save(buf, "JPEG", quality=90, exif=exif.tobytes())
        decoded = decode(buf.getvalue(), "x.jpg", native=True)
        assert decoded.native.size == (size[1], size[0])
        assert decoded.image.size[0] < decoded.image.size[1]
        small = np.asarray(decoded.native.resize(decoded.image.size), np.float32)
        assert np.abs(small - np.asarray(decoded.image, np.float32)).mean() < 8
