"""How coarsely a JPEG was quantized earlier in its life, read from its pixels.

A JPEG stores each 8x8 block's DCT coefficients as multiples of a step (its quality). Saved
again at a finer quality without its pixels changing otherwise (a copy re-saved, a frame
recompressed by a messenger and kept at its size), the coefficients stay near multiples of the
coarse step: a lattice the finer encoding cannot hide. A camera JPEG (quality 85 and up) shows
no lattice coarser than a few units; a copy that went through quality 35 shows one near 16 on
the lowest frequencies. Found from the histogram of the coefficients' magnitudes: the largest
step most of the non-zero coefficients lie on, beyond what chance gives.

What it cannot say: a picture whose pixels were changed after a coarse encoding (brightened,
blurred, resized) loses the lattice while it keeps the blocking; so the lattice proves a coarse
history, its absence proves nothing about a frame made from a coarse one. The burst comparison
(relative.py ``encoding_term``) uses it only between a frame with a lattice and one without any,
of the same tones, where the one without kept as much detail."""
from __future__ import annotations

import numpy as np

POSITIONS = ((0, 1), (1, 0), (1, 1), (0, 2), (2, 0))   # the lowest frequencies: most non-zero coefficients
TOLERANCE = 2              # coefficient units: the later, finer encoding and rounding move a value this much
MIN_STEP, MAX_STEP = 8, 64  # below MIN_STEP, chance alone puts most values within TOLERANCE of a multiple
ABOVE_CHANCE = 0.6         # the share of values on the lattice, beyond chance, for a step to be found
MIN_VALUES = 500           # non-zero coefficients at a position, at least, for it to be read


def _basis() -> np.ndarray:
    """(64, len(POSITIONS)): the orthonormal 8x8 DCT-II basis images of POSITIONS (JPEG's own
    forward transform), flattened."""
    k = np.arange(8)
    d = np.sqrt(2 / 8) * np.cos((2 * k[None, :] + 1) * k[:, None] * np.pi / 16)
    d[0] /= np.sqrt(2)
    return np.stack([np.outer(d[u], d[v]).ravel() for u, v in POSITIONS], axis=1).astype(np.float32)


_BASIS = _basis()


def grid_coefficients(gray: np.ndarray, offset: tuple[int, int] = (0, 0)) -> np.ndarray:
    """(blocks, len(POSITIONS)) DCT coefficients of the 8x8 blocks of ``gray`` (0-255, (H, W))
    on the grid starting at ``offset`` (rows, columns)."""
    oy, ox = offset
    g = gray[oy:, ox:]
    h, w = (g.shape[0] // 8) * 8, (g.shape[1] // 8) * 8
    blocks = g[:h, :w].reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3).reshape(-1, 64)
    return (blocks.astype(np.float32) - 128.0) @ _BASIS


def lattice_step(values: np.ndarray) -> int | None:
    """The largest step in [MIN_STEP, MAX_STEP] that most of ``values`` (coefficients of one
    frequency) lie on, beyond chance; 0 where none is; None where too few values are non-zero."""
    mags = np.rint(np.abs(values)).astype(np.int64)
    mags = mags[mags > TOLERANCE]
    if len(mags) < MIN_VALUES:
        return None
    counts = np.bincount(mags)
    levels = np.arange(len(counts))
    total = float(counts.sum())
    for step in range(MAX_STEP, MIN_STEP - 1, -1):
        rest = levels % step
        on = (np.minimum(rest, step - rest) <= TOLERANCE) & (levels >= step - TOLERANCE)
        chance = (2 * TOLERANCE + 1) / step
        if (counts[on].sum() / total - chance) / (1 - chance) >= ABOVE_CHANCE:
            return step
    return 0


def coarse_step(gray: np.ndarray) -> float | None:
    """The step of the coarsest quantization in the frame's history on its lowest frequencies
    (the median over POSITIONS that can be read): 0 for none found; None where too little of
    the frame has structure to tell. An upright frame turned from its file's orientation keeps
    its blocks but may start its grid elsewhere: the grids ending at the far edges are tried too."""
    h, w = gray.shape[:2]
    best = None
    for offset in {(0, 0), (h % 8, 0), (0, w % 8), (h % 8, w % 8)}:
        c = grid_coefficients(gray, offset)
        steps = [s for s in (lattice_step(c[:, k]) for k in range(c.shape[1])) if s is not None]
        if steps:
            found = float(np.median(steps))
            best = found if best is None else max(best, found)
    return best


COARSE = 12                # a lattice step this coarse, at least, is a harder encoding (JPEG quality about 50
#                            or lower on the lowest frequencies) than any camera writes
HISTORY_EVIDENCE = 0.3     # on the detail evidence's scale (log10 of fine energy): as if the frame had lost
#                            half its finest detail, 2.5 logits in the ranking (app/core/ranking.py EVIDENCE_WEIGHT)


def history_evidence(step_a: float | None, step_b: float | None) -> float:
    """Evidence that frame ``a`` is the better kept copy of the moment from the encodings in
    the two frames' histories (:func:`coarse_step`): HISTORY_EVIDENCE when only ``b`` shows a
    coarse lattice, its negative when only ``a`` does, else 0 (both show one: a lattice
    requantized can look finer than the one before it; neither: nothing to tell)."""
    if step_a is None or step_b is None:
        return 0.0
    if step_a == 0 and step_b >= COARSE:
        return HISTORY_EVIDENCE
    if step_b == 0 and step_a >= COARSE:
        return -HISTORY_EVIDENCE
    return 0.0
