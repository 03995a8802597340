"""The index's full-resolution JPEG decode (libjpeg-turbo into an array, app/core/decode.py)
against Pillow's: the same pixels, the same upright crops, Pillow's word on anything odd."""
import io

import numpy as np
import pytest
from PIL import Image

from app.core import decode as decode_mod
from app.core.decode import DecodeError, Scratch, decode
from models.features.shrink import work_image
from tests.helpers import sample

pytest.importorskip("simplejpeg")


def _jpeg(im: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", **kw)
    return buf.getvalue()


def _photo(size=(2400, 1600)) -> Image.Image:
    src = Image.open(sample("photos/pillow_xmp_test.jpg")).convert("RGB").resize(size, Image.Resampling.BICUBIC)
    rng = np.random.default_rng(3)
    arr = np.asarray(src, np.int16) + rng.normal(0, 5, (size[1], size[0], 1)).astype(np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _pillow(data: bytes):
    """Pillow's decode of the same bytes (the path the fast one replaces)."""
    return decode_mod._decode_pillow(io.BytesIO(data), decode_mod.WORK_SIZE, decode_mod.PIXEL_LIMIT, True)


def test_same_pixels_as_pillow_and_an_overview_within_rounding():
    data = _jpeg(_photo(), quality=90)
    fast, slow = decode(data, "a.jpg", native=True), _pillow(data)
    assert isinstance(fast.native_view.image, np.ndarray)            # the fast path was taken
    assert (fast.width, fast.height) == (slow.width, slow.height) == (2400, 1600)
    box = (808, 400, 1000, 592)
    assert np.array_equal(np.asarray(fast.native_view.crop(box)), np.asarray(slow.native_view.crop(box)))
    assert np.array_equal(fast.native_view.gray(), slow.native_view.gray()) or \
        np.abs(fast.native_view.gray() - slow.native_view.gray()).max() <= 1
    a, b = np.asarray(fast.image, np.int16), np.asarray(slow.image, np.int16)
    assert a.shape == b.shape == (534, 800, 3)
    assert np.abs(a - b).max() <= 1 and (a != b).mean() < 0.2        # rounding of a 3x3 mean


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_turned_frames_give_the_upright_crops_pillow_gives(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = _jpeg(_photo((1920, 1280)), quality=92, exif=exif.tobytes())
    fast, slow = decode(data, "t.jpg", native=True), _pillow(data)
    assert isinstance(fast.native_view.image, np.ndarray)
    assert fast.native_view.size == slow.native_view.size == (fast.width, fast.height)
    assert fast.image.size == slow.image.size
    box = (200, 320, 392, 512)
    assert np.array_equal(np.asarray(fast.native_view.crop(box)), np.asarray(slow.native_view.crop(box)))
    assert np.array_equal(np.asarray(fast.native_view.upright()), np.asarray(slow.native_view.upright()))


def test_gray_jpeg_becomes_rgb_and_cmyk_goes_to_pillow():
    gray = decode(_jpeg(_photo((800, 600)).convert("L")), "g.jpg", native=True)
    assert isinstance(gray.native_view.image, np.ndarray) and gray.native_view.image.shape == (600, 800, 3)
    cmyk = decode(_jpeg(_photo((800, 600)).convert("CMYK")), "c.jpg", native=True)
    assert not isinstance(cmyk.native_view.image, np.ndarray) and cmyk.image.mode == "RGB"


def test_damaged_or_misnamed_files_get_pillows_verdict():
    data = sample("photos/pillow_xmp_test.jpg").read_bytes()
    with pytest.raises(DecodeError, match="truncated|corrupt"):
        decode(data[: len(data) // 2], "t.jpg", native=True)
    png = io.BytesIO()
    _photo((64, 48)).save(png, "PNG")
    d = decode(png.getvalue(), "really_a_png.jpg", native=True)
    assert d.format == "PNG" and d.native_view is not None


def test_a_worker_scratch_is_reused_and_a_huge_picture_gets_its_own_memory(monkeypatch):
    scratch = Scratch()
    one = decode(_jpeg(_photo((960, 640))), "1.jpg", native=True, scratch=scratch)
    first = one.native_view.image
    two = decode(_jpeg(_photo((640, 960))), "2.jpg", native=True, scratch=scratch)
    assert np.shares_memory(first, two.native_view.image)               # the same buffer, decoded again
    monkeypatch.setattr(Scratch, "LIMIT", 100)
    three = decode(_jpeg(_photo((960, 640))), "3.jpg", native=True, scratch=scratch)
    assert not np.shares_memory(three.native_view.image, two.native_view.image)


def test_features_of_the_fast_decode_match_the_training_extractor():
    """The index (fast decode) and training (a PIL picture) measure the same photo alike."""
    from models.features.native import native_features
    from models.features.quality import analysis_image, luminance

    data = _jpeg(_photo(), quality=90)
    fast, slow = decode(data, "a.jpg", native=True), _pillow(data)
    assert work_image(slow.native).size == slow.image.size
    got = native_features(fast.native_view, luminance(analysis_image(fast.image)), None)
    want = native_features(slow.native_view, luminance(analysis_image(slow.image)), None)
    for name, value in want.items():
        assert got[name] == pytest.approx(value, rel=0.03, abs=1e-3), name


def test_slivers_and_odd_sizes_get_pillows_overview_size():
    for size in [(4000, 3), (3, 4000), (1601, 7), (769, 769), (1537, 1025)]:
        data = _jpeg(Image.new("RGB", size, (120, 60, 30)))
        fast, slow = decode(data, "s.jpg", native=True), _pillow(data)
        assert isinstance(fast.native_view.image, np.ndarray), size
        assert fast.image.size == slow.image.size, size
        assert np.abs(np.asarray(fast.image, np.int16) - np.asarray(slow.image, np.int16)).max() <= 1, size


def test_a_camera_jpeg_with_mpo_previews_is_decoded_fast_as_its_first_picture():
    photo = _photo((900, 600))
    buf = io.BytesIO()
    photo.save(buf, "MPO", save_all=True, append_images=[Image.new("RGB", (160, 120), (0, 255, 0))])
    data = buf.getvalue()
    fast, slow = decode(data, "m.jpg", native=True), _pillow(data)
    assert isinstance(fast.native_view.image, np.ndarray)
    assert (fast.format, fast.frames) == (slow.format, slow.frames) == ("MPO", 2)
    box = (0, 0, 900, 600)
    assert np.array_equal(np.asarray(fast.native_view.crop(box)), np.asarray(slow.native_view.crop(box)))
