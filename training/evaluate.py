"""Evaluate a checkpoint on its config's held-out split.

    python -m training.evaluate --checkpoint runs/frozen_ranker.pt [--split test]

Rankers (frozen and end-to-end) report pairwise accuracy (the frozen one also per
degradation and for the sharpness-only rule); face models report verification accuracy and
ROC AUC; retrieval models report recall@1 of edited queries. The data split is rebuilt from
the config stored inside the checkpoint, so it is the one the model never trained on."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from models.checkpoints import load_checkpoint

from .cli_common import to_json


def evaluate_frozen(state: dict, meta: dict, split: str) -> dict[str, Any]:
    from models.rankers import MultiFeaturePairwiseRanker

    from .ranker_data import RankerData
    from .train_frozen import default_cache_dir, evaluate_ranker, make_extractor

    cfg = meta["config"]
    model = MultiFeaturePairwiseRanker.from_metadata(meta["architecture"])
    model.load_state_dict(state)
    data = RankerData(cfg["data"], make_extractor(cfg["features"]), cfg["output"].get("cache") or default_cache_dir(),
                      seed=cfg["train"]["seed"])
    return evaluate_ranker(model, data.tensors(split), data.blocks, data.block_dims)


def evaluate_e2e(state: dict, meta: dict, split: str) -> dict[str, Any]:
    from .train_siamese_e2e import accuracy, build

    model, data = build(meta["config"], pretrained=False)
    model.load_state_dict(state)
    model.eval()
    return {"pairs": len(data[split]), "accuracy": accuracy(model, data[split])}


def evaluate_face(state: dict, meta: dict, split: str) -> dict[str, Any]:
    from .train_face_verification import EMBEDDING_MODELS, build_model, evaluate, prepare

    cfg = meta["config"]
    mcfg = {**cfg["model"], "backbone": meta.get("backbone") or cfg["model"].get("backbone")}
    model = build_model(mcfg, pretrained=False)
    model.load_state_dict(state)
    train_set, val_set, test_set = prepare(cfg)
    return evaluate(model, train_set, {"val": val_set, "test": test_set}[split], mcfg["type"] in EMBEDDING_MODELS)


EVALUATORS = {"frozen": evaluate_frozen, "siamese_e2e": evaluate_e2e, "face_verification": evaluate_face}


def evaluate_checkpoint(path: str, split: str = "test") -> dict[str, Any]:
    ckpt = load_checkpoint(path)
    meta = ckpt["metadata"]
    pipeline = meta.get("pipeline")
    if pipeline not in EVALUATORS:
        raise SystemExit(f"no evaluator for pipeline {pipeline!r} (checkpoint {path})")
    return {"checkpoint": path, "pipeline": pipeline, "split": split,
            **EVALUATORS[pipeline](ckpt["model_state_dict"], meta, split)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--split", default="test", choices=["val", "test"])
    args = p.parse_args(argv)
    real, sys.stdout = sys.stdout, sys.stderr
    try:
        report = evaluate_checkpoint(args.checkpoint, args.split)
    finally:
        sys.stdout = real
    print(to_json(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
