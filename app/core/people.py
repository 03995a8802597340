"""Faces grouped by person: average-linkage agglomerative clustering of SFace embeddings,
merging while the mean cosine between two clusters is at least the model's published
same-person threshold. Faces that match nobody stay singletons."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.face.detection import SFACE_SAME_PERSON



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
    person_id: int | None = None      # set once the user named, merged or split it

    def to_json(self) -> dict:
        return {"person": self.label,
                "faces": [{"path": f["path"], "box": [round(v, 1) for v in (f["x"], f["y"], f["w"], f["h"])]}
                          for f in self.faces]}


def people(catalog, threshold: float = SFACE_SAME_PERSON) -> list[Person]:
    """Faces the user assigned to a person first (by person), then clusters of two or more
    unassigned faces ("person-N"), then singletons ("unknown").

    The clusters are those of every face, named or not, numbered largest first; a person's
    faces are then taken out of them. So naming, merging or splitting one cluster leaves the
    others' faces and numbers as they were ("person-3" stays person-3 after person-1 is named);
    only new faces from indexing can change them."""
    rows = catalog.features.faces()
    if not rows:
        return []
    names = catalog.people.names()
    path_of = {}
    for r in rows:
        if r["photo_id"] not in path_of:
            path_of[r["photo_id"]] = catalog.photos.get(r["photo_id"])["path"]
        r["path"] = path_of[r["photo_id"]]
    # by file, not by row id: ids follow the order the index's workers finished in, and equal
    # sizes and similarities are settled by position, so the same library gives the same people
    rows.sort(key=lambda r: (r["path"], -r["w"] * r["h"], r["x"], r["y"]))
    assigned: dict[int, list[dict]] = {}
    for r in rows:
        if r.get("person_id") in names:
            assigned.setdefault(r["person_id"], []).append(r)
    out = [Person(names[pid] or f"person #{pid}", faces, pid) for pid, faces in
           sorted(assigned.items(), key=lambda kv: -len(kv[1]))]
    embedded = [r for r in rows if r.get("embedding") is not None and len(r["embedding"])]
    singles = [Person("unknown", [r]) for r in rows
               if r.get("person_id") not in names and (r.get("embedding") is None or not len(r["embedding"]))]
    for number, members in numbered_clusters(embedded, threshold):
        free = [r for r in members if r.get("person_id") not in names]
        if len(free) > 1:
            out.append(Person(f"person-{number}", free))
        else:
            singles.extend(Person("unknown", [r]) for r in free)
    return out + singles


def numbered_clusters(rows: list[dict], threshold: float = SFACE_SAME_PERSON) -> list[tuple[int, list[dict]]]:
    """Every face clustered, largest cluster first, with its number (1, 2, ... for clusters of
    two or more faces; 0 for a face alone)."""
    if not rows:
        return []
    labels = average_linkage(np.stack([r["embedding"] for r in rows]), threshold)
    out, number = [], 0
    for k in range(labels.max() + 1):
        members = [r for r, lab in zip(rows, labels) if lab == k]
        if len(members) > 1:
            number += 1
        out.append((number if len(members) > 1 else 0, members))
    return out


def assign(catalog, face_ids: list[int], name: str | None = None, person_id: int | None = None) -> int:
    """Put faces under one person (a new one unless ``person_id``); returns the person id.
    Naming a cluster, merging two and splitting faces off are all this one operation."""
    return catalog.people.assign(face_ids, name, person_id)
