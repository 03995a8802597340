"""Burst grouping F1 and best-shot top-1 on a generated library (see triage_library.py),
with the sharpness-only rule (highest Laplacian variance) measured in the same run.

    python -m benchmarks.triage_quality [--seed 0]

The shipped ranker was trained on degraded copies of ../shared/testdata/photos and faces;
the bursts here come from ../shared/testdata/bursts, which it never saw."""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from app.core.bursts import find_bursts
from app.core.catalog import Catalog
from app.core.features.compute import FeaturePipeline
from app.core.indexer import index_library
from app.core.jobs import drive
from app.core.ranking import BurstRanker
from benchmarks.triage_library import build, pairwise_f1
from training.config import testdata_root


def run(seed: int = 0, checkpoint: str | None = None, severity: float = 1.0) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "library"
        truth = build(root, testdata_root(), seed, severity)
        with Catalog(Path(tmp) / "catalog.db") as cat:
            drive(index_library(cat, str(root), features=FeaturePipeline(), workers=2))
            bursts = find_bursts(cat)
            grouping = pairwise_f1([b.paths for b in bursts], truth.group)
            ranker = BurstRanker(checkpoint)
            hits = base_hits = 0
            misses = []
            for burst_id, best in truth.best.items():
                members = [p for p, g in truth.group.items() if g == burst_id]
                ids = [cat.photos.id_for_path(p) for p in members]
                ranked = ranker.rank(cat, ids)
                chosen = members[ids.index(ranked.best)]
                hits += chosen == best
                if chosen != best:
                    misses.append({"burst": burst_id, "chose": Path(chosen).name,
                                   "degradation": truth.degraded.get(chosen)})
                q = cat.features.quality(ids)
                sharpest = members[ids.index(max(ids, key=lambda i: q[i]["sharpness_fine"]))]
                base_hits += sharpest == best
            n = len(truth.best)
            return {"severity": severity, "photos": len(truth.group), "bursts_true": n, "bursts_found": len(bursts),
                    "grouping": {k: round(v, 4) for k, v in grouping.items()},
                    "best_shot_top1": round(hits / n, 4), "sharpness_rule_top1": round(base_hits / n, 4),
                    "ranker_misses": misses}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--checkpoint", default=None, help="ranker checkpoint (default: the shipped one)")
    ap.add_argument("--severity", type=float, nargs="*", default=[1.0, 0.5],
                    help="degradation strength of the non-best frames (1 = the training strength)")
    args = ap.parse_args(argv)
    real_stdout, sys.stdout = sys.stdout, sys.stderr      # library chatter must not break the JSON
    try:
        results = [run(args.seed, args.checkpoint, s) for s in args.severity]
    finally:
        sys.stdout = real_stdout
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
