"""What a set of frames was shot for, from what the files and the pictures tell:

- ``bracket``: the exposure steps (EXIF exposure bias, or exposure time x ISO / aperture^2
  stepping by half a stop or more, or the camera's auto-bracket exposure mode); without
  any EXIF (stripped), a visible ladder: 3 to 9 frames of one layout whose light, measured in
  linear light on the pixels exposed in both neighbours, steps by one even gain of half a stop
  to three stops from frame to frame;
- ``panorama``: frame after frame registers with a translation or rotation that moves the
  view by a good part of the frame, and the overlap matches (:mod:`.registration`);
- ``focus_stack``: one still view where the sharpest region moves from frame to frame;
- ``timelapse``: eight or more frames of one view at a regular interval of two seconds or more;
- ``burst``: anything else (frames of one moment: pick the best).

Brackets, panoramas, focus stacks and timelapses are kept whole (:data:`KEPT_WHOLE`): shot on
purpose as a set, none of their frames is suggested as best or for rejection."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

BURST, BRACKET, PANORAMA, FOCUS_STACK, TIMELAPSE = "burst", "bracket", "panorama", "focus_stack", "timelapse"
KINDS = (BURST, BRACKET, PANORAMA, FOCUS_STACK, TIMELAPSE)
KEPT_WHOLE = frozenset({BRACKET, PANORAMA, FOCUS_STACK, TIMELAPSE})

BRACKET_STOPS = 0.5          # exposure difference between two frames of a bracket, at least
LADDER_STEP_STOPS = 0.25     # without EXIF: log2 steps of mean brightness between neighbouring frames of a ladder
                             # (1 EV moves an sRGB mean by about 0.45; clipping by less)
PANORAMA_SHIFT = 0.12        # a panorama step moves the view by this share of the frame, at least
STILL_SHIFT = 0.03           # one view: frames move by less than this
PANORAMA_RESIDUAL = 0.12     # the aligned overlap of a panorama step matches this well
STACK_EXPOSURE_STOPS = 0.25  # mean brightness of a focus stack's frames varies less (log2)
LADDER_MIN_STOPS = 0.5       # without EXIF: a ladder's step in linear light, at least (BRACKET_STOPS)
LADDER_MAX_STOPS = 3.2       # and at most (cameras bracket by 3 stops a step at most)
LADDER_EVEN_STOPS = 0.3      # a bracket's steps are equal: each within this of their median (or a quarter of it)
LADDER_PEAK = 0.3            # share of the per-pixel log2 ratios on their peak: one global gain, one layout
LADDER_LAYOUT = 0.7          # correlation of the neighbours' log light where both are exposed: one layout
LADDER_MEASURED = 0.02       # share of the pixels exposed in both frames a gain is measured on, at least
                             # (a +2 EV frame of a bright view: 87% clipped)
TIMELAPSE_MIN_FRAMES = 8     # a slow burst shot by hand at a steady pace has fewer
TIMELAPSE_MIN_INTERVAL_S = 2.0
TIMELAPSE_REGULARITY = 0.1   # spread of the intervals over their mean


@dataclass
class FrameFacts:
    id: int
    ts: float
    exposure_time: float | None = None
    f_number: float | None = None
    iso: float | None = None
    bias: float | None = None              # EXIF ExposureBiasValue
    auto_bracket: bool = False             # EXIF ExposureMode = 2 (auto bracket)
    brightness: float | None = None        # mean brightness 0..1 (features)
    gray: np.ndarray | None = None         # the thumbnail (320 px) in gray
    camera_time: bool = False              # EXIF capture time present (the metadata was not stripped)


def exposure_stops(f: FrameFacts) -> float | None:
    """log2 of the light the settings let in (time x ISO / aperture^2), plus the bias where
    only it is known; None without exposure EXIF."""
    if f.exposure_time and f.exposure_time > 0 and f.f_number and f.f_number > 0:
        return math.log2(f.exposure_time * (f.iso or 100) / 100 / (f.f_number ** 2))
    return None


def _distinct_levels(values: list[float], step: float) -> int:
    levels = 0
    last = None
    for v in sorted(values):
        if last is None or v - last >= step:
            levels += 1
            last = v
    return levels


def is_bracket(frames: list[FrameFacts]) -> bool:
    if len(frames) < 2:
        return False
    biases = [f.bias for f in frames if f.bias is not None]
    if len(biases) == len(frames) and _distinct_levels(biases, 0.3) >= 2 and max(biases) - min(biases) >= BRACKET_STOPS:
        return True
    if any(f.auto_bracket for f in frames) and sum(f.auto_bracket for f in frames) >= len(frames) - 1:
        return True
    stops = [exposure_stops(f) for f in frames]
    if all(s is not None for s in stops):
        # the settings stepped by half a stop or more, a stop or more in all (a burst's
        # auto exposure following the light wobbles by a third of a stop), and the pictures
        # got lighter with them (auto exposure following a change of light steps the settings
        # too, the pictures staying alike: a processional walking into shade, DJ lights)
        return max(stops) - min(stops) >= 2 * BRACKET_STOPS - 0.1 and \
            _distinct_levels(stops, BRACKET_STOPS - 0.05) >= 2 and _light_follows(frames, stops)
    if any(s is not None for s in stops):
        return False
    return visible_ladder(frames)


LIGHT_FOLLOWS = 0.25         # log2 of the mean level per stop of settings a bracket's pictures move at least
#                              (one stop more light: about 0.45 in sRGB, less where the brighter frame clips)


def _light_follows(frames: list[FrameFacts], stops: list[float]) -> bool:
    """Whether the frame set for the most light is, by its pictures' mean level, brighter than
    the frame set for the least in proportion (True where a level is not known: the settings
    decide as before)."""
    lo, hi = min(range(len(stops)), key=stops.__getitem__), max(range(len(stops)), key=stops.__getitem__)
    a, b = frames[lo].brightness, frames[hi].brightness
    if not a or not b or a <= 0 or b <= 0:
        return True
    return math.log2(b / a) >= LIGHT_FOLLOWS * (stops[hi] - stops[lo])


def bracket_period(frames: list[FrameFacts]) -> int | None:
    """Brackets shot back to back (an HDR series, several brackets of one view) arrive as one
    set: the exposure ladder repeats. The ladder's length where it does (None where not)."""
    values = [f.bias if f.bias is not None else exposure_stops(f) for f in frames]
    if any(v is None for v in values):
        if any(f.camera_time for f in frames):
            return None
        values = [None if f.brightness is None or f.brightness <= 0 else math.log2(f.brightness) for f in frames]
        if any(v is None for v in values):
            return None
        tolerance = LADDER_STEP_STOPS / 2
    else:
        tolerance = BRACKET_STOPS / 2
    n = len(values)
    for p in range(2, n // 2 + 1):
        if n % p == 0 and _distinct_levels(values[:p], 2 * tolerance) >= 2 and \
                all(abs(values[i] - values[i % p]) < tolerance for i in range(n)):
            return p
    return None


def linear_gain(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float] | None:
    """How much more light ``b`` got than ``a`` (gray thumbnails, sRGB), in stops: the peak of
    the per-pixel log2 ratios in linear light over the pixels exposed in both (neither clipped
    nor in the noise floor), and the share of those pixels within a fifth of a stop of it. An
    exposure change of one layout puts most pixels on the peak (a colour channel clipping in
    the brighter frame pulls some below it, which moves a median but not the peak); a moved
    subject, another view or a tone edit spreads them. Third: the correlation of the two
    frames' log light over those pixels (one layout: 0.86 or more on tune photos' ladders;
    different photos: 0.38 at most). None where too few pixels are exposed in both."""
    if a.shape != b.shape:
        b = cv2.resize(b, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_AREA)
    fa, fb = a.astype(np.float32) / 255, b.astype(np.float32) / 255
    exposed = (fa > 0.06) & (fa < 0.94) & (fb > 0.06) & (fb < 0.94)
    if exposed.mean() < LADDER_MEASURED:
        return None
    ratios = 2.2 * (np.log2(fb[exposed]) - np.log2(fa[exposed]))
    counts, edges = np.histogram(ratios, bins=240, range=(-6.0, 6.0))
    counts = np.convolve(counts, np.ones(3), mode="same")
    peak = float(edges[int(np.argmax(counts))] + 0.025)
    la, lb = np.log2(fa[exposed]), np.log2(fb[exposed])
    layout = float(np.corrcoef(la, lb)[0, 1]) if la.std() > 1e-6 and lb.std() > 1e-6 else 0.0
    return peak, float(np.mean(np.abs(ratios - peak) <= 0.2)), layout


def _gray_ladder(grays: list[np.ndarray]) -> bool:
    order = sorted(range(len(grays)), key=lambda i: float(grays[i].mean()))
    steps = []
    for i, j in zip(order, order[1:]):
        gain = linear_gain(grays[i], grays[j])
        if gain is None or gain[1] < LADDER_PEAK or gain[2] < LADDER_LAYOUT or \
                not LADDER_MIN_STOPS <= gain[0] <= LADDER_MAX_STOPS:
            return False
        steps.append(gain[0])
    mid = float(np.median(steps))
    return all(abs(s - mid) <= max(LADDER_EVEN_STOPS, 0.25 * mid) for s in steps)


def visible_ladder(frames: list[FrameFacts]) -> bool:
    """No EXIF at all (stripped: an export, a messenger): 3 to 9 frames, every frame its own
    exposure level (a burst with one badly exposed frame has two frames on one level), the
    levels an even ladder of one global gain in linear light (what a bracket is: the same
    picture, the shutter open longer). Without the pictures, the mean brightness climbing in
    clear steps. Files that keep their camera's metadata but no exposure settings tell
    nothing either way: not a bracket."""
    if any(f.camera_time for f in frames) or not 3 <= len(frames) <= 9:
        return False
    if all(f.gray is not None for f in frames):
        return _gray_ladder([f.gray for f in frames])
    light = [f.brightness for f in frames]
    if any(v is None or v <= 0 for v in light):
        return False
    stops = sorted(math.log2(max(v, 1e-3)) for v in light)
    return all(b - a >= LADDER_STEP_STOPS for a, b in zip(stops, stops[1:]))


def is_panorama(steps: list) -> bool:
    """Most steps that registered move the view by a good part of the frame, with a matching
    overlap (a step over a textureless stretch may not register)."""
    steps = [s for s in steps if s is not None]
    moved = [s for s in steps if s is not None and s.shift >= PANORAMA_SHIFT and 0.8 <= s.scale <= 1.25
             and abs(s.rotation_deg) <= 20 and s.residual <= PANORAMA_RESIDUAL and s.overlap >= 0.2 and s.inliers >= 20]
    return len(steps) >= 1 and len(moved) * 2 > len(steps)


def _still(steps: list) -> bool:
    return bool(steps) and all(s is not None and s.shift < STILL_SHIFT and abs(s.rotation_deg) < 1.5 for s in steps)


def sharpness_map(gray: np.ndarray, cells: int = 4) -> np.ndarray:
    lap = np.abs(cv2.Laplacian(cv2.GaussianBlur(gray.astype(np.float32), (0, 0), 0.8), cv2.CV_32F))
    h, w = lap.shape
    return np.array([[lap[r * h // cells:(r + 1) * h // cells, c * w // cells:(c + 1) * w // cells].mean()
                      for c in range(cells)] for r in range(cells)]).ravel()


def is_focus_stack(frames: list[FrameFacts], steps: list) -> bool:
    """One still view (a tripod), one exposure (mean brightness within a quarter stop), and the
    sharpest region moves: three or
    more frames each the clearly sharpest (1.5x the others' median) in two or more of 16 cells,
    half the cells have such a clear winner (a burst's moving subject wins a cell or two), and
    no frame wins more than half of them."""
    if len(frames) < 3 or not _still(steps) or any(f.gray is None for f in frames):
        return False
    light = [f.brightness for f in frames]
    if all(v is not None and v > 0 for v in light) and \
            math.log2(max(light)) - math.log2(min(light)) > STACK_EXPOSURE_STOPS:
        return False                       # a stack keeps its exposure; a burst's bad frame does not
    maps = np.stack([sharpness_map(f.gray) for f in frames])
    wins: dict[int, int] = {}
    for cell in maps.T:
        top = int(np.argmax(cell))
        if cell[top] >= 1.5 * max(float(np.median(np.delete(cell, top))), 1e-6):
            wins[top] = wins.get(top, 0) + 1
    # a noisier or blockier frame "wins" most cells at once: that is a defect, not a focus step
    return sum(n >= 2 for n in wins.values()) >= 3 and sum(wins.values()) * 2 >= maps.shape[1] and \
        max(wins.values()) * 2 <= maps.shape[1]


def is_timelapse(frames: list[FrameFacts], steps: list) -> bool:
    if len(frames) < TIMELAPSE_MIN_FRAMES:
        return False
    gaps = np.diff(sorted(f.ts for f in frames))
    mean = float(gaps.mean())
    return mean >= TIMELAPSE_MIN_INTERVAL_S and float(gaps.std()) <= TIMELAPSE_REGULARITY * mean and \
        all(s is not None and s.shift < PANORAMA_SHIFT for s in steps)


def classify(frames: list[FrameFacts], steps: Callable[[], list]) -> str:
    """``frames`` in capture order; ``steps()``: frame i+1 registered on frame i for each i (None
    where it could not be), computed only when the exposure did not already tell."""
    if is_bracket(frames):
        return BRACKET
    s = steps()
    if is_panorama(s):
        return PANORAMA
    if is_focus_stack(frames, s):
        return FOCUS_STACK
    if is_timelapse(frames, s):
        return TIMELAPSE
    return BURST
