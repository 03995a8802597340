"""Best shot in a burst: the MultiFeaturePairwiseRanker scores every frame from its stored
features (photo embedding, quality, main face); pairwise preferences P(i > j) =
sigmoid(s_i - s_j) are aggregated round-robin (a frame's score is its mean win probability),
and the best frame's reasons are the named features where it beats the others clearly. The
leading frames are also compared with each other at native pixels (burst_detail.py): detail
one frame lost against another, or a block grid it shows more, shifts their pairwise logit.
Of two leading exposures of one view, the brighter one that lost highlight detail the other
kept loses (clipping first: ``clipping_offset``; the two compared place by place,
burst_highlights.py); against a frame that differs in exposure only, the best is credited
with exposure reasons only (models/features/exposure.py)."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from models.face.detection import FACE_FEATURES
from models.features.exposure import (BLOWN_REASON, BLOWN_SAID, RANGE_REASON, blown_more, clipped, exposure_reasons,
                                      exposure_values, exposure_verdict)
from models.features.highlights import HighlightPair
from models.features.photo_features import RANKER_QUALITY_FEATURES
from models.rankers.portable import win_rates

from .burst_detail import detail_evidence
from .eye_state import CLOSED, NO_FACE, OPEN, UNKNOWN, eyes_open_reason, faces_eyes, frame_state, surely_open_frame
from .models import ModelUnavailable, registry

# (feature, direction, typical spread, reason shown to the user). Sharpness, noise, motion and
# compression are judged at native resolution on the subject (models/features/native.py).
REASONS = [
    ("detail_native", 1, 0.15, "sharper"),
    ("face_detail_native", 1, 0.15, "sharper face"),
    ("exposure_error", -1, 0.08, "better exposed"),
    ("highlights_lost", -1, 0.02, "fewer blown highlights"),
    ("noise_rel", -1, 0.01, "less noise"),
    ("anisotropy_native", -1, 0.08, "less motion blur"),
    ("blockiness_native", -1, 0.15, "fewer compression artefacts"),
    ("edge_alignment", 1, 0.05, "straighter framing"),
    ("border_fill", -1, 0.01, "no empty corners"),
    ("piqe", -1, 5.0, "fewer distortions (PIQE)"),      # only with the optional [iqa] extra
]
# "eyes open" is not a margin on a measure: it is given only when every prominent face of the
# best frame was seen open by the eye-state model and some other frame had closed eyes
# (app/core/eye_state.py); it then comes first: closed eyes are what a photographer rejects a
# frame for before anything else.
EYES_REASON, EYES_Z = "eyes open", 100.0
# A frame's eye state in ``explain`` (key "eyes_frame"; absent without a face): 1 all open,
# 0 someone's eyes closed, 0.5 can't tell; "eyes_sure" 1 when all are open with the margin the
# reason asks for.
EYE_CODES = {OPEN: 1.0, CLOSED: 0.0}
# A reason is only given when the native measurements support it: a frame that lost detail
# does not have "less noise" or "less motion blur" (blur smooths both away), and a frame with
# more blocking than the others is not "sharper" (block edges are not detail). Each entry: the
# measure, its good direction, and the largest shortfall against the others' median that still
# lets the reason stand (a blur of sigma 1 native pixel costs about 0.5 of detail_native; heavy
# noise can lift a noisy frame's detail by up to 0.4, which must not silence "less noise").
REQUIRES = {
    "less noise": ("detail_native", 1, 0.5),
    "less motion blur": ("detail_native", 1, 0.5),
    "fewer distortions (PIQE)": ("detail_native", 1, 0.5),
    "sharper": ("blockiness_native", -1, 0.3),
    "sharper face": ("blockiness_native", -1, 0.3),
}


@dataclass
class RankedBurst:
    order: list[int]                       # photo ids, best first
    scores: dict[int, float]               # mean win probability in [0, 1]
    reasons: list[str] = field(default_factory=list)

    @property
    def best(self) -> int:
        return self.order[0]


def _explain_values(q: dict, face: dict | None) -> dict[str, float]:
    out = {k: float(q.get(k) or 0.0) for k in ("detail_native", "noise_rel", "anisotropy_native", "blockiness_native",
                                                 "edge_alignment", "channels_clipped", "border_fill")}
    # clipped highlights, also where a frame was darkened after clipping (then no longer white:
    # flat at its top or a spike near it, models/features/exposure.py clipped)
    out["highlights_lost"] = max(out["channels_clipped"], float(q.get("highlights_flat") or 0.0),
                                 float(q.get("highlights_spike") or 0.0))
    out["exposure_error"] = abs((q.get("brightness_mean") or 0.0) - 0.47) + 2 * (
        (q.get("highlights_clipped") or 0.0) + (q.get("shadows_clipped") or 0.0))
    if q.get("piqe") is not None:
        out["piqe"] = float(q["piqe"])
    if face is not None:
        out["face_detail_native"], out["eyes_open"] = float(q.get("face_detail_native") or 0.0), face["eyes_open"]
    out.update({TONE + k: v for k, v in exposure_values(q, face).items()})
    return out


TONE = "tone:"             # explain keys of the exposure measures (models/features/exposure.py)
# Two frames differ in exposure only when their median levels differ by more than
# TONE_STOPS (in log2 of the display level; a 0.6-stop exposure change moves it about 0.25, a
# mild gamma lift 0.15; a blur or noise moves it under 0.02, though noise lifts the blacks and
# a blur dims the highlights) while the native pixels show the same detail, grid, motion and
# relative noise: the burst-relative evidence within TECH_SAME (NaN: not compared, so not
# known to be alike) and the stored native measures within these tolerances.
TONE_STOPS = 0.1
TECH_SAME = 0.1
NATIVE_SAME = {"detail_native": 0.2, "anisotropy_native": 0.08, "blockiness_native": 0.15}
NOISE_SAME = 1.0           # stops of relative noise (noise_rel), beyond the stops the levels moved
# Whether an exposure-only pair's logit is replaced by the judgement on exposure alone (False:
# the ranker's full logit stands; the reasons against such a frame still name exposure only).
# Off: on held-out sources it lowered best-shot top-1 at mild strength from 0.752 to 0.705
# (stops_under 0.88 -> 0.81; benchmarks/triage_quality.py, 43 sources, one run each).
EXPOSURE_ALONE = False
EXPOSURE_WEIGHT = 3.0      # logit per unit of exposure_verdict (a 0.6-stop difference: about 1.5-2)
# Clipping first: of two exposures of one view, the brighter one that lost highlight detail
# the other kept loses CLIP_WEIGHT logits per unit of that loss (a share of the picture) beyond
# CLIP_DEAD, up to CLIP_CAP, whatever the ranker says (it scores each frame alone, and a brighter
# frame reads sharper and better used; a blown sky can't be brought back, a range left unused
# can). The loss is measured place by place (PIXEL_HIGHLIGHTS, app/core/burst_highlights.py:
# where the brighter frame is at its top, the darker one shows tones spread below the level it
# has over most of that area), else from each frame's stored measures (models/features/
# exposure.py blown_more: more of its picture flat at its top level than the other holds flat or
# piled into a spike near its own top; these miss a clipped channel that a re-encoding roughened
# and a darkened clipped area that one spread). From that principle, not a fit: a camera's
# highlight warning blinks at any clipped area, so a newly blown area the photographer can see
# (1 % of the frame, a quarter of a million pixels at 24 MP) costs 2.1 logits, 1.3 % the whole
# cap; the dead zone is over the measures' own noise between exposures in which neither frame
# clipped more (on the training sources with the training underexposure: none place by place,
# up to 0.2 % on the stored measures).
CLIP_VETO = True
PIXEL_HIGHLIGHTS = True
CLIP_WEIGHT, CLIP_DEAD = 300.0, 0.003
CLIP_CAP = 3.0             # at most: closed eyes (EYES_WEIGHT) still outweigh a blown sky
BLOWN_AREA = 0.01          # equally blown: clipping over this share of the picture on both frames
HOLDS = 0.8                # the darker frame holds the brighter one's clipping: at least this share of it
# The other way round: of two exposures of one view equally blown (the darker one holds the
# brighter one's clipping: darkened_clipping), the darker one's clipped areas are no longer
# white, so the ranker's clipping inputs read fewer blown highlights there; the pair is scored
# with both frames' clipping inputs at the larger of the two (a clipped sky darkened after kept
# no detail).
CLIPPED_INPUTS = {"quality": ("highlights_clipped", "channels_clipped")}
# The ranker's inputs that describe exposure: for an exposure-only pair the ranker is asked
# about these alone (the two frames' other inputs held equal), next to exposure_verdict.
TONE_INPUTS = {"quality": ("brightness_mean", "brightness_median", "highlights_clipped", "shadows_clipped",
                           "channels_clipped", "black_level", "white_level", "dynamic_range", "contrast"),
               "face": ("face_brightness",)}


def exposure_levels(a: dict[str, float], b: dict[str, float], evidence: float) -> bool:
    """Whether frames with explain values ``a`` and ``b`` are two exposures of one view judged
    on their highlights (CLIP_VETO): compared at native pixels (the same framing, ``evidence``
    finite) with levels more than TONE_STOPS apart. They need not pass :func:`exposure_only`:
    blowing highlights changes the very measures it compares (a clipped area has no texture, no
    noise, no blocks)."""
    ta, tb = _tone(a), _tone(b)
    return "median" in ta and "median" in tb and bool(np.isfinite(evidence)) and abs(level_shift(ta, tb)) > TONE_STOPS


def exposure_pair(a: dict[str, float], b: dict[str, float], evidence: float,
                  pair: HighlightPair | None = None) -> float | None:
    """How much more of its picture ``b`` lost to clipped highlights than ``a``, for two
    exposures of one view (:func:`exposure_levels`). ``pair``: the two frames compared place by
    place (app/core/burst_highlights.py; what the brighter one lost at its top that the darker
    kept); without it, from each frame's stored measures
    (:func:`models.features.exposure.blown_more`). None for any other pair, and where a frame
    was indexed before its flat top was measured and no comparison was made."""
    if not exposure_levels(a, b, evidence):
        return None
    if pair is not None:
        return pair.lost if _brighter(b, a) else -pair.lost
    ta, tb = _tone(a), _tone(b)
    if "flat" not in ta or "flat" not in tb:
        return None
    return blown_more(ta, tb)


def clipping_offset(a: dict[str, float], b: dict[str, float], evidence: float = 0.0,
                    pair: HighlightPair | None = None) -> float:
    """Logit for frame ``a`` over ``b`` (explain values; ``evidence``: their burst-relative
    comparison; ``pair``: their highlights compared place by place) from the highlights each
    lost: the brighter frame that lost more loses."""
    more = exposure_pair(a, b, evidence, pair)
    if more is None or (_tone(a)["median"] - _tone(b)["median"]) * more > 0:
        return 0.0
    return math.copysign(min(CLIP_CAP, CLIP_WEIGHT * max(0.0, abs(more) - CLIP_DEAD)), more)


def darkened_clipping(a: dict[str, float], b: dict[str, float], pair: HighlightPair | None = None) -> bool:
    """Whether the darker of two exposures of one view holds the brighter one's clipping (more
    than BLOWN_AREA of the picture), to within BLOWN_AREA and at least HOLDS of it, below white
    (its share of clipped channels is smaller): equally blown, the darker one darkened after.
    ``pair``: compared place by place (the brighter frame's top, and the part of it where the
    darker one sits at the one level it has over most of it); without it, each frame's stored
    models/features/exposure.py ``clipped``."""
    bright, dark = (a, b) if _brighter(a, b) else (b, a)
    lost, held = (pair.top, pair.held) if pair is not None else (clipped(_tone(bright)), clipped(_tone(dark)))
    return lost > BLOWN_AREA and held >= max(lost - BLOWN_AREA, HOLDS * lost) and \
        dark.get("channels_clipped", 0.0) + BLOWN_AREA < held


def level_shift(ta: dict[str, float], tb: dict[str, float]) -> float:
    """How much brighter frame a is than b (tone values), in log2 of the median display level."""
    return float(np.log2((ta["median"] + 0.02) / (tb["median"] + 0.02)))


def _brighter(a: dict[str, float], b: dict[str, float]) -> bool:
    """Whether frame ``a`` (explain values) is the brighter of two exposures: its median level
    is the higher (the pairs judged on highlights differ by more than TONE_STOPS)."""
    return _tone(a)["median"] > _tone(b)["median"]


def _tone(values: dict[str, float]) -> dict[str, float]:
    return {k[len(TONE):]: v for k, v in values.items() if k.startswith(TONE)}


def exposure_only(a: dict[str, float], b: dict[str, float], evidence: float) -> bool:
    """Whether frames with explain values ``a`` and ``b`` and burst-relative ``evidence``
    differ in exposure only."""
    if not np.isfinite(evidence) or abs(evidence) > TECH_SAME:
        return False
    if any(abs(a.get(k, 0.0) - b.get(k, 0.0)) > tol for k, tol in NATIVE_SAME.items()):
        return False
    shift = level_shift(_tone(a), _tone(b))
    # a rendering brighter or darker moves the measured noise too (a gain, clipping that
    # flattens, a lift that lifts the floor): the noise may differ by as much more as the levels
    noise = float(np.log2((a.get("noise_rel", 0.0) + 1e-4) / (b.get("noise_rel", 0.0) + 1e-4)))
    if abs(noise) > NOISE_SAME + abs(shift):
        return False
    return abs(shift) > TONE_STOPS


# The burst-relative pass (app/core/burst_detail.py) adds to the ranker's logit for i over j
# EVIDENCE_WEIGHT x its evidence that i kept more detail than j, beyond a dead zone that
# exposure changes and JPEG noise stay within. Calibrated on training sources and training
# defect families only (pairwise accuracy: 0.976 without, 0.989 with; flat from 8 to 12).
# Only the CONTENDERS best frames by the ranker are compared: a frame far behind cannot win.
EVIDENCE_WEIGHT, EVIDENCE_DEAD_ZONE, CONTENDERS = 10.0, 0.05, 6


def evidence_offsets(evidence: np.ndarray) -> np.ndarray:
    """Logit offsets from an (N, N) evidence matrix (NaN: no evidence)."""
    e = np.nan_to_num(evidence, nan=0.0)
    return EVIDENCE_WEIGHT * np.sign(e) * np.clip(np.abs(e) - EVIDENCE_DEAD_ZONE, 0.0, None)


# A frame in which every prominent face has its eyes open is preferred to one in which someone's
# eyes are closed by this logit (about 0.98 against 0.02 for two frames otherwise alike): the
# suggestion judges a group by its worst face. Frames that can't be told are not moved.
EYES_WEIGHT = 4.0


def eye_offsets(codes: list[float | None]) -> np.ndarray | None:
    """(N, N) logit offsets for i over j from the frames' eye codes (None: no face), or None
    when no two frames differ (open against closed)."""
    v = np.array([c if c in (0.0, 1.0) else np.nan for c in codes], np.float32)
    if not (np.any(v == 1.0) and np.any(v == 0.0)):
        return None
    diff = v[:, None] - v[None, :]
    return (EYES_WEIGHT * np.nan_to_num(diff, nan=0.0)).astype(np.float32)


CLEAR, SLIGHT = 1.0, 0.35          # margins (in typical spreads) for "sharper" and "slightly sharper"


def _eye_word(code: float | None) -> str:
    """The eye state behind an ``eyes_frame`` code (EYE_CODES read backwards)."""
    return {v: k for k, v in EYE_CODES.items()}.get(code, NO_FACE if code is None else UNKNOWN)


EXPOSURE_REASONS = {"better exposed", "fewer blown highlights"}
# Reasons a burst-relative comparison (when the frames were compared) must not contradict:
# a frame the comparison found worse kept is not "sharper", and "fewer compression artefacts"
# needs the comparison to find the others worse kept as well as more blocky per frame.
NEEDS_SUPPORT = {"fewer compression artefacts": 1, "sharper": 0, "sharper face": 0}
# Reasons on measures an exposure moves (brighter shadows give more detail and less measured
# noise and motion): not given against frames of another exposure level that the comparison at
# native pixels found alike (within EVIDENCE_DEAD_ZONE) even where the stored native measures
# are too far apart for :func:`exposure_only` (issue 30: a brighter copy, 17 % of it blown, was
# "less motion blur, sharper" than the frame it was made from).
EXPOSURE_MOVES = {"sharper", "sharper face", "less noise", "less motion blur"}


def reasons_for(best: int, others: list[int], explain: dict[int, dict[str, float]], limit: int = 3,
                exposure_only: set[int] | frozenset = frozenset(),
                support: dict[int, float] | None = None, highlights: dict[int, float] | None = None) -> list[str]:
    """The named features where the best frame beats the median of the others clearly; when
    none does (frames nearly alike), the ones where it is slightly better. Frames in
    ``exposure_only`` differ from the best in exposure only: against them only exposure is
    named (:func:`models.features.exposure.exposure_reasons`, each held against all of them).
    ``support``: the burst-relative evidence that the best is the better kept copy of each
    other frame (NaN or absent: not compared). ``highlights``: how much more of its picture
    each other frame lost to clipped highlights than the best, the two compared place by place
    (:func:`exposure_pair`): "fewer blown highlights" follows it where it was measured, against
    a frame of like exposure and against one of another. "eyes open" only as
    :func:`app.core.eye_state.eyes_open_reason` allows."""
    technical = [o for o in others if o not in exposure_only]
    lost = highlights or {}
    # against each technical frame, whether it is the same detail at another exposure level
    tone_apart = support is not None and technical and all(
        o in support and np.isfinite(support[o]) and abs(support[o]) <= EVIDENCE_DEAD_ZONE
        and exposure_levels(explain[best], explain[o], support[o]) for o in technical)
    measured = [support[o] for o in technical if support is not None and o in support and np.isfinite(support[o])]
    backing = statistics.median(measured) if measured else None

    def margin(name: str, direction: int, spread: float = 1.0) -> float | None:
        if not technical or name not in explain[best] or not all(name in explain[o] for o in technical):
            return None
        rest = statistics.median([explain[o][name] for o in technical])     # a few values: not numpy
        return direction * (explain[best][name] - rest) / spread

    scored = []
    for name, direction, spread, text in REASONS:
        z = margin(name, direction, spread)
        if z is None:
            continue
        if tone_apart and text in EXPOSURE_MOVES:
            continue                     # alike at native pixels: the measure moved with the exposure
        guard = REQUIRES.get(text)
        if guard is not None and (margin(guard[0], guard[1]) or 0.0) < -guard[2]:
            continue                     # the measurement contradicts the reason
        if text == BLOWN_REASON and any(lost[o] <= BLOWN_SAID for o in technical if o in lost):
            continue                     # compared place by place, one lost no more than the best
        need = NEEDS_SUPPORT.get(text)
        if need is not None and backing is not None and \
                (backing < -EVIDENCE_DEAD_ZONE if need == 0 else backing <= EVIDENCE_DEAD_ZONE):
            continue                     # the frames compared at native pixels say otherwise
        scored.append((z, text))
    if eyes_open_reason(_eye_word(explain[best].get("eyes_frame")),
                        [_eye_word(explain[o].get("eyes_frame")) for o in others], explain[best].get("eyes_sure") == 1.0):
        scored.append((EYES_Z, EYES_REASON))
    scored.sort(reverse=True)
    tone_words = _tone_words(best, [o for o in others if o in exposure_only], explain, lost)
    clear = [t for z, t in scored if z >= CLEAR and not (t in EXPOSURE_REASONS and tone_words)]
    if clear or tone_words:         # "eyes open" first: closed eyes are what a frame is rejected for first
        return ([t for t in clear if t == EYES_REASON] + tone_words + [t for t in clear if t != EYES_REASON])[:limit]
    return [f"slightly {t}" for z, t in scored if z >= SLIGHT][:limit]


def _tone_words(best: int, alike: list[int], explain: dict[int, dict[str, float]], lost: dict[int, float]) -> list[str]:
    """The exposure reasons of ``best`` against the frames ``alike`` that differ from it in
    exposure only, each held against all the brighter ones or all the darker ones. Where there
    are both, each reason says which (a frame between a brighter and a darker exposure has fewer
    blown highlights than the one and a fuller range than the other, neither against both)."""
    sides = {}
    for o in alike:
        sides.setdefault("brighter" if _brighter(explain[o], explain[best]) else "darker", []).append(o)
    out = []
    for side, frames in sides.items():
        sets = [exposure_reasons(_tone(explain[best]), _tone(explain[o]), lost.get(o)) for o in frames]
        words = [w for w in sets[0] if all(w in s for s in sets[1:])]
        if len(sides) > 1:
            than = f"than the {side} frame{'s' if len(frames) > 1 else ''}"
            words = [f"uses more of the tonal range {than}" if w == RANGE_REASON else f"{w} {than}" for w in words]
        out += words
    return out


def ranker_cache() -> Path:
    """Where the rankers' NumPy twins are kept (beside the downloaded models)."""
    from .models.registry import cache_dir

    return cache_dir() / "rankers"


