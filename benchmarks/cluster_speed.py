"""When does indexing on Ray pay off? Index throughput (photos/s, with features) on this machine:
the local thread pool, and a local Ray cluster with 1 and 2 workers, on the same files; plus
the single writer's own rate (what bounds any number of machines).

    python -m benchmarks.cluster_speed [--photos N]

The library: copies of the public test photos (tests/data), each file distinct."""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from PIL import Image

from training.config import testdata_root

TESTDATA = testdata_root()     # tests/data, or the library PHOTOTRIAGE_TESTDATA names


def build(root: Path, n: int) -> None:
    sources = sorted((TESTDATA / "photos").glob("*.jpg"))
    root.mkdir(parents=True)
    for i in range(n):
        src = sources[i % len(sources)]
        im = Image.open(src).convert("RGB")
        if i >= len(sources):                     # a distinct file: a slightly different crop
            im = im.crop((i % 7, i % 5, im.width - (i % 3), im.height))
        im.save(root / f"p{i:04d}.jpg", quality=90)


def run(root: Path, db: Path, **kw) -> tuple[float, float]:
    """(wall seconds, seconds the single writer spent committing)."""
    from app.core import indexer
    from app.core.catalog import Catalog
    from app.core.jobs import drive
    from app.core.library_models import feature_pipeline

    spent = [0.0]
    commit = indexer._commit

    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return commit(*a, **k)
        finally:
            spent[0] += time.perf_counter() - t0

    indexer._commit = timed
    try:
        with Catalog(db) as cat:
            t = time.perf_counter()
            s = drive(indexer.index_library(cat, str(root), features=feature_pipeline(cat), **kw))
            seconds = time.perf_counter() - t
    finally:
        indexer._commit = commit
    assert s.indexed + len(s.skipped) == sum(1 for _ in root.iterdir()), s.to_json()
    return seconds, spent[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=120)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="pt-cluster-"))
    root = base / "lib"
    build(root, args.photos)
    out = {"photos": args.photos}
    for name, kw in (("local_threads_2", {"workers": 2}), ("ray_local_1", {"ray": "local", "workers": 1}),
                     ("ray_local_2", {"ray": "local", "workers": 2})):
        seconds, writing = run(root, base / f"{name}.db", **kw)
        out[name] = {"seconds": round(seconds, 1), "photos_per_s": round(args.photos / seconds, 2),
                     "writer_busy_share": round(writing / seconds, 3)}
    # the single writer bounds what any number of machines can feed it
    busy = out["ray_local_2"]["writer_busy_share"]
    out["writer_limit_photos_per_s"] = round(out["ray_local_2"]["photos_per_s"] / max(busy, 1e-6))
    print(json.dumps(out, indent=2))
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
