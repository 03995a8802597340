"""A coarse encoding in a JPEG's history, read from its pixels (models/features/quantization.py),
against hand-built coefficient sets and real photos re-saved through Pillow's encoder."""
import io

import numpy as np
import pytest
from PIL import Image

from models.features.quantization import (COARSE, HISTORY_EVIDENCE, MIN_VALUES, POSITIONS, coarse_step,
                                          grid_coefficients, history_evidence, lattice_step)
from tests.helpers import TESTDATA


def test_the_coefficients_are_jpegs_own_transform():
    k = np.arange(8)
    # one block: 128 plus the (0, 1) basis image (cosine across the columns) at amplitude 40
    cos = np.sqrt(2 / 8) * np.cos((2 * k + 1) * 1 * np.pi / 16)
    block = 128 + 40 * np.outer(np.full(8, np.sqrt(1 / 8)), cos)
    c = grid_coefficients(np.tile(block, (2, 3)).astype(np.float32))
    assert c.shape == (6, len(POSITIONS))
    assert c[:, POSITIONS.index((0, 1))] == pytest.approx(40, abs=1e-3)
    others = [i for i, p in enumerate(POSITIONS) if p != (0, 1)]
    assert np.abs(c[:, others]).max() < 1e-3
    assert np.abs(grid_coefficients(np.full((16, 16), 128, np.float32))).max() < 1e-4     # flat: nothing


def test_the_step_found_is_the_coarsest_lattice_the_values_lie_on():
    rng = np.random.default_rng(0)
    on16 = 16 * rng.choice([-6, -3, -2, -1, 1, 1, 2, 3, 5], 4000) + rng.integers(-1, 2, 4000)   # then a finer encoding
    assert lattice_step(on16) == 16
    assert lattice_step(2 * np.rint(on16 / 2)) == 16              # requantized at a step of 2: still there
    assert lattice_step(rng.uniform(-150, 150, 4000)) == 0        # no lattice (a camera's fine steps)
    assert lattice_step(on16[:MIN_VALUES - 1]) is None            # too few values to tell
    assert lattice_step(np.zeros(4000)) is None                   # a flat frame: nothing non-zero


def _jpeg(img, quality):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _gray(img):
    return np.asarray(img.convert("L"), np.float32)


@pytest.fixture(scope="module")
def photo():
    # a PNG-like start: the photo shrunk to 5/8 (its own JPEG grid gone), then written as a camera would
    im = Image.open(TESTDATA / "photos" / "tuxpaint-data_cliff.jpg").convert("RGB")
    return im.resize((im.width * 5 // 8 | 1, im.height * 5 // 8 | 1), Image.Resampling.LANCZOS)


def test_a_copy_resaved_harder_shows_its_history_and_the_camera_frame_none(photo):
    camera = _jpeg(photo, 92)
    assert coarse_step(_gray(camera)) == 0
    harder = _jpeg(_jpeg(photo, 35), 92)             # recompressed at quality 35, then saved finely again
    assert coarse_step(_gray(harder)) >= COARSE
    # upright frames turned from their file's orientation (odd sizes: the grid ends at the far edge)
    assert coarse_step(_gray(harder.transpose(Image.Transpose.ROTATE_90))) >= COARSE
    assert coarse_step(_gray(harder.transpose(Image.Transpose.ROTATE_180))) >= COARSE


def test_pixels_changed_after_the_coarse_encoding_hide_it(photo):
    """The documented limit: a copy of a coarse JPEG through a tone curve or a blur shows no
    lattice, so the absence of one is no proof of a finer encoding."""
    from PIL import ImageFilter

    harder = _jpeg(photo, 35)
    assert coarse_step(_gray(_jpeg(harder.point(lambda v: round(255 * (v / 255) ** 0.8)), 92))) == 0
    assert coarse_step(_gray(_jpeg(harder.filter(ImageFilter.GaussianBlur(1.0)), 92))) == 0


def test_history_evidence_only_between_a_lattice_and_none():
    assert history_evidence(0.0, 17.0) == HISTORY_EVIDENCE          # only b went through a coarse encoding
    assert history_evidence(17.0, 0.0) == -HISTORY_EVIDENCE
    assert history_evidence(0.0, COARSE - 1) == 0.0                 # not coarse enough to be sure
    assert history_evidence(10.0, 17.0) == 0.0                      # both: a requantized lattice can read finer
    assert history_evidence(30.0, 16.0) == 0.0
    assert history_evidence(None, 17.0) == 0.0 and history_evidence(0.0, None) == 0.0


def _evidence(frames, with_steps):
    from models.features.relative import burst_evidence

    grays = [_gray(f) for f in frames]
    steps = [coarse_step(g) for g in grays] if with_steps else None
    return burst_evidence(grays, [1.0] * len(grays), steps)


def test_the_burst_comparison_counts_a_harder_save_against_its_frame(photo):
    camera, harder = _jpeg(photo, 92), _jpeg(_jpeg(photo, 35), 92)
    before, after = _evidence([camera, harder], False), _evidence([camera, harder], True)
    assert after[0, 1] - before[0, 1] == pytest.approx(HISTORY_EVIDENCE, abs=1e-4)
    assert after[1, 0] == pytest.approx(-after[0, 1])


def test_a_frame_made_from_a_coarse_one_is_not_counted_finer(photo):
    """The lattice goes with a tone curve or a blur, the blocking stays: no evidence from its
    absence where the tones differ or where that frame kept less detail."""
    from PIL import ImageFilter

    coarse = _jpeg(_jpeg(photo, 30), 92)
    lifted = coarse.point(lambda v: round(255 * (v / 255) ** 0.8))           # shadows and mid-tones lifted
    for made in (lifted, coarse.filter(ImageFilter.GaussianBlur(1.2))):
        made = _jpeg(made, 92)
        assert coarse_step(_gray(made)) == 0 and coarse_step(_gray(coarse)) >= COARSE
        assert _evidence([coarse, made], True)[0, 1] == pytest.approx(_evidence([coarse, made], False)[0, 1], abs=1e-6)
