"""Frames of one burst compared on the same places at native pixels (models/features/relative.py):
lost detail is found, added noise, a shift, an exposure change and other content are not
mistaken for it."""
import io

import cv2
import numpy as np
import pytest
from PIL import Image

from models.features.relative import burst_evidence, detail_evidence, frame_bands, global_shift, tile_origins
from tests.helpers import mosaic_2048

DEAD_ZONE = 0.05          # app/core/ranking.py EVIDENCE_DEAD_ZONE: what the app ignores


def _camera(arr: np.ndarray) -> np.ndarray:
    """Through a camera JPEG (q 92), as every frame a user culls; back as a 0-255 gray."""
    buf = io.BytesIO()
    Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=92)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"), np.float32)


@pytest.fixture(scope="module")
def scene():
    return np.asarray(mosaic_2048(), np.float32)


def _evidence(a: np.ndarray, b: np.ndarray) -> float:
    e = burst_evidence([a, b], [0.5, 0.5])[0, 1]
    return float(e)


def test_a_blur_of_1_3_native_pixels_is_lost_detail(scene):
    clean = _camera(scene)
    blurred = _camera(cv2.GaussianBlur(scene, (0, 0), 1.3))
    e = _evidence(clean, blurred)
    assert e > 0.2, e
    assert _evidence(blurred, clean) == pytest.approx(-e)


def test_missed_focus_on_a_fifth_of_the_frame_is_found(scene):
    h, w = scene.shape[:2]
    mask = np.zeros((h, w, 1), np.float32)
    cv2.ellipse(mask, (w // 3, h // 2), (w // 5, h // 5), 0, 0, 360, 1.0, -1)
    local = scene * (1 - mask) + cv2.GaussianBlur(scene, (0, 0), 2.0) * mask
    e = _evidence(_camera(scene), _camera(local))
    assert e > 0.15, e


def test_added_noise_is_not_taken_for_detail_either_way(scene):
    noisy = scene + np.random.default_rng(3).normal(0, 8, scene.shape)
    e = _evidence(_camera(scene), _camera(noisy))
    assert abs(e) < DEAD_ZONE, e


def test_an_exposure_change_is_not_lost_detail(scene):
    e = _evidence(_camera(scene), _camera(scene * 0.8))
    assert abs(e) < DEAD_ZONE, e


def test_a_handheld_shift_is_aligned_before_comparing(scene):
    clean = _camera(scene)
    moved = np.roll(scene, (24, -40), axis=(0, 1))
    assert global_shift(clean, _camera(moved)) == (-40, 24)
    e = _evidence(clean, _camera(cv2.GaussianBlur(moved, (0, 0), 1.3)))
    assert e > 0.2, e


def test_other_content_gives_no_evidence(scene):
    other = np.ascontiguousarray(scene[::-1, ::-1])
    result = burst_evidence([_camera(scene), _camera(other)], [0.5, 0.5])
    assert np.isnan(result[0, 1])
    # and a frame of another size is never compared
    assert np.isnan(burst_evidence([_camera(scene), _camera(scene[:-64])], [0.5, 0.5])[0, 1])


def test_a_flat_frame_has_too_little_structure_to_judge():
    flat = np.full((1200, 1600), 120, np.float32)
    origins = tile_origins((1600, 1200))
    assert detail_evidence(frame_bands(flat, origins, (0, 0), 0.5), frame_bands(flat + 1, origins, (0, 0), 0.5)) is None
