"""Exact and near duplicates.

Exact: the same file content (hash) or the same decoded pixels (metadata differs).
Near: candidates are each photo's nearest neighbours in the embedding index, and by scene
layout for its mirror image and quarter turns (so rotated copies are found), then every
candidate pair is verified geometrically (:mod:`near_duplicate`): an edited copy aligns and
matches everywhere; a burst frame of the same scene aligns but its subject moved, so it is
not reported unless it is near-identical. Only verified pairs group; one picture is one group:
grouping is transitive over its versions (a grayscale copy verified against the original and a
crop verified against a re-encode land together), exact copies marked inside (``exact``).
Frames of one burst belong to the burst, not to a duplicate group, unless their pixels are
identical; two photos whose camera capture times differ are two shots, never copies, and are
not verified, unless they differ by whole hours (a time-zone or clock fix, a date fixed by
hand): then pixel evidence decides, and two exposures of one tripod view (independent sensor
noise: :mod:`app.core.sets.same_exposure`) are not copies.
Verdicts are kept in the catalog by the pictures' content hashes: a re-run verifies only new
pairs (on 980 photos: 0.4 s instead of minutes)."""
from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .jobs import CancelToken, Job, Progress
from .catalog.pair_checks import pair_key
from .library_models import embedding_model
from .local_features import prepared_pictures
from .near_duplicate import Prepared, compare_prepared
from .recent import Recent
from .sets.same_exposure import same_exposure
from .union_find import UnionFind
from .vector_index import SearchHit, VectorIndex, open_index

CANDIDATE_SIMILARITY = 0.45     # loose on purpose: verification decides
NEIGHBOURS = 3                  # on 980 photos with 184 copy pairs: 3 neighbours reach 181, 10 reach 183
TURN_NEIGHBOURS = 2
SEARCH_DEPTH = 10               # hits looked at per photo for those NEIGHBOURS (see _candidates)


@dataclass
class DuplicateGroup:
    kind: str                       # "exact" or "near"
    photo_ids: list[int]
    paths: list[str]
    keeper: int                     # suggested photo to keep
    reasons: dict[int, str] = field(default_factory=dict)
    exact: list[list[int]] = field(default_factory=list)    # byte- or pixel-identical copies inside a near group

    def to_json(self) -> dict:
        keep = self.paths[self.photo_ids.index(self.keeper)]
        out = {"kind": self.kind, "photos": [p for p in self.paths], "keeper": keep}
        if self.exact:
            path_of = dict(zip(self.photo_ids, self.paths))
            out["exact"] = [[path_of[i] for i in g] for g in self.exact]
        return out


def suggest_keeper(ids: list[int], rows: dict[int, dict]) -> int:
    """The original, as far as the files tell: full resolution (a resized or cropped copy has
    fewer pixels), then richer metadata (exports and messengers strip EXIF), then the older file
    (a mirrored, re-encoded or colour-edited copy is made after its original), then the sharper
    the larger file (of one size in pixels, the less compressed: a q35 copy's blocks look
    "sharp"), then the sharper subject, then a name that is not a copy's ("x (1).jpg",
    "x copy.jpg"), then the earliest indexed."""
    return max(ids, key=lambda i: (rows[i]["pixels"], rows[i]["meta"], -rows[i]["mtime_ns"], rows[i].get("bytes", 0),
                                   round(rows[i]["sharpness"], 1), not copy_name(rows[i].get("path", "")), -i))


_NUMBERED = re.compile(r"^(.*?)(\d+)(\D*)$")
_COPY_NAME = re.compile(r"^.*(\s\(\d+\)|[ _-]copy(\s?\d+)?|\s-\s\w+\s\d+)$", re.IGNORECASE)   # "x (1)", "x copy 2"


def copy_name(path: str) -> bool:
    """A name a file manager or a browser gives a copy: "x (1).jpg", "x copy.jpg", "x copy 2.jpg"."""
    return bool(_COPY_NAME.match(os.path.splitext(os.path.basename(path))[0]))


def numbered_sequence(path_a: str, path_b: str) -> bool:
    """Two file names that differ only in their last number (f03/f04, IMG_0412/IMG_0413): frames
    of a sequence. A copy's name (x.jpg and "x (1).jpg", x-edit.jpg) is not."""
    a, b = (_NUMBERED.match(os.path.splitext(os.path.basename(p))[0].lower()) for p in (path_a, path_b))
    return bool(a and b and a.group(1) == b.group(1) and a.group(3) == b.group(3)
                and int(a.group(2)) != int(b.group(2)))


DISTINCT_CAPTURE_S = 1.0       # whole-second EXIF times: a copy that lost its sub-seconds still matches
HOUR_S = 3600.0


