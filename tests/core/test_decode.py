import io
import sys
import types

import numpy as np
import pytest
from PIL import Image

from app.core.decode import WORK_SIZE, DecodeError, decode, to_rgb
from tests.helpers import sample


def _save(im, fmt, **kw):
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def test_large_jpeg_is_draft_decoded_to_about_work_size():
    rng = np.random.default_rng(0)
    big = Image.fromarray(rng.integers(0, 255, (3000, 4000, 3), dtype=np.uint8))
    d = decode(_save(big, "JPEG", quality=80), "big.jpg")
    assert (d.width, d.height) == (4000, 3000)
    assert WORK_SIZE <= max(d.image.size) <= 2 * WORK_SIZE
    assert d.image.mode == "RGB"


def test_real_photo_decodes_upright_rgb():
    d = decode(sample("photos/pillow_xmp_test.jpg").read_bytes(), "p.jpg")
    assert d.format == "JPEG" and d.image.mode == "RGB" and (d.width, d.height) == (1280, 686)


@pytest.mark.parametrize("mode", ["CMYK", "L", "P", "1", "RGBA", "LA"])
def test_odd_modes_become_rgb(mode):
    im = Image.new("RGB", (40, 30), (10, 200, 30)).convert(mode)
    fmt = "JPEG" if mode in ("CMYK", "L") else "PNG"
    d = decode(_save(im, fmt), f"x.{fmt.lower()}")
    assert d.image.mode == "RGB" and d.image.size == (40, 30)


def test_sixteen_bit_png_is_scaled_not_clipped():
    arr = np.full((20, 30), 32768, dtype=np.uint16)
    d = decode(_save(Image.fromarray(arr), "PNG"), "x.png")
    value = d.image.getpixel((5, 5))[0]
    assert 120 <= value <= 135  # mid-grey, not white


def test_alpha_is_composited_on_white_and_palette_transparency_handled():
    im = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    assert to_rgb(im).getpixel((0, 0)) == (255, 255, 255)
    p = Image.new("P", (10, 10), 0)
    p.putpalette([0, 0, 0] * 256)
    p.info["transparency"] = 0
    assert decode(_save(p, "PNG", transparency=0), "p.png").image.getpixel((1, 1)) == (255, 255, 255)


def test_animated_image_uses_first_frame_and_counts_frames():
    frames = [Image.new("RGB", (16, 16), c) for c in [(255, 0, 0), (0, 255, 0), (0, 0, 255)]]
    data = _save(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    d = decode(data, "anim.webp")
    assert d.frames == 3 and d.image.getpixel((8, 8))[0] > 200


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"this is not an image at all", "not a recognisable image"),
])
def test_bad_bytes_give_reasons(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode(data, "x.jpg")


def test_truncated_jpeg_is_refused():
    data = sample("photos/pillow_xmp_test.jpg").read_bytes()
    with pytest.raises(DecodeError, match="truncated|corrupt"):
        decode(data[: len(data) // 2], "t.jpg")


def test_decompression_bomb_is_refused_before_decoding():
    bomb = _save(Image.new("1", (18000, 18000)), "PNG")  # 324 MP in a few hundred KB
    assert len(bomb) < 2_000_000
    with pytest.raises(DecodeError, match="too large"):
        decode(bomb, "bomb.png")


def test_heic_round_trip():
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    try:
        data = _save(Image.new("RGB", (64, 48), (20, 120, 220)), "HEIF", quality=90)
    except (KeyError, OSError, ValueError) as exc:
        pytest.skip(f"this pillow-heif build cannot encode HEIC: {exc}")
    d = decode(data, "x.heic")
    assert d.image.size == (64, 48) and abs(d.image.getpixel((10, 10))[2] - 220) < 20


def test_raw_uses_embedded_preview_and_never_develops(monkeypatch):
    preview = _save(Image.new("RGB", (600, 400), (1, 2, 3)), "JPEG")

    class FakeRaw:
        sizes = types.SimpleNamespace(width=6000, height=4000, flip=6)

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def extract_thumb(self):
            return types.SimpleNamespace(format="jpeg", data=preview)

        def postprocess(self, *a, **k):
            raise AssertionError("a full RAW develop must not be used for indexing")

    fake = types.SimpleNamespace(
        imread=lambda f: FakeRaw(), LibRawNoThumbnailError=type("E1", (Exception,), {}),
        LibRawError=type("E2", (Exception,), {}), ThumbFormat=types.SimpleNamespace(JPEG="jpeg"))
    monkeypatch.setitem(sys.modules, "rawpy", fake)
    d = decode(b"II*\x00fake-raw", "x.NEF")
    assert (d.width, d.height) == (4000, 6000)   # flip 6: portrait
    assert d.image.size == (400, 600) and d.format == "RAW"
