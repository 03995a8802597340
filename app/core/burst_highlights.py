"""Highlights compared between two exposures of one view, place by place
(models/features/highlights.py), when a burst is ranked: only for the leading frames whose
levels differ, on reduced copies (a JPEG's DCT-scaled draft). Results are kept by the two
pictures' content hashes in the catalog (``highlight_pairs``, so the window and every CLI command
compare a burst's exposures once) and per process, and the last few reduced copies by their own
hash, so a frame in several compared pairs is decoded once. A frame that can't be read is not
compared (the ranking falls back to the stored measures) and is tried again the next time; nor
is a file edited since it was indexed, whose pixels are no longer those of its content hash."""
from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import asdict, fields

import cv2
import numpy as np

from models.features.highlights import HighlightPair, highlight_pair
from models.features.relative import global_shift

from .catalog.connection import CatalogError
from .catalog.photos import as_indexed
from .decode import decode
from .recent import Recent

log = logging.getLogger(__name__)
SIZE = 1000                # long side of the compared copies, at least (a 12-MP JPEG's quarter-scale
#                            draft): a clipped area a photographer sees is larger than the pixels one averages
VERSION = 1                # of the method (SIZE, the alignment, models/features/highlights.py): stored
#                            results of another version are compared again
_pairs: Recent = Recent(4096)          # (bright, dark) content hashes -> HighlightPair | None
_frames: Recent = Recent(8)            # content hash -> reduced copy
_lock = threading.Lock()
_NOT_STORED = object()


def _remember(store: Recent, key, value) -> None:
    with _lock:
        store.keep(key, value)


def _reduced(path: str, content_hash: str | None) -> np.ndarray | None:
    with _lock:
        known = _frames.recall(content_hash)
    if known is not None:
        return known
    try:
        rgb = np.asarray(decode(None, path, work_size=SIZE).image)
    except Exception as exc:        # a refinement: no reader's failure may stop a ranking
        log.info("highlight comparison skips %s: %s", path, exc)
        return None
    if content_hash:
        _remember(_frames, content_hash, rgb)
    return rgb


def _gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)


def compare(catalog, bright_id: int, dark_id: int, unsaved: list | None = None) -> HighlightPair | None:
    """What frame ``bright_id`` lost at its top that frame ``dark_id`` kept; None when the two
    can't be compared (unreadable, another size, not the same view). A new result goes to the
    catalog at once, or onto ``unsaved`` for one :func:`save` of a whole burst."""
    rows = [catalog.photos.get(pid) for pid in (bright_id, dark_id)]
    if not all(rows):
        return None
    key = (rows[0]["content_hash"], rows[1]["content_hash"])
    known = all(key)                # a frame not hashed yet is compared, not remembered
    with _lock:
        if known and key in _pairs:
            return _pairs.recall(key)
    if known and (stored := _stored(catalog, key)) is not _NOT_STORED:
        _remember(_pairs, key, stored)
        return stored
    if not all(as_indexed(r) for r in rows):
        log.info("highlight comparison skips %s: changed since it was indexed", rows[0]["path"])
        return None                 # measured once it is indexed again, never kept under its old hash
    bright, dark = (_reduced(r["path"], r["content_hash"]) for r in rows)
    if bright is None or dark is None:
        return None
    result = None
    if bright.shape == dark.shape:
        try:
            shift = global_shift(_gray(bright), _gray(dark))
            result = None if shift is None else highlight_pair(bright, dark, shift)
        except (cv2.error, ValueError, MemoryError) as exc:     # a failure, not an answer: tried again next time
            log.info("highlight comparison of %s and %s failed: %s", rows[0]["path"], rows[1]["path"], exc)
            return None
    if known:                       # an answer (also "another size" or "no overlap": fixed for these two pictures)
        _remember(_pairs, key, result)
        if unsaved is None:
            save(catalog, [(key, result)])
        else:
            unsaved.append((key, result))
    return result


def _stored(catalog, key: tuple[str, str]):
    """The catalog's result for ``key`` (a HighlightPair or None), or ``_NOT_STORED``."""
    try:
        stored = catalog.highlight_pairs.get([key], VERSION)
        if key not in stored:
            return _NOT_STORED
        if stored[key] is None:
            return None
        values = {f.name: float(stored[key][f.name]) for f in fields(HighlightPair)}
        if not all(0.0 <= v <= 1.0 for v in values.values()):
            raise ValueError(f"shares out of range: {values}")
        return HighlightPair(**values)
    except (sqlite3.Error, CatalogError, TypeError, ValueError, KeyError) as exc:   # (no table in a damaged
        log.info("stored highlight comparison unreadable: %s", exc)                  # catalog; a damaged row)
        return _NOT_STORED


def save(catalog, results: list[tuple[tuple[str, str], HighlightPair | None]]) -> None:
    """Keep ``results`` ((bright hash, dark hash), result) in the catalog, in one transaction;
    where it can't be written (read-only, busy past its timeout, damaged), they are compared
    again in the next process."""
    if not results or catalog.readonly:
        return
    try:
        catalog.highlight_pairs.save([(*key, None if r is None else asdict(r)) for key, r in results], VERSION)
    except (sqlite3.Error, CatalogError) as exc:
        log.info("highlight comparisons not stored (%s): compared again in the next process", exc)