def shifted_clock(ta: float, tb: float) -> bool:
    """Capture times that differ by whole hours (a time-zone or camera-clock fix; a date fixed by
    hand differs by whole days): a copy whose time was corrected, as likely as two shots."""
    d = abs(ta - tb)
    off = d % HOUR_S
    return d >= HOUR_S - DISTINCT_CAPTURE_S and min(off, HOUR_S - off) < DISTINCT_CAPTURE_S


def two_captures(ra: dict, rb: dict) -> bool:
    """Two shutter releases, not a shot and its copy: both carry the camera's capture time and
    the times differ by a second or more, not by whole hours (:func:`shifted_clock`: pixel
    evidence decides those). An export, an edit, a resize or a crop keeps the original's capture
    time; a messenger or a screenshot drops it (then verification decides). In a library from
    cameras this leaves almost no pairs to verify (benchmarks/scale.py)."""
    ta, tb = ra.get("captured_ts"), rb.get("captured_ts")
    return ta is not None and tb is not None and abs(ta - tb) >= DISTINCT_CAPTURE_S and not shifted_clock(ta, tb)


def times_disagree(ra: dict, rb: dict) -> bool:
    """Both capture times known and different (by whole hours, or they would not be compared):
    a verified pair must also pass the same-exposure test."""
    ta, tb = ra.get("captured_ts"), rb.get("captured_ts")
    return ta is not None and tb is not None and abs(ta - tb) >= DISTINCT_CAPTURE_S


def raw_pair(path_a: str, path_b: str) -> bool:
    """A raw file and its camera JPEG (``IMG_1.CR2`` + ``IMG_1.JPG``): one shot in two files,
    never duplicates of each other (a trial: every pair of a card was a "duplicate" group, and
    "keep one" rejected the JPEG of the pair)."""
    from .formats import is_raw

    return os.path.splitext(path_a)[0] == os.path.splitext(path_b)[0] and is_raw(path_a) != is_raw(path_b)


def burst_frames(ra: dict, rb: dict) -> bool:
    """Two frames of one burst, known to be two shots rather than a shot and its copy: their
    camera capture times differ (sub-seconds count here), or their file names are a numbered
    sequence. Otherwise (the same capture time, or a burst made from file times, which is a
    guess) geometric verification decides."""
    ta, tb = ra.get("captured_ts"), rb.get("captured_ts")
    return (ta is not None and tb is not None and ta != tb) or numbered_sequence(ra["path"], rb["path"])


TURN_LAYOUT = 0.9     # layout correlation of a turned or mirrored copy with its original (>= 0.97 measured)


def _turned_layouts(layouts: np.ndarray) -> list[np.ndarray]:
    """The 16x16 layouts of each photo's mirror image and quarter turns, made by permuting the
    stored layout (it is taken on the frame squeezed to a square, so turning commutes with it):
    rotated and mirrored copies are found without running the embedding model again."""
    grids = layouts.reshape(-1, 16, 16)
    views = [grids[:, :, ::-1], np.rot90(grids, 1, axes=(1, 2)), np.rot90(grids, 2, axes=(1, 2)),
             np.rot90(grids, 3, axes=(1, 2))]
    return [np.ascontiguousarray(v.reshape(len(layouts), -1), np.float32) for v in views]


def _candidates(catalog, ids, rows, threshold, rotations, worth) -> set[tuple[int, int]]:
    """Pairs worth verifying: each photo's nearest neighbours by embedding (crops, colour edits,
    resizes, re-encodes, most mirror images), and by layout for its mirror image and quarter
    turns (a turned photo's embedding moves too far). Neighbours that cannot be its copies
    (``worth``: other frames of its burst, other shots, exact copies) do not take a place, so a
    copy of one frame of a long tripod burst is still found. Vectors are read a chunk at a time."""
    candidates: set[tuple[int, int]] = set()
    model = embedding_model(catalog)
    index = open_index(catalog, "photos", model)

    def add(pid, hits, floor, limit):
        for h in hits:
            if limit and h.id != pid and h.similarity >= floor and worth(pid, h.id):
                candidates.add((min(pid, h.id), max(pid, h.id)))
                limit -= 1

    for start in range(0, len(ids), 2048):
        chunk_ids, chunk = catalog.features.vectors(model, ids[start:start + 2048].tolist())
        for pid, hits in zip(chunk_ids, index.search(chunk, SEARCH_DEPTH)):
            add(int(pid), hits, threshold, NEIGHBOURS)
    if rotations:
        _turned_candidates(catalog, rows, add)
    return candidates


