"""Features and indexes, measured in one run:

    python -m benchmarks.features_speed [--photos N] [--vectors 10000,1000000] [--data random,clustered]
                                        [--no-pipeline] [--grain mono,camera] [--trees DIR,DIR] [--repeat N]

``--trees`` times the pipeline of other source trees (say, ``git archive main`` unpacked) on
the same files in the same run, interleaved with this tree's and with the plain decode, each
in its own process: before/after ratios that one machine's load cannot skew apart.

1. The full index pipeline (decode, thumbnail, quality at native resolution, faces, embedding;
   both cores) on 2 MP and on 12 MP camera-sized JPEGs against a plain single-threaded Pillow
   full decode of the same files (ratio; targets: <= 4 at 2 MP, <= 1.0 at 12 MP). The 12 MP
   libraries come with gray noise ("mono") and with camera grain ("camera": grain over about
   a pixel plus blotchy chroma noise), whose entropy decoding costs what real files' does.
2. In-process search latency with the automatic index (exact below the threshold, calibrated
   IVF above) on random and on clustered unit vectors, with top-10 recall vs exact search.
3. End-to-end `phototriage search` CLI latency on a warm cache (second run).
4. Peak RSS of a `phototriage index` process on the same library.
5. The burst-relative pass (``app/core/burst_detail.py``: the leading frames of a burst
   compared at native pixels when the burst is first ranked, then kept): a 12 MP burst of
   6 frames of one scene, against a plain full decode of the same files.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.index_speed import TESTDATA, full_decode_seconds, make_camera_jpegs


def pipeline_seconds(folder: Path, db: Path, workers: int) -> tuple[float, dict]:
    from app.core.catalog import Catalog
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library
    from app.core.jobs import drive

    pipeline = FeaturePipeline()
    pipeline.prepare()                      # models load before the clock starts, as before they loaded lazily
    with Catalog(db) as cat:
        t = time.perf_counter()
        summary = drive(index_library(cat, str(folder), workers=workers, features=pipeline))
        return time.perf_counter() - t, summary.to_json()


_TIMED = """
import json, sys, time
from app.core.catalog import Catalog
from app.core.features.compute import FeaturePipeline
from app.core.indexer import index_library
from app.core.jobs import drive
pipeline = FeaturePipeline()
pipeline.prepare()
with Catalog(sys.argv[2]) as cat:
    t, cpu = time.perf_counter(), time.process_time()
    summary = drive(index_library(cat, sys.argv[1], workers=int(sys.argv[3]), features=pipeline))
    print(json.dumps({"seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - cpu,
                      "featured": summary.to_json()["featured"]}))
"""


def tree_pipeline_seconds(tree: Path, folder: Path, db: Path, workers: int) -> tuple[float, float]:
    """The same timing as :func:`pipeline_seconds`, of the code in ``tree``, in a child process:
    (wall seconds, CPU seconds of all its threads)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "XDG_DATA_HOME": str(db.parent / "data")}
    out = subprocess.run([sys.executable, "-c", _TIMED, str(folder), str(db), str(workers)], cwd=tree, env=env,
                         check=True, capture_output=True, text=True).stdout
    res = json.loads(out.strip().splitlines()[-1])
    return res["seconds"], res["cpu_seconds"]


def compare_trees(tmp: Path, photos: int, trees: list[Path], grain: str, repeat: int, workers: int = 2) -> dict:
    """Pipeline / plain-decode ratio of each tree on one library of 12 MP ``grain`` JPEGs,
    rounds interleaved (decode, tree 1, tree 2, ...); the best round of each is kept."""
    folder = tmp / f"cmp-{grain}"
    files = make_camera_jpegs(folder, photos, size=SIZES[12], grain=grain)
    decode, cpu_decode, runs = [], [], {str(t): [] for t in trees}

    def plain() -> None:
        cpu = time.process_time()
        decode.append(full_decode_seconds(files))
        cpu_decode.append(time.process_time() - cpu)

    for r in range(repeat):
        plain()
        for t in trees:
            runs[str(t)].append(tree_pipeline_seconds(t, folder, tmp / f"cmp-{grain}-{r}-{t.name}.db", workers))
    plain()
    d, cd = min(decode), min(cpu_decode)
    mb = sum(f.stat().st_size for f in files) / len(files) / 1e6
    return {"photos": len(files), "grain": grain, "mean_file_mb": round(mb, 2), "workers": workers,
            "full_decode_s": round(d, 2), "full_decode_rounds_s": [round(v, 2) for v in decode],
            "full_decode_cpu_s": round(cd, 2),
            "trees": {t: {"pipeline_s": round(min(w for w, _ in v), 2), "rounds_s": [round(w, 2) for w, _ in v],
                          "ratio": round(min(w for w, _ in v) / d, 2),
                          "photos_per_s": round(len(files) / min(w for w, _ in v), 1),
                          "cpu_s": round(min(c for _, c in v), 2), "cpu_ratio": round(min(c for _, c in v) / cd, 2)}
                      for t, v in runs.items()}}


