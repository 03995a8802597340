"""Quality features on real photos: rotation wedges are found by their shape, and exposure is
measured on the picture, not on the fill around it."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from models.features.fill import border_fill, fill_mask
from models.features.quality import analysis_image, quality_features
from tests.helpers import sample

PHOTO = "photos/scikit-image_chelsea.jpg"


def _photo() -> Image.Image:
    return Image.open(sample(PHOTO)).convert("RGB")


def _rotated(img: Image.Image, angle: float, fill=(0, 0, 0)) -> Image.Image:
    return img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=fill)


@pytest.mark.parametrize("fill", [(0, 0, 0), (255, 255, 255)])
@pytest.mark.parametrize("angle", [4, -12])
def test_the_wedges_of_a_rotated_frame_are_measured(fill, angle):
    img = _photo()
    share = border_fill(fill_mask(analysis_image(_rotated(img, angle, fill))))
    uncovered = np.asarray(analysis_image(_rotated(Image.new("RGB", img.size, (255, 255, 255)), angle)))[..., 0] < 128
    assert share == pytest.approx(uncovered.mean(), rel=0.15)


def test_natural_photos_have_no_fill():
    for path in sorted(sample("photos").iterdir()):
        if path.suffix.lower() in (".jpg", ".png"):
            assert border_fill(fill_mask(analysis_image(Image.open(path).convert("RGB")))) < 0.002, path.name


def test_dark_corners_that_are_not_triangles_are_scenery():
    img = _photo()
    w, h = img.size
    draw = ImageDraw.Draw(img)
    draw.ellipse((-w // 4, -h // 4, w // 4, h // 4), fill=(0, 0, 0))          # a black blob in a corner
    draw.rectangle((0, h - h // 6, w, h), fill=(0, 0, 0))                     # a black band along the bottom
    assert fill_mask(analysis_image(img)) is None


def test_exposure_ignores_the_wedges():
    img = _photo()
    clean, tilted = quality_features(img), quality_features(_rotated(img, 10))
    assert clean["border_fill"] == 0.0 and tilted["border_fill"] > 0.05
    assert tilted["shadows_clipped"] <= clean["shadows_clipped"] + 0.01
    assert tilted["black_level"] == pytest.approx(clean["black_level"], abs=0.03)