def _turned_candidates(catalog, rows, add) -> None:
    """Mirrored and turned copies, by the layouts of each photo's mirror image and quarter turns.
    Only pairs that can be copies are searched (:func:`two_captures`): photos without a camera
    capture time against every photo, and photos with one against those taken within the same
    second; in a library from cameras that is a small share of the library (100,000 photos:
    seconds instead of a search of every photo's four views)."""
    lids, layouts = catalog.features.vectors("layout16")
    if not len(lids):
        return
    ts = np.array([np.nan if rows.get(int(i), {}).get("captured_ts") is None else rows[int(i)]["captured_ts"]
                   for i in lids], np.float64)
    free = np.isnan(ts)
    if free.any():
        index = VectorIndex.build(lids, layouts.copy())
        for view in _turned_layouts(layouts[free]):
            for pid, hits in zip(lids[free], index.search(view, SEARCH_DEPTH)):
                add(int(pid), hits, TURN_LAYOUT, TURN_NEIGHBOURS)
    timed = np.flatnonzero(~free)
    order = timed[np.argsort(ts[timed], kind="stable")]
    breaks = np.flatnonzero(np.diff(ts[order]) >= DISTINCT_CAPTURE_S) + 1
    for run in np.split(order, breaks):
        if len(run) < 2:
            continue
        own = layouts[run] / np.maximum(np.linalg.norm(layouts[run], axis=1, keepdims=True), 1e-12)
        for view in _turned_layouts(own):
            sims = view @ own.T
            for a, b in zip(*np.nonzero(sims >= TURN_LAYOUT)):
                if a != b:
                    add(int(lids[run[a]]), [SearchHit(int(lids[run[b]]), float(sims[a, b]))], TURN_LAYOUT, 1)


class _PreparedCache:
    """Pictures ready for verification, bounded (a photo takes part in a few pairs, mostly close
    together in the sorted pair list); filled a chunk of pairs at a time from the catalog's
    stored local features (app/core/local_features.py), in the calling thread."""

    def __init__(self, catalog, rows, capacity: int = 4096) -> None:
        self.catalog, self.rows = catalog, rows
        self.items: Recent = Recent(capacity)        # photo id -> Prepared | None

    def fill(self, pids) -> None:
        missing = [p for p in dict.fromkeys(pids) if p not in self.items]
        got = prepared_pictures(self.catalog, [self.rows[p]["hash"] for p in missing])
        for pid in missing:
            self.items[pid] = got.get(self.rows[pid]["hash"])
        self.items.touch(pids)                      # this chunk's pictures are the last evicted
        self.items.trim()

    def get(self, pid: int) -> Prepared | None:
        return self.items.get(pid)


def verify_pair(pa: Prepared, pb: Prepared, ra: dict, rb: dict) -> bool | None:
    """Is one of the two pictures a copy of the other? Geometric verification; where both
    capture times are known and differ (by whole hours), also the same exposure's noise. The
    duplicates view and the sets (app/core/sets/copies.py) both ask this, and share verdicts.
    None (not a copy, and no verdict to keep) where the noise test cannot read the files (a
    raw, a file gone): two capture times are two shots unless the pixels say otherwise."""
    ok = compare_prepared(pa, pb).duplicate
    if ok and times_disagree(ra, rb):
        evidence = same_exposure(ra["path"], rb["path"])
        return None if evidence is None else evidence.copy
    return ok


def _verify(catalog, pairs, rows, cancel, workers: int | None = None):
    """Geometric verification of candidate pairs (in threads: OpenCV releases the GIL); verdicts
    are kept in the catalog by the two pictures' content hashes, so a re-run verifies only
    pairs it never saw."""
    store = catalog.pair_checks
    known = store.verdicts()
    verified, todo = [], []
    for a, b in pairs:
        ha, hb = rows[a]["hash"], rows[b]["hash"]
        verdict = known.get(pair_key(ha, hb)) if ha and hb else None
        if verdict is None:
            todo.append((a, b))
        elif verdict:
            verified.append((a, b))
    cache = _PreparedCache(catalog, rows)

    def check(pair):
        pa, pb = cache.get(pair[0]), cache.get(pair[1])
        return None if pa is None or pb is None else verify_pair(pa, pb, rows[pair[0]], rows[pair[1]])

    workers = workers or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify") as pool:
        for start in range(0, len(todo), 128):
            if cancel.cancelled:
                return None
            chunk = todo[start:start + 128]
            cache.fill([p for pair in chunk for p in pair])
            results = list(pool.map(check, chunk))
            verified += [pair for pair, ok in zip(chunk, results) if ok]
            fresh = [(rows[a]["hash"], rows[b]["hash"], ok) for (a, b), ok in zip(chunk, results)
                     if ok is not None and rows[a]["hash"] and rows[b]["hash"]]
            if fresh and not catalog.readonly:
                store.save(fresh)
            yield Progress("duplicates: verify", start + len(chunk), len(todo))
    return sorted(verified)