def synthetic_vectors(n: int, dim: int, kind: str, rng) -> np.ndarray:
    """``random``: i.i.d. Gaussian (no neighbour structure: the worst case for any index).
    ``clustered``: groups of about 30 around random centres, within-group cosine ~0.8, like
    photo embeddings of bursts and series."""
    if kind == "random":
        return rng.standard_normal((n, dim), dtype=np.float32)
    x = rng.standard_normal((n, dim), dtype=np.float32)
    x *= 0.5 / np.sqrt(dim)
    centres = rng.standard_normal((max(1, n // 30), dim), dtype=np.float32) / np.sqrt(dim)
    for start in range(0, n, 100_000):                       # in place, in slices: no second n x dim copy
        part = slice(start, min(n, start + 100_000))
        x[part] += centres[rng.integers(0, len(centres), part.stop - part.start)]
    return x


def search_latency(n: int, dim: int, kind: str = "random", queries: int = 200) -> dict:
    import faiss

    from app.core.vector_index import VectorIndex, recall_at

    rng = np.random.default_rng(0)
    x = synthetic_vectors(n, dim, kind, rng)                       # normalised in place by the index build
    t = time.perf_counter()
    index = VectorIndex.build(np.arange(n, dtype=np.int64), x)
    build = time.perf_counter() - t
    q = x[rng.choice(n, queries, replace=False)] + np.float32(0.05 / np.sqrt(dim)) * rng.standard_normal((queries, dim), dtype=np.float32)
    faiss.normalize_L2(q)
    lat, got = [], []
    for row in q:
        t = time.perf_counter()
        hits = index.search(row, 10)[0]
        lat.append(time.perf_counter() - t)
        got.append([h.id for h in hits] + [-1] * (10 - len(hits)))
    _, truth = faiss.knn(q, x, 10, metric=faiss.METRIC_INNER_PRODUCT)
    return {"vectors": n, "dim": dim, "data": kind, "index": index.kind, "nprobe": getattr(index.index, "nprobe", None),
            "calibrated_recall_at_10": index.recall, "recall_at_10": round(recall_at(np.array(got), truth), 3),
            "top1_found": round(float(np.mean([g[0] == tr[0] for g, tr in zip(got, truth)])), 3),
            "build_s": round(build, 1), "median_ms": round(1000 * float(np.median(lat)), 2),
            "p95_ms": round(1000 * float(np.percentile(lat, 95)), 2)}


def cli_latency(db: Path, query: Path) -> float:
    cmd = [sys.executable, "-m", "app.cli", "search", str(query), "--db", str(db), "--json", "-k", "10"]
    subprocess.run(cmd, check=True, capture_output=True)          # warm the OS cache
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t


def index_peak_rss_mb(folder: Path, db: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # its own data folder: a benchmark must not become the user's "last indexed library"
    env = {**os.environ, "XDG_DATA_HOME": str(Path(db).parent / "data")}
    subprocess.run([sys.executable, "-m", "app.cli", "index", str(folder), "--db", str(db), "--json"], env=env,
                   check=True, capture_output=True)
    return max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


SIZES = {2: (1732, 1155), 12: (4000, 3000)}


def burst_pass(tmp: Path, frames: int = 6) -> dict:
    """Seconds of the first ranking's native comparison of a 12 MP burst, and of a second."""
    from PIL import Image, ImageFilter

    from app.core.burst_detail import detail_evidence
    from app.core.catalog import Catalog
    from app.core.features.compute import FeaturePipeline
    from app.core.indexer import index_library
    from app.core.jobs import drive

    folder = tmp / "burst12"
    folder.mkdir()
    # real detail at native pixels: public photos pasted at their own resolution, no resampling
    canvas = Image.new("RGB", SIZES[12])
    photos = sorted((TESTDATA / "photos").glob("*.jpg"))
    x = y = row = 0
    for p in photos:
        tile = Image.open(p).convert("RGB")
        if x + tile.width > canvas.width:
            x, y, row = 0, y + row, 0
        if y >= canvas.height:
            break
        canvas.paste(tile, (x, y))
        x, row = x + tile.width, max(row, tile.height)
    base = np.asarray(canvas, np.int16)
    rng = np.random.default_rng(1)
    files = []
    for i in range(frames):
        arr = np.clip(base + rng.normal(0, 3, base.shape[:2] + (1,)).astype(np.int16), 0, 255).astype(np.uint8)
        img = Image.fromarray(arr)
        if i == frames - 1:
            img = img.filter(ImageFilter.GaussianBlur(1.5))
        files.append(folder / f"F{i:02d}.jpg")
        img.save(files[-1], "JPEG", quality=92)
    decode = min(full_decode_seconds(files) for _ in range(2))
    with Catalog(tmp / "burst12.db") as cat:
        drive(index_library(cat, str(folder), workers=2, features=FeaturePipeline()))
        ids = [cat.photos.id_for_path(str(f)) for f in files]
        t = time.perf_counter()
        evidence = detail_evidence(cat, ids)
        first = time.perf_counter() - t
        t = time.perf_counter()
        detail_evidence(cat, ids)
        again = time.perf_counter() - t
    return {"frames": frames, "full_decode_s": round(decode, 2), "first_ranking_s": round(first, 2),
            "ratio": round(first / decode, 2), "again_s": round(again, 4),
            "blurred_frame_loses_to_all": bool(np.all(evidence[:-1, -1] > 0))}


def pipeline_ratio(tmp: Path, photos: int, megapixels: int, grain: str = "mono") -> dict:
    folder = tmp / f"lib{megapixels}{'' if grain == 'mono' else '-' + grain}"
    files = make_camera_jpegs(folder, photos, size=SIZES[megapixels], grain=grain)
    decode = min(full_decode_seconds(files) for _ in range(2))
    seconds, summary = pipeline_seconds(folder, tmp / f"p{megapixels}.db", workers=2)
    return {"photos": len(files), "full_decode_s": round(decode, 2), "pipeline_s": round(seconds, 2),
            "ratio": round(seconds / decode, 2), "photos_per_s": round(len(files) / seconds, 1),
            "full_decode_photos_per_s": round(len(files) / decode, 1), "featured": summary["featured"],
            "grain": grain, "mean_file_mb": round(sum(f.stat().st_size for f in files) / len(files) / 1e6, 2)}


def pipeline_report(photos: int, sizes: tuple[int, ...] = (2, 12), grains: tuple[str, ...] = ("mono", "camera")) -> dict:
    report: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folders = []
        for mp in sizes:
            for grain in grains if mp == 12 else ("mono",):
                key = f"pipeline_{mp}mp" + ("" if grain == "mono" else f"_{grain}")
                report[key] = pipeline_ratio(tmp, photos, mp, grain)
                folders.append((tmp / f"lib{mp}{'' if grain == 'mono' else '-' + grain}", tmp / f"p{mp}.db"))
                print(json.dumps({key: report[key]}), flush=True)
        files = sorted(folders[0][0].glob("*.jpg"))
        if 12 in sizes:
            report["burst_pass_12mp"] = burst_pass(tmp)
            print(json.dumps({"burst_pass_12mp": report["burst_pass_12mp"]}), flush=True)
        report["index_peak_rss_mb"] = round(index_peak_rss_mb(folders[-1][0], tmp / "b.db"), 0)
        print(json.dumps({"index_peak_rss_mb": report["index_peak_rss_mb"]}), flush=True)
        report["cli_search_s"] = round(cli_latency(folders[0][1], files[3]), 2)
        print(json.dumps({"cli_search_s": report["cli_search_s"]}), flush=True)
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=40)
    ap.add_argument("--vectors", default="10000,1000000")
    ap.add_argument("--dim", type=int, default=1280)
    ap.add_argument("--data", default="random,clustered", help="vector sets: random, clustered or both")
    ap.add_argument("--no-pipeline", action="store_true", help="search latency only")
    ap.add_argument("--megapixels", default="2,12", help="photo sizes for the pipeline ratio: 2, 12 or both")
    ap.add_argument("--grain", default="mono,camera", help="12 MP libraries: mono (gray noise), camera (grain)")
    ap.add_argument("--trees", help="compare the 12 MP pipeline of these source trees (comma-separated) only")
    ap.add_argument("--repeat", type=int, default=2, help="interleaved rounds for --trees")
    args = ap.parse_args(argv)
    grains = tuple(g for g in args.grain.split(",") if g)
    report: dict = {}
    if args.trees:
        trees = [Path(t).resolve() for t in args.trees.split(",") if t]
        with tempfile.TemporaryDirectory() as tmp:
            for grain in grains:
                report[f"trees_12mp_{grain}"] = compare_trees(Path(tmp), args.photos, trees, grain, args.repeat)
                print(json.dumps({f"trees_12mp_{grain}": report[f"trees_12mp_{grain}"]}), flush=True)
        return 0
    if not args.no_pipeline:
        report.update(pipeline_report(args.photos, tuple(int(v) for v in args.megapixels.split(",")), grains))
    for kind in (k for k in args.data.split(",") if k):
        for n in (int(v) for v in args.vectors.split(",") if v):
            res = search_latency(n, args.dim, kind)
            report[f"search_{kind}_{n}"] = res
            print(json.dumps({f"search_{kind}_{n}": res}), flush=True)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
