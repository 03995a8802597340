"""Clipped highlights measured so that they stay visible when a frame is darkened afterwards
(models/features/quality.py ``highlight_clipping``), hand-computed on drawn pictures."""
import numpy as np
import pytest

from models.features.quality import highlight_clipping


def _scene(seed: int = 0) -> np.ndarray:
    """600 x 400 of textured mid-tones (sigma 30 around 120) with a white block of 300 x 100 in
    its top left corner: the clipped share is 30000 / 240000 = 0.125."""
    img = np.random.default_rng(seed).normal(120, 30, (400, 600, 3)).clip(0, 255).astype(np.uint8)
    img[:100, :300] = 255
    return img


def test_a_white_block_is_clipped_flat_and_a_spike():
    m = highlight_clipping(_scene())
    assert m["channels_clipped"] == pytest.approx(0.125, abs=0.0005)
    # flat: every block pixel whose 3x3 neighbourhood is all block; the rim next to the
    # texture (one row below, one column right) is not: 99 x 299 pixels
    assert m["highlights_flat"] == pytest.approx(99 * 299 / 240000)
    assert m["highlights_spike"] == pytest.approx(0.125, abs=0.0005)     # and the odd textured pixel beside it


def test_darkened_clipping_is_no_longer_white_but_still_flat_and_a_spike():
    dark = (_scene().astype(np.float32) * 0.8).astype(np.uint8)
    m = highlight_clipping(dark)
    assert m["channels_clipped"] == 0.0
    assert m["highlights_flat"] == pytest.approx(99 * 299 / 240000)
    assert m["highlights_spike"] == pytest.approx(0.125, abs=0.0005)     # and the odd textured pixel beside it


def test_textured_highlights_are_neither_flat_nor_a_spike():
    img = _scene()
    img[:100, :300] = np.random.default_rng(1).normal(215, 12, (100, 300, 3)).clip(0, 255).astype(np.uint8)
    m = highlight_clipping(img)
    assert m["highlights_flat"] < 0.001 and m["highlights_spike"] < 0.03


def test_the_fill_mask_is_left_out():
    img = _scene()
    keep = np.ones(img.shape[:2], bool)
    keep[:, 300:] = False             # half the frame is corner fill: the block is a quarter of the rest
    m = highlight_clipping(img, keep)
    assert m["channels_clipped"] == pytest.approx(0.25, abs=0.002)
    assert m["highlights_flat"] == pytest.approx(99 * 299 / 120000, abs=0.002)


@pytest.mark.parametrize("name, img", [
    ("black", np.zeros((200, 300, 3), np.uint8)),
    ("uniform grey", np.full((200, 300, 3), 128, np.uint8)),
    ("crushed", np.random.default_rng(2).normal(3, 1, (200, 300, 3)).clip(0, 255).astype(np.uint8)),
])
def test_a_frame_without_highlights_has_no_clipped_top(name, img):
    m = highlight_clipping(img)
    assert m["highlights_flat"] == 0.0 and m["highlights_spike"] == 0.0, name


def test_a_smooth_bright_sky_is_a_hump_not_a_spike():
    # a clear sky one stop under, a gradient from 190 down to 150 over the top third
    rng = np.random.default_rng(1)
    img = rng.normal(90, 25, (300, 400, 3))
    img[:100] = np.linspace(190, 150, 100)[:, None, None] + rng.normal(0, 1.5, (100, 400, 1))
    m = highlight_clipping(img.clip(0, 255).astype(np.uint8))
    assert m["highlights_spike"] == 0.0 and m["highlights_flat"] < 0.005
