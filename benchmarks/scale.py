"""A library of 100,000 photos on one machine, as a user feels it (issue 17):

    python -m benchmarks.scale [--sizes 10000 100000] [--keep DIR]

For each size a catalog is generated (benchmarks/synthetic_catalog.py: real feature
distributions drawn around the public test photos, bursts, planted exact and near copies,
thumbnails, a fifth of the photos decided) and then used as the product uses it:

- ``disk_mb``: the catalog, its vector indexes and the thumbnails, after every command ran;
- ``open``: the window opening the library until the grid's first paint (benchmarks/grid_10k.py
  on this catalog), with page-scroll frames and the window's peak memory;
- ``bursts``, ``duplicates`` (first run, then the re-run), ``search`` (the command, three
  queries): wall time and peak memory of each command as a process, as a user runs it;
- ``search_in_process``: the same search by example inside one process with the models loaded
  and the index open (what the window's search does after its first query), and the index
  query alone;
- duplicates found against the planted copies (recall; precision against what was planted).

Peak memory target: 1.5 GB for every process. Between the smallest and the largest size each
figure's growth exponent is reported: t ~ n^e (1 linear, 0 constant)."""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RSS_TARGET_MB = 1536


# A child's ru_maxrss counts the memory of the process it was forked from (Linux keeps the
# high-water mark across exec), and this process holds a generated library: each command is
# started from a small launcher, whose children's peak is their own.
LAUNCHER = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)")


