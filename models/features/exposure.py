"""Exposure as a photographer judges it, between two frames of the same moment.

Within a burst, two frames that differ only in exposure are judged on exposure alone (the
ranker's other inputs move with the tone: brighter shadows give more Laplacian energy, a
darker frame less measured noise). From the stored overview measures of each frame
(models/features/quality.py) and its main face:

- ``blown``: the share of the picture with a clipped channel or clipped luminance;
- ``flat`` and ``spike``: the share of the picture flat at its top level, and the largest
  share within a few levels near its top (``highlights_flat``, ``highlights_spike``): clipping
  that stays visible when a frame is darkened after. Where both frames have them and the two
  were not compared place by place (models/features/highlights.py, which sees more), which one
  lost more highlight detail is judged on these (:func:`clipped`, :func:`blown_more`), not on
  ``blown``;
- ``crushed``: the share of black-clipped luminance;
- ``white``: the 99th luminance percentile, up to 0.9: a frame whose brightest tones stop
  short of that left its range unused (under-exposed); beyond it, brighter earns nothing;
- ``lift``: the blacks relative to the mid-tones, log((p1 + c) / (median + c)): a gamma lift
  or a flat picture style raises the blacks far more than the mid-tones (washed out), where
  an exposure change moves both alike;
- ``median``: the median level (which frame is brighter; not judged by itself);
- ``face``: the main face's mean level, when there is a face: a face darker than a quarter
  or brighter than 0.8 of full scale is badly exposed whatever the rest does.

:func:`exposure_verdict` weighs them; the weights were chosen on the training sources of the
default ranker only (the held-out sources and the exposure families of the benchmark were
never used): blown highlights cost most, then an unused range and lifted blacks.
"""
from __future__ import annotations

import math

_C = 0.02                  # keeps the ratio of levels finite near black
WEIGHTS = {"blown": 10.0, "crushed": 5.0, "white": 10.0, "lift": 4.0, "face": 5.0}
WHITE_ENOUGH = 0.9         # whites at 0.9 of full scale use the range: brighter earns nothing
FACE_RANGE = (0.25, 0.8)
BLOWN_SAID = 0.005         # "fewer blown highlights": the other frame lost this share of the picture more
BLOWN_REASON = "fewer blown highlights"
RANGE_REASON = "uses the full tonal range"


def exposure_values(q: dict, face: dict | None = None) -> dict[str, float]:
    """The measures above from a frame's stored quality row ``q`` and its main face row."""
    g = lambda k: float(q.get(k) or 0.0)      # noqa: E731
    out = {"blown": g("channels_clipped") + g("highlights_clipped"), "crushed": g("shadows_clipped"),
           "white": min(g("white_level"), WHITE_ENOUGH), "median": g("brightness_median"),
           "lift": math.log((g("black_level") + _C) / (g("brightness_median") + _C))}
    if q.get("highlights_flat") is not None and q.get("highlights_spike") is not None:
        out["flat"], out["spike"] = g("highlights_flat"), g("highlights_spike")
    if face is not None:
        level = float(face.get("brightness") or 0.0)
        out["face"] = max(0.0, FACE_RANGE[0] - level) + max(0.0, level - FACE_RANGE[1])
    return out


def blown_more(a: dict[str, float], b: dict[str, float]) -> float:
    """How much more of its picture ``b`` lost to clipped highlights than ``a`` (negative:
    ``a`` lost more). On ``flat`` and ``spike`` where both frames have them: the frame with more
    flat top lost what the other kept, less what the other holds as :func:`clipped` (the same
    clipping, darkened after: no detail kept there either). Otherwise on ``blown``."""
    if not all(k in f for f in (a, b) for k in ("flat", "spike")):
        return b["blown"] - a["blown"]
    lost, kept, sign = (b, a, 1.0) if b["flat"] > a["flat"] else (a, b, -1.0)
    return sign * max(0.0, lost["flat"] - clipped(kept))


def clipped(v: dict[str, float]) -> float:
    """The share of a frame lost to clipping at whatever level: flat at its top, or piled into
    a spike near it (re-encoding roughens a clipped area it darkened, and a clipped channel
    under a JPEG's colour rounding is rarely flat, but both stay a spike)."""
    return max(v["flat"], v["spike"])


def exposure_verdict(a: dict[str, float], b: dict[str, float]) -> float:
    """Positive when ``a`` (values from :func:`exposure_values`) is the better exposed frame."""
    v = (WEIGHTS["blown"] * blown_more(a, b) + WEIGHTS["crushed"] * (b["crushed"] - a["crushed"])
         + WEIGHTS["white"] * (a["white"] - b["white"]) + WEIGHTS["lift"] * (b["lift"] - a["lift"]))
    if "face" in a and "face" in b:
        v += WEIGHTS["face"] * (b["face"] - a["face"])
    return v


def exposure_reasons(a: dict[str, float], b: dict[str, float], blown: float | None = None) -> list[str]:
    """What makes ``a`` better exposed than ``b``, in words, each by its own measure;
    ``blown``: how much more of its picture ``b`` lost to clipped highlights, where the two
    were compared place by place (models/features/highlights.py), else :func:`blown_more`."""
    out = []
    blown = blown_more(a, b) if blown is None else blown
    if blown > BLOWN_SAID:
        out.append(BLOWN_REASON)
    if b["crushed"] - a["crushed"] > 0.005:
        out.append("fewer crushed shadows")
    if "face" in a and "face" in b and b["face"] - a["face"] > 0.02:
        out.append("better exposed face")
    if a["white"] - b["white"] > 0.03 and not blown < -BLOWN_SAID:
        out.append(RANGE_REASON)
    if b["lift"] - a["lift"] > 0.1:
        out.append("deeper blacks")
    return out
