"""Highlights compared between two exposures of one view, place by place
(models/features/highlights.py), when a burst is ranked: only for the leading frames whose
levels differ, on reduced copies (a JPEG's DCT-scaled draft). Results are kept per process by
the two pictures' content hashes, and the last few reduced copies by their own, so a frame in
several compared pairs is decoded once. A frame that can't be read is not compared (the ranking
falls back to the stored measures) and is tried again the next time."""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict

import cv2
import numpy as np

from models.features.highlights import HighlightPair, highlight_pair
from models.features.relative import global_shift

from .decode import decode

log = logging.getLogger(__name__)
SIZE = 1000                # long side of the compared copies, at least (a 12-MP JPEG's quarter-scale
#                            draft): a clipped area a photographer sees is larger than the pixels one averages
_PAIRS_KEPT, _FRAMES_KEPT = 4096, 8
_pairs: OrderedDict[tuple[str, str], HighlightPair | None] = OrderedDict()
_frames: OrderedDict[str, np.ndarray] = OrderedDict()
_lock = threading.Lock()


def _remember(store: OrderedDict, key, value, kept: int) -> None:
    with _lock:
        store[key] = value
        store.move_to_end(key)
        while len(store) > kept:
            store.popitem(last=False)


def _reduced(path: str, content_hash: str | None) -> np.ndarray | None:
    with _lock:
        if content_hash in _frames:
            return _frames[content_hash]
    try:
        rgb = np.asarray(decode(None, path, work_size=SIZE).image)
    except Exception as exc:        # a refinement: no reader's failure may stop a ranking
        log.info("highlight comparison skips %s: %s", path, exc)
        return None
    if content_hash:
        _remember(_frames, content_hash, rgb, _FRAMES_KEPT)
    return rgb


def _gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)


def compare(catalog, bright_id: int, dark_id: int) -> HighlightPair | None:
    """What frame ``bright_id`` lost at its top that frame ``dark_id`` kept; None when the two
    can't be compared (unreadable, another size, not the same view)."""
    rows = [catalog.photos.get(pid) for pid in (bright_id, dark_id)]
    if not all(rows):
        return None
    key = (rows[0]["content_hash"], rows[1]["content_hash"])
    known = all(key)                # a frame not hashed yet is compared, not remembered
    with _lock:
        if known and key in _pairs:
            _pairs.move_to_end(key)
            return _pairs[key]
    bright, dark = (_reduced(r["path"], r["content_hash"]) for r in rows)
    if bright is None or dark is None:
        return None
    result = None
    if bright.shape == dark.shape:
        try:
            shift = global_shift(_gray(bright), _gray(dark))
            result = None if shift is None else highlight_pair(bright, dark, shift)
        except (cv2.error, ValueError) as exc:
            log.info("highlight comparison of %s and %s failed: %s", rows[0]["path"], rows[1]["path"], exc)
    if known:
        _remember(_pairs, key, result, _PAIRS_KEPT)
    return result
