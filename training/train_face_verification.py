"""Face-verification pipeline (seed 000): BackboneNetwork / CustomCNN with triplet loss and
batch-hard mining on P x K batches, or SiameseNetwork / SiameseV2 with BCE on balanced pairs,
on aligned 105x105 face crops with a person-level split. Reports verification accuracy and
ROC AUC on the held-out people, next to the product's SFace model on the same pairs.

    python -m training.train_face_verification --config training/configs/face_backbone.yaml
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np
import torch

from .cli_common import run_main, train_from_config
from .config import resolve_path
from .datasets.faces import FaceSet, augment, load_faces, person_split
from .freezing import freeze_early_stages
from .losses import FocalLoss, PairBCELoss, TripletLoss
from .miners import BatchHardMiner, SemiHardMiner
from .samplers import PKBatchSampler
from .verification import all_pairs, best_threshold, verification_report

DEFAULTS: dict[str, Any] = {
    "model": {"type": "backbone_network", "backbone": "auto", "embedding_dim": 16, "trainable_stages": 4},
    "data": {"root": "${TESTDATA}/faces", "test_fraction": 0.35, "size": 105},
    "train": {"epochs": 30, "p": 6, "k": 4, "batches_per_epoch": 8, "lr": 1e-3, "weight_decay": 1e-4,
              "margin": 0.3, "miner": "batch_hard", "loss": "bce", "patience": 6, "seed": 0},
    "output": {"checkpoint": "runs/face_backbone.pt"},
}
EMBEDDING_MODELS = ("backbone_network", "custom_cnn")


def build_model(mcfg: dict, pretrained: bool = True) -> torch.nn.Module:
    from models.backbones import best_available
    from models.face import BackboneNetwork, CustomCNN, SiameseNetwork, SiameseV2

    kind = mcfg["type"]
    if kind == "backbone_network":
        backbone = best_available() if mcfg.get("backbone", "auto") == "auto" else mcfg["backbone"]
        model = BackboneNetwork(backbone, embedding_dim=mcfg["embedding_dim"], pretrained=pretrained)
        freeze_early_stages(model.trunk, int(mcfg.get("trainable_stages", -1)))
        return model
    if kind == "custom_cnn":
        return CustomCNN(embedding_dim=mcfg["embedding_dim"])
    if kind in ("siamese", "siamese_v2"):
        return SiameseNetwork() if kind == "siamese" else SiameseV2()
    raise ValueError(f"unknown face model type {kind!r}")


def pair_scores(model, faces: FaceSet, embedding: bool) -> tuple[np.ndarray, np.ndarray]:
    x = faces.crops.float() / 255
    i, j, same = all_pairs(faces.labels)
    with torch.no_grad():
        if embedding:
            e = model.forward_once(x)
            s = (e[i] * e[j]).sum(1)
        else:
            s = torch.cat([model(x[i[a:a + 256]], x[j[a:a + 256]]) for a in range(0, len(i), 256)]) if len(i) else torch.zeros(0)
    return s.numpy(), same


def sface_scores(faces: FaceSet) -> tuple[np.ndarray, np.ndarray]:
    """The product's own face model on the same crops (a reference, not trained here)."""
    import cv2

    from models.face.detection import FaceAnalyzer

    analyzer = FaceAnalyzer(eyes=False)
    emb = np.stack([analyzer.embed_aligned(cv2.resize(c.permute(1, 2, 0).numpy()[:, :, ::-1].copy(), (112, 112)))
                    for c in faces.crops])
    i, j, same = all_pairs(faces.labels)
    return (emb[i] * emb[j]).sum(1), same


def evaluate(model, train_set: FaceSet, test_set: FaceSet, embedding: bool) -> dict[str, Any]:
    model.eval()
    s_train, y_train = pair_scores(model, train_set, embedding)
    threshold = best_threshold(s_train, y_train)
    s_test, y_test = pair_scores(model, test_set, embedding)
    return verification_report(s_test, y_test, threshold)


