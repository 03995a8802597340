"""Search by example among near-identical frames: does an edited copy of one frame find that
frame first, ahead of its neighbours in the same burst? Two-stage search (embedding candidates,
re-ranked on local evidence) next to the embedding-only search, in the same run.

    python -m benchmarks.search_quality [--keep DIR] [--cli-queries N]

Library: the duplicates benchmark's library built from tests/data (about 1,000 photos:
distinct photos, tiles, edited copies, and every public burst: frames a fraction of a second
apart). Queries (outside the library): each burst frame edited five ways, as the issue's test
did: a 70 % crop, +30 % brightness, grayscale, 1/3 size, mirror. Reports recall@1 and @5 by
edit kind for both searches, the first stage's recall@k (is the source among the candidates
at all?), and the median wall time of the `phototriage search` command."""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from PIL import Image, ImageEnhance, ImageOps

from benchmarks.duplicates_speed import TESTDATA, build_library

EDITS = ["crop70", "brighter30", "grayscale", "third", "mirror"]
REPO = Path(__file__).resolve().parents[1]


def edit(im: Image.Image, kind: str, i: int) -> Image.Image:
    w, h = im.size
    if kind == "crop70":
        cw, ch = int(w * 0.7), int(h * 0.7)
        x, y = [(0, 0), (w - cw, 0), (0, h - ch), (w - cw, h - ch), ((w - cw) // 2, (h - ch) // 2)][i % 5]
        return im.crop((x, y, x + cw, y + ch))
    if kind == "brighter30":
        return ImageEnhance.Brightness(im).enhance(1.3)
    if kind == "grayscale":
        return ImageOps.grayscale(im).convert("RGB")
    if kind == "third":
        return im.resize((max(32, w // 3), max(32, h // 3)), Image.Resampling.LANCZOS)
    return ImageOps.mirror(im)


def make_queries(root: Path, library: Path) -> list[tuple[Path, Path, str]]:
    """(query, its source in the library, edit kind)."""
    out = []
    frames = sorted((library / "bursts").rglob("*.jpg"))
    root.mkdir(parents=True, exist_ok=True)
    for i, src in enumerate(frames):
        im = Image.open(src).convert("RGB")
        for kind in EDITS:
            q = root / f"{src.parent.name}-{src.stem}-{kind}.jpg"
            edit(im, kind, i).save(q, "JPEG", quality=90)
            out.append((q, src, kind))
    return out


def evaluate(db: Path, queries, stage1_ks=(10, 20, 40, 60)) -> dict:
    from app.core.catalog import Catalog
    from app.core.search import search_by_example

    hits = {mode: defaultdict(lambda: [0, 0, 0]) for mode in ("two_stage", "embedding_only")}
    stage1 = {k: 0 for k in stage1_ks}
    verified_source = 0
    with Catalog(db) as cat:
        for q, src, kind in queries:
            wide = [r.path for r in search_by_example(cat, str(q), k=max(stage1_ks), rerank=False)]
            for k in stage1_ks:
                stage1[k] += str(src) in wide[:k]
            for mode, results in (("embedding_only", wide[:5]),
                                  ("two_stage", [r for r in search_by_example(cat, str(q), k=5)])):
                paths = [r if isinstance(r, str) else r.path for r in results]
                h = hits[mode][kind]
                h[0] += paths[:1] == [str(src)]
                h[1] += str(src) in paths[:5]
                h[2] += 1
                if mode == "two_stage" and paths[:1] == [str(src)] and results[0].verified:
                    verified_source += 1
    n = len(queries)

    def table(mode):
        per = {kind: {"recall@1": round(v[0] / v[2], 3), "recall@5": round(v[1] / v[2], 3), "queries": v[2]}
               for kind, v in hits[mode].items()}
        total = [sum(v[i] for v in hits[mode].values()) for i in range(3)]
        return {"recall@1": round(total[0] / total[2], 3), "recall@5": round(total[1] / total[2], 3), "by_edit": per}

    return {"queries": n, "two_stage": table("two_stage"), "embedding_only": table("embedding_only"),
            "stage1_recall_at_k": {str(k): round(v / n, 3) for k, v in stage1.items()},
            "source_first_and_verified": round(verified_source / n, 3)}


def cli_latency(db: Path, queries, n: int) -> dict:
    """Wall time of the command as a user runs it: Python's own bytecode cache on (some
    environments turn it off with PYTHONDONTWRITEBYTECODE), one warm-up run not counted."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    picked = queries[:: max(1, len(queries) // n)][:n]
    times = []
    for i, (q, _src, _kind) in enumerate([picked[0], *picked]):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app.cli", "search", str(q), "-k", "5", "--db", str(db), "--json"],
                       cwd=REPO, capture_output=True, check=True, env=env)
        if i:
            times.append(time.perf_counter() - t)
    return {"cli_median_s": round(statistics.median(times), 3), "cli_max_s": round(max(times), 3), "runs": len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the library here and keep it (reused when present)")
    parser.add_argument("--cli-queries", type=int, default=15)
    args = parser.parse_args()
    from app.core.catalog import Catalog
    from app.core.indexer import index_library
    from app.core.jobs import drive
    from app.core.library_models import feature_pipeline

    base = args.keep or Path(tempfile.mkdtemp(prefix="pt-searchq-"))
    library, db = base / "library", base / "catalog.db"
    if not library.exists():
        build_library(library)
    with Catalog(db) as cat:
        t = time.perf_counter()
        drive(index_library(cat, str(library), features=feature_pipeline(cat)))
        index_s = time.perf_counter() - t
    queries = make_queries(base / "queries", library)
    report = {"photos": sum(1 for _ in library.rglob("*.jpg")), "index_s": round(index_s, 1)}
    t = time.perf_counter()
    report.update(evaluate(db, queries))
    report["evaluate_s"] = round(time.perf_counter() - t, 1)
    report.update(cli_latency(db, queries, args.cli_queries))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
