"""Generated photo libraries with the feature distributions of real photos, for benchmarks at
sizes no test folder has (issue 17: 10^5 photos in a catalog, 10^6 vectors in a search index).

The source is real: the public test photos (tests/data) indexed by the product itself
into a catalog (``real_sample``), which gives real embeddings, layouts, quality features and
faces. Generated photos are drawn around those real ones with the structure a photo library has:

- an *event* (an outing, a shoot) starts from one real photo's embedding: each component is
  jittered multiplicatively (log-normal, so the zeros of a ReLU network stay zeros and the
  magnitudes keep their real spread), and a share of the components is taken from another real
  photo (a different subject in the same kind of place);
- *scenes* within an event are jittered again, less;
- *shots* of a scene are bursts of 1-12 frames (geometric, mean about 3), jittered least;
- a few photos are *copies* of another (exact, or a near copy: the smallest jitter).

The three jitter levels are set so that the similarity of unrelated photos, of frames of one
burst, and of each photo's nearest neighbour match the real photos' (``similarity_profile``
prints both, so the match is checked, not assumed)."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from training.config import testdata_root

REPO = Path(__file__).resolve().parents[1]
TESTDATA = testdata_root()     # tests/data, or the library PHOTOTRIAGE_TESTDATA names
EMBEDDING_MODEL = "efficientnet_lite0"

EVENT_JITTER = 0.3        # log-normal sigma of an event around its real source photo
EVENT_MIX = 0.2           # share of components an event takes from another real photo
SCENE_JITTER = 0.25
FRAME_JITTER = 0.14       # median over shots; a shot's own sigma spreads log-normally around it
FRAME_SPREAD = 0.8        # (a still subject on a tripod, a running child)
COPY_JITTER = 0.04
SCENES_PER_EVENT = 12
FRAMES_MEAN = 3.0
MAX_FRAMES = 12


@dataclass
class RealSample:
    """The real photos the generator draws around (one row each)."""
    catalog: Path
    paths: list[str]
    embeddings: np.ndarray                 # (n, 1280) unit rows
    layouts: np.ndarray                    # (n, 256)
    quality: list[dict]                    # the features row of each photo
    faces: dict[int, list[dict]]           # row index -> face rows (embedding, landmarks as bytes)
    bursts: list[list[int]] = field(default_factory=list)   # row indexes of each real burst


def real_sample(workdir: Path) -> RealSample:
    """Index the public test photos into ``workdir/real.db`` (once) and read them back."""
    import sqlite3

    db = workdir / "real.db"
    if not db.exists():
        env = {**os.environ, "HOME": str(workdir / "home"), "XDG_DATA_HOME": str(workdir / "home" / "data")}
        subprocess.run([sys.executable, "-m", "app.cli", "index", str(TESTDATA), "--db", str(db)],
                       cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    photos = conn.execute("SELECT p.id, p.path FROM photos p JOIN embeddings e ON e.photo_id = p.id "
                          "WHERE e.model = ? AND p.status = 'ok' ORDER BY p.path", (EMBEDDING_MODEL,)).fetchall()
    row_of = {r["id"]: i for i, r in enumerate(photos)}

    def vectors(model):
        out = {pid: np.frombuffer(v, np.float32) for pid, v in
               conn.execute("SELECT photo_id, vector FROM embeddings WHERE model = ?", (model,))}
        return np.stack([out[r["id"]] for r in photos])

    emb = vectors(EMBEDDING_MODEL)
    emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    quality = {r["photo_id"]: dict(r) for r in conn.execute("SELECT * FROM features")}
    faces: dict[int, list[dict]] = {}
    for f in conn.execute("SELECT * FROM faces"):
        faces.setdefault(row_of[f["photo_id"]], []).append(dict(f))
    bursts: dict[str, list[int]] = {}
    for i, r in enumerate(photos):
        if "/bursts/" in r["path"]:
            bursts.setdefault(os.path.dirname(r["path"]), []).append(i)
    layouts = vectors("layout16")
    conn.close()
    return RealSample(db, [r["path"] for r in photos], emb.astype(np.float32), layouts,
                      [quality[r["id"]] for r in photos], faces, list(bursts.values()))


@dataclass
class Structure:
    """What each generated photo is: its real source row, event, scene and shot (burst)."""
    source: np.ndarray
    event: np.ndarray
    scene: np.ndarray
    shot: np.ndarray
    copy_of: np.ndarray            # index of the photo it copies, or -1

    def __len__(self) -> int:
        return len(self.source)


def _unit(x: np.ndarray) -> np.ndarray:
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return x


class LibraryGenerator:
    """Generates photo embeddings (and the structure behind them) in chunks of events, so a
    million vectors never need more than the output array."""

    def __init__(self, real: RealSample, seed: int = 0) -> None:
        self.real = real
        self.rng = np.random.default_rng(seed)

    def _jitter(self, base: np.ndarray, sigma: float) -> np.ndarray:
        return base * np.exp(self.rng.normal(0.0, sigma, base.shape)).astype(np.float32)

    def event(self, source: int) -> np.ndarray:
        e = self.real.embeddings
        other = e[self.rng.integers(len(e))]
        centre = self._jitter(e[source][None, :], EVENT_JITTER)[0]
        mix = self.rng.random(centre.shape) < EVENT_MIX
        centre[mix] = other[mix] * np.exp(self.rng.normal(0, EVENT_JITTER, int(mix.sum())))
        return centre

    def generate(self, n: int, copies: float = 0.02) -> tuple[np.ndarray, Structure]:
        """``n`` unit vectors in shooting order, with their structure; ``copies`` of them are
        copies of an earlier photo (half exact, half near)."""
        out = np.empty((n, self.real.embeddings.shape[1]), np.float32)
        source, event, scene, shot, copy_of = (np.full(n, -1, np.int64) for _ in range(5))
        i = ev = sc = sh = 0
        while i < n:
            src = int(self.rng.integers(len(self.real.embeddings)))
            centre = self.event(src)
            for _ in range(int(self.rng.integers(SCENES_PER_EVENT // 2, SCENES_PER_EVENT * 3 // 2 + 1))):
                scene_c = self._jitter(centre[None, :], SCENE_JITTER)[0]
                for _ in range(int(self.rng.integers(2, 7))):
                    frames = min(MAX_FRAMES, int(self.rng.geometric(1 / FRAMES_MEAN)), n - i)
                    if frames <= 0:
                        break
                    sigma = FRAME_JITTER * float(np.exp(self.rng.normal(0, FRAME_SPREAD)))
                    out[i:i + frames] = self._jitter(np.repeat(scene_c[None, :], frames, 0), sigma)
                    source[i:i + frames], event[i:i + frames] = src, ev
                    scene[i:i + frames], shot[i:i + frames] = sc, sh
                    i, sh = i + frames, sh + 1
                sc += 1
            ev += 1
        _unit(out)
        picked = self.rng.choice(np.arange(1, n), size=int(n * copies), replace=False) if n > 1 else []
        for j in np.sort(picked):            # in order: a copy of a copy copies its final vector
            k = int(self.rng.integers(j))
            copy_of[j] = k
            out[j] = out[k] if j % 2 else _unit(self._jitter(out[k][None, :], COPY_JITTER))[0]
            source[j], event[j], scene[j], shot[j] = source[k], event[k], scene[k], -1 - j
        return out, Structure(source, event, scene, shot, copy_of)

    def queries(self, vectors: np.ndarray, structure: Structure, n: int) -> np.ndarray:
        """Photos like those a user searches with: 80 % another frame of a shot in the library
        (the same scene, not in the index), 20 % (every fifth, from the first) a photo of a new
        event."""
        q = np.empty((n, vectors.shape[1]), np.float32)
        for j in range(n):
            if j % 5:
                k = int(self.rng.integers(len(vectors)))
                q[j] = self._jitter(vectors[k][None, :], FRAME_JITTER)[0]
            else:
                centre = self.event(int(self.rng.integers(len(self.real.embeddings))))
                q[j] = self._jitter(centre[None, :], SCENE_JITTER)[0]
        return _unit(q)


def _pct(x) -> list[float]:
    return [round(float(v), 3) for v in np.percentile(x, [5, 50, 95])]


def similarity_profile(vectors: np.ndarray, groups: list[list[int]], rng, pairs: int = 20_000) -> dict:
    """Percentiles (5/50/95) of the cosine similarity of random pairs, of frames of one burst
    (``groups``), and of each photo's nearest neighbour among a same-size random subset."""
    n = len(vectors)
    a, b = rng.integers(n, size=pairs), rng.integers(n, size=pairs)
    keep = a != b
    random_sims = np.einsum("ij,ij->i", vectors[a[keep]], vectors[b[keep]])
    within = []
    for g in groups:
        if len(g) > 1:
            s = vectors[g] @ vectors[g].T
            within += list(s[np.triu_indices(len(g), 1)])
    return {"random_pairs": _pct(random_sims), "burst_frames": _pct(within) if within else None}


