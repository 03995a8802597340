"""Highlights compared between two exposures of one view, place by place
(models/features/highlights.py), when a burst is ranked: only for the leading frames whose
levels differ, on reduced copies (a JPEG's DCT-scaled draft), kept per process by the two
pictures' content hashes."""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict

import cv2
import numpy as np

from models.features.highlights import HighlightPair, highlight_pair
from models.features.relative import global_shift

from .decode import DecodeError, decode

log = logging.getLogger(__name__)
SIZE = 1000                # long side of the compared copies, at least (a 12-MP JPEG's quarter-scale
#                            draft): a clipped area a photographer sees is larger than the pixels one averages
_KEPT = 4096
_pairs: OrderedDict[tuple[str, str], HighlightPair | None] = OrderedDict()
_lock = threading.Lock()


def _reduced(path: str) -> np.ndarray | None:
    try:
        return np.asarray(decode(None, path, work_size=SIZE).image)
    except (DecodeError, OSError) as exc:
        log.info("highlight comparison skips %s: %s", path, exc)
        return None


def _gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)


def compare(catalog, bright_id: int, dark_id: int) -> HighlightPair | None:
    """What frame ``bright_id`` lost at its top that frame ``dark_id`` kept; None when the two
    can't be compared (unreadable, another size, not the same view)."""
    rows = {pid: catalog.photos.get(pid) for pid in (bright_id, dark_id)}
    if not all(rows.values()):
        return None
    key = (rows[bright_id]["content_hash"], rows[dark_id]["content_hash"])
    with _lock:
        if key in _pairs:
            _pairs.move_to_end(key)
            return _pairs[key]
    bright, dark = _reduced(rows[bright_id]["path"]), _reduced(rows[dark_id]["path"])
    result = None
    if bright is not None and dark is not None and bright.shape == dark.shape:
        shift = global_shift(_gray(bright), _gray(dark))
        result = None if shift is None else highlight_pair(bright, dark, shift)
    with _lock:
        _pairs[key] = result
        while len(_pairs) > _KEPT:
            _pairs.popitem(last=False)
    return result
