"""End-to-end pipeline (seed 002): SiameseCNNRanker (pretrained CNN shared by both photos,
feature difference -> MLP -> 2 preference logits) trained on clean-vs-degraded image pairs
with cross-entropy, differential learning rates and optionally frozen early stages.

    python -m training.train_siamese_e2e --config training/configs/siamese_e2e.yaml [--quick 0.2]
"""
from __future__ import annotations

import random
import sys
from typing import Any

import torch
import torch.nn.functional as F

from models.rankers.siamese_cnn import SiameseCNNConfig, SiameseCNNRanker

from .cli_common import run_main, train_from_config
from .config import resolve_path
from .datasets.pair_list import series_split
from .datasets.quality_pairs import PairRenderer, make_quality_pairs, source_photos
from .freezing import count_trainable, freeze_early_stages
from .image_pairs import ImagePairs
from .ranker_data import pairwise_accuracy

DEFAULTS: dict[str, Any] = {
    "model": {"backbone": "efficientnet_lite0", "hidden_dims": [128, 128], "activation": "tanh",
              "dropout": 0.0, "input_size": 160, "trainable_stages": 3},
    "data": {"root": "${TESTDATA}", "folders": ["photos"], "variants": 1,
             "kinds": ["defocus", "motion_blur", "noise", "underexpose", "overexpose", "compression", "tilt_crop"],
             "splits": {"train": 0.7, "val": 0.15, "test": 0.15}},
    "train": {"epochs": 8, "batch_size": 16, "backbone_lr": 1e-4, "head_lr": 1e-3, "weight_decay": 1e-4,
              "patience": 3, "seed": 0},
    "output": {"checkpoint": "runs/siamese_e2e.pt"},
}


def scores(model: SiameseCNNRanker, data: ImagePairs, bs: int = 32) -> torch.Tensor:
    """Logit margin 'first preferred' for every pair."""
    out = []
    with torch.no_grad():
        for i in range(0, len(data), bs):
            a, b, _ = data.batch(list(range(i, min(len(data), i + bs))))
            logits = model(a, b)
            out.append(logits[:, 0] - logits[:, 1])
    return torch.cat(out) if out else torch.zeros(0)


def accuracy(model, data: ImagePairs) -> float:
    margin = scores(model, data)
    return pairwise_accuracy(margin, torch.zeros_like(margin), 1 - 2 * data.target.float())


def build(cfg: dict, pretrained: bool) -> tuple[SiameseCNNRanker, dict[str, ImagePairs]]:
    """The model (early stages frozen) and the rendered image pairs of every split."""
    seed = cfg["train"]["seed"]
    d = cfg["data"]
    sources = [str(p) for p in source_photos(resolve_path(d["root"]), tuple(d["folders"]))]
    if d.get("fraction", 1) < 1:
        sources = sorted(random.Random(seed).sample(sources, max(4, int(len(sources) * d["fraction"]))))
    pairs = make_quality_pairs(sources, tuple(d["kinds"]), d["variants"], seed)
    splits = series_split(pairs, d["splits"], seed)
    mcfg = SiameseCNNConfig(**{k: v for k, v in cfg["model"].items() if k != "trainable_stages"},
                            pretrained=pretrained)
    model = SiameseCNNRanker(mcfg)
    freeze_early_stages(model.backbone, int(cfg["model"]["trainable_stages"]))
    renderer = PairRenderer(max_side=512)
    data = {s: ImagePairs(p, renderer, mcfg.input_size, mcfg.padding_mean_color, seed) for s, p in splits.items()}
    return model, data


def run(cfg: dict, args=None, hooks=(), cancel=None) -> dict[str, Any]:
    seed = cfg["train"]["seed"]
    torch.manual_seed(seed)
    model, data = build(cfg, pretrained=True)
    t = cfg["train"]
    groups = [{"params": [p for p in g["params"] if p.requires_grad], "lr": g["lr"]}
              for g in model.parameter_groups(t["backbone_lr"], t["head_lr"])]
    opt = torch.optim.AdamW([g for g in groups if g["params"]], weight_decay=t["weight_decay"])
    train, val = data["train"], data["val"]

    def batches(epoch):
        order = list(range(len(train)))
        random.Random(seed * 1000 + epoch).shuffle(order)
        return [order[i:i + t["batch_size"]] for i in range(0, len(order), t["batch_size"])]

    def step(idx):
        a, b, y = train.batch(idx)
        return F.cross_entropy(model(a, b), y)

    def evaluate():
        losses = []
        for i in range(0, len(val), 32):
            a, b, y = val.batch(list(range(i, min(len(val), i + 32))))
            losses.append(float(F.cross_entropy(model(a, b), y, reduction="sum")))
        return {"val_loss": sum(losses) / max(1, len(val)), "val_accuracy": accuracy(model, val)}

    trainable, total = count_trainable(model)
    meta = {"pipeline": "siamese_e2e", "architecture": model.get_architecture_metadata(), "config": cfg}
    result = train_from_config(model, opt, step, batches, evaluate, cfg, hooks, cancel, meta)
    model.eval()
    return {"pipeline": "siamese_e2e", "checkpoint": result.checkpoint, "epochs": len(result.history),
            "trainable_parameters": trainable, "total_parameters": total, "train_pairs": len(train),
            "history": result.history, "val_accuracy": accuracy(model, val),
            "test_accuracy": accuracy(model, data["test"]), "test_pairs": len(data["test"]),
            "seconds": round(result.seconds, 1),
            "command": f"python -m training.train_siamese_e2e --config {cfg['config_path']}"}


def main(argv: list[str] | None = None) -> int:
    return run_main(lambda cfg, args: run(cfg, args), __doc__.splitlines()[0], DEFAULTS, argv)


if __name__ == "__main__":
    sys.exit(main())
