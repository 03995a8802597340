"""Sets by intent on top of burst grouping (:mod:`app.core.bursts`): frames of a handheld
panorama look too different to join as a burst, so consecutive frames of one camera that
register as a panorama step are joined first; then each set's kind is read
(:mod:`.kinds`). Registrations are kept per process by the two pictures' content hashes."""
from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from dataclasses import asdict
from functools import lru_cache

import numpy as np

from ..catalog.connection import CatalogError
from ..recent import Recent
from ..union_find import UnionFind
from .kinds import (LADDER_MIN_STOPS, LADDER_PEAK, PANORAMA_RESIDUAL, PANORAMA_SHIFT, FrameFacts, bracket_period,
                    classify, linear_gain)
from .registration import VERSION, Step, register

PANORAMA_GAP_S = 15.0          # between two frames of a handheld panorama, at most
PANORAMA_SIMILARITY = 0.4      # embedding cosine of neighbouring panorama frames, at least (same place)
MIN_OVERLAP = 0.2              # of the frame: panorama frames overlap by a good part
MIN_STEP_INLIERS = 20
SAME_VIEW_LAYOUT = 0.9         # log-light correlation of two exposures of one view, at least (exposure ladders of
                               # tune photos: 0.86+; different photos of one person in one folder: 0.76 at most)
_STEPS: Recent = Recent(50_000)     # registrations by the two frames' content hashes (per process)
_KINDS: Recent = Recent(50_000)     # a set's kind by its frames' content hashes and times (per process)


class Pictures:
    """The frames' stored thumbnails with their ORB features, read once per run."""

    def __init__(self, catalog) -> None:
        self.catalog = catalog
        self.hashes = catalog.photos.content_hashes()
        self.items: dict[str, object] = {}
        self.verdicts: dict | None = None           # the catalog's duplicate verdicts, read on first use
        # frame_facts of a set, by its frames' ids: one list shared by set_kind (which fills in
        # each fact's gray when it reads the pictures) and split_brackets (which reads the ladder)
        self.facts: dict[tuple[int, ...], list] = {}

    def load(self, ids) -> None:
        from ..local_features import prepared_pictures

        want = [self.hashes.get(i) for i in ids if self.hashes.get(i) and self.hashes.get(i) not in self.items]
        if want:
            got = prepared_pictures(self.catalog, want)
            for h in want:
                self.items[h] = got.get(h)

    def step(self, a: int, b: int) -> Step | None:
        ha, hb = self.hashes.get(a), self.hashes.get(b)
        if not ha or not hb:
            return None
        key = (ha, hb)
        if key not in _STEPS:
            self.prefetch([(a, b)])
        return _STEPS.recall(key)

    def prefetch(self, pairs) -> None:
        """Registrations of frame pairs (photo ids, in frame order): those this process or the
        catalog (``frame_steps``) already holds are reused; the others are measured with one read
        of their pictures and stored, so a set is registered once, not at every run."""
        keys = {}
        for a, b in pairs:
            ha, hb = self.hashes.get(a), self.hashes.get(b)
            if ha and hb and (ha, hb) not in _STEPS:
                keys[ha, hb] = (a, b)
        if not keys:
            return
        stored = {}
        for key, value in self.catalog.frame_steps.get(list(keys), VERSION).items():
            try:
                stored[key] = None if value is None else Step(**value)
            except TypeError:            # a damaged row: registered again and replaced
                continue
            _STEPS.keep(key, stored[key])
        todo = [key for key in keys if key not in stored]
        if not todo:
            return
        self.load({i for key in todo for i in keys[key]})
        results = []
        for ha, hb in todo:
            pa, pb = self.items.get(ha), self.items.get(hb)
            step = register(pa, pb) if pa is not None and pb is not None else None
            _STEPS.keep((ha, hb), step)
            if pa is not None and pb is not None:          # (a picture that could not be read: try again later)
                results.append((ha, hb, None if step is None else asdict(step)))
        if results and not self.catalog.readonly:
            try:
                self.catalog.frame_steps.save(results, VERSION)
            except (sqlite3.Error, CatalogError):
                pass                     # busy or read-only storage: measured again next run, nothing lost

    def gray(self, pid: int):
        h = self.hashes.get(pid)
        self.load([pid])
        p = self.items.get(h) if h else None
        return None if p is None else p.gray


