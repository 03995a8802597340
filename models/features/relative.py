"""Detail lost between two frames of one burst, measured on the same places at native pixels.

A frame judged alone has to tell lost detail (blur, missed focus, heavy compression) from
added detail (noise) by its statistics only. The frames of a burst show the same scene, so
the same places can be compared directly: on a grid of native tiles, aligned to a reference
frame, each tile's coarse band (the tile blurred by a few pixels: what a blur or noise barely
changes) says whether the two frames show the same content there (correlation) and how their
contrast differs (an exposure or tone change: ``b``'s tile is scaled to ``a``'s contrast).
Then the fine band (4-neighbour Laplacian inside the 8x8 JPEG blocks) of ``a`` and ``b`` gives

- ``E_a``, ``E_b``: each frame's fine energy (its detail plus its own noise);
- ``C``: their shared energy, the mean product of the two bands. Independent noise does not
  add to it, and neither does anything that is not in both frames.

If ``b`` is a blurred copy of ``a``, ``E_b < C < E_a`` (a blur keeps less than it shares);
if ``b`` is ``a`` plus noise, ``C = E_a < E_b``. So a frame *lost* detail where its own
energy falls below the shared energy: ``loss = log10(C / E)`` when positive. Noise never
makes a loss, and neither does misalignment or a subject that moved (both lower ``C``, which
only hides evidence). The evidence that ``a`` is sharper than ``b`` is the difference of
their losses over the tiles where ``b`` lost most (a subject out of focus is a small part of
the frame, and a photographer judges the subject, not the sky).

A harder JPEG quantization loses little detail where there is little to lose (skin, fog, a
white facade) but shows its 8x8 grid there. So the same tiles, and the tiles flat in both
frames, are also compared on the strength of each frame's block grid (artefacts.py), and a
copy that shows more of it is the worse kept one: :func:`pair_evidence` adds both.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .artefacts import block_steps, grid_strength, step_floor, visible_grid
from .quantization import history_evidence

TILE = 128                 # native pixels on a side of a tile
GRID = (8, 6)              # tiles along the long and the short side
ALIGN_SIZE = 512           # long side of the copies the global shift is measured on
MAX_SHIFT = 0.1            # a frame shifted by more than this share of its size is not aligned
TOP_SHARE = 0.125          # the evidence is the mean over the eighth of the tiles that lost most
MIN_TILES = 4
SAME_CONTENT = 0.9         # coarse correlation above which two tiles show the same content
MAX_GAIN = 4.0             # contrast ratio beyond which a tile is clipped or flat, not comparable
EXPOSURE_STOPS = 0.5       # evidence fades out between frames this many stops apart
_COARSE_SIGMA = 4.0        # native pixels
_NOISE_FLOOR = 3.0         # a tile counts when its shared energy is 3x the frames' noise energy
_LAP_NOISE_GAIN = 20.0


def _inside_blocks(side: int) -> np.ndarray:
    idx = np.arange(side) % 8
    keep = (idx > 0) & (idx < 7)
    keep[0] = keep[-1] = False
    return keep[:, None] & keep[None, :]


_INSIDE = _inside_blocks(TILE)


@dataclass
class FrameBands:
    """One frame's bands on the reference grid: fine (T, n) and coarse (T, m) values (NaN
    rows where a tile falls outside the frame), the frame's noise sigma (0-255), and each
    tile's block-edge and inside-block steps (T, 2; artefacts.py)."""
    bands: np.ndarray
    coarse: np.ndarray
    sigma: float
    steps: np.ndarray | None = None

    @property
    def present(self) -> np.ndarray:
        return np.isfinite(self.coarse[:, 0])


def _small(gray: np.ndarray) -> tuple[np.ndarray, float]:
    f = min(1.0, ALIGN_SIZE / max(gray.shape))
    small = cv2.resize(gray, (max(1, round(gray.shape[1] * f)), max(1, round(gray.shape[0] * f))),
                       interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (0, 0), 1.0), f


