"""Pairwise accuracy of a ranker checkpoint on a PhotoTriage pair list.

    python -m training.evaluate_phototriage --pairs val_pairlist.txt --images DIR \\
        [--checkpoint resources/ranker/default_ranker.pt] [--min-agreement 0.0]

Each line of the pair list is ``SERIES_ID PHOTO1 PHOTO2 PREF_RATIO [RANK1 RANK2]``; photos
are looked up under DIR (as given, or as ``SERIES_ID-PHOTO.jpg`` like the public dataset's
file names). Works for MultiFeaturePairwiseRanker (frozen features, the shipped ranker) and
SiameseCNNRanker checkpoints. Published figures on the PhotoTriage validation pairs:
73% (VGG Siamese, Chang et al. 2016) and 75.4% (SPSNet)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import torch

from models.checkpoints import load_checkpoint

from .datasets.images import load_image
from .datasets.pair_list import load_pair_list
from .ranker_data import pairwise_accuracy

DEFAULT_CHECKPOINT = Path(__file__).resolve().parents[1] / "resources" / "ranker" / "default_ranker.pt"


def resolve_image(images: Path, series: str, name: str) -> Path | None:
    stem = Path(name).stem
    for candidate in (images / name, images / f"{series}-{name}", images / f"{series}-{stem}.jpg",
                      images / f"{stem}.jpg", images / series / name):
        if candidate.exists():
            return candidate
    return None


def _frozen_scorer(ckpt):
    from models.rankers import MultiFeaturePairwiseRanker

    from .train_frozen import make_extractor

    meta = ckpt["metadata"]
    model = MultiFeaturePairwiseRanker.from_metadata(meta["architecture"])
    model.load_state_dict(ckpt["model_state_dict"])
    model.eval()
    extractor = make_extractor(meta["config"]["features"])
    cache: dict[Path, float] = {}

    def score(path: Path) -> float:
        if path not in cache:
            blocks = extractor.extract([load_image(path, 1024)])[0].blocks()
            x = torch.from_numpy(__import__("numpy").concatenate([blocks[b] for b in meta["blocks"]]))[None]
            with torch.no_grad():
                cache[path] = float(model(x)[0])
        return cache[path]

    return lambda a, b: score(a) - score(b)


def _e2e_scorer(ckpt):
    from models.rankers.siamese_cnn import SiameseCNNConfig, SiameseCNNRanker

    from .image_pairs import to_uint8_tensor

    cfg = SiameseCNNConfig(**{**ckpt["metadata"]["architecture"]["config"], "pretrained": False})
    model = SiameseCNNRanker(cfg)
    model.load_state_dict(ckpt["model_state_dict"])
    model.eval()

    def margin(a: Path, b: Path) -> float:
        ta, tb = (to_uint8_tensor(load_image(p, 512), cfg.input_size, cfg.padding_mean_color)[None].float() / 255
                  for p in (a, b))
        with torch.no_grad():
            logits = model(ta, tb)[0]
        return float(logits[0] - logits[1])

    return margin


def evaluate(pairs_file: str, images: str, checkpoint: str = str(DEFAULT_CHECKPOINT),
             min_agreement: float = 0.0) -> dict:
    pairs = load_pair_list(pairs_file, min_agreement)
    ckpt = load_checkpoint(checkpoint)
    pipeline = ckpt["metadata"].get("pipeline")
    margin = _e2e_scorer(ckpt) if pipeline == "siamese_e2e" else _frozen_scorer(ckpt)
    root = Path(images)
    margins, targets, missing = [], [], []
    for p in pairs:
        a, b = resolve_image(root, p.series, p.first), resolve_image(root, p.series, p.second)
        if a is None or b is None:
            missing.append(f"{p.series} {p.first if a is None else p.second}")
            continue
        margins.append(margin(a, b))
        targets.append(float(p.target))
    m, t = torch.tensor(margins), torch.tensor(targets)
    return {"checkpoint": os.path.abspath(checkpoint), "pairs": len(margins), "missing_images": len(missing),
            "missing_examples": missing[:5], "pairwise_accuracy": pairwise_accuracy(m, torch.zeros_like(m), t),
            "published": {"vgg_siamese": 0.73, "spsnet": 0.754}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    ap.add_argument("--min-agreement", type=float, default=0.0)
    args = ap.parse_args(argv)
    real, sys.stdout = sys.stdout, sys.stderr
    try:
        report = evaluate(args.pairs, args.images, args.checkpoint, args.min_agreement)
    finally:
        sys.stdout = real
    print(json.dumps(report, indent=2))
    return 0 if report["pairs"] else 1


if __name__ == "__main__":
    sys.exit(main())
