"""Burst grouping: shots of one scene taken close together by one camera.

Each camera (make, model, serial) is its own stream, so two cameras shooting at once do not
mix. In a stream sorted by capture time, a frame joins the previous one's burst when the
camera tagged both with the same burst id, or when it follows within ``max_gap_s`` and looks
like the previous frame: embedding cosine >= ``min_similarity``, or a 16x16 gray-layout
correlation >= ``min_layout`` (which exposure steps, noise and blur barely change; the rank
correlation is used too, so a strongly over- or under-exposed frame still matches); frames
under ``quick_gap_s`` apart need less similarity. A scene change a second later therefore
starts a new burst, a slow sequence 3-5 s apart of one scene stays one. Exact duplicates
are left out (they belong to the duplicates view).
Photos without a capture time in their metadata use their file time, which says little (a
copy, an export or a messenger gives a whole folder one time): such a frame joins a burst only
inside the same folder (in file-name order), when both the embedding and the scene layout
agree (on tests/data burst frames: cosine >= 0.84 and layout >= 0.88; different photos
of one person in one folder reach one or the other, never both; a blurred or noisy frame whose
embedding moved still has a layout >= 0.95, which different photos never reach), when it still looks like the
burst's first frame, loosely (no chaining from scene to scene; a panning burst drifts), and, where both
frames show a face, when it is the same person (SFace). Singletons are not bursts.

Copies of one frame among a set's frames (the same capture time or none, verified as copies:
:mod:`app.core.sets.copies`) are not frames: the set is ranked over distinct frames and lists
the copies as copies; a "burst" of copies only is no burst (the duplicates view has it).
Sets by intent (:mod:`app.core.sets`): consecutive frames that register as panorama steps are
joined into one set, and every set has a ``kind``: ``burst`` (frames of a moment: one best),
``bracket``, ``panorama``, ``focus_stack`` or ``timelapse`` (shot on purpose as a set: kept
whole, no best and no reject suggestion).

Defaults were measured on tests/data: consecutive burst frames have cosine 0.84-0.997,
different photos at most 0.63 (EfficientNet-Lite0 embeddings).
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from models.face.detection import SFACE_SAME_PERSON

from .union_find import UnionFind



@dataclass(frozen=True)
class BurstSettings:
    max_gap_s: float = 10.0
    min_similarity: float = 0.75     # embedding cosine between consecutive frames
    min_layout: float = 0.85         # or: correlation of their 16x16 gray layouts (blind to exposure, noise, blur)
    quick_gap_s: float = 1.5         # frames this close need less evidence that the scene is the same
    quick_similarity: float = 0.6
    quick_layout: float = 0.75
    same_layout: float = 0.95        # file times: a layout this close is one scene even when blur or noise
                                     # moves the embedding (different photos of one folder reach <= 0.84)


@dataclass
class Frame:
    id: int
    path: str
    ts: float
    camera: tuple
    burst_tag: str | None
    time_source: str = "exif"             # "file": the time is the file's, not the capture's
    face: np.ndarray | None = None        # the main face's identity embedding (SFace), if any


@dataclass
class Burst:
    id: str
    photo_ids: list[int]
    paths: list[str]
    kind: str = "burst"                   # app.core.sets.kinds: burst | bracket | panorama | focus_stack | timelapse
    copies: dict[int, list[int]] = field(default_factory=dict)   # frame id -> ids of its copies (not frames)
    copy_paths: dict[str, list[str]] = field(default_factory=dict)

    @property
    def kept_whole(self) -> bool:
        """Shot on purpose as a set: no best frame, nothing suggested for rejection."""
        from .sets.kinds import KEPT_WHOLE

        return self.kind in KEPT_WHOLE


def load_frames(catalog) -> list[Frame]:
    faces: dict[int, np.ndarray] = {}
    for row in catalog.features.faces():
        faces.setdefault(row["photo_id"], row["embedding"])          # largest face first
    frames = []
    for pid, path, ts, make, model, serial, tag, source in catalog.photos.timeline():
        frames.append(Frame(pid, path, ts if ts is not None else 0.0,
                            (make or "", model or "", serial or ""), tag, source or "exif", faces.get(pid)))
    return frames


def layout_views(v: np.ndarray) -> np.ndarray:
    """A stored layout vector (zero-mean, unit norm) and its rank-transformed twin: monotonic
    tone changes (exposure, gamma, contrast) keep the ranks, so the rank correlation survives
    them even where clipping lowers the linear one."""
    return layout_views_all(np.asarray(v)[None, :])[0]


def layout_views_all(layouts: np.ndarray) -> np.ndarray:
    """:func:`layout_views` of every row at once: (N, 2, D) float32."""
    layouts = np.asarray(layouts, np.float32)
    r = np.argsort(np.argsort(layouts, axis=1, kind="stable"), axis=1, kind="stable").astype(np.float32)
    r -= r.mean(1, keepdims=True)
    r /= np.maximum(np.linalg.norm(r, axis=1, keepdims=True), 1e-6)
    return np.stack([layouts, r], axis=1)


def layout_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The larger of the linear and rank correlations (a 1-D vector is compared linearly only)."""
    return float(np.max(np.sum(a * b, axis=-1)))


