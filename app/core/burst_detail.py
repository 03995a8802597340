"""The burst-relative pass: frames of one burst compared with each other at native pixels
(models/features/relative.py), deferred to the time a burst is ranked and kept in the catalog
by content hash, so each pair of pictures is decoded and compared once."""
from __future__ import annotations

import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from models.features.native import choose_regions
from models.features.quality import ANALYSIS_SIZE, immerkaer_sigma
from models.features.quantization import coarse_step
from models.features.relative import burst_evidence
from models.features.shrink import shrink

from .catalog.connection import CatalogError
from .catalog.photos import as_indexed
from .decode import DecodeError, decode
from .formats import is_jpeg, is_raw

log = logging.getLogger(__name__)
METHOD_VERSION = 5       # bump when models/features/relative.py changes what it measures (2: RAW noise on the
#   development; 3: the block grid and noise in its floor; 4: both; 5: a coarse encoding in a JPEG's history)


def _native_gray(path: str) -> np.ndarray | None:
    """The upright full-resolution gray (0-255 float32) of one frame, or None."""
    try:
        # a RAW file whose preview is small is developed in full: the frames compared here
        # are the burst's leading ones, judged at the sensor's own pixels
        native = decode(None, path, native=True, raw_develop="full").native_view
    except (DecodeError, OSError) as exc:
        log.info("burst comparison skips %s: %s", path, exc)
        return None
    return native.gray() if native is not None else None


DECODE_THREADS = 2         # frames decoded and read at once on the first ranking of a burst


def _frame(row: dict, noise: float) -> tuple[np.ndarray | None, float, float | None]:
    """(full-resolution gray or None, its noise sigma, its JPEG history's lattice step) of one
    frame. A file edited since it was indexed is not measured (its pixels are no longer its
    hash's). A RAW frame is compared on a full development while the index measured its noise on
    a half-size one (one raw sample per colour, more of the finest noise than a linear demosaic
    leaves): its noise is measured again on the compared picture. A JPEG whose pixels show a
    coarser encoding than the other frame's ever had (a copy re-saved harder) is the worse kept
    copy of the moment, however its detail reads (models/features/quantization.py)."""
    gray = _native_gray(row["path"]) if as_indexed(row) else None
    if gray is None:
        return None, noise, None
    sigma = native_sigma(gray) if is_raw(row["path"]) else noise
    return gray, sigma, coarse_step(gray) if is_jpeg(row["path"]) else None


def native_sigma(gray: np.ndarray) -> float:
    """Noise sigma of a full-resolution gray, measured as the index measures ``noise_native``
    (Immerkaer on the flattest mid-tone crops, planned on an overview)."""
    work, f = shrink(gray / np.float32(255.0), ANALYSIS_SIZE)
    _, boxes = choose_regions(work, 1.0 / f, (gray.shape[1], gray.shape[0]))
    return float(np.median([immerkaer_sigma(np.ascontiguousarray(gray[y:y + h, x:x + w])) for x, y, w, h in boxes]))


def detail_evidence(catalog, photo_ids: list[int]) -> np.ndarray:
    """(N, N) evidence that frame i kept more detail than frame j (log10 energy; NaN where the
    two cannot be compared). Decodes only the frames of pairs not measured before."""
    n = len(photo_ids)
    out = np.full((n, n), np.nan, np.float32)
    rows = [catalog.photos.get(pid) for pid in photo_ids]
    hashes = [r["content_hash"] if r else None for r in rows]
    known = catalog.detail_evidence.get([h for h in hashes if h], METHOD_VERSION)
    todo = set()
    for i in range(n):
        for j in range(n):
            if i == j or hashes[i] is None or hashes[j] is None:
                continue
            if hashes[i] == hashes[j]:
                out[i, j] = 0.0
            elif (hashes[i], hashes[j]) in known:
                e = known[hashes[i], hashes[j]]
                out[i, j] = np.nan if e is None else e
            else:
                todo.update((i, j))
    if todo:
        frames = sorted(todo)
        quality = catalog.features.quality([photo_ids[i] for i in frames])
        noise = {i: float(quality.get(photo_ids[i], {}).get("noise_native") or 0.0) for i in frames}
        with ThreadPoolExecutor(DECODE_THREADS) as pool:     # decodes and DCTs let go of the interpreter
            measured_frames = list(pool.map(lambda i: _frame(rows[i], noise[i]), frames))
        readable = [(i, g, sigma) for i, (g, sigma, _) in zip(frames, measured_frames) if g is not None]
        steps = [step for g, _, step in measured_frames if g is not None]
        measured = burst_evidence([g for _, g, _ in readable], [s for _, _, s in readable], steps)
        results = []
        for a, (i, _, _) in enumerate(readable):
            for b, (j, _, _) in enumerate(readable):
                if i < j and hashes[i] != hashes[j] and (hashes[i], hashes[j]) not in known:
                    e = measured[a, b]
                    out[i, j], out[j, i] = e, -e
                    results.append((hashes[i], hashes[j], None if np.isnan(e) else float(e)))
        if results and not catalog.readonly:
            try:
                catalog.detail_evidence.save(results, METHOD_VERSION)
            except (sqlite3.Error, CatalogError) as exc:     # busy past its timeout, gone read-only: measured again
                log.info("detail evidence not stored (%s): measured again in the next process", exc)
    np.fill_diagonal(out, 0.0)
    return out
