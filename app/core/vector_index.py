"""FAISS indexes, one per embedding space (photo embeddings per model, face embeddings),
keyed by catalog row ids and persisted beside the catalog. SQLite holds the vectors; an
index file is a cache: when its manifest disagrees with the catalog (a crash between the
commit and the save, a deleted file) it is rebuilt on open.

Small spaces use exact inner-product search. From ``APPROX_THRESHOLD`` vectors on, an IVF
index with half-precision codes (half the memory of float32, the same top-10 recall: 1M
photo embeddings take 2.4 GB instead of 4.9, benchmarks/search_1m.py) is built whose
``nprobe`` is calibrated on the library's own vectors until top-10
recall against exact search reaches ``TARGET_RECALL`` (the measured value is kept in the
manifest), within a latency budget: a query never scans more than ``SCAN_BUDGET`` vector
components (about 15 ms on one core). Photo embeddings are clustered (bursts, series,
subjects) and reach the target far below that budget; structureless data (random vectors)
stops at the budget with the recall it reached, which the manifest reports.
Vectors are unit length, so inner products are cosine similarities."""
from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from .jobs import Progress

APPROX_THRESHOLD = 20_000
TARGET_RECALL = 0.99
SCAN_BUDGET = 32_768 * 1280     # vector components scanned per query at most
KMEANS_ITERATIONS = 10          # coarse quantizer training: lists, not a clustering result


def _normalise(x: np.ndarray) -> np.ndarray:
    """Unit rows; in place when ``x`` is already contiguous float32 (large indexes: no copy)."""
    x = np.ascontiguousarray(x, np.float32)
    faiss.normalize_L2(x)
    return x


def recall_at(approx: np.ndarray, exact: np.ndarray) -> float:
    """Share of the exact top-k ids that the approximate search also returned."""
    hits = sum(len(set(a[a >= 0]) & set(e[e >= 0])) for a, e in zip(approx, exact))
    return hits / max(1, int((exact >= 0).sum()))


@dataclass
class SearchHit:
    id: int
    similarity: float