def global_shift(ref: np.ndarray, gray: np.ndarray) -> tuple[int, int] | None:
    """Native (dx, dy) by which the reference's content is displaced in ``gray`` (same size),
    from a phase correlation of small copies; None when the frames are not the same view."""
    if ref.shape != gray.shape:
        return None
    a, f = _small(ref)
    b, _ = _small(gray)
    window = cv2.createHanningWindow((a.shape[1], a.shape[0]), cv2.CV_32F)
    (dx, dy), response = cv2.phaseCorrelate(a, b, window)
    if response < 0.05 or abs(dx) > MAX_SHIFT * a.shape[1] or abs(dy) > MAX_SHIFT * a.shape[0]:
        return None
    return round(dx / f), round(dy / f)


def tile_origins(size: tuple[int, int]) -> list[tuple[int, int]]:
    """Top-left corners (on the 8x8 grid) of the tiles of a frame of ``size`` (w, h)."""
    w, h = size
    nx, ny = GRID if w >= h else GRID[::-1]
    margin = TILE // 2

    def spread(extent: int, n: int) -> list[int]:
        lo, hi = margin, extent - margin - TILE
        if hi < lo:
            return [max(0, (extent - TILE) // 2)] if extent >= TILE else []
        return sorted({int(round(lo + (hi - lo) * i / max(1, n - 1))) // 8 * 8 for i in range(n)})

    return [(x, y) for y in spread(h, ny) for x in spread(w, nx)]


def frame_bands(gray: np.ndarray, origins: list[tuple[int, int]], shift: tuple[int, int], sigma: float) -> FrameBands:
    """The fine band of ``gray`` (0-255 float32) on the tiles at ``origins`` of the reference,
    displaced by ``shift`` (the tile's content sits at origin + shift in this frame)."""
    h, w = gray.shape
    n = int(_INSIDE.sum())
    bands = np.full((len(origins), n), np.nan, np.float32)
    coarse = np.full((len(origins), (TILE // 4) ** 2), np.nan, np.float32)
    steps = np.full((len(origins), 2), np.nan, np.float32)
    for t, (x, y) in enumerate(origins):
        x0, y0 = x + shift[0], y + shift[1]
        if x0 < 0 or y0 < 0 or x0 + TILE > w or y0 + TILE > h:
            continue
        tile = gray[y0:y0 + TILE, x0:x0 + TILE]
        lap = cv2.Laplacian(tile, cv2.CV_32F, ksize=1)
        # A shifted tile no longer sits on this frame's JPEG grid: block edges would then
        # pass for detail, so the mask follows the frame's own grid.
        mask = np.roll(_INSIDE, (-(y0 % 8), -(x0 % 8)), axis=(0, 1)) if (x0 % 8 or y0 % 8) else _INSIDE
        values = lap[mask]
        bands[t, :values.size] = values[:n]
        smooth = cv2.GaussianBlur(tile, (0, 0), _COARSE_SIGMA)[2::4, 2::4]
        coarse[t] = (smooth - smooth.mean()).ravel()
        steps[t] = block_steps(tile, x0, y0)
    return FrameBands(bands, coarse, float(sigma), steps)


def _coarse_pair(a: FrameBands, b: FrameBands):
    """The tiles both frames hold: (mask, a's and b's coarse bands there, their energies, their
    correlation), or None when fewer than MIN_TILES."""
    ok = a.present & b.present
    if ok.sum() < MIN_TILES:
        return None
    ca, cb = a.coarse[ok], b.coarse[ok]
    va, vb, cab = np.sum(ca * ca, axis=1), np.sum(cb * cb, axis=1), np.sum(ca * cb, axis=1)
    return ok, ca, cb, va, vb, cab / np.sqrt(va * vb + 1e-12)


def detail_evidence(a: FrameBands, b: FrameBands) -> float | None:
    """log10 evidence that ``a`` kept more detail than ``b`` (positive) or less (negative);
    None when too few tiles hold comparable structure."""
    shared_tiles = _coarse_pair(a, b)
    if shared_tiles is None:
        return None
    ok, ca, cb, va, vb, rho = shared_tiles
    gain = np.sqrt(va / (vb + 1e-12))                    # b's contrast brought to a's
    ba, bb = a.bands[ok], b.bands[ok] * gain[:, None]
    ea = np.mean(ba * ba, axis=1)
    eb = np.mean(bb * bb, axis=1)
    shared = np.mean(ba * bb, axis=1)
    noise = _LAP_NOISE_GAIN * np.maximum(a.sigma ** 2, (b.sigma * gain) ** 2)
    usable = (rho > SAME_CONTENT) & (gain < MAX_GAIN) & (gain > 1 / MAX_GAIN) & (shared > _NOISE_FLOOR * noise + 1e-3)
    if usable.sum() < MIN_TILES:
        return None
    loss_a = np.clip(np.log10(shared[usable] / ea[usable]), 0, None)
    loss_b = np.clip(np.log10(shared[usable] / eb[usable]), 0, None)
    k = max(1, int(round(TOP_SHARE * usable.sum())))
    diff = loss_b - loss_a
    top = np.sort(diff)
    # Across exposures, 8-bit and JPEG quantization change the fine band of the darker frame
    # in ways that have nothing to do with focus (it reads as slightly *more* detailed), so
    # the comparison counts fully between frames of like exposure only.
    stops = abs(float(np.log2(np.median(gain[usable]))))
    return float(top[-k:].mean() + top[:k].mean()) * max(0.0, 1.0 - stops / EXPOSURE_STOPS)


def burst_evidence(grays: list[np.ndarray], sigmas: list[float], steps: list | None = None) -> np.ndarray:
    """(N, N) antisymmetric evidence between the frames (0-255 float32 native grays); NaN
    where frames cannot be compared (other size, not the same view, too little structure).
    ``steps``: each frame's coarse encoding step (quantization.py ``coarse_step``; None: not a
    JPEG), for :func:`encoding_term`."""
    n = len(grays)
    out = np.full((n, n), np.nan, np.float32)
    if n < 2:
        return out
    ref = grays[0]
    origins = tile_origins((ref.shape[1], ref.shape[0]))
    bands: list[FrameBands | None] = []
    for g, s in zip(grays, sigmas):
        shift = (0, 0) if g is ref else global_shift(ref, g)
        bands.append(None if shift is None else frame_bands(g, origins, shift, s))
    for i in range(n):
        out[i, i] = 0.0
        for j in range(i + 1, n):
            if bands[i] is None or bands[j] is None:
                continue
            e = pair_evidence(bands[i], bands[j])
            if e is not None:
                e += encoding_term(bands[i], bands[j], e, *((steps[i], steps[j]) if steps else (None, None)))
                out[i, j], out[j, i] = e, -e
    return out


ARTEFACT_DEAD_ZONE = 0.1   # grid evidence a mild recompression, noise or a blur stays within
ARTEFACT_GAIN = 2.0        # log10 of grid strength -> the scale of the detail evidence


def artefact_term(evidence: float | None) -> float:
    """The part of the artefact evidence beyond its dead zone, on the detail evidence's scale
    (a quality-35 copy of a camera JPEG: about 0.25 to 0.45 before, 0.3 to 0.7 after)."""
    if evidence is None:
        return 0.0
    return float(np.sign(evidence)) * ARTEFACT_GAIN * max(0.0, abs(evidence) - ARTEFACT_DEAD_ZONE)


def pair_evidence(a: FrameBands, b: FrameBands) -> float | None:
    """Evidence that ``a`` is the better kept copy of the moment: the detail ``b`` lost more
    (:func:`detail_evidence`) plus the block grid ``b`` shows more (:func:`artefact_evidence`);
    None when neither can be measured."""
    d, g = detail_evidence(a, b), artefact_evidence(a, b)
    if d is None and g is None:
        return None
    return (d or 0.0) + artefact_term(g)


FLAT_STD = 1.5             # grey levels: a tile whose coarse band varies less is flat


def artefact_evidence(a: FrameBands, b: FrameBands) -> float | None:
    """log10 evidence that ``b`` shows more of the 8x8 block grid than ``a`` (positive: ``a``
    is the cleaner copy), on the same places: tiles of the same content and tiles flat in both
    frames (where a harder quantization shows most); ``b``'s steps brought to ``a``'s contrast,
    the extra noise one frame shows in the flat tiles added to both frames' floor (noise hides
    a grid; a flat tile holds no detail that could pass for noise).
    None when too few tiles can be compared. Unlike the detail evidence it holds across
    exposures: a tone change scales the steps at and inside the block edges alike."""
    shared_tiles = _coarse_pair(a, b) if a.steps is not None and b.steps is not None else None
    if shared_tiles is None:
        return None
    ok, ca, cb, va, vb, rho = shared_tiles
    flat = (va < FLAT_STD ** 2 * ca.shape[1]) & (vb < FLAT_STD ** 2 * cb.shape[1])
    same = (rho > SAME_CONTENT) & ~flat
    gains = np.sqrt(va[same] / (vb[same] + 1e-12))
    gain = float(np.median(gains)) if same.sum() >= MIN_TILES else 1.0
    if not 1 / MAX_GAIN < gain < MAX_GAIN:
        return None
    usable = same | flat
    if usable.sum() < MIN_TILES:
        return None
    smooth = (va < SMOOTH_STD ** 2 * ca.shape[1]) & (vb < SMOOTH_STD ** 2 * cb.shape[1])
    floor = step_floor(_extra_noise(a.bands[ok][smooth], b.bands[ok][smooth] * gain))
    grid_b = visible_grid(grid_strength(b.steps[ok][usable], gain, floor))
    diff = grid_b - visible_grid(grid_strength(a.steps[ok][usable], 1.0, floor))
    k = max(1, int(round(TOP_SHARE * usable.sum())))
    top = np.sort(diff)
    return float(top[-k:].mean() + top[:k].mean())


SAME_TONES = 0.02          # stops of contrast: two frames whose tones no edit or exposure changed (a re-encoding
#                            at quality ~36 or ~30 of the training sources: 0.01 at most; the mildest training
#                            underexposure: 0.02 median)


def encoding_term(a: FrameBands, b: FrameBands, evidence: float, step_a: float | None, step_b: float | None) -> float:
    """The encodings' history (quantization.py ``history_evidence``: only one frame shows a
    coarse lattice) added to the pair's ``evidence``, where the lattice's absence in the other
    frame can mean a finer encoding: not where the two frames' tones differ, nor where the
    frame without a lattice kept less detail (made from the other one, a brightening, a blur
    or a resampling takes the lattice away with the pixels and leaves the blocking)."""
    h = history_evidence(step_a, step_b)
    if h == 0.0:
        return 0.0
    stops = tone_stops(a, b)
    if stops is None or abs(stops) > SAME_TONES:
        return 0.0
    if h * evidence < 0 and abs(evidence) > ENCODING_DEAD_ZONE:
        return 0.0
    return h


ENCODING_DEAD_ZONE = 0.05  # detail evidence a re-encoding alone stays within (app/core/ranking.py's dead zone)
SMOOTH_STD = 8.0           # grey levels: a tile whose coarse band varies less holds little detail


def _extra_noise(fa: np.ndarray, fb: np.ndarray) -> float:
    """The noise sigma one frame shows beyond the other in tiles smooth in both (fine bands
    ``fa``, ``fb``; a 4-neighbour Laplacian of white noise of sigma s has energy 20 s^2): the
    median difference of fine energy there, where there is little detail a copy could have
    lost instead. A scene without smooth tiles (fur, foliage) cannot tell texture from noise:
    0, and a grid is judged as it shows."""
    if len(fa) < 2:
        return 0.0
    diff = np.nanmean(fb * fb, axis=1) - np.nanmean(fa * fa, axis=1)
    return float(np.sqrt(abs(float(np.median(diff))) / _LAP_NOISE_GAIN))


def tone_stops(a: FrameBands, b: FrameBands) -> float | None:
    """How many stops brighter (in contrast) ``a`` is than ``b`` on the tiles of the same
    content (the median of their contrast ratios); None when too few tiles compare."""
    shared_tiles = _coarse_pair(a, b)
    if shared_tiles is None:
        return None
    _ok, ca, cb, va, vb, rho = shared_tiles
    same = (rho > SAME_CONTENT) & (va > FLAT_STD ** 2 * ca.shape[1]) & (vb > FLAT_STD ** 2 * cb.shape[1])
    if same.sum() < MIN_TILES:
        return None
    return float(np.log2(np.median(np.sqrt(va[same] / vb[same]))))