def exposure_step(pictures: Pictures, a: int, b: int) -> bool:
    """Frames ``a`` and ``b`` show one view (one layout of light where both are exposed) half a
    stop or more apart in linear light: frames of one bracket, however much one of them clips."""
    ga, gb = pictures.gray(a), pictures.gray(b)
    if ga is None or gb is None:
        return False
    gain = linear_gain(ga, gb)
    return gain is not None and abs(gain[0]) >= LADDER_MIN_STOPS and gain[1] >= LADDER_PEAK and \
        gain[2] >= SAME_VIEW_LAYOUT


def panorama_step(step: Step | None) -> bool:
    return step is not None and step.shift >= PANORAMA_SHIFT and 0.8 <= step.scale <= 1.25 and \
        abs(step.rotation_deg) <= 20 and step.residual <= PANORAMA_RESIDUAL and step.overlap >= MIN_OVERLAP and \
        step.inliers >= MIN_STEP_INLIERS


def join_panoramas(frames, groups, vectors, pictures: Pictures) -> list[list]:
    """``groups`` (bursts) with consecutive frames of one camera that are panorama steps joined
    to each other (and to the bursts they are in)."""
    group_of = {f.id: n for n, g in enumerate(groups) for f in g}
    streams: dict[tuple, list] = defaultdict(list)
    for f in frames:
        streams[f.camera].append(f)
    links = UnionFind()
    for g in groups:                     # every burst is one set to start with
        for f in g[1:]:
            links.union(g[0].id, f.id)
    by_id = {f.id: f for f in frames}
    candidates = []
    for stream in streams.values():
        stream.sort(key=lambda f: (f.ts, f.path))
        for a, b in [*zip(stream, stream[1:]), *zip(stream, stream[2:])]:      # the next frame, or the one after
            if b.ts - a.ts > PANORAMA_GAP_S or (a.id in group_of and group_of.get(a.id) == group_of.get(b.id)):
                continue
            if a.time_source != "exif" or b.time_source != "exif":
                continue          # file times (a copy, an export) do not say the frames were shot in a row
            va, vb = vectors.get(a.id), vectors.get(b.id)
            if va is not None and vb is not None and float(np.dot(va.astype(np.float32), vb.astype(np.float32))) \
                    < PANORAMA_SIMILARITY:
                continue
            candidates.append((a, b))
    pictures.prefetch([(a.id, b.id) for a, b in candidates])       # stored, or measured with one read
    for a, b in candidates:
        if links.find(a.id) != links.find(b.id) and panorama_step(pictures.step(a.id, b.id)):
            links.union(a.id, b.id)
    joined = [sorted((by_id[i] for i in g), key=lambda f: (f.ts, f.path)) for g in links.groups()]
    return sorted(joined, key=lambda g: (g[0].ts, g[0].path))


