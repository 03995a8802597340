"""The held-out families of issue 30 (training/datasets/degradations.py) do what they say:
exposure shifts in linear light, a gamma lift, a harder recompression, a foggy scene."""
import cv2
import numpy as np
import pytest
from PIL import Image

from tests.helpers import sample
from training.datasets.degradations import HELDOUT_FAMILIES, TRAIN_FAMILIES, degrade, smooth_scene


@pytest.fixture(scope="module")
def coffee():
    return Image.open(sample("photos/scikit-image_coffee.jpg")).convert("RGB")


def _lin(img):
    return (np.asarray(img, np.float32) / 255.0) ** 2.2


def test_the_new_families_are_held_out():
    new = {"recompress", "stops_under", "stops_over", "tone_lift"}
    assert new <= set(HELDOUT_FAMILIES) and not new & set(TRAIN_FAMILIES)


@pytest.mark.parametrize("family, stops", [("stops_under", -(0.25 + 1.2 * 0.3)), ("stops_over", 0.2 + 1.0 * 0.3)])
def test_exposure_shifts_are_stops_in_linear_light(coffee, family, stops):
    out = degrade(coffee, family, seed=1, severity=0.3)
    a, b = _lin(coffee), _lin(out)
    mid = (a > 0.05) & (a < 0.3) & (b < 0.95)              # neither near black nor clipped
    measured = float(np.log2(np.median(b[mid] / a[mid])))
    assert measured == pytest.approx(stops, abs=0.1 * abs(stops) + 0.03)      # the 0.9-1.1 jitter


def test_the_tone_lift_raises_shadows_more_than_highlights(coffee):
    a = np.asarray(coffee, np.float32) / 255.0
    b = np.asarray(degrade(coffee, "tone_lift", seed=1, severity=0.3), np.float32) / 255.0
    dark, bright = (a > 0.08) & (a < 0.15), (a > 0.8) & (a < 0.9)
    assert np.median(b[dark] / a[dark]) > np.median(b[bright] / a[bright]) > 1.0


def test_the_harder_recompression_shows_the_grid(coffee):
    from models.features.artefacts import block_steps, grid_strength

    gray = lambda im: np.asarray(im.convert("L"), np.float32)          # noqa: E731
    before = grid_strength(block_steps(gray(coffee), 0, 0)[None])[0]
    after = grid_strength(block_steps(gray(degrade(coffee, "recompress", seed=1, severity=0.8)), 0, 0)[None])[0]
    assert after > before + 0.05, (before, after)


def test_the_smooth_scene_is_mostly_haze_and_keeps_the_frame(coffee):
    fog = smooth_scene(coffee, seed=2)
    assert fog.size == coffee.size and np.array_equal(np.asarray(fog), np.asarray(smooth_scene(coffee, seed=2)))

    def detail(im):
        return float(np.mean(cv2.Laplacian(np.asarray(im.convert("L"), np.float32), cv2.CV_32F) ** 2))

    # haze of density 0.65-0.8 over a lightly softened scene: at most 0.35^2 of the fine energy
    assert detail(fog) < 0.35 ** 2 * detail(coffee)
    assert 150 < np.asarray(fog, np.float32).mean() < 235
