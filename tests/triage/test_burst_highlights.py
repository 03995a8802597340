"""The place-by-place highlight comparison as the ranking asks it (app/core/burst_highlights.py):
from the files, aligned, remembered by content hashes in the process and in the catalog; a
frame that can't be read is skipped (the ranking falls back to the stored measures), never an
error."""
import numpy as np
import pytest
from PIL import Image

from app.core import burst_highlights
from app.core.catalog import Catalog


class _Photos:
    def __init__(self, rows):
        self.rows = rows

    def get(self, pid):
        return self.rows.get(pid)


class _Catalog:
    """The photos' rows as given; the comparisons stored in a real catalog's table."""

    def __init__(self, rows, real: Catalog, readonly: bool = False):
        self.photos = _Photos(rows)
        self.highlight_pairs, self.readonly = real.highlight_pairs, readonly


@pytest.fixture
def real(tmp_path):
    with Catalog(tmp_path / "catalog.db") as cat:
        yield cat


def _pair(tmp_path):
    rng = np.random.default_rng(1)
    scene = np.repeat(np.clip(rng.normal(110, 25, (300, 400)), 0, 255)[..., None], 3, axis=2).astype(np.float32)
    scene[:80] = np.linspace(200, 240, 400, dtype=np.float32)[None, :, None]      # a sky the darker frame keeps
    dark, bright = tmp_path / "dark.jpg", tmp_path / "bright.jpg"
    Image.fromarray(scene.astype(np.uint8)).save(dark, quality=95)
    Image.fromarray(np.clip(scene * 1.3, 0, 255).astype(np.uint8)).save(bright, quality=95)
    return dark, bright


def test_the_brighter_frame_lost_the_sky_and_the_result_is_remembered(tmp_path, monkeypatch, real):
    dark, bright = _pair(tmp_path)
    cat = _Catalog({1: {"path": str(bright), "content_hash": "hb1"}, 2: {"path": str(dark), "content_hash": "hd1"}}, real)
    p = burst_highlights.compare(cat, 1, 2)
    assert p is not None and p.lost > 0.1
    monkeypatch.setattr(burst_highlights, "highlight_pair", lambda *a: (_ for _ in ()).throw(AssertionError("again")))
    assert burst_highlights.compare(cat, 1, 2) == p                   # by content hashes, not measured again


def test_unreadable_vanished_or_unhashed_frames_are_skipped(tmp_path, real):
    dark, bright = _pair(tmp_path)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(bright.read_bytes()[:300])
    cat = _Catalog({1: {"path": str(broken), "content_hash": "hx2"}, 2: {"path": str(dark), "content_hash": "hd2"},
                    3: {"path": str(tmp_path / "gone.jpg"), "content_hash": "hg2"},
                    4: {"path": str(bright), "content_hash": None}}, real)
    assert burst_highlights.compare(cat, 1, 2) is None
    assert burst_highlights.compare(cat, 3, 2) is None
    assert burst_highlights.compare(cat, 9, 2) is None                  # no such photo
    # a frame not hashed yet is compared, and not remembered under a hash it does not have
    assert burst_highlights.compare(cat, 4, 2).lost > 0.1
    assert not any(None in key for key in burst_highlights._pairs)
    # the broken file repaired is compared the next time (a failure is not remembered)
    broken.write_bytes(bright.read_bytes())
    assert burst_highlights.compare(cat, 1, 2).lost > 0.1
    stored = real.conn.execute("SELECT hash_a, hash_b FROM highlight_pairs").fetchall()
    assert stored == [("hx2", "hd2")]                  # only what was compared: no failure, no missing hash


def _never(*_a, **_k):
    raise AssertionError("compared again")


def test_another_process_reads_the_comparison_from_the_catalog(tmp_path, monkeypatch, real):
    dark, bright = _pair(tmp_path)
    rows = {1: {"path": str(bright), "content_hash": "hb3"}, 2: {"path": str(dark), "content_hash": "hd3"}}
    first = burst_highlights.compare(_Catalog(rows, real), 1, 2)
    burst_highlights._pairs.clear()                    # a new process: nothing remembered in memory
    burst_highlights._frames.clear()
    with monkeypatch.context() as m:
        m.setattr(burst_highlights, "decode", _never)
        m.setattr(burst_highlights, "highlight_pair", _never)
        with Catalog(real.path) as other:              # the CLI beside the window
            assert burst_highlights.compare(_Catalog(rows, other), 1, 2) == first
    # a result of another version of the method is compared again
    burst_highlights._pairs.clear()
    monkeypatch.setattr(burst_highlights, "VERSION", burst_highlights.VERSION + 1)
    calls = []
    real_pair = burst_highlights.highlight_pair
    monkeypatch.setattr(burst_highlights, "highlight_pair", lambda *a: calls.append(1) or real_pair(*a))
    assert burst_highlights.compare(_Catalog(rows, real), 1, 2) == first and calls == [1]


def test_a_read_only_catalog_is_compared_in_memory_and_not_written(tmp_path, real):
    dark, bright = _pair(tmp_path)
    rows = {1: {"path": str(bright), "content_hash": "hb4"}, 2: {"path": str(dark), "content_hash": "hd4"}}
    assert burst_highlights.compare(_Catalog(rows, real, readonly=True), 1, 2).lost > 0.1
    assert real.conn.execute("SELECT count(*) FROM highlight_pairs").fetchone()[0] == 0


def test_stored_comparisons_of_pictures_gone_from_the_library_are_pruned(real):
    real.photos.upsert("/lib/a.jpg", {"status": "ok", "content_hash": "ha"})
    real.photos.upsert("/lib/b.jpg", {"status": "ok", "content_hash": "hb"})
    real.highlight_pairs.save([("ha", "hb", {"lost": 0.02, "held": 0.0, "top": 0.02}), ("ha", "hgone", None)], 1)
    assert real.highlight_pairs.prune() == 1
    assert real.highlight_pairs.get([("ha", "hb"), ("ha", "hgone")], 1) == {("ha", "hb"): {"lost": 0.02, "held": 0.0,
                                                                                         "top": 0.02}}
    assert real.highlight_pairs.get([("ha", "hb")], 2) == {}          # another version of the method: not this