def run(args: list[str], env: dict) -> tuple[float, float, str]:
    """(wall seconds, peak resident MB, stdout) of one process."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", LAUNCHER, *args], cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise RuntimeError(f"{' '.join(args[1:4])} failed with exit code {proc.returncode}: {proc.stderr[-500:]}")
    return wall, int(proc.stderr.strip().splitlines()[-1]) / 1024, proc.stdout


def cli(env: dict, db: Path, *args: str) -> tuple[float, float, object]:
    wall, rss, out = run([sys.executable, "-m", "app.cli", *args, "--db", str(db), "--json"], env)
    return wall, rss, json.loads(out)


def disk_mb(*paths: Path) -> float:
    total = 0
    for p in paths:
        if p.is_file():
            total += p.stat().st_size
        elif p.is_dir():
            total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    return round(total / 2**20, 1)


def duplicate_scores(groups: list[dict], truth: list[tuple[str, str]]) -> dict:
    """Recall of the planted copy pairs; precision of the reported pairs against the planted
    groups (a copy of a copy belongs with the original too)."""
    from app.core.union_find import UnionFind

    together = set()
    for g in groups:
        paths = sorted(g["photos"])
        together |= {(a, b) for i, a in enumerate(paths) for b in paths[i + 1:]}
    planted = {tuple(sorted(p)) for p in truth}
    family = UnionFind()
    for a, b in planted:
        family.union(a, b)
    found = sum(p in together for p in planted)
    right = sum(family.find(a) == family.find(b) for a, b in together)
    return {"planted_pairs": len(planted), "recall": round(found / max(1, len(planted)), 3),
            "reported_pairs": len(together), "precision": round(right / max(1, len(together)), 3)}


def search_probe(db: str, queries: int = 20) -> dict:
    """In one process: open the index, then time searches by example (model loaded) and bare
    index queries."""
    import numpy as np

    from app.core.catalog import Catalog
    from app.core.library_models import embedding_model
    from app.core.search import search_by_example, search_vectors
    from app.core.thumbnails import thumb_path
    from app.core.vector_index import open_index

    with Catalog(db) as cat:
        t = time.perf_counter()
        index = open_index(cat, "photos", embedding_model(cat))
        open_s = time.perf_counter() - t
        hashes = [h for h in cat.photos.content_hashes().values() if h]
        rng = np.random.default_rng(0)
        files = [thumb_path(cat.thumbs_dir, hashes[i]) for i in rng.choice(len(hashes), queries + 1, replace=False)]
        search_by_example(cat, str(files[-1]), k=10)            # warm: model, index, statements
        example = []
        for f in files[:queries]:
            t = time.perf_counter()
            search_by_example(cat, str(f), k=10)
            example.append((time.perf_counter() - t) * 1000)
        sample = np.abs(rng.normal(size=(200, index.dim))).astype(np.float32)
        bare = []
        for v in sample:
            t = time.perf_counter()
            search_vectors(cat, v[None, :], 10)
            bare.append((time.perf_counter() - t) * 1000)
    return {"index_open_s": round(open_s, 2), "index_kind": index.kind, "index_recall@10": index.recall,
            "by_example_ms": round(statistics.median(example), 1), "vector_query_ms": round(statistics.median(bare), 2)}


def measure(n: int, work: Path, real) -> dict:
    from benchmarks.synthetic_catalog import build_catalog

    root = work / f"lib-{n}"
    root.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    db, truth = build_catalog(root, n, real)
    out: dict = {"photos": n, "generated_s": round(time.perf_counter() - t, 1)}
    home = root / "home"
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_CACHE_HOME": str(home / "cache"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # what the index process does last (the catalog here is generated, not indexed): the NumPy
    # twin of the ranker, so the window ranks without PyTorch
    run([sys.executable, "-c", "import sys; from app.core.catalog import Catalog; "
         "from app.core.learning import prepare_ranker; sys.exit(not prepare_ranker(Catalog(sys.argv[1])))",
         str(db)], env)
    wall, rss, grid = run([sys.executable, "-m", "benchmarks.grid_10k", "--db", str(db)], env)
    grid = json.loads(grid)
    out["open"] = {"first_paint_s": grid["open_s"], "scroll_frame_ms": grid["scroll_frame_ms"],
                   "peak_rss_mb": round(rss)}
    wall, rss, bursts = cli(env, db, "bursts")
    out["bursts"] = {"s": round(wall, 2), "peak_rss_mb": round(rss), "bursts": len(bursts)}
    wall, rss, groups = cli(env, db, "duplicates")
    wall2, rss2, _ = cli(env, db, "duplicates")
    out["duplicates"] = {"first_s": round(wall, 2), "rerun_s": round(wall2, 2), "peak_rss_mb": round(max(rss, rss2)),
                         "groups": len(groups), **duplicate_scores(groups, truth)}
    from app.core.catalog import Catalog
    from app.core.thumbnails import thumb_path

    with Catalog(db, readonly=True) as cat:
        hashes = [h for h in list(cat.photos.content_hashes().values())[:: max(1, n // 3)] if h][:3]
        queries = [str(thumb_path(cat.thumbs_dir, h)) for h in hashes]
    times, peak = [], 0.0
    for q in queries:
        wall, rss, _ = cli(env, db, "search", q, "-k", "10")
        times.append(wall)
        peak = max(peak, rss)
    out["search"] = {"s": round(statistics.median(times), 2), "peak_rss_mb": round(peak)}
    wall, rss, probe = run([sys.executable, "-m", "benchmarks.scale", "--probe-search", str(db)], env)
    out["search_in_process"] = {**json.loads(probe), "peak_rss_mb": round(rss)}
    out["disk_mb"] = {"catalog": disk_mb(db, db.with_name(db.name + "-wal")),
                      "vector_indexes": disk_mb(root / "catalog.vectors"), "thumbnails": disk_mb(root / "thumbs")}
    out["peak_rss_mb"] = max(v["peak_rss_mb"] for v in out.values() if isinstance(v, dict) and "peak_rss_mb" in v)
    out["rss_within_target"] = out["peak_rss_mb"] <= RSS_TARGET_MB
    return out


GROWTH = {"open first paint": ("open", "first_paint_s"), "bursts": ("bursts", "s"),
          "duplicates first run": ("duplicates", "first_s"), "duplicates re-run": ("duplicates", "rerun_s"),
          "search command": ("search", "s"), "search in process": ("search_in_process", "by_example_ms"),
          "vector query": ("search_in_process", "vector_query_ms"), "catalog size": ("disk_mb", "catalog"),
          "peak memory": (None, "peak_rss_mb")}


def growth(small: dict, large: dict) -> dict:
    span = math.log(large["photos"] / small["photos"])
    out = {}
    for name, (section, key) in GROWTH.items():
        a = small[section][key] if section else small[key]
        b = large[section][key] if section else large[key]
        out[name] = round(math.log(max(b, 1e-9) / max(a, 1e-9)) / span, 2)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--keep", type=Path, help="work here and keep the catalogs (the real sample is reused)")
    ap.add_argument("--probe-search", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.probe_search:
        print(json.dumps(search_probe(args.probe_search)))
        return 0
    from benchmarks.synthetic_library import real_sample

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        real = real_sample(work)
        results = []
        for n in args.sizes:
            print(f"{n} photos ...", file=sys.stderr, flush=True)
            results.append(measure(n, work, real))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    report = {"sizes": results}
    if len(results) > 1:
        report["growth_exponent"] = growth(results[0], results[-1])
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
