"""The place-by-place highlight comparison as the ranking asks it (app/core/burst_highlights.py):
from the files, aligned, remembered by content hashes; a frame that can't be read is skipped
(the ranking falls back to the stored measures), never an error."""
import numpy as np
from PIL import Image

from app.core import burst_highlights


class _Photos:
    def __init__(self, rows):
        self.rows = rows

    def get(self, pid):
        return self.rows.get(pid)


class _Catalog:
    def __init__(self, rows):
        self.photos = _Photos(rows)


def _pair(tmp_path):
    rng = np.random.default_rng(1)
    scene = np.repeat(np.clip(rng.normal(110, 25, (300, 400)), 0, 255)[..., None], 3, axis=2).astype(np.float32)
    scene[:80] = np.linspace(200, 240, 400, dtype=np.float32)[None, :, None]      # a sky the darker frame keeps
    dark, bright = tmp_path / "dark.jpg", tmp_path / "bright.jpg"
    Image.fromarray(scene.astype(np.uint8)).save(dark, quality=95)
    Image.fromarray(np.clip(scene * 1.3, 0, 255).astype(np.uint8)).save(bright, quality=95)
    return dark, bright


def test_the_brighter_frame_lost_the_sky_and_the_result_is_remembered(tmp_path, monkeypatch):
    dark, bright = _pair(tmp_path)
    cat = _Catalog({1: {"path": str(bright), "content_hash": "hb1"}, 2: {"path": str(dark), "content_hash": "hd1"}})
    p = burst_highlights.compare(cat, 1, 2)
    assert p is not None and p.lost > 0.1
    monkeypatch.setattr(burst_highlights, "highlight_pair", lambda *a: (_ for _ in ()).throw(AssertionError("again")))
    assert burst_highlights.compare(cat, 1, 2) == p                   # by content hashes, not measured again


def test_unreadable_vanished_or_unhashed_frames_are_skipped(tmp_path):
    dark, bright = _pair(tmp_path)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(bright.read_bytes()[:300])
    cat = _Catalog({1: {"path": str(broken), "content_hash": "hx2"}, 2: {"path": str(dark), "content_hash": "hd2"},
                    3: {"path": str(tmp_path / "gone.jpg"), "content_hash": "hg2"},
                    4: {"path": str(bright), "content_hash": None}})
    assert burst_highlights.compare(cat, 1, 2) is None
    assert burst_highlights.compare(cat, 3, 2) is None
    assert burst_highlights.compare(cat, 9, 2) is None                  # no such photo
    # a frame not hashed yet is compared, and not remembered under a hash it does not have
    assert burst_highlights.compare(cat, 4, 2).lost > 0.1
    assert not any(None in key for key in burst_highlights._pairs)
    # the broken file repaired is compared the next time (a failure is not remembered)
    broken.write_bytes(bright.read_bytes())
    assert burst_highlights.compare(cat, 1, 2).lost > 0.1
