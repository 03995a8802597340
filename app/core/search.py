"""Search by example (a photo inside or outside the library), by text (OpenCLIP models) and
by face. The query is decoded exactly like an indexed photo (EXIF orientation applied);
the photo index is also queried with the mirror image and the 90/180/270-degree turns of the
query, keeping each photo's best similarity, so a mirrored or rotated copy still ranks first."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import paths
from .decode import decode
from .fileio import read_original
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

    def to_json(self) -> dict:
        out = {"path": paths.display(self.path), "similarity": round(self.similarity, 4)}
        if self.box is not None:
            out["box"] = [round(v, 1) for v in self.box]
        if self.same_person is not None:
            out["same_person"] = self.same_person
        return out


def load_query(path: str):
    import os

    if not os.path.isfile(path):
        raise SearchError(f"query image not found: {path}")
    data, _ = read_original(path, os.path.getsize(path))
    return decode(data, path)


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


def search_by_example(catalog, image_path: str, k: int = 20, rotations: bool = True) -> list[Result]:
    from .features.embedders import load_query_embedder
    from .features.views import query_views

    decoded = load_query(image_path)
    embedder = load_query_embedder(embedding_model(catalog))
    return search_vectors(catalog, embedder.embed(query_views(decoded.image, rotations=rotations)), k)


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