class VectorIndex:
    def __init__(self, index, kind: str, count: int, recall: float | None = None) -> None:
        self.index, self.kind, self.count, self.recall = index, kind, count, recall

    @property
    def dim(self) -> int:
        return self.index.d

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, threshold: int = APPROX_THRESHOLD,
              seed: int = 0) -> "VectorIndex":
        """Note: float32 ``vectors`` are normalised in place."""
        ids = np.asarray(ids, np.int64)
        dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 1
        vectors = _normalise(vectors) if len(vectors) else np.zeros((0, dim), np.float32)
        if len(ids) < threshold:
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
            if len(ids):
                index.add_with_ids(vectors, ids)
            return cls(index, "flat", len(ids), 1.0)
        nlist = int(max(16, min(4096, 4 * math.sqrt(len(ids)), len(ids) // 39)))   # >= 39 points per list
        quantizer = faiss.IndexFlatIP(dim)
        ivf = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_fp16,
                                            faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(seed)
        ivf.cp.niter = KMEANS_ITERATIONS
        sample = vectors[rng.choice(len(vectors), size=min(len(vectors), nlist * 40), replace=False)]
        ivf.train(sample)
        ivf.add_with_ids(vectors, ids)
        out = cls(ivf, "ivf", len(ids))
        out.recall = out.calibrate(ids, vectors, rng)
        return out

    @property
    def max_nprobe(self) -> int:
        """The most lists a query may scan within SCAN_BUDGET (lists hold count/nlist vectors)."""
        per_list = max(1.0, self.count / self.index.nlist) * self.dim
        return int(max(1, min(self.index.nlist, SCAN_BUDGET // per_list)))

    def calibrate(self, ids: np.ndarray, vectors: np.ndarray, rng, queries: int = 200, k: int = 10) -> float:
        """Smallest nprobe whose top-k recall vs exact search reaches TARGET_RECALL, at most
        :attr:`max_nprobe`; returns the recall measured at the chosen nprobe."""
        q = vectors[rng.choice(len(vectors), size=min(queries, len(vectors)), replace=False)]
        q = q + rng.normal(0, 0.02, q.shape).astype(np.float32)          # queries near, not on, the data
        q = _normalise(q)
        _, positions = faiss.knn(q, vectors, k, metric=faiss.METRIC_INNER_PRODUCT)   # exact, no copy
        truth = np.where(positions >= 0, ids[np.clip(positions, 0, None)], -1)
        limit, nprobe = self.max_nprobe, 1
        while True:
            self.index.nprobe = nprobe
            _, got = self.index.search(q, k)
            recall = recall_at(got, truth)
            if recall >= TARGET_RECALL or nprobe == limit:
                return recall
            nprobe = min(2 * nprobe, limit)

    def search(self, queries: np.ndarray, k: int = 10) -> list[list[SearchHit]]:
        queries = _normalise(np.atleast_2d(queries))
        if self.count == 0:
            return [[] for _ in queries]
        sims, ids = self.index.search(queries, min(k, self.count))
        return [[SearchHit(int(i), float(s)) for s, i in zip(srow, irow) if i >= 0] for srow, irow in zip(sims, ids)]

    def save(self, path: Path, meta: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        faiss.write_index(self.index, str(tmp))
        os.replace(tmp, path)
        manifest = {**meta, "kind": self.kind, "count": self.count, "recall": self.recall,
                    "nprobe": getattr(self.index, "nprobe", None)}
        tmp_m = path.with_name(f".{path.name}.json.{os.getpid()}.tmp")
        tmp_m.write_text(json.dumps(manifest))
        os.replace(tmp_m, path.with_suffix(path.suffix + ".json"))

    @classmethod
    def load(cls, path: Path) -> tuple["VectorIndex", dict] | None:
        manifest_path = path.with_suffix(path.suffix + ".json")
        if not path.exists() or not manifest_path.exists():
            return None
        try:
            manifest = json.loads(manifest_path.read_text())
            index = faiss.read_index(str(path))
        except (OSError, ValueError, RuntimeError):
            return None
        if manifest.get("nprobe") and hasattr(index, "nprobe"):
            index.nprobe = manifest["nprobe"]
        return cls(index, manifest["kind"], manifest["count"], manifest.get("recall")), manifest


def index_path(catalog, space: str, model: str) -> Path:
    return catalog.path.parent / f"{catalog.path.stem}.vectors" / f"{space}-{model}.faiss"


def _space_vectors(catalog, space: str, model: str) -> tuple[np.ndarray, np.ndarray]:
    if space == "photos":
        return catalog.features.vectors(model)
    rows = catalog.features.faces()
    if not rows:
        return np.zeros(0, np.int64), np.zeros((0, 128), np.float32)
    return np.array([r["id"] for r in rows], np.int64), np.stack([r["embedding"] for r in rows])


def _saved_if_current(catalog, space: str, model: str) -> tuple[VectorIndex | None, str]:
    """(the persisted index if it belongs to this catalog instance and holds exactly the current
    content of its photos, else None; the digest of that content)."""
    ids, versions = catalog.features.vector_versions(space, model)
    digest = versions_digest(ids, versions)
    loaded = VectorIndex.load(index_path(catalog, space, model))
    if loaded is not None:
        index, manifest = loaded
        if (manifest.get("model") == model and manifest.get("catalog") == catalog.id
                and manifest.get("versions") == digest and index.count == len(ids)):
            return index, digest
    return None, digest


def _held_key(catalog, space: str, model: str) -> tuple:
    try:
        st = index_path(catalog, space, model).stat()
        on_disk = (st.st_mtime_ns, st.st_size)
    except OSError:
        on_disk = None
    return catalog.features.vectors_signature(), on_disk


def open_index(catalog, space: str, model: str, threshold: int = APPROX_THRESHOLD) -> VectorIndex:
    """The persisted index when it is current, otherwise rebuilt from SQLite (and saved unless
    the catalog is read-only). A photo changed in place keeps its row id but not its content
    hash, so its old vector is never served; a new catalog at the same path has a new id.
    An opened index is held by the catalog object while neither the catalog's vectors nor the
    index file change, so repeated searches in one process skip the check (O(library))."""
    held = catalog.open_indexes.get((space, model, threshold))
    if held is not None and held[0] == _held_key(catalog, space, model):
        return held[1]
    index, digest = _saved_if_current(catalog, space, model)
    if index is None:
        ids, vectors = _space_vectors(catalog, space, model)
        index = VectorIndex.build(ids, vectors, threshold)
        del vectors
        if not catalog.readonly:
            index.save(index_path(catalog, space, model),
                       {"space": space, "model": model, "catalog": catalog.id, "versions": digest})
    catalog.open_indexes[(space, model, threshold)] = (_held_key(catalog, space, model), index)
    return index


def versions_digest(ids: np.ndarray, versions: list[str]) -> str:
    h = hashlib.blake2b(digest_size=12)
    for i, v in sorted(zip(ids.tolist(), versions)):
        h.update(f"{i}:{v};".encode())
    return h.hexdigest()


def is_current(catalog, space: str, model: str) -> bool:
    """Does the saved index agree with the catalog (for the consistency check)?"""
    return _saved_if_current(catalog, space, model)[0] is not None


def sync_indexes(catalog, model: str):
    """Index-job stage: bring the photo and face indexes in line with the catalog. What this
    process held is checked again: the job's writes can leave the cheap signature as it was
    (a vector deleted and another stored under the freed row id)."""
    catalog.open_indexes.clear()
    for i, space in enumerate(("photos", "faces")):
        yield Progress("vectors", i, 2, current=space)
        open_index(catalog, space, "sface" if space == "faces" else model)
    yield Progress("vectors", 2, 2)