def _cos(va: np.ndarray, vb: np.ndarray) -> float:
    return float(np.dot(va.astype(np.float32), vb.astype(np.float32)))


def _looks_alike(a: Frame, b: Frame, vectors, layouts, loose: bool, settings: BurstSettings) -> bool:
    va, vb = vectors.get(a.id), vectors.get(b.id)
    if va is None or vb is None:
        return True
    if _cos(va, vb) >= (settings.quick_similarity if loose else settings.min_similarity):
        return True
    la, lb = (layouts or {}).get(a.id), (layouts or {}).get(b.id)
    return la is not None and lb is not None and \
        layout_similarity(la, lb) >= (settings.quick_layout if loose else settings.min_layout)


def _alike_strictly(a: Frame, b: Frame, vectors, layouts, settings: BurstSettings) -> bool:
    va, vb = vectors.get(a.id), vectors.get(b.id)
    la, lb = (layouts or {}).get(a.id), (layouts or {}).get(b.id)
    if va is None or vb is None or la is None or lb is None:
        return False
    cos, layout = _cos(va, vb), layout_similarity(la, lb)
    return (cos >= settings.min_similarity and layout >= settings.min_layout) or \
        (cos >= settings.quick_similarity and layout >= settings.same_layout)


def _other_person(a: Frame, b: Frame) -> bool:
    """Both frames show a face and they are not the same person (SFace)."""
    return a.face is not None and b.face is not None and float(a.face @ b.face) < SFACE_SAME_PERSON


def _joins(f: Frame, burst: list[Frame], vectors, layouts, settings: BurstSettings, same_view=None) -> bool:
    prev = burst[-1]
    if f.burst_tag and f.burst_tag == prev.burst_tag:
        return True
    if f.ts - prev.ts > settings.max_gap_s:
        return False
    if f.time_source == "exif" and prev.time_source == "exif":
        return _looks_alike(f, prev, vectors, layouts, f.ts - prev.ts <= settings.quick_gap_s, settings)
    # File times: the folder, both kinds of likeness, the whole burst and the person must agree.
    if os.path.dirname(f.path) != os.path.dirname(prev.path):
        return False
    if _other_person(f, prev):
        return False
    if not _looks_alike(f, burst[0], vectors, layouts, True, settings):     # the first frame: same scene, loosely
        return False
    if _alike_strictly(f, prev, vectors, layouts, settings):
        return True
    # a frame of a bracket stripped of EXIF: clipping moves the embedding and the layout, the
    # pictures show the same view one exposure step away (``same_view``: app.core.sets.intent)
    return same_view is not None and _looks_alike(f, prev, vectors, layouts, True, settings) and same_view(prev, f)


def group(frames: list[Frame], vectors: dict[int, np.ndarray], settings: BurstSettings = BurstSettings(),
          layouts: dict[int, np.ndarray] | None = None, same_view=None) -> list[list[Frame]]:
    """``same_view(a, b)``: frames with file times that look alike only loosely join where the
    pictures show one view at two exposures (None: never)."""
    streams: dict[tuple, list[Frame]] = defaultdict(list)
    for f in frames:
        streams[f.camera].append(f)
    out = []
    for stream in streams.values():
        stream.sort(key=lambda f: (f.ts, f.path))
        parts = []
        current = [stream[0]]
        for f in stream[1:]:
            if _joins(f, current, vectors, layouts, settings, same_view):
                current.append(f)
            else:
                parts.append(current)
                current = [f]
        parts.append(current)
        out.extend(_rejoin_spoiled_frames(parts, vectors, layouts, settings))
    return sorted((g for g in out if len(g) > 1), key=lambda g: (g[0].ts, g[0].path))


