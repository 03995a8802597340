"""Exact and near duplicates.

Exact: the same file content (hash) or the same decoded pixels (metadata differs).
Near: candidates are each photo's nearest neighbours in the embedding index (also queried
with the photo turned by 90/180/270 degrees, so rotated copies are found), then every
candidate pair is verified geometrically (:mod:`near_duplicate`): an edited copy aligns and
matches everywhere; a burst frame of the same scene aligns but its subject moved, so it is
not reported unless it is near-identical. Precision first: only verified pairs group, and
groups do not chain (every member was verified against the group's centre). Frames of one
burst belong to the burst, not to a duplicate group, unless their pixels are identical."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from . import paths
from .jobs import CancelToken, Job, Progress, Throttle
from .library_models import embedding_model
from .near_duplicate import compare
from .thumbnails import gray_thumbnail, thumb_path
from .union_find import UnionFind, star_groups
from .vector_index import open_index

CANDIDATE_SIMILARITY = 0.45     # loose on purpose: verification decides
NEIGHBOURS = 10


@dataclass
class DuplicateGroup:
    kind: str                       # "exact" or "near"
    photo_ids: list[int]
    paths: list[str]
    keeper: int                     # suggested photo to keep
    reasons: dict[int, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        keep = self.paths[self.photo_ids.index(self.keeper)]
        return {"kind": self.kind, "photos": [paths.display(p) for p in self.paths], "keeper": paths.display(keep)}


def suggest_keeper(ids: list[int], rows: dict[int, dict]) -> int:
    """The original, as far as the files tell: full resolution (a resized or cropped copy has
    fewer pixels), then richer metadata (exports and messengers strip EXIF), then the older file
    (a mirrored, re-encoded or colour-edited copy is made after its original), then the sharper
    subject, then the earliest indexed."""
    return max(ids, key=lambda i: (rows[i]["pixels"], rows[i]["meta"], -rows[i]["mtime_ns"],
                                   round(rows[i]["sharpness"], 1), -i))


def _rotated_queries(catalog, ids, rows, model):
    from .features.embedders import load_embedder
    from .features.views import query_views

    embedder = load_embedder(model)
    for pid in ids:
        path = thumb_path(catalog.thumbs_dir, rows[pid]["hash"]) if rows[pid]["hash"] else None
        if path is None or not path.exists():
            yield pid, None
            continue
        with Image.open(path) as im:
            views = query_views(im.convert("RGB"), original=False)
        yield pid, embedder.embed(views)


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
    burst_of = {exact.find(pid): b.id for b in find_bursts(catalog) for pid in b.photo_ids}   # by exact group
    model = embedding_model(catalog)
    ids, vectors = catalog.features.vectors(model)
    candidates: set[tuple[int, int]] = set()
    if len(ids):
        index = open_index(catalog, "photos", model)
        throttle = Throttle()

        def add(pid, hits):
            for h in hits:
                if h.id != pid and h.similarity >= threshold:
                    candidates.add((min(pid, h.id), max(pid, h.id)))

        for start in range(0, len(ids), 256):
            for pid, hits in zip(ids[start:start + 256], index.search(vectors[start:start + 256], NEIGHBOURS + 1)):
                add(int(pid), hits)
        if rotations:
            for n, (pid, turned) in enumerate(_rotated_queries(catalog, [int(i) for i in ids], rows, model)):
                if cancel.cancelled:
                    return []
                if turned is not None:
                    for hits in index.search(turned, NEIGHBOURS + 1):
                        add(pid, hits)
                if throttle.ready():
                    yield Progress("duplicates: rotations", n + 1, len(ids))
    verified: list[tuple[int, int]] = []
    thumbs: dict[int, np.ndarray | None] = {}
    pairs = sorted(candidates)
    throttle = Throttle()
    for n, (a, b) in enumerate(pairs):
        if cancel.cancelled:
            return []
        if throttle.ready():
            yield Progress("duplicates: verify", n, len(pairs))
        if a not in rows or b not in rows or exact.find(a) == exact.find(b):
            continue
        if burst_of.get(exact.find(a)) is not None and burst_of.get(exact.find(a)) == burst_of.get(exact.find(b)):
            continue                    # two frames of one burst (or exact copies of them): the cull view decides
        for pid in (a, b):
            if pid not in thumbs:
                thumbs[pid] = gray_thumbnail(catalog.thumbs_dir, rows[pid]["hash"])
        if thumbs[a] is None or thumbs[b] is None:
            continue
        if compare(thumbs[a], thumbs[b]).duplicate:
            verified.append((exact.find(a), exact.find(b)))
    groups = []
    exact_groups = exact.groups()
    members = {root: g for g in exact_groups for root in [exact.find(g[0])]}
    for g in exact_groups:
        groups.append(DuplicateGroup("exact", g, [rows[i]["path"] for i in g], suggest_keeper(g, rows)))
    for roots in star_groups(verified):
        g = sorted({i for r in roots for i in members.get(r, [r])})
        groups.append(DuplicateGroup("near", g, [rows[i]["path"] for i in g], suggest_keeper(g, rows)))
    yield Progress("duplicates: verify", len(pairs), len(pairs))
    return groups
