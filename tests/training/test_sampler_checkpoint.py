import torch

from models.rankers import MultiFeatureConfig, MultiFeaturePairwiseRanker
from models.checkpoints import load_checkpoint, save_checkpoint
from training.early_stopping import EarlyStopping
from training.samplers import PKBatchSampler


def test_pk_sampler_guarantees_p_identities_with_k_each():
    labels = [0] * 9 + [1] * 2 + [2] * 5 + [3] * 1 + [4] * 7
    sampler = PKBatchSampler(labels, p=3, k=4, batches=20)
    for batch in sampler:
        assert len(batch) == 12
        groups = {}
        for i in batch:
            groups.setdefault(labels[i], []).append(i)
        assert len(groups) == 3 and all(len(v) == 4 for v in groups.values())


def test_checkpoint_round_trip_with_metadata(tmp_path):
    model = MultiFeaturePairwiseRanker(MultiFeatureConfig(quality_dim=6, hidden_dims=[8, 4]))
    meta = {"architecture": model.get_architecture_metadata(), "epoch": 3}
    path = save_checkpoint(tmp_path / "ckpt" / "best.pt", model, meta)
    assert not list(path.parent.glob(".*tmp"))
    ck = load_checkpoint(path)
    assert ck["metadata"]["architecture"]["architecture_type"] == "siamese"
    assert ck["metadata"]["architecture"]["total_parameters"] == sum(p.numel() for p in model.parameters())
    clone = MultiFeaturePairwiseRanker.from_metadata(ck["metadata"]["architecture"])
    clone.load_state_dict(ck["model_state_dict"])
    x = torch.rand(5, 6)
    model.eval(), clone.eval()
    assert torch.equal(model(x), clone(x))


def test_early_stopping_patience_and_best_state():
    stopper = EarlyStopping(patience=2)
    values = [1.0, 0.8, 0.9, 0.85]
    stops = [stopper.step(v, e) for e, v in enumerate(values)]
    assert stops == [False, False, False, True] and stopper.best_epoch == 1
