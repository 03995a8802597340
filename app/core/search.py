"""Search by example (a photo inside or outside the library), by text (OpenCLIP models) and
by face. The query is decoded exactly like an indexed photo (EXIF orientation applied);
the photo index is also queried with the mirror image and the 90/180/270-degree turns of the
query, keeping each photo's best similarity, so a mirrored or rotated copy still ranks first.

Search by example has two stages. The embedding index proposes ``CANDIDATES`` photos; then
each is compared with the query on local evidence (app/core/near_duplicate.py: ORB keypoints,
a RANSAC similarity fit allowing crop, scale, mirror and rotation, and the residual after
aligning and normalising tone, so colour and tone edits do not count). Verified copies come
first, the closest fit first among them (the exact source frame before its neighbours a fifth
of a second away), then the rest by similarity. Each photo's local features are kept in the
catalog (app/core/local_features.py), so re-ranking costs the comparisons only."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .decode import DecodeError, decode
from .fileio import ReadError, read_original
from .library_models import embedding_model
from .vector_index import open_index


class SearchError(Exception):
    pass


@dataclass
class Result:
    photo_id: int
    path: str
    similarity: float
    box: list[float] | None = None
    same_person: bool | None = None        # face search: at or above SFace's same-person threshold
    verified: bool | None = None           # search by example: a verified copy of the query (local evidence)

    def to_json(self) -> dict:
        out = {"path": self.path, "similarity": round(self.similarity, 4)}
        if self.verified is not None:
            out["verified"] = self.verified
        if self.box is not None:
            out["box"] = [round(v, 1) for v in self.box]
        if self.same_person is not None:
            out["same_person"] = self.same_person
        return out


def load_query(path: str):
    import os

    if not os.path.isfile(path):
        raise SearchError(f"query image not found: {path}")
    try:
        data, _ = read_original(path, os.path.getsize(path))
        return decode(data, path)
    except (OSError, ReadError, DecodeError) as exc:
        raise SearchError(f"cannot read the query image {path}: {exc}") from exc


def _photo_results(catalog, scored: dict[int, float], k: int) -> list[Result]:
    out = []
    for pid, sim in sorted(scored.items(), key=lambda kv: -kv[1])[:k]:
        row = catalog.photos.get(pid)
        if row is not None:
            out.append(Result(pid, row["path"], sim))
    return out


def search_vectors(catalog, queries: np.ndarray, k: int, model: str | None = None) -> list[Result]:
    index = open_index(catalog, "photos", model or embedding_model(catalog))
    best: dict[int, float] = {}
    for hits in index.search(queries, k):
        for h in hits:
            best[h.id] = max(best.get(h.id, -1.0), h.similarity)
    return _photo_results(catalog, best, k)


CANDIDATES = 32       # proposed by the embedding index for the local comparison (see benchmarks/search_quality.py)
QUERY_KEYPOINTS = 400  # of the query (each stored picture keeps 800): matching costs their product


def search_by_example(catalog, image_path: str, k: int = 20, rotations: bool = True,
                      rerank: bool = True) -> list[Result]:
    from .features.embedders import load_query_embedder
    from .features.views import query_views

    decoded = load_query(image_path)
    embedder = load_query_embedder(embedding_model(catalog))
    queries = embedder.embed(query_views(decoded.image, rotations=rotations))
    if not rerank:
        return search_vectors(catalog, queries, k)
    candidates = search_vectors(catalog, queries, max(k, CANDIDATES))
    return rerank_by_local_evidence(catalog, decoded.image, candidates)[:k]


def rerank_by_local_evidence(catalog, image, candidates: list[Result]) -> list[Result]:
    """Verified copies of ``image`` first (closest fit first), then the rest by similarity."""
    from concurrent.futures import ThreadPoolExecutor

    from .local_features import prepared_pictures
    from .near_duplicate import MIN_INLIERS, Prepared, compare_prepared

    if not candidates:
        return candidates
    query = Prepared.of(np.asarray(image.convert("L")), QUERY_KEYPOINTS)
    query.mirror()                          # made once here, not in each thread
    hashes = {r.photo_id: (catalog.photos.get(r.photo_id) or {}).get("content_hash") for r in candidates}
    pictures = prepared_pictures(catalog, hashes.values())

    def check(r: Result):
        picture = pictures.get(hashes[r.photo_id])
        return None if picture is None else compare_prepared(picture, query, quick=True)

    with ThreadPoolExecutor(max_workers=min(4, len(candidates))) as pool:
        matches = list(pool.map(check, candidates))

    def key(item):
        """Verified copies; then pictures the geometric fit aligned but the residual rejected
        (a heavier edit, or a neighbouring frame); then the rest. Within the first two, the
        closest fit first: the mean residual after alignment, plus the share of pixels whose
        content changed (a subject that moved) counted double."""
        r, m = item
        if m is not None and m.duplicate:
            return (0, m.residual + 2 * m.changed, -r.similarity)
        if m is not None and m.inliers >= MIN_INLIERS and m.overlap > 0:
            return (1, m.residual + 2 * m.changed, -r.similarity)
        return (2, 0.0, -r.similarity)

    for r, m in zip(candidates, matches):
        r.verified = bool(m is not None and m.duplicate)
    return [r for r, _m in sorted(zip(candidates, matches), key=key)]


def search_by_text(catalog, text: str, k: int = 20) -> list[Result]:
    from .features.embedders import load_embedder
    from .models import registry

    model = embedding_model(catalog)
    if not registry()[model].text:
        raise SearchError(f"text search needs an OpenCLIP model; this library uses {model}. "
                          f"Switch with `phototriage models use openclip_vit_b_32` (downloads once), then re-index")
    return search_vectors(catalog, load_embedder(model).embed_text([text]), k)


def search_by_face(catalog, image_path: str, k: int = 20) -> list[Result]:
    """Photos with the query's largest face, by SFace cosine (best face per photo); each result
    says whether it reaches the same-person threshold (the rest are only the nearest faces)."""
    from models.face.detection import SFACE_SAME_PERSON, FaceAnalyzer

    decoded = load_query(image_path)
    faces = FaceAnalyzer().analyze(np.asarray(decoded.image))
    if not faces:
        raise SearchError(f"no face found in {image_path}")
    index = open_index(catalog, "faces", "sface")
    hits = index.search(faces[0].embedding[None], max(k * 4, 50))[0]
    rows = {r["id"]: r for r in catalog.features.faces()}
    best: dict[int, tuple[float, list[float]]] = {}
    for h in hits:
        row = rows.get(h.id)
        if row is None:
            continue
        if h.similarity > best.get(row["photo_id"], (-2.0, None))[0]:
            best[row["photo_id"]] = (h.similarity, [row["x"], row["y"], row["w"], row["h"]])
    out = []
    for pid, (sim, box) in sorted(best.items(), key=lambda kv: -kv[1][0])[:k]:
        photo = catalog.photos.get(pid)
        out.append(Result(pid, photo["path"], sim, box, same_person=sim >= SFACE_SAME_PERSON))
    return out
