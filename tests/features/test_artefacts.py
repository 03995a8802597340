"""Compression artefacts judged where they show (models/features/artefacts.py and the
burst-relative comparison): the 8x8 grid per tile, hand-computed on synthetic tiles, and
measured between copies of one real frame."""
import io
import math

import cv2
import numpy as np
import pytest
from PIL import Image

from models.features.artefacts import STEP_FLOOR, VISIBLE, block_steps, grid_strength, visible_grid
from models.features.relative import (ARTEFACT_DEAD_ZONE, artefact_evidence, artefact_term, frame_bands,
                                      pair_evidence, tile_origins)
from tests.helpers import mosaic_2048
from training.datasets.degradations import smooth_scene


def _blocks(h=64, w=72, step=16.0):
    """Each 8x8 block one level: a gradient quantized to its block means (DC only)."""
    x = np.arange(w)
    return np.tile((x // 8) * step, (h, 1)).astype(np.float32)


def test_a_gradient_kept_only_as_block_means_has_all_its_steps_on_the_block_edges():
    bound, inside = block_steps(_blocks()[:, :64], 0, 0)
    # 7 of 63 column steps are block edges, each 16; the 7 row edges step 0: (7*64*16) / (14*64)
    assert bound == pytest.approx(8.0) and inside == 0.0
    assert grid_strength(np.array([[bound, inside]]))[0] == pytest.approx(math.log10((8 + STEP_FLOOR) / STEP_FLOOR))


def test_a_smooth_ramp_has_no_grid():
    ramp = np.tile(np.arange(64, dtype=np.float32) * 2, (64, 1))
    bound, inside = block_steps(ramp, 0, 0)
    assert bound == pytest.approx(1.0) and inside == pytest.approx(1.0)      # 2 per column step, 0 per row
    assert grid_strength(np.array([[bound, inside]]))[0] == pytest.approx(0.0)


def test_the_grid_is_the_frames_own_wherever_the_tile_starts():
    frame = _blocks()
    tile = frame[:, 3:67]
    assert block_steps(tile, 3, 0)[1] == 0.0                 # the frame's edges: nothing inside
    assert block_steps(tile, 0, 0)[1] > 1.0                  # the tile's own grid would be wrong


def test_a_faint_grid_counts_as_none():
    assert list(visible_grid(np.array([-0.2, 0.05, 0.3]))) == pytest.approx([VISIBLE, VISIBLE, 0.3])


def _camera(arr, quality=92):
    buf = io.BytesIO()
    Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"), np.float32)


@pytest.fixture(scope="module")
def scenes():
    mosaic = mosaic_2048()
    return {"mosaic": np.asarray(mosaic, np.float32), "fog": np.asarray(smooth_scene(mosaic, 3), np.float32)}


def _bands(gray):
    origins = tile_origins((gray.shape[1], gray.shape[0]))
    return frame_bands(gray, origins, (0, 0), 0.5)


@pytest.mark.parametrize("scene", ["mosaic", "fog"])
def test_a_harder_recompressed_copy_shows_the_grid_the_cleaner_one_does_not(scenes, scene):
    clean = _camera(scenes[scene], 92)
    harder = _camera(np.asarray(Image.fromarray(clean.astype(np.uint8)), np.float32), 35)
    e = artefact_evidence(_bands(clean), _bands(harder))
    assert e > 2 * ARTEFACT_DEAD_ZONE, e                    # measured: 0.22 (mosaic), 0.44 (fog)
    assert artefact_evidence(_bands(harder), _bands(clean)) == pytest.approx(-e, abs=1e-3)   # the contrast is matched each way
    assert pair_evidence(_bands(clean), _bands(harder)) >= artefact_term(e) > 0


@pytest.mark.parametrize("change", ["noise", "blur", "darker", "q95"])
def test_noise_blur_exposure_or_a_mild_quantization_is_not_a_grid(scenes, change):
    arr = scenes["mosaic"]
    other = {"noise": arr + np.random.default_rng(2).normal(0, 8, arr.shape),
             "blur": cv2.GaussianBlur(arr, (0, 0), 1.3), "darker": arr * 0.66, "q95": arr}[change]
    e = artefact_evidence(_bands(_camera(arr, 92)), _bands(_camera(other, 95 if change == "q95" else 92)))
    assert abs(e) < ARTEFACT_DEAD_ZONE, e
    assert artefact_term(e) == 0.0


def test_noise_hiding_the_grid_of_an_already_blocky_frame_is_not_fewer_artefacts(scenes):
    blocky = _camera(scenes["fog"], 30)                   # a source that was heavily compressed already
    noisy = _camera(blocky + np.random.default_rng(4).normal(0, 8, blocky.shape), 92)
    a, b = _bands(blocky), _bands(noisy)
    # noise hides the grid: measured by the steps alone, the noisy copy would look cleaner
    assert np.median(grid_strength(b.steps)) < np.median(grid_strength(a.steps)) - 0.1
    # with the extra noise the smooth tiles show in the floor, nothing is credited to it
    assert abs(artefact_evidence(a, b)) < ARTEFACT_DEAD_ZONE, artefact_evidence(a, b)


def test_the_step_floor_counts_noise_beyond_the_quiet_level():
    from models.features.artefacts import NOISE_STEP, QUIET, step_floor

    assert step_floor(0.0) == step_floor(QUIET) == STEP_FLOOR
    assert step_floor(QUIET + 4.0) == pytest.approx(STEP_FLOOR + 4.0 * NOISE_STEP)