class BurstRanker:
    """The runtime ranker fed from the catalog's stored features. It scores with the NumPy twin
    of its checkpoint (models/rankers/portable.py): ranking bursts loads no PyTorch once the
    twin exists; the first use of a checkpoint makes it (with PyTorch). ``model`` and ``replay``
    (fine-tuning) load the PyTorch checkpoint on first use."""

    def __init__(self, checkpoint: str | Path | None = None) -> None:
        from models.rankers.portable import load_twin, twin_path

        self.path = Path(checkpoint) if checkpoint else registry().path("default_ranker", allow_download=False)
        twin = twin_path(self.path, ranker_cache())
        self.net = load_twin(twin)
        self._runtime = None
        if self.net is None:
            from models.rankers.runtime import portable_twin

            self.net = portable_twin(self.runtime, twin)
        self.metadata: dict = self.net.metadata
        self.blocks: list[str] = self.net.blocks
        self.embedding_model = self.metadata.get("embedding_model", "efficientnet_lite0")
        # fine-tuned on the user's own choices (app/core/learning.py): their taste in exposure
        # is the ranker's, so an exposure-only pair is judged by it alone, not by the rules
        self.learned = "created_from" in self.metadata

    @property
    def runtime(self):
        if self._runtime is None:
            from models.rankers.runtime import RankerRuntime

            self._runtime = RankerRuntime(self.path)
        return self._runtime

    @property
    def model(self):
        return self.runtime.model

    @property
    def replay(self):
        return self.runtime.replay

    def scores(self, x: np.ndarray) -> np.ndarray:
        return self.net.scores(x)

    def columns(self, width: int, inputs: dict[str, tuple[str, ...]]) -> list[int]:
        """Columns of the ranker's input (``width`` wide) of the named ``inputs`` per block."""
        names = {"quality": list(RANKER_QUALITY_FEATURES), "face": list(FACE_FEATURES)}
        sizes = {b: len(names[b]) for b in names}
        sizes["embedding"] = width - sum(sizes[b] for b in self.blocks if b in names)
        cols, start = [], 0
        for b in self.blocks:
            cols += [start + names[b].index(n) for n in inputs.get(b, ()) if b in names]
            start += sizes[b]
        return cols

    def tone_columns(self, width: int) -> list[int]:
        """Columns of the ranker's input that describe exposure (TONE_INPUTS)."""
        return self.columns(width, TONE_INPUTS)

    def equal_clipping_logit(self, xi: np.ndarray, xj: np.ndarray) -> float:
        """The ranker's logit for frame i over j with both frames' clipping inputs
        (CLIPPED_INPUTS) at the larger of the two: for a pair equally blown, one of them darker."""
        cols = self.columns(xi.size, CLIPPED_INPUTS)
        a, b = xi.copy(), xj.copy()
        a[cols] = b[cols] = np.maximum(xi[cols], xj[cols])
        s = self.scores(np.stack([a, b]))
        return float(s[0] - s[1])

    def tone_logit(self, xi: np.ndarray, xj: np.ndarray) -> float:
        """The ranker's preference for frame i over j on exposure alone: each frame's exposure
        inputs swapped into the other's row, all else held equal (averaged both ways)."""
        cols = self.tone_columns(xi.size)
        a, b = xi.copy(), xj.copy()
        a[cols], b[cols] = xj[cols], xi[cols]
        s = self.scores(np.stack([xi, a, b, xj]))
        return float(0.5 * ((s[0] - s[1]) + (s[2] - s[3])))

    def _analysed(self, pid: int, quality: dict, emb) -> bool:
        return pid in quality and quality[pid].get("detail_native") is not None and \
            ("embedding" not in self.blocks or pid in emb)

    def lacking(self, catalog, photo_ids: list[int]) -> set[int]:
        """The photos among ``photo_ids`` without the stored measures :meth:`features` reads
        (indexed with --no-features, their analysis failed, or analysed by an older pipeline):
        they cannot be ranked until the next index analyses them."""
        quality = catalog.features.quality(photo_ids)
        emb = set()
        if "embedding" in self.blocks:
            emb = set(catalog.features.vector_ids(self.embedding_model, photo_ids).tolist())
        return {pid for pid in photo_ids if not self._analysed(pid, quality, emb)}

    def features(self, catalog, photo_ids: list[int]) -> tuple[np.ndarray, dict[int, dict[str, float]]]:
        """(N, D) ranker inputs and the values used to explain a choice."""
        quality = catalog.features.quality(photo_ids)
        faces: dict[int, dict] = {}
        all_faces: dict[int, list[dict]] = {}
        for row in catalog.features.faces(photo_ids):
            faces.setdefault(row["photo_id"], row)          # largest face first
            all_faces.setdefault(row["photo_id"], []).append(row)
        ids, vecs = catalog.features.vectors(self.embedding_model, photo_ids) if "embedding" in self.blocks else ([], [])
        emb = {int(i): v for i, v in zip(ids, vecs)}
        rows, explain = [], {}
        for pid in photo_ids:
            if not self._analysed(pid, quality, emb):
                row = catalog.photos.get(pid)
                raise ModelUnavailable(f"{row['path'] if row else f'photo {pid}'} has no current features yet: "
                                       "run `phototriage index`")
            q, face = quality[pid], faces.get(pid)
            parts = {"embedding": emb.get(pid),
                     "quality": np.array([q[n] or 0.0 for n in RANKER_QUALITY_FEATURES], np.float32),
                     "face": np.zeros(len(FACE_FEATURES), np.float32) if face is None else np.array(
                         [1.0, face["size"], face["sharpness"], face["brightness"], face["eyes_open"]], np.float32)}
            rows.append(np.concatenate([parts[b] for b in self.blocks]))
            explain[pid] = _explain_values(q, face)
            if pid in all_faces:       # the frame's eye state: its worst prominent face
                seen = faces_eyes(all_faces[pid])
                explain[pid]["eyes_frame"] = EYE_CODES.get(frame_state(seen), 0.5)
                explain[pid]["eyes_sure"] = float(surely_open_frame(seen))
        return np.stack(rows), explain

    def rank(self, catalog, photo_ids: list[int], relative: bool = True) -> RankedBurst:
        """``relative``: also compare the leading frames with each other at native pixels
        (decodes them the first time; the result is kept in the catalog)."""
        return next(self.rank_many(catalog, [photo_ids], relative))

    def rank_many(self, catalog, bursts: list[list[int]], relative: bool = True) -> Iterator[RankedBurst]:
        """:meth:`rank` for several bursts, their features read and scored in one batch (a
        library of 100,000 photos has tens of thousands of bursts); each burst is finished
        (its native-pixel comparison) when it is taken, so a caller can stop between bursts."""
        flat = [pid for ids in bursts for pid in ids]
        x, explain = self.features(catalog, flat) if flat else (None, {})
        s_all, start = self.scores(x) if flat else np.zeros(0, np.float32), 0
        for ids in bursts:
            part = slice(start, start + len(ids))
            yield self._ranked(catalog, ids, s_all[part], explain, relative, x[part])
            start += len(ids)

    @staticmethod
    def _highlights(catalog, i: int, j: int, a: dict[str, float], b: dict[str, float],
                    unsaved: list) -> HighlightPair | None:
        """Frames ``i`` and ``j`` (explain values ``a``, ``b``) compared place by place on their
        highlights (PIXEL_HIGHLIGHTS), the brighter one first; None: judged on stored measures.
        New results are put on ``unsaved`` (stored once per burst)."""
        if not PIXEL_HIGHLIGHTS:
            return None
        from .burst_highlights import compare

        return compare(catalog, i, j, unsaved) if _brighter(a, b) else compare(catalog, j, i, unsaved)

    def _ranked(self, catalog, photo_ids: list[int], s: np.ndarray, explain: dict, relative: bool,
                x: np.ndarray) -> RankedBurst:
        n = len(photo_ids)
        offsets = None
        evidence = np.full((n, n), np.nan, np.float32)
        tone_pairs = np.zeros((n, n), bool)
        lost_more: dict[tuple[int, int], float] = {}     # (i, j): how much more j lost at its top than i
        unsaved: list = []                                # highlight comparisons to store (burst_highlights)
        if relative and n > 1:
            lead = np.argsort(-s)[:CONTENDERS]
            evidence[np.ix_(lead, lead)] = detail_evidence(catalog, [photo_ids[i] for i in lead])
            offsets = evidence_offsets(evidence).astype(np.float32)
            for i in lead:
                for j in lead:
                    if i >= j:
                        continue
                    a, b, e = explain[photo_ids[i]], explain[photo_ids[j]], float(evidence[i, j])
                    if exposure_only(a, b, e):
                        tone_pairs[i, j] = tone_pairs[j, i] = True
                        if EXPOSURE_ALONE:
                            # judged on exposure alone: the ranker's own logit is replaced
                            v = self.tone_logit(x[i], x[j])
                            if not self.learned:
                                v += EXPOSURE_WEIGHT * exposure_verdict(_tone(a), _tone(b))
                            offsets[i, j] = v - (s[i] - s[j])
                    if CLIP_VETO and exposure_levels(a, b, e):
                        pair = self._highlights(catalog, photo_ids[i], photo_ids[j], a, b, unsaved)
                        if pair is not None:
                            lost_more[i, j] = exposure_pair(a, b, e, pair)
                            lost_more[j, i] = -lost_more[i, j]
                        offsets[i, j] += clipping_offset(a, b, e, pair)
                        if darkened_clipping(a, b, pair) and not (EXPOSURE_ALONE and tone_pairs[i, j]):
                            offsets[i, j] += self.equal_clipping_logit(x[i], x[j]) - (s[i] - s[j])
                    offsets[j, i] = -offsets[i, j]
        if unsaved:
            from .burst_highlights import save

            save(catalog, unsaved)
        eyes = eye_offsets([explain[p].get("eyes_frame") for p in photo_ids])
        if eyes is not None:
            offsets = eyes if offsets is None else offsets + eyes
        mean_win = win_rates(s, offsets)
        ranks = sorted(range(n), key=lambda i: -mean_win[i])
        order = [photo_ids[i] for i in ranks]
        scores = {photo_ids[i]: round(float(mean_win[i]), 4) for i in range(n)}
        b = ranks[0]
        alike = {photo_ids[j] for j in range(n) if tone_pairs[b, j]}
        support = {photo_ids[j]: float(evidence[b, j]) for j in range(n) if j != b}
        lost = {photo_ids[j]: v for (i, j), v in lost_more.items() if i == b}
        return RankedBurst(order, scores, reasons_for(order[0], order[1:], explain, exposure_only=alike,
                                                      support=support, highlights=lost))