@lru_cache(maxsize=65536)
def _file_exposure(path: str, size: int, mtime_ns: int) -> tuple[float | None, bool]:
    """(EXIF exposure bias, auto-bracket exposure mode) read from the file's header."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            ifd = im.getexif().get_ifd(0x8769)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None, False
    bias = ifd.get(0x9204)
    try:
        bias = float(bias) if bias is not None else None
    except (TypeError, ValueError, ZeroDivisionError):
        bias = None
    return bias, ifd.get(0xA402) == 2


def file_exposure(path: str) -> tuple[float | None, bool]:
    try:
        st = os.stat(path)
    except OSError:
        return None, False
    return _file_exposure(path, st.st_size, st.st_mtime_ns)


def frame_facts(catalog, frames, pictures: Pictures) -> list[FrameFacts]:
    """What the catalog knows of each frame's exposure; the file's exposure bias and bracket
    mode are read only where the catalog has no exposure time and aperture (they tell nothing
    more where the settings are known). Read once per set and run: the set's kind and its
    split into brackets ask for the same facts."""
    key = tuple(f.id for f in frames)
    if key in pictures.facts:
        return pictures.facts[key]
    quality = catalog.features.quality([f.id for f in frames])
    out = []
    for f in frames:
        row = catalog.photos.get(f.id) or {}
        known = row.get("exposure_time") and row.get("f_number")
        bias, bracket = (None, False) if known else file_exposure(f.path)
        out.append(FrameFacts(f.id, f.ts, row.get("exposure_time"), row.get("f_number"), row.get("iso"), bias,
                              bracket, (quality.get(f.id) or {}).get("brightness_mean"), None,
                              f.time_source == "exif"))
    pictures.facts[key] = out
    return out


SLOW_SEQUENCE_S = 0.5           # median gap: a burst faster than this is one moment, not registered


def set_kind(catalog, frames, pictures: Pictures) -> str:
    """The set's kind. Registering frames costs (thumbnails, keypoints): a fast burst (frames
    under half a second apart, as a camera's continuous drive shoots) is not registered: a
    panorama, a timelapse or a hand-made focus stack is shot slower."""
    key = tuple((pictures.hashes.get(f.id), f.ts) for f in frames)
    if all(h for h, _ in key) and key in _KINDS:
        return _KINDS.recall(key)
    facts = frame_facts(catalog, frames, pictures)
    memo: list = []
    gaps = np.diff([f.ts for f in frames])
    fast = len(gaps) and frames[0].time_source == "exif" and float(np.median(gaps)) < SLOW_SEQUENCE_S

    def grays() -> None:
        if any(fact.gray is None for fact in facts):
            pictures.load([f.id for f in frames])             # one read for the whole set
            for fact in facts:
                fact.gray = pictures.gray(fact.id)

    def steps() -> list:
        if fast:
            return [None] * len(gaps)
        if not memo:
            grays()
            pictures.prefetch([(a.id, b.id) for a, b in zip(frames, frames[1:])])
            memo.append([pictures.step(a.id, b.id) for a, b in zip(frames, frames[1:])])
        return memo[0]

    if not any(fact.camera_time for fact in facts) and 3 <= len(facts) <= 9:
        grays()          # stripped of EXIF: a bracket shows as a ladder of light in the pictures
    kind = classify(facts, steps)
    if all(h for h, _ in key):
        _KINDS.keep(key, kind)
    return kind


def split_brackets(catalog, frames, pictures: Pictures) -> list[list]:
    """A bracket set whose exposure ladder repeats (brackets shot back to back) as one set per
    bracket; otherwise the set as it is."""
    period = bracket_period(frame_facts(catalog, frames, pictures))
    if not period:
        return [frames]
    return [frames[i:i + period] for i in range(0, len(frames), period)]


PAUSE = 3.0            # a pause this many times the set's usual gap between frames (and 1 s or more)


def _one_ladder(facts) -> bool:
    """Every frame on its own exposure level (one bracket: a frame of the burst before it, at the
    metered exposure, would repeat a level), where the settings are known."""
    from .kinds import BRACKET_STOPS, exposure_stops

    levels = [f.bias if f.bias is not None else exposure_stops(f) for f in facts]
    if any(v is None for v in levels):
        return True
    levels = sorted(levels)
    return all(b - a >= BRACKET_STOPS - 0.2 for a, b in zip(levels, levels[1:]))


def split_at_pause(catalog, frames, pictures: Pictures) -> list[tuple[list, str]] | None:
    """A bracket set that is a burst, then a bracket of the same scene (or the other way round),
    grouped as one by time and likeness: its two parts with their kinds; None where that is not
    so (a trial: a burst, then an auto-bracket 2 s later, became one bracket of eight frames kept
    whole, and its best frame was stranded). Split at its longest pause where it has one; a fast
    set without a pause where the bracket is longest (a camera's bracket starts at the metered
    exposure, the burst's own)."""
    if len(frames) < 4:
        return None
    gaps = np.diff([f.ts for f in frames])
    i = int(np.argmax(gaps))
    if gaps[i] >= max(1.0, PAUSE * float(np.median(gaps))):
        cuts = [i + 1]
    elif float(np.median(gaps)) < SLOW_SEQUENCE_S and len(frames) <= 24:
        cuts = list(range(2, len(frames) - 1))
    else:
        return None
    best = None
    for k in cuts:
        parts = [frames[:k], frames[k:]]
        if min(len(p) for p in parts) < 2:
            continue
        kinds = [set_kind(catalog, part, pictures) for part in parts]
        if sorted(kinds) == ["bracket", "burst"] and _one_ladder(frame_facts(catalog, parts[kinds.index("bracket")],
                                                                            pictures)):
            length = len(parts[kinds.index("bracket")])
            if best is None or length > best[0]:
                best = (length, list(zip(parts, kinds)))
    return None if best is None else best[1]
