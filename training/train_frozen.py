"""Frozen-feature pipeline (seeds 001/002): MultiFeaturePairwiseRanker over cached photo
embedding + quality + face features, margin ranking loss, early stopping.

    python -m training.train_frozen --config training/configs/default_ranker.yaml [--quick 0.3]
"""
from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import torch

from models.rankers import MultiFeatureConfig, MultiFeaturePairwiseRanker

from .cli_common import finish, print_progress, run_main
from .losses import MarginRankingLoss
from .ranker_data import PairTensors, RankerData, feature_index, pairwise_accuracy, per_kind_accuracy
from .trainer import Trainer

DEFAULTS: dict[str, Any] = {
    "features": {"backbone": None, "faces": True},
    "data": {"root": "${TESTDATA}", "folders": ["photos"], "variants": 1,
             "blocks": ["quality", "face"], "splits": {"train": 0.7, "val": 0.15, "test": 0.15}},
    "model": {"hidden_dims": [512, 256], "dropout": 0.3, "activation": "relu", "use_layernorm": True},
    "train": {"epochs": 40, "batch_size": 64, "lr": 1e-3, "weight_decay": 1e-3, "margin": 1.0,
              "patience": 6, "seed": 0},
    "output": {"checkpoint": "runs/frozen_ranker.pt", "cache": None, "replay_pairs": 2000},
}


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("phototriage")) / "training-features"


def make_extractor(features_cfg: dict):
    """The app's feature extractor; with ``backbone`` also the photo embedding (only needed
    when a config lists the ``embedding`` block)."""
    from models.face.detection import FaceAnalyzer
    from models.features.photo_features import PhotoFeatureExtractor

    embedder = None
    if features_cfg.get("backbone"):
        from models.features.embedding import PhotoEmbedder

        embedder = PhotoEmbedder(features_cfg["backbone"])
    return PhotoFeatureExtractor(embedder, FaceAnalyzer(eyes=False) if features_cfg.get("faces", True) else None)


# Defects, not tastes: exposure, tone and framing may be what a user's picks teach ("darker",
# "tighter"), so only these kinds are rehearsed when the ranker is fine-tuned on picks.
REPLAY_KINDS = ("defocus", "partial_defocus", "motion_blur", "noise", "compression", "closed_eyes")


def replay_pairs(train: PairTensors, count: int, seed: int = 0) -> dict | None:
    """A sample of the training pairs of :data:`REPLAY_KINDS`, better photo first, stored with
    the ranker: fine-tuning on a user's picks rehearses them (models/rankers/finetune.py)."""
    pool = [i for i, k in enumerate(train.kinds) if k in REPLAY_KINDS]
    if count <= 0 or not pool:
        return None
    idx = sorted(random.Random(seed).sample(pool, min(count, len(pool))))
    first_better = train.target[idx] > 0
    better = torch.where(first_better[:, None], train.a[idx], train.b[idx])
    worse = torch.where(first_better[:, None], train.b[idx], train.a[idx])
    return {"replay": {"better": better.contiguous(), "worse": worse.contiguous()}}


def build_ranker(cfg: dict, block_dims: dict[str, int]) -> MultiFeaturePairwiseRanker:
    dims = {"embedding": "embedding_dim", "cnn": "cnn_dim", "quality": "quality_dim", "face": "face_dim"}
    return MultiFeaturePairwiseRanker(MultiFeatureConfig(**{dims[b]: d for b, d in block_dims.items()},
                                                         **cfg["model"]))