def _closest_first(catalog, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Verified pairs, the most alike by embedding first."""
    if len(pairs) < 2:
        return list(pairs)
    ids, vectors = catalog.features.vectors(embedding_model(catalog), sorted({p for pair in pairs for p in pair}))
    at = {int(i): v for i, v in zip(ids, vectors)}
    cos = lambda a, b: float(np.dot(at[a], at[b])) if a in at and b in at else 0.0  # noqa: E731
    return sorted(pairs, key=lambda pair: -cos(*pair))


def find_duplicates(catalog, *, threshold: float = CANDIDATE_SIMILARITY, rotations: bool = True,
                    cancel: CancelToken | None = None) -> Job[list[DuplicateGroup]]:
    from .bursts import find_bursts

    cancel = cancel or CancelToken()
    rows = catalog.photos.keeper_facts()

    exact = UnionFind()
    by_hash: dict[str, list[int]] = {}
    for pid, r in rows.items():
        if r["hash"]:
            by_hash.setdefault(r["hash"], []).append(pid)
    for group in [g for g in by_hash.values() if len(g) > 1] + catalog.features.pixel_groups():
        for other in group[1:]:
            exact.union(group[0], other)
    root = {pid: exact.find(pid) for pid in rows}
    burst_of, frame_of = {}, {}             # by exact group: its burst, and which of its files is the burst's frame
    named = {}                              # exact group -> a file of it not named as a copy ("x (1).jpg")
    for pid, r in rows.items():
        if not copy_name(r["path"]):
            named.setdefault(root[pid], pid)
    for b in find_bursts(catalog):
        for pid in b.photo_ids:
            # the burst's own frame; where that is a copy by its name ("f03 (1).jpg": the user's best
            # may be the copy), the file it copies
            r = root.get(pid, pid)
            burst_of[r], frame_of[r] = b.id, named.get(r, pid) if copy_name(rows.get(pid, {}).get("path", "")) else pid

    def worth(a: int, b: int) -> bool:
        """Could this pair be a shot and its near copy (worth verifying)?"""
        ra, rb = rows.get(a), rows.get(b)
        if ra is None or rb is None or two_captures(ra, rb) or root[a] == root[b] or raw_pair(ra["path"], rb["path"]):
            return False
        burst = burst_of.get(root[a])
        if burst is None or burst != burst_of.get(root[b]):
            return True
        # two frames of one burst (or exact copies of them, judged as the frames they copy: a
        # "f03 (1).jpg" breaks f03-f04's numbered sequence): the cull view decides
        return not burst_frames(rows.get(frame_of[root[a]], ra), rows.get(frame_of[root[b]], rb))

    ids = catalog.features.vector_ids(embedding_model(catalog))
    pairs = sorted(_candidates(catalog, ids, rows, threshold, rotations, worth)) if len(ids) else []
    if cancel.cancelled:
        return []
    verified = yield from _verify(catalog, pairs, rows, cancel)
    if verified is None:
        return []
    verified = [(root[a], root[b]) for a, b in _closest_first(catalog, verified)]
    groups = []
    exact_groups = exact.groups()
    members = {root[g[0]]: g for g in exact_groups}
    for g in exact_groups:
        groups.append(DuplicateGroup("exact", g, [rows[i]["path"] for i in g], suggest_keeper(g, rows)))
    pictures = UnionFind()                  # one group per picture: every verified version joins it
    frames: dict = {}                       # a group's root -> the burst frames in it (exact-group roots)

    def two_shots(x, y) -> bool:
        """Two frames of one burst the camera timed apart (a burst by file times is a guess)."""
        tx, ty = (rows.get(frame_of[z], rows[z]).get("captured_ts") for z in (x, y))
        return burst_of[x] == burst_of[y] and tx is not None and ty is not None and tx != ty

    for a, b in verified:
        ga, gb = pictures.find(a), pictures.find(b)
        fa = frames.get(ga, {a} if a in burst_of else set())
        fb = frames.get(gb, {b} if b in burst_of else set())
        # an export of one burst frame also matches its neighbours (a tripod burst): it joins the
        # frame it matches best, never two frames of one burst into one picture (a trial: "keep
        # one" then rejected the user's best frame)
        if ga == gb or any(two_shots(x, y) for x in fa for y in fb):
            continue
        pictures.union(a, b)
        frames[pictures.find(a)] = fa | fb
    near_roots = set()
    for roots in pictures.groups():
        near_roots.update(roots)
        g = sorted({i for r in roots for i in members.get(r, [r])})
        inside = [members[r] for r in roots if r in members]
        groups.append(DuplicateGroup("near", g, [rows[i]["path"] for i in g], suggest_keeper(g, rows),
                                     exact=inside))
    groups = [grp for grp in groups if grp.kind == "near" or root[grp.photo_ids[0]] not in near_roots]
    yield Progress("duplicates: verify", len(pairs), len(pairs))
    return groups
