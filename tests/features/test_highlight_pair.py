"""Highlights of two exposures of one view compared place by place (models/features/highlights.py),
on hand-made frames whose answer is known: the share of the picture the brighter frame blew
that the darker one kept, or held as the same flat area."""
import cv2
import numpy as np
import pytest

from models.features.highlights import highlight_pair


def _scene(h=120, w=160, seed=0):
    """A textured scene in mid-tones (levels 60-160) with a sky band (the top quarter)."""
    rng = np.random.default_rng(seed)
    base = cv2.GaussianBlur(rng.uniform(60, 160, (h, w)).astype(np.float32), (0, 0), 2.0)
    return np.repeat(base[..., None], 3, axis=2)


def _u8(a):
    return np.clip(a + 0.5, 0, 255).astype(np.uint8)


def test_a_sky_the_brighter_frame_blew_and_the_darker_kept_is_lost():
    dark = _scene()
    sky = np.linspace(200, 240, 160, dtype=np.float32)[None, :, None]     # a kept gradient of light
    dark[:30] = sky
    bright = dark * 1.3                                                    # everything over 196 clips
    p = highlight_pair(_u8(bright), _u8(dark))
    # the sky is a quarter of the frame; its top rows and the band's edge are the 1-pixel tolerance,
    # and the top 10 % of the gradient is the darker frame's own top level there (held)
    assert 0.17 < p.lost < 0.25 and p.top == pytest.approx(0.25, abs=0.01)


def test_a_darkened_copy_of_a_blown_sky_held_it():
    bright = _scene()
    bright[:30] = 255.0                                                    # blown in the brighter frame
    dark = bright * 0.8                                                    # the sky flat at 204 ...
    dark[60:62, 10:150] = 240.0                                            # ... under a JPEG's ringing edge
    p = highlight_pair(_u8(bright), _u8(dark))
    assert p.lost == 0.0 and p.held == pytest.approx(p.top) and p.top == pytest.approx(0.25, abs=0.01)


def test_a_single_clipped_channel_counts():
    dark = _scene()
    dark[:30, :, 0] = np.linspace(180, 230, 160, dtype=np.float32)[None, :]   # a red sunset, kept
    bright = dark.copy()
    bright[:30, :, 0] = 255.0                                              # its red channel blown
    p = highlight_pair(_u8(bright), _u8(dark))
    assert p.lost > 0.15


def test_the_darker_frame_is_compared_where_it_shows_the_same_place():
    dark = _scene(seed=3)
    dark[:30] = np.linspace(200, 240, 160, dtype=np.float32)[None, :, None]
    bright = dark * 1.3
    moved = np.roll(dark, (4, 6), axis=(0, 1))                            # the same view, 6 right, 4 down
    aligned = highlight_pair(_u8(bright), _u8(moved), (6, 4))
    assert aligned.lost == pytest.approx(highlight_pair(_u8(bright), _u8(dark)).lost, abs=0.02)
    # the edge of a clipped area misplaced by a pixel is neither lost nor held
    held = bright.copy()
    held[:30] = 255.0
    copy = held * 0.8
    assert highlight_pair(_u8(held), _u8(np.roll(copy, 1, axis=0)), (0, 0)).lost < 0.002


def test_frames_without_highlights_or_of_other_sizes_are_not_compared():
    dark = _u8(_scene() * 0.3)                                             # top under a quarter of full scale
    assert highlight_pair(dark, dark) is None
    fog = np.full((120, 160, 3), 180, np.uint8)                            # uniform: its top is its median
    assert highlight_pair(fog, _u8(fog * 0.8)) is None
    assert highlight_pair(_u8(_scene()), _u8(_scene(h=100))) is None
    assert highlight_pair(_u8(_scene()), _u8(_scene()), (200, 0)) is None   # more than half the frame away


def test_a_top_of_edges_only_is_no_loss_and_held_as_the_darker_frame_shows_it():
    dark = _scene()
    bright = dark.copy()
    bright[40, 20:140] = 255.0                                             # a glint along a wire, one pixel wide
    p = highlight_pair(_u8(bright), _u8(dark))
    assert p.lost == 0.0 and p.top > 0.0
    dark[40, 20:140] = 204.0                                               # the same glint, darkened after
    assert highlight_pair(_u8(bright), _u8(dark)).held == pytest.approx(p.top)


def test_a_clipped_sky_through_branches_is_held_whole_when_darkened_after():
    """At a reduced size a sky seen through foliage is mostly edge: held and top count it alike."""
    bright = _scene(seed=7)
    rng = np.random.default_rng(7)
    gaps = rng.random((30, 160)) < 0.5                                     # sky in half the places
    bright[:30][gaps] = 255.0
    dark = bright * 0.8
    p = highlight_pair(_u8(bright), _u8(dark))
    assert p.lost == 0.0 and p.held >= 0.95 * p.top


def test_two_exposures_that_clip_nothing_lost_nothing():
    dark = _scene(seed=5)
    assert highlight_pair(_u8(dark * 1.2), _u8(dark)).lost < 0.002