def nearest_profile(vectors: np.ndarray, sample: int, rng) -> list[float]:
    """Percentiles of each photo's nearest-neighbour similarity within a random subset of
    ``sample`` photos (compare at the same ``sample`` as the real set: density matters)."""
    idx = rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)
    s = vectors[idx] @ vectors[idx].T
    np.fill_diagonal(s, -1)
    return _pct(s.max(1))


def profiles(real: RealSample, vectors: np.ndarray, structure: Structure, seed: int = 0) -> dict:
    """The generator's similarities next to the real photos' (``real``/``generated``)."""
    rng = np.random.default_rng(seed)
    shots: dict[int, list[int]] = {}
    for i, s in enumerate(structure.shot.tolist()):
        if s >= 0:
            shots.setdefault(s, []).append(i)
    multi = [g for g in shots.values() if len(g) > 1]
    multi = [multi[i] for i in rng.choice(len(multi), size=min(200, len(multi)), replace=False)]
    # a library of the real sample's size cut from the generated one: whole events, in order
    events = np.flatnonzero(np.diff(structure.event, prepend=-1))
    end = events[np.searchsorted(events, len(real.paths))] if len(events) and len(real.paths) < events[-1] else len(vectors)
    real_rng = np.random.default_rng(seed)
    return {
        "real": {**similarity_profile(real.embeddings, real.bursts, real_rng),
                 "nearest_neighbour": nearest_profile(real.embeddings, len(real.paths), real_rng)},
        "generated": {**similarity_profile(vectors, multi, rng),
                      "nearest_neighbour": nearest_profile(vectors[:end], len(real.paths), rng)},
    }
