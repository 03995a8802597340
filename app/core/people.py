"""Faces grouped by person: average-linkage agglomerative clustering of SFace embeddings,
merging while the mean cosine between two clusters is at least the model's published
same-person threshold. Faces that match nobody stay singletons."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.face.detection import SFACE_SAME_PERSON

from . import paths


def average_linkage(embeddings: np.ndarray, threshold: float = SFACE_SAME_PERSON) -> np.ndarray:
    """Cluster labels 0..K-1 (largest clusters first)."""
    n = len(embeddings)
    if n == 0:
        return np.zeros(0, int)
    e = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    sim = (e @ e.T).astype(np.float64)
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n)
    alive = np.ones(n, bool)
    label = np.arange(n)
    while True:
        flat = np.argmax(sim)
        i, j = divmod(int(flat), n)
        if not np.isfinite(sim[i, j]) or sim[i, j] < threshold:
            break
        # merge j into i: mean similarity to every other cluster, weighted by size
        row = (sim[i] * sizes[i] + sim[j] * sizes[j]) / (sizes[i] + sizes[j])
        sim[i], sim[:, i] = row, row
        sim[i, i] = -np.inf
        sim[j], sim[:, j] = -np.inf, -np.inf
        sizes[i] += sizes[j]
        alive[j] = False
        label[label == j] = i
    roots, counts = np.unique(label, return_counts=True)
    order = roots[np.argsort(-counts, kind="stable")]
    remap = {r: k for k, r in enumerate(order)}
    return np.array([remap[x] for x in label])


@dataclass
class Person:
    label: str
    faces: list[dict]

    def to_json(self) -> dict:
        return {"person": self.label,
                "faces": [{"path": paths.display(f["path"]), "box": [round(v, 1) for v in (f["x"], f["y"], f["w"], f["h"])]}
                          for f in self.faces]}


def people(catalog, threshold: float = SFACE_SAME_PERSON) -> list[Person]:
    """Clusters of two or more faces first (named when the user named them), then singletons."""
    rows = catalog.features.faces()
    if not rows:
        return []
    labels = average_linkage(np.stack([r["embedding"] for r in rows]), threshold)
    names = dict(catalog.conn.execute("SELECT id, name FROM people").fetchall())
    path_of = {}
    for r in rows:
        if r["photo_id"] not in path_of:
            path_of[r["photo_id"]] = catalog.photos.get(r["photo_id"])["path"]
        r["path"] = path_of[r["photo_id"]]
    out, singles = [], []
    for k in range(labels.max() + 1):
        members = [r for r, lab in zip(rows, labels) if lab == k]
        named = {names.get(r["person_id"]) for r in members if r.get("person_id") in names}
        label = sorted(named)[0] if len(named) == 1 else f"person-{k + 1}"
        (out if len(members) > 1 else singles).append(Person(label if len(members) > 1 else "unknown", members))
    return out + singles
