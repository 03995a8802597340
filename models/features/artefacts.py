"""Compression artefacts where they show: the 8x8 block grid at native pixels, tile by tile.

A JPEG encoder quantizes each 8x8 block on its own. Where the picture is flat or a smooth
gradient (skin, sky, fog, a white facade) a harder quantization keeps little more than each
block's mean: inside a block the steps between neighbours vanish (banding), and across the
block edges they grow (blocking). Loss of detail does not show there (there is little detail
to lose), but the grid does. So, per tile, in the frame's own grid:

- ``bound``: the mean absolute step between neighbours across block edges;
- ``inside``: the mean absolute step between neighbours within blocks.

The grid strength of a tile is ``log10((bound + c) / (inside + c))`` with a floor ``c`` of
half a grey level (an 8-bit gradient steps by whole levels), plus the steps of any extra
noise one of the two frames compared shows in their flat tiles. It is about 0 for a camera JPEG
(a mild quantization, noise, blur, an exposure change: none of them prefer the block edges)
and grows with the quantization, most in flat and gradient tiles, where the mean step inside
the blocks is small. Ringing of a harder quantization near edges adds steps inside the blocks
and lowers the strength: it is not counted as an improvement, since the evidence between two
frames is taken over the tiles where one frame shows the grid most.
"""
from __future__ import annotations

import numpy as np

STEP_FLOOR = 0.5           # grey levels (0-255): half an 8-bit step
VISIBLE = 0.1              # grid strength below which a tile shows no grid (a camera JPEG's)


def block_steps(tile: np.ndarray, x0: int, y0: int) -> np.ndarray:
    """(bound, inside) mean absolute neighbour steps of a 0-255 ``tile`` whose top-left pixel
    is at (x0, y0) of its frame (the frame's block grid starts at 0, 0)."""
    dx = np.abs(np.diff(tile, axis=1))         # step between columns c and c + 1
    dy = np.abs(np.diff(tile, axis=0))
    cx = (np.arange(dx.shape[1]) + x0) % 8 == 7      # c is the last column of a block
    cy = (np.arange(dy.shape[0]) + y0) % 8 == 7
    bound = (dx[:, cx].sum() + dy[cy, :].sum()) / max(1, dx[:, cx].size + dy[cy, :].size)
    inside = (dx[:, ~cx].sum() + dy[~cy, :].sum()) / max(1, dx[:, ~cx].size + dy[~cy, :].size)
    return np.array([bound, inside], np.float32)


NOISE_STEP = 2 / np.sqrt(np.pi)   # mean absolute step between neighbours of white noise, per sigma
QUIET = 2.5                # grey levels: less extra noise than this hides no grid (a harder
                           # quantization smooths away about 1-2 of fine texture in smooth tiles)


def step_floor(extra_sigma: float = 0.0) -> float:
    """The floor ``c``: half a grey level, plus the mean step that one frame's extra noise
    (sigma, 0-255, beyond the other frame's) adds at and inside its block edges alike. Noise
    hides a grid: with the extra noise in both frames' floor, a noisier copy of a blocky frame
    does not pass for a copy with fewer artefacts."""
    return STEP_FLOOR + NOISE_STEP * max(0.0, extra_sigma - QUIET)


def grid_strength(steps: np.ndarray, gain: float | np.ndarray = 1.0, floor: float = STEP_FLOOR) -> np.ndarray:
    """Per-tile grid strength from (T, 2) ``steps``, the steps scaled by ``gain`` first (a
    frame's contrast brought to another's)."""
    s = steps * np.asarray(gain, np.float32).reshape(-1, 1)
    return np.log10((s[:, 0] + floor) / (s[:, 1] + floor))


def visible_grid(strength: np.ndarray) -> np.ndarray:
    """Grid strength as far as it shows: a camera JPEG's faint grid, or one that noise masks
    further, counts as no grid (so noise never reads as fewer artefacts than a clean copy)."""
    return np.maximum(strength, VISIBLE)
