import numpy as np
import torch

from app.core.jobs import CancelToken
from models.backbones import ImageTrunk
from models.checkpoints import load_checkpoint
from models.rankers.preferences import Verdict, WeightedPair, pairs_from_decisions
from training.feature_cache import FeatureCache
from training.freezing import count_trainable, freeze_early_stages
from training.trainer import Trainer
from training.verification import best_threshold, roc_auc


def _regression(tmp_path, epochs=5, cancel=None, hooks=(), patience=10, evaluate=None):
    torch.manual_seed(0)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([1.0, -2.0, 0.5])
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    step = lambda idx: ((model(x[idx]).squeeze(1) - y[idx]) ** 2).mean()  # noqa: E731
    evaluate = evaluate or (lambda: {"val_loss": float(((model(x).squeeze(1) - y) ** 2).mean())})
    trainer = Trainer(model, opt, step, lambda e: [list(range(i, i + 16)) for i in range(0, 64, 16)], evaluate,
                      epochs=epochs, patience=patience, cancel=cancel, hooks=hooks,
                      checkpoint=str(tmp_path / "m.pt"), metadata={"name": "lin"})
    return model, trainer.run()


def _drain(job):
    events = []
    try:
        while True:
            events.append(next(job))
    except StopIteration as stop:
        return events, stop.value


def test_trainer_yields_iterations_and_epochs_and_calls_hooks(tmp_path):
    seen = []
    _, job = _regression(tmp_path, epochs=3, hooks=[seen.append])
    events, result = _drain(job)
    assert [e.kind for e in events].count("iteration") == 12
    assert [e.kind for e in events].count("epoch") == 3
    assert seen == events
    assert result.history[-1]["val_loss"] < result.history[0]["val_loss"]
    ckpt = load_checkpoint(result.checkpoint)
    assert ckpt["metadata"]["name"] == "lin" and len(ckpt["metadata"]["history"]) == 3


def test_trainer_cancel_returns_without_checkpoint(tmp_path):
    token = CancelToken()
    _, job = _regression(tmp_path, epochs=5, cancel=token)
    next(job)
    token.cancel()
    events, result = _drain(job)
    assert result.cancelled and result.checkpoint is None and not (tmp_path / "m.pt").exists()


def test_early_stopping_restores_best_weights(tmp_path):
    values = iter([3.0, 1.0, 2.0, 2.5, 2.7])
    snapshots = []
    model_ref = {}

    def evaluate():
        snapshots.append(model_ref["m"].weight.detach().clone())
        return {"val_loss": next(values)}

    torch.manual_seed(0)
    model, job = _regression(tmp_path, epochs=5, patience=2, evaluate=evaluate)
    model_ref["m"] = model
    _, result = _drain(job)
    assert result.best_epoch == 1 and len(result.history) == 4
    assert torch.equal(model.weight, snapshots[1])


def test_freeze_early_stages_keeps_only_the_last_stages_trainable():
    trunk = ImageTrunk("efficientnet_lite0", pretrained=False)
    freeze_early_stages(trunk, 2)
    stages = trunk.stages()
    assert all(not p.requires_grad for s in stages[:-2] for p in s.parameters())
    assert all(p.requires_grad for s in stages[-2:] for p in s.parameters())
    trainable, total = count_trainable(trunk)
    assert trainable == sum(p.numel() for s in stages[-2:] for p in s.parameters()) < total


def test_feature_cache_computes_once_and_persists(tmp_path):
    calls = []
    cache = FeatureCache(tmp_path, "extractor-a")
    compute = lambda: calls.append(1) or {"q": np.array([1.0, 2.0])}  # noqa: E731
    assert cache.get("k", compute)["q"].tolist() == [1.0, 2.0]
    cache.get("k", compute)
    cache.save()
    again = FeatureCache(tmp_path, "extractor-a")
    assert again.get("k", compute)["q"].tolist() == [1.0, 2.0] and len(calls) == 1
    assert len(FeatureCache(tmp_path, "extractor-b")) == 0


def test_pairs_from_decisions_by_hand():
    pairs = pairs_from_decisions([Verdict("a", 1, "best"), Verdict("b", 1, "accepted"),
                                  Verdict("c", 1, "rejected"), Verdict("d", 2, "rejected"),
                                  Verdict("e", 2, "undecided", rating=4), Verdict("f", 2, "undecided", rating=1)])
    assert pairs == [WeightedPair("a", "b", 0.5, 1), WeightedPair("a", "c", 1.0, 1),
                     WeightedPair("b", "c", 0.8, 1), WeightedPair("e", "d", 0.3, 2),
                     WeightedPair("e", "f", 0.6000000000000001, 2), WeightedPair("f", "d", 0.3, 2)]


def test_roc_auc_and_threshold_by_hand():
    scores = np.array([0.9, 0.8, 0.4, 0.3, 0.6])
    positive = np.array([True, False, True, False, False])
    # positives 0.9, 0.4 vs negatives 0.8, 0.3, 0.6: wins 3 + 1 = 4 of 6
    assert roc_auc(scores, positive) == 4 / 6
    assert roc_auc(np.array([0.5, 0.5]), np.array([True, False])) == 0.5
    assert best_threshold(np.array([0.9, 0.8, 0.2, 0.1]), np.array([True, True, False, False])) == 0.8
