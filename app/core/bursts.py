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
Photos without EXIF use their file time (and group by similarity when the times are equal).
Singletons are not bursts.

Defaults were measured on ../shared/testdata: consecutive burst frames have cosine 0.84-0.997,
different photos at most 0.63 (EfficientNet-Lite0 embeddings).
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from . import paths


@dataclass(frozen=True)
class BurstSettings:
    max_gap_s: float = 10.0
    min_similarity: float = 0.75     # embedding cosine between consecutive frames
    min_layout: float = 0.85         # or: correlation of their 16x16 gray layouts (blind to exposure, noise, blur)
    quick_gap_s: float = 1.5         # frames this close need less evidence that the scene is the same
    quick_similarity: float = 0.6
    quick_layout: float = 0.75


@dataclass
class Frame:
    id: int
    path: str
    ts: float
    camera: tuple
    burst_tag: str | None


@dataclass
class Burst:
    id: str
    photo_ids: list[int]
    paths: list[str]


def load_frames(catalog) -> list[Frame]:
    rows = catalog.conn.execute(
        "SELECT id, path, captured_ts, camera_make, camera_model, camera_serial, burst_id FROM photos "
        "WHERE status = 'ok'")
    frames = []
    for pid, path, ts, make, model, serial, tag in rows:
        frames.append(Frame(pid, paths.from_db(path), ts if ts is not None else 0.0,
                            (make or "", model or "", serial or ""), tag))
    return frames


def layout_views(v: np.ndarray) -> np.ndarray:
    """A stored layout vector (zero-mean, unit norm) and its rank-transformed twin: monotonic
    tone changes (exposure, gamma, contrast) keep the ranks, so the rank correlation survives
    them even where clipping lowers the linear one."""
    r = np.argsort(np.argsort(v, kind="stable"), kind="stable").astype(np.float32)
    r -= r.mean()
    return np.stack([v, r / max(float(np.linalg.norm(r)), 1e-6)])


def layout_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The larger of the linear and rank correlations (a 1-D vector is compared linearly only)."""
    return float(np.max(np.sum(a * b, axis=-1)))


def group(frames: list[Frame], vectors: dict[int, np.ndarray], settings: BurstSettings = BurstSettings(),
          layouts: dict[int, np.ndarray] | None = None) -> list[list[Frame]]:
    streams: dict[tuple, list[Frame]] = defaultdict(list)
    for f in frames:
        streams[f.camera].append(f)
    out = []
    for stream in streams.values():
        stream.sort(key=lambda f: (f.ts, f.path))
        current = [stream[0]]
        for f in stream[1:]:
            prev = current[-1]
            if f.burst_tag and f.burst_tag == prev.burst_tag:
                current.append(f)
                continue
            gap = f.ts - prev.ts
            quick = gap <= settings.quick_gap_s
            a, b = vectors.get(f.id), vectors.get(prev.id)
            la, lb = (layouts or {}).get(f.id), (layouts or {}).get(prev.id)
            if a is None or b is None:
                similar = True
            else:
                similar = float(a @ b) >= (settings.quick_similarity if quick else settings.min_similarity) or (
                    la is not None and lb is not None
                    and layout_similarity(la, lb) >= (settings.quick_layout if quick else settings.min_layout))
            if gap <= settings.max_gap_s and similar:
                current.append(f)
            else:
                out.append(current)
                current = [f]
        out.append(current)
    return sorted((g for g in out if len(g) > 1), key=lambda g: (g[0].ts, g[0].path))


def distinct_frames(catalog) -> list[Frame]:
    """Frames minus exact duplicates (same bytes or same pixels): copies are not burst frames."""
    seen, out = set(), []
    dup_of = {}
    for group_ids in catalog.features.pixel_groups():
        for pid in group_ids[1:]:
            dup_of[pid] = group_ids[0]
    hashes = dict(catalog.conn.execute("SELECT id, content_hash FROM photos WHERE status = 'ok'").fetchall())
    for f in sorted(load_frames(catalog), key=lambda f: f.id):
        h = hashes.get(f.id)
        if f.id in dup_of or (h and h in seen):
            continue
        seen.add(h)
        out.append(f)
    return out


def find_bursts(catalog, settings: BurstSettings = BurstSettings(), model: str | None = None) -> list[Burst]:
    from .library_models import embedding_model

    ids, vecs = catalog.features.vectors(model or embedding_model(catalog))
    vectors = {int(i): v for i, v in zip(ids, vecs)}
    ids, vecs = catalog.features.vectors("layout16")
    layouts = {int(i): layout_views(v) for i, v in zip(ids, vecs)}
    bursts = []
    for frames in group(distinct_frames(catalog), vectors, settings, layouts):
        key = hashlib.blake2b(",".join(str(f.id) for f in frames).encode(), digest_size=6).hexdigest()
        bursts.append(Burst(f"b{frames[0].id}-{key}", [f.id for f in frames], [f.path for f in frames]))
    return bursts


def settings_from_catalog(catalog) -> BurstSettings:
    rows = dict(catalog.conn.execute("SELECT key, value FROM settings WHERE key LIKE 'bursts.%'").fetchall())
    base = BurstSettings()
    return BurstSettings(float(rows.get("bursts.max_gap_s", base.max_gap_s)),
                         float(rows.get("bursts.min_similarity", base.min_similarity)),
                         float(rows.get("bursts.min_layout", base.min_layout)))