def fit_ranker(model: MultiFeaturePairwiseRanker, train: PairTensors, val: PairTensors, train_cfg: dict,
               *, hooks=(), cancel=None, checkpoint: str | None = None, metadata: dict | None = None,
               standardize: bool = True, sample_weight: torch.Tensor | None = None, extra=None):
    """Train a ranker on feature pairs; a generator of TrainEvents returning the TrainResult."""
    torch.manual_seed(train_cfg.get("seed", 0))
    if standardize:
        model.set_standardization(torch.cat([train.a, train.b]))
    loss_fn = MarginRankingLoss(margin=train_cfg.get("margin", 1.0))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=train_cfg["lr"], weight_decay=train_cfg["weight_decay"])
    bs = int(train_cfg["batch_size"])
    weights = sample_weight if sample_weight is not None else torch.ones(len(train))

    def batches(epoch: int):
        order = list(range(len(train)))
        random.Random(train_cfg.get("seed", 0) * 1000 + epoch).shuffle(order)
        return [order[i:i + bs] for i in range(0, len(order), bs)]

    def step(idx):
        return loss_fn(model(train.a[idx]), model(train.b[idx]), train.target[idx], weights[idx])

    def evaluate():
        sa, sb = model(val.a), model(val.b)
        return {"val_loss": float(loss_fn(sa, sb, val.target)), "val_accuracy": pairwise_accuracy(sa, sb, val.target)}

    return Trainer(model, opt, step, batches, evaluate, epochs=int(train_cfg["epochs"]), monitor="val_loss",
                   patience=int(train_cfg["patience"]), hooks=hooks, cancel=cancel, checkpoint=checkpoint,
                   metadata=metadata, extra=extra).run()


def evaluate_ranker(model: MultiFeaturePairwiseRanker, data: PairTensors, blocks: list[str],
                    block_dims: dict[str, int]) -> dict[str, Any]:
    model.eval()
    with torch.no_grad():
        sa, sb = model(data.a), model(data.b)
    col = feature_index(blocks, block_dims, "sharpness_fine") if "quality" in blocks else None
    out = {"pairs": len(data), "accuracy": pairwise_accuracy(sa, sb, data.target),
           "per_kind": per_kind_accuracy(sa, sb, data)}
    if col is not None:
        ba, bb = data.a[:, col], data.b[:, col]
        out["sharpness_rule_accuracy"] = pairwise_accuracy(ba, bb, data.target)
        out["sharpness_rule_per_kind"] = per_kind_accuracy(ba, bb, data)
    return out


def run(cfg: dict, args=None, hooks=(), cancel=None) -> dict[str, Any]:
    torch.manual_seed(cfg["train"]["seed"])
    extractor = make_extractor(cfg["features"])
    cache = cfg["output"].get("cache") or default_cache_dir()
    data = RankerData(cfg["data"], extractor, cache, seed=cfg["train"]["seed"])
    train, val, test = (data.tensors(s) for s in ("train", "val", "test"))
    model = build_ranker(cfg, data.block_dims)
    meta = {"pipeline": "frozen", "architecture": model.get_architecture_metadata(), "blocks": data.blocks,
            "embedding_model": cfg["features"].get("backbone"), "block_dims": data.block_dims,
            "feature_extractor": extractor.id, "heldout_sources": [Path(s).name for s in data.heldout_sources],
            "config": cfg}
    extra = lambda: replay_pairs(train, int(cfg["output"].get("replay_pairs", 2000)), cfg["train"]["seed"])  # noqa: E731
    result = finish(fit_ranker(model, train, val, cfg["train"], hooks=[print_progress, *hooks], cancel=cancel,
                               checkpoint=str(cfg["output"]["checkpoint"]), metadata=meta, extra=extra))
    return {"pipeline": "frozen", "checkpoint": result.checkpoint, "epochs": len(result.history),
            "train_pairs": len(train), "val_pairs": len(val), "seconds": round(result.seconds, 1),
            "val": evaluate_ranker(model, val, data.blocks, data.block_dims),
            "test": evaluate_ranker(model, test, data.blocks, data.block_dims),
            "command": f"python -m training.train_frozen --config {cfg['config_path']}"}


def main(argv: list[str] | None = None) -> int:
    return run_main(lambda cfg, args: run(cfg, args), __doc__.splitlines()[0], DEFAULTS, argv)


if __name__ == "__main__":
    sys.exit(main())
