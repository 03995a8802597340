"""The place-by-place highlight comparison as the ranking asks it (app/core/burst_highlights.py):
from the files, aligned, remembered by content hashes in the process and in the catalog; a
frame that can't be read is skipped (the ranking falls back to the stored measures), never an
error."""
import os
import sqlite3
from dataclasses import asdict

import numpy as np
import pytest
from PIL import Image

from app.core import burst_highlights
from app.core.catalog import Catalog, CatalogReadOnlyError


class _Photos:
    def __init__(self, rows):
        self.rows = rows

    def get(self, pid):
        """The row as the catalog holds it; a row given without size and time is indexed as
        the file is now."""
        row = self.rows.get(pid)
        if row is None or "size" in row:
            return row
        try:
            st = os.stat(row["path"])
        except OSError:
            return row
        return {**row, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


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
    real.conn.execute("DELETE FROM highlight_pairs")               # not from the catalog: from this process
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
    with Catalog(real.path, readonly=True) as reader:
        assert reader.readonly
        assert burst_highlights.compare(_Catalog(rows, reader, readonly=reader.readonly), 1, 2).lost > 0.1
    # a catalog the window opened read-only (another program holds it) is not even tried
    rows = {1: {"path": str(bright), "content_hash": "hb4b"}, 2: {"path": str(dark), "content_hash": "hd4b"}}
    assert burst_highlights.compare(_Catalog(rows, real, readonly=True), 1, 2).lost > 0.1
    assert real.conn.execute("SELECT count(*) FROM highlight_pairs").fetchone()[0] == 0


def test_frames_that_cant_be_aligned_are_an_answer_kept_for_every_process(tmp_path, monkeypatch, real):
    dark, bright = _pair(tmp_path)
    small = tmp_path / "small.jpg"
    Image.open(dark).resize((200, 150)).save(small)
    rows = {1: {"path": str(bright), "content_hash": "hb5"}, 2: {"path": str(small), "content_hash": "hs5"}}
    assert burst_highlights.compare(_Catalog(rows, real), 1, 2) is None              # another size
    assert real.conn.execute("SELECT result FROM highlight_pairs").fetchall() == [(None,)]
    burst_highlights._pairs.clear()
    monkeypatch.setattr(burst_highlights, "decode", _never)
    assert burst_highlights.compare(_Catalog(rows, real), 1, 2) is None              # from the catalog, not decoded


def test_a_failed_comparison_is_neither_remembered_nor_stored(tmp_path, monkeypatch, real):
    dark, bright = _pair(tmp_path)
    rows = {1: {"path": str(bright), "content_hash": "hb6"}, 2: {"path": str(dark), "content_hash": "hd6"}}

    def fails(*_a):
        raise MemoryError("out of memory in the middle")

    with monkeypatch.context() as m:
        m.setattr(burst_highlights, "highlight_pair", fails)
        assert burst_highlights.compare(_Catalog(rows, real), 1, 2) is None
    assert ("hb6", "hd6") not in burst_highlights._pairs
    assert real.conn.execute("SELECT count(*) FROM highlight_pairs").fetchone()[0] == 0
    assert burst_highlights.compare(_Catalog(rows, real), 1, 2).lost > 0.1               # tried again


class _Refusing:
    """A catalog table that can't be read (missing in a damaged catalog) or written (busy, gone read-only)."""

    def __init__(self, error):
        self.error = error

    def get(self, *_a):
        raise self.error

    save = get


@pytest.mark.parametrize("error", [sqlite3.OperationalError("database is locked"),
                                   sqlite3.OperationalError("no such table: highlight_pairs"),
                                   CatalogReadOnlyError("the catalog's folder became read-only")])
def test_a_catalog_that_refuses_never_stops_the_comparison(tmp_path, error, real):
    dark, bright = _pair(tmp_path)
    rows = {1: {"path": str(bright), "content_hash": f"hb7{error}"}, 2: {"path": str(dark), "content_hash": "hd7"}}
    cat = _Catalog(rows, real)
    cat.highlight_pairs = _Refusing(error)
    assert burst_highlights.compare(cat, 1, 2).lost > 0.1


def test_a_bursts_comparisons_are_stored_in_one_go(tmp_path, real):
    dark, bright = _pair(tmp_path)
    rows = {1: {"path": str(bright), "content_hash": "hb8"}, 2: {"path": str(dark), "content_hash": "hd8"}}
    unsaved = []
    first = burst_highlights.compare(_Catalog(rows, real), 1, 2, unsaved)
    assert unsaved == [(("hb8", "hd8"), first)]
    assert real.conn.execute("SELECT count(*) FROM highlight_pairs").fetchone()[0] == 0
    burst_highlights.save(_Catalog(rows, real), unsaved)
    assert real.highlight_pairs.get([("hb8", "hd8")], burst_highlights.VERSION) == {("hb8", "hd8"): asdict(first)}


def test_stored_comparisons_of_pictures_gone_from_the_library_are_pruned(real):
    real.photos.upsert("/lib/a.jpg", {"status": "ok", "content_hash": "ha"})
    real.photos.upsert("/lib/b.jpg", {"status": "ok", "content_hash": "hb"})
    real.highlight_pairs.save([("ha", "hb", {"lost": 0.02, "held": 0.0, "top": 0.02}), ("ha", "hgone", None)], 1)
    assert real.highlight_pairs.prune() == 1
    assert real.highlight_pairs.get([("ha", "hb"), ("ha", "hgone")], 1) == {("ha", "hb"): {"lost": 0.02, "held": 0.0,
                                                                                         "top": 0.02}}
    assert real.highlight_pairs.get([("ha", "hb")], 2) == {}          # another version of the method: not this


def test_a_file_edited_since_it_was_indexed_is_not_compared_under_its_old_hash(tmp_path, real):
    dark, bright = _pair(tmp_path)
    st = os.stat(dark)
    rows = {1: {"path": str(bright), "content_hash": "hb9"},
            2: {"path": str(dark), "content_hash": "hd9", "size": st.st_size, "mtime_ns": st.st_mtime_ns}}
    edited = Image.open(bright)
    edited.save(dark, quality=80)                      # the darker frame saved over, not indexed again
    os.utime(dark, ns=(st.st_mtime_ns + 10**9, st.st_mtime_ns + 10**9))
    assert burst_highlights.compare(_Catalog(rows, real), 1, 2) is None
    assert ("hb9", "hd9") not in burst_highlights._pairs
    assert real.conn.execute("SELECT count(*) FROM highlight_pairs").fetchone()[0] == 0
    st = os.stat(dark)                                 # indexed again: a new hash for the new pixels
    rows[2] = {"path": str(dark), "content_hash": "hd9-new", "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    assert burst_highlights.compare(_Catalog(rows, real), 1, 2) is not None


@pytest.mark.parametrize("damage", ["'not json'", "''", "'[1, 2]'", """'{"lost": "x", "held": 0, "top": 0}'""",
                                    """'{"lost": null, "held": 0, "top": 0}'""", """'{"lost": 0.1}'""",
                                    """'{"lost": 7, "held": 0, "top": 7}'"""])
def test_a_damaged_stored_row_is_compared_again_and_replaced(tmp_path, real, damage):
    dark, bright = _pair(tmp_path)
    rows = {1: {"path": str(bright), "content_hash": "hb10"}, 2: {"path": str(dark), "content_hash": "hd10"}}
    first = burst_highlights.compare(_Catalog(rows, real), 1, 2)
    real.conn.execute(f"UPDATE highlight_pairs SET result = {damage}")
    burst_highlights._pairs.clear()
    assert burst_highlights.compare(_Catalog(rows, real), 1, 2) == first
    assert real.highlight_pairs.get([("hb10", "hd10")], burst_highlights.VERSION) == {("hb10", "hd10"): asdict(first)}


def test_a_catalog_held_by_another_process_costs_a_short_wait_not_half_a_minute(tmp_path, real):
    import time

    from app.core.catalog.connection import BUSY_TIMEOUT_S, CACHE_WAIT_S

    dark, bright = _pair(tmp_path)
    rows = {1: {"path": str(bright), "content_hash": "hb11"}, 2: {"path": str(dark), "content_hash": "hd11"}}
    holder = sqlite3.connect(real.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")                  # an index writing in another process
    try:
        started = time.monotonic()
        assert burst_highlights.compare(_Catalog(rows, real), 1, 2).lost > 0.1
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert waited < CACHE_WAIT_S + 5 < BUSY_TIMEOUT_S
    assert real.conn.execute("SELECT count(*) FROM highlight_pairs").fetchone()[0] == 0      # next time
    # the connection's own writes (decisions) still wait as long as ever
    assert real.conn.execute("PRAGMA busy_timeout").fetchone()[0] == round(BUSY_TIMEOUT_S * 1000)
