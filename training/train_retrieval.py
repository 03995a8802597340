"""Retrieval-embedding pipeline (seed 004): a pretrained trunk (early stages frozen) ->
Linear -> BN -> L2, fine-tuned with triplet loss and batch-hard mining on P x K batches
of edited views (each photo is its own class), early stopping on held-out photos.
Reports recall@1 of edited queries on held-out photos, next to the untrained trunk.

    python -m training.train_retrieval --config training/configs/retrieval.yaml
"""
from __future__ import annotations

import random
import sys
from typing import Any

import numpy as np
import torch

from models.face import BackboneNetwork
from models.features.letterbox import letterbox

from .cli_common import run_main, train_from_config
from .config import resolve_path
from .datasets.images import load_image
from .datasets.quality_pairs import source_photos
from .datasets.views import random_view
from .freezing import count_trainable, freeze_early_stages
from .losses import TripletLoss
from .miners import BatchHardMiner
from .samplers import PKBatchSampler

DEFAULTS: dict[str, Any] = {
    "model": {"backbone": "efficientnet_lite0", "embedding_dim": 128, "trainable_stages": 2, "input_size": 160},
    "data": {"root": "${TESTDATA}", "folders": ["photos", "bursts"], "views": 6, "test_fraction": 0.3,
             "val_fraction": 0.15},
    "train": {"epochs": 10, "p": 8, "k": 3, "batches_per_epoch": 10, "lr": 3e-4, "weight_decay": 1e-4,
              "margin": 0.3, "patience": 3, "seed": 0},
    "output": {"checkpoint": "runs/retrieval.pt"},
}


def to_tensor(images, size: int) -> torch.Tensor:
    return torch.from_numpy(np.stack([letterbox(im, size) for im in images])).permute(0, 3, 1, 2)


def recall_at_1(embed, gallery: torch.Tensor, queries: torch.Tensor) -> float:
    """Query i's own photo is gallery row i."""
    if len(gallery) == 0:
        return float("nan")
    with torch.no_grad():
        g, q = embed(gallery), embed(queries)
    return float((torch.argmax(q @ g.T, dim=1) == torch.arange(len(q))).float().mean())


def run(cfg: dict, args=None, hooks=(), cancel=None) -> dict[str, Any]:
    m, d, t = cfg["model"], cfg["data"], cfg["train"]
    torch.manual_seed(t["seed"])
    rng = random.Random(t["seed"])
    photos = [str(p) for p in source_photos(resolve_path(d["root"]), tuple(d["folders"]))]
    if d.get("fraction", 1) < 1:
        photos = sorted(rng.sample(photos, max(3 * t["p"], int(len(photos) * d["fraction"]))))
    rng.shuffle(photos)
    n_test, n_val = int(len(photos) * d["test_fraction"]), int(len(photos) * d["val_fraction"])
    test, val, train = photos[:n_test], photos[n_test:n_test + n_val], photos[n_test + n_val:]
    size = m["input_size"]
    images = {p: load_image(p, 512) for p in photos}
    views, labels = [], []
    for label, p in enumerate(train):
        views += [random_view(images[p], t["seed"] * 7919 + label * 31 + v) for v in range(d["views"])]
        labels += [label] * d["views"]
    x_train, y_train = to_tensor(views, size), torch.tensor(labels)

    def probe(paths, seed):
        return (to_tensor([images[p] for p in paths], size),
                to_tensor([random_view(images[p], seed + i, edits=2) for i, p in enumerate(paths)], size))

    val_g, val_q = probe(val, 10_000)
    test_g, test_q = probe(test, 20_000)
    model = BackboneNetwork(m["backbone"], embedding_dim=m["embedding_dim"])
    freeze_early_stages(model.trunk, int(m["trainable_stages"]))
    sampler = PKBatchSampler(y_train.tolist(), min(t["p"], len(train)), t["k"], t["batches_per_epoch"], t["seed"])
    loss_fn = TripletLoss(t["margin"], BatchHardMiner())
    baseline_trunk = model.trunk   # shared module; measured before training below
    base = lambda x: torch.nn.functional.normalize(baseline_trunk(x), dim=1)  # noqa: E731
    model.eval()
    baseline = {"val_recall_at_1": recall_at_1(base, val_g, val_q), "test_recall_at_1": recall_at_1(base, test_g, test_q)}

    def step(idx):
        return loss_fn(model.forward_once(x_train[idx]), y_train[idx])

    def evaluate():
        r = recall_at_1(model.forward_once, val_g, val_q)
        return {"val_loss": 1 - r, "val_recall_at_1": r}

    trainable, total = count_trainable(model)
    result = train_from_config(model, torch.optim.AdamW([q for q in model.parameters() if q.requires_grad], lr=t["lr"],
                                                         weight_decay=t["weight_decay"]),
                               step, lambda epoch: list(sampler), evaluate, cfg, hooks, cancel,
                               {"pipeline": "retrieval", "config": cfg})
    model.eval()
    return {"pipeline": "retrieval", "checkpoint": result.checkpoint, "photos": {"train": len(train), "val": len(val), "test": len(test)},
            "trainable_parameters": trainable, "total_parameters": total, "epochs": len(result.history),
            "seconds": round(result.seconds, 1), "test_recall_at_1": recall_at_1(model.forward_once, test_g, test_q),
            "pretrained_trunk_baseline": baseline,
            "command": f"python -m training.train_retrieval --config {cfg['config_path']}"}


def main(argv: list[str] | None = None) -> int:
    return run_main(lambda cfg, args: run(cfg, args), __doc__.splitlines()[0], DEFAULTS, argv)


if __name__ == "__main__":
    sys.exit(main())