def _rejoin_spoiled_frames(parts: list[list[Frame]], vectors, layouts, settings: BurstSettings) -> list[list[Frame]]:
    """File times: one spoiled frame (blown out, far off in exposure) splits a burst in two,
    since each frame must look like the one before. A lone frame between two parts whose
    frames either side of it are strictly alike, in their folder, and that looks like both of
    them by embedding and by layout (loosely) and shows the same person, joins them into one;
    a lone spoiled first or last frame joins its burst (:func:`_spoiled_beside`)."""
    out: list[list[Frame]] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if out and len(part) == 1 and i + 1 < len(parts):
            before, lone, after = out[-1][-1], part[0], parts[i + 1][0]
            if _spoiled_between(before, lone, after, vectors, layouts, settings):
                out[-1] = [*out[-1], lone, *parts[i + 1]]
                i += 2
                continue
        if len(part) == 1 and out and _spoiled_beside(out[-1], part[0], vectors, layouts, settings):
            out[-1] = [*out[-1], part[0]]                    # a spoiled last frame
        elif len(part) == 1 and i + 1 < len(parts) and _spoiled_beside(parts[i + 1], part[0], vectors, layouts,
                                                                      settings):
            parts[i + 1] = [part[0], *parts[i + 1]]          # a spoiled first frame
        else:
            out.append(part)
        i += 1
    return out


def _loosely_both(a: Frame, b: Frame, vectors, layouts, settings: BurstSettings) -> bool:
    va, vb = vectors.get(a.id), vectors.get(b.id)
    la, lb = (layouts or {}).get(a.id), (layouts or {}).get(b.id)
    return va is not None and vb is not None and la is not None and lb is not None and \
        _cos(va, vb) >= settings.quick_similarity and layout_similarity(la, lb) >= settings.quick_layout


def _spoiled_beside(burst: list[Frame], lone: Frame, vectors, layouts, settings: BurstSettings) -> bool:
    """A lone frame right before or after a burst of three or more frames with file times, in
    its folder, that looks like every one of them loosely by embedding and by layout and shows
    the same person: a spoiled first or last frame of that burst."""
    if len(burst) < 3 or lone.time_source == "exif" or any(f.time_source == "exif" for f in burst) or \
            max(abs(lone.ts - burst[0].ts), abs(lone.ts - burst[-1].ts)) > settings.max_gap_s or \
            any(os.path.dirname(f.path) != os.path.dirname(lone.path) for f in burst):
        return False
    if any(_other_person(f, lone) for f in burst):
        return False
    return all(_loosely_both(lone, f, vectors, layouts, settings) for f in burst)


def _spoiled_between(before: Frame, lone: Frame, after: Frame, vectors, layouts, settings: BurstSettings) -> bool:
    frames = (before, lone, after)
    if any(f.time_source == "exif" for f in frames) or after.ts - before.ts > settings.max_gap_s or \
            len({os.path.dirname(f.path) for f in frames}) != 1:
        return False
    if any(_other_person(f, g) for f, g in ((before, lone), (lone, after), (before, after))):
        return False
    if not _alike_strictly(before, after, vectors, layouts, settings):
        return False
    return _loosely_both(lone, before, vectors, layouts, settings) and \
        _loosely_both(lone, after, vectors, layouts, settings)


