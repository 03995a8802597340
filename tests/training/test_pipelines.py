"""Smoke runs of every training pipeline on real photos from tests/data: a few
steps each, the training loss goes down, and the evaluation command reads the checkpoint."""
import copy

import pytest

from training import train_face_verification, train_frozen, train_retrieval, train_siamese_e2e
from training.config import load_config
from training.evaluate import evaluate_checkpoint


def _cfg(module, name, tmp_path, **overrides):
    cfg = load_config(name, module.DEFAULTS)
    for section, values in overrides.items():
        cfg[section] = {**cfg.get(section, {}), **values}
    cfg["output"] = {**cfg["output"], "checkpoint": str(tmp_path / "model.pt"), "cache": str(tmp_path / "cache")}
    return cfg


def _train_losses(summary_history):
    return [h["train_loss"] for h in summary_history]


def _run_collect(module, cfg):
    events = []
    summary = module.run(copy.deepcopy(cfg), hooks=[events.append])
    iters = [e.loss for e in events if e.kind == "iteration"]
    return summary, iters


def _goes_down(losses, window=3):
    return sum(losses[-window:]) / window < sum(losses[:window]) / window


def test_frozen_pipeline_learns_and_evaluates(tmp_path):
    cfg = _cfg(train_frozen, "frozen_ranker.yaml", tmp_path, features={"faces": False},
               data={"fraction": 0.15, "folders": ["photos"]}, train={"epochs": 6, "patience": 10, "batch_size": 16})
    summary, losses = _run_collect(train_frozen, cfg)
    assert _goes_down(losses)
    assert 0.0 <= summary["val"]["accuracy"] <= 1.0
    report = evaluate_checkpoint(summary["checkpoint"], "val")
    assert report["pipeline"] == "frozen" and report["accuracy"] == pytest.approx(summary["val"]["accuracy"])
    assert "sharpness_rule_accuracy" in report


def test_siamese_e2e_pipeline_learns(tmp_path):
    cfg = _cfg(train_siamese_e2e, "siamese_e2e.yaml", tmp_path, data={"fraction": 0.12},
               model={"input_size": 96}, train={"epochs": 3, "patience": 5, "batch_size": 8})
    summary, losses = _run_collect(train_siamese_e2e, cfg)
    assert _goes_down(losses)
    report = evaluate_checkpoint(summary["checkpoint"], "val")
    assert report["accuracy"] == pytest.approx(summary["val_accuracy"])


@pytest.mark.parametrize("config,steps", [("face_backbone.yaml", {"batches_per_epoch": 4}),
                                          # a pair classifier on 12-face batches: a smaller step keeps 9 noisy steps monotone
                                          pytest.param("face_siamese_v2.yaml", {"batches_per_epoch": 3, "p": 4, "k": 3, "lr": 0.0003},
                                                       marks=pytest.mark.slow)])     # long training
def test_face_verification_pipeline_learns(tmp_path, config, steps):
    cfg = _cfg(train_face_verification, config, tmp_path, train={"epochs": 3, "patience": 5, **steps})
    summary, losses = _run_collect(train_face_verification, cfg)
    assert _goes_down(losses)
    assert 0.0 <= summary["test"]["roc_auc"] <= 1.0 and summary["people"]["test"] >= 3
    assert summary["sface_reference"]["roc_auc"] > 0.9       # the product's face model, same pairs
    report = evaluate_checkpoint(summary["checkpoint"], "test")
    assert report["roc_auc"] == pytest.approx(summary["test"]["roc_auc"])


def test_retrieval_pipeline_learns(tmp_path):
    cfg = _cfg(train_retrieval, "retrieval.yaml", tmp_path, data={"fraction": 0.4, "views": 4},
               model={"input_size": 96}, train={"epochs": 3, "batches_per_epoch": 4, "patience": 5})
    summary, losses = _run_collect(train_retrieval, cfg)
    assert _goes_down(losses)
    assert 0.0 <= summary["test_recall_at_1"] <= 1.0