def prepare(cfg: dict) -> tuple[FaceSet, FaceSet, FaceSet]:
    """Aligned crops split by person: (train, val for early stopping, test)."""
    seed = cfg["train"]["seed"]
    faces = load_faces(resolve_path(cfg["data"]["root"]), cfg["data"]["size"])
    train_people, test_people = person_split(faces.labels, cfg["data"]["test_fraction"], seed)
    # early stopping watches people who are neither trained on nor tested on
    fit_people, val_people = person_split([n for n in faces.labels if n in train_people], 0.25, seed + 1)
    out = faces.subset(fit_people), faces.subset(val_people), faces.subset(test_people)
    out[0].missed = faces.missed
    return out


def run(cfg: dict, args=None, hooks=(), cancel=None) -> dict[str, Any]:
    t, m = cfg["train"], cfg["model"]
    torch.manual_seed(t["seed"])
    train_set, val_set, test_set = prepare(cfg)
    fit_people, val_people, test_people = (sorted(set(x.labels)) for x in (train_set, val_set, test_set))
    model = build_model(m)
    embedding = m["type"] in EMBEDDING_MODELS
    labels = train_set.label_ids()
    gen = torch.Generator().manual_seed(t["seed"])
    x_train = train_set.crops.float() / 255
    p = min(t["p"], len(fit_people))
    sampler = PKBatchSampler(labels.tolist(), p, t["k"], t["batches_per_epoch"], t["seed"])
    miner = SemiHardMiner() if t["miner"] == "semi_hard" else BatchHardMiner()
    triplet = TripletLoss(t["margin"], miner)
    pair_loss = FocalLoss() if t.get("loss") == "focal" else PairBCELoss()

    def batches(epoch):
        return list(sampler)

    def step(idx):
        x, y = augment(x_train[idx], gen), labels[idx]
        if embedding:
            return triplet(model.forward_once(x), y)
        # balanced pairs inside the P x K batch: each sample with a same-person and another-person partner
        n = len(idx)
        same_j = torch.tensor([(a // t["k"]) * t["k"] + (a % t["k"] + 1) % t["k"] for a in range(n)])
        diff_j = (torch.arange(n) + t["k"]) % n
        first = torch.cat([x, x])
        second = torch.cat([x[same_j], x[diff_j]])
        target = torch.cat([(y == y[same_j]), (y == y[diff_j])]).float()
        return pair_loss(model.logits(first, second), target)

    def val_metrics():
        report = evaluate(model, train_set, val_set, embedding)
        return {"val_loss": 1 - report["roc_auc"], "val_auc": report["roc_auc"], "val_accuracy": report["accuracy"]}

    meta = {"pipeline": "face_verification", "model_type": m["type"], "config": cfg,
            "backbone": getattr(getattr(model, "trunk", None), "name", None),
            "train_people": sorted(fit_people), "val_people": sorted(val_people), "test_people": sorted(test_people)}
    result = train_from_config(model, torch.optim.AdamW([q for q in model.parameters() if q.requires_grad], lr=t["lr"],
                                                         weight_decay=t["weight_decay"]),
                               step, batches, val_metrics, cfg, hooks, cancel, meta)
    s, same = sface_scores(test_set)
    s_tr, same_tr = sface_scores(train_set)
    return {"pipeline": "face_verification", "model": m["type"], "checkpoint": result.checkpoint,
            "people": {"train": len(fit_people), "val": len(val_people), "test": len(test_people)},
            "faces": {"train": len(train_set), "val": len(val_set), "test": len(test_set), "no_face_found": train_set.missed},
            "epochs": len(result.history), "seconds": round(result.seconds, 1),
            "test": evaluate(model, train_set, test_set, embedding),
            "sface_reference": verification_report(s, same, best_threshold(s_tr, same_tr)),
            "command": f"python -m training.train_face_verification --config {cfg['config_path']}"}


def main(argv: list[str] | None = None) -> int:
    return run_main(lambda cfg, args: run(cfg, args), __doc__.splitlines()[0], DEFAULTS, argv)


if __name__ == "__main__":
    sys.exit(main())