def distinct_frames(catalog, copies_of: dict[int, list[int]] | None = None, prefer=frozenset()) -> list[Frame]:
    """Frames minus exact duplicates (same bytes or same pixels): copies are not burst frames.
    Of identical files the one in ``prefer`` stays (the user's best frame: their decision is
    never folded away as a copy), else the one whose name is not a copy's ("x (1).jpg"), else
    the one in the folder with more photos, else the first indexed; ``copies_of`` (when given)
    receives kept frame id -> the identical copies left out."""
    from .duplicates import copy_name

    frames = load_frames(catalog)
    same = UnionFind()
    for group_ids in catalog.features.pixel_groups():
        for pid in group_ids[1:]:
            same.union(group_ids[0], pid)
    first_of_hash: dict[str, int] = {}
    hashes = catalog.photos.content_hashes()
    for f in frames:
        h = hashes.get(f.id)
        if h:
            same.union(first_of_hash.setdefault(h, f.id), f.id)
    by_id = {f.id: f for f in frames}
    in_folder = Counter(os.path.dirname(f.path) for f in frames)
    dropped = set()
    for group_ids in same.groups():
        present = [i for i in group_ids if i in by_id]
        if len(present) < 2:
            continue
        # of identical files: the user's best, a name that is not a copy's, then the one in the
        # folder with more photos (a card's folder, not a backup of a few of its frames: a trial
        # saw the backup's files take the frames' places, and decisions land on the backup)
        keep = min(present, key=lambda i: (i not in prefer, copy_name(by_id[i].path),
                                           -in_folder[os.path.dirname(by_id[i].path)], i))
        dropped.update(i for i in present if i != keep)
        if copies_of is not None:
            copies_of[keep] = [i for i in present if i != keep]
    return [f for f in sorted(frames, key=lambda f: f.id) if f.id not in dropped]


def find_bursts(catalog, settings: BurstSettings = BurstSettings(), model: str | None = None) -> list[Burst]:
    from .library_models import embedding_model

    # half precision: a 100,000-photo library holds 250 MB here instead of 500 (cosines move by < 1e-3)
    ids, vecs = catalog.features.vectors(model or embedding_model(catalog), dtype=np.float16)
    vectors = dict(zip(ids.tolist(), vecs))
    ids, vecs = catalog.features.vectors("layout16")
    layouts = dict(zip(ids.tolist(), layout_views_all(vecs))) if len(ids) else {}
    from .sets.copies import split_copies
    from .sets.intent import Pictures, exposure_step, join_panoramas, set_kind, split_at_pause, split_brackets

    identical: dict[int, list[int]] = {}
    user_best = {pid for pid, s in catalog.decisions.states().items() if s.best}     # stays a frame, copy or not
    frames = distinct_frames(catalog, identical, user_best)
    pictures = Pictures(catalog)
    rows = None
    bursts = []
    grouped = group(frames, vectors, settings, layouts, lambda a, b: exposure_step(pictures, a.id, b.id))
    for members in join_panoramas(frames, grouped, vectors, pictures):
        rows = rows if rows is not None else catalog.photos.keeper_facts()
        members, copies = split_copies(catalog, members, pictures, rows, user_best)     # ranked over distinct frames
        for f in members:
            if f.id in identical:
                copies[f.id] = sorted({*copies.get(f.id, []), *identical[f.id]})
        for keeper, found in list(copies.items()):
            for c in list(found):
                copies[keeper] = sorted({*copies[keeper], *identical.get(c, [])})
        if len(members) < 2:
            continue                                                         # copies of one picture: no set
        copies = {k: v for k, v in copies.items() if v}
        path_of = {f.id: f.path for f in members} | {c: rows[c]["path"] for v in copies.values() for c in v if c in rows}
        kind = set_kind(catalog, members, pictures)
        parts = [(part, kind) for part in split_brackets(catalog, members, pictures)] if kind == "bracket" \
            else [(members, kind)]
        if kind == "bracket" and len(parts) == 1:
            parts = split_at_pause(catalog, members, pictures) or parts      # a burst, then a bracket
        for part, part_kind in parts:
            key = hashlib.blake2b(",".join(str(f.id) for f in part).encode(), digest_size=6).hexdigest()
            mine = {k: v for k, v in copies.items() if any(f.id == k for f in part)}
            bursts.append(Burst(f"b{part[0].id}-{key}", [f.id for f in part], [f.path for f in part], part_kind, mine,
                                {path_of[k]: [path_of[c] for c in v if c in path_of] for k, v in mine.items()}))
    return bursts


def settings_from_catalog(catalog) -> BurstSettings:
    rows = catalog.settings.with_prefix("bursts.")
    base = BurstSettings()
    return BurstSettings(float(rows.get("bursts.max_gap_s", base.max_gap_s)),
                         float(rows.get("bursts.min_similarity", base.min_similarity)),
                         float(rows.get("bursts.min_layout", base.min_layout)))
