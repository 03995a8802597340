"""Fine-tuning on picks with rehearsal (models/rankers/finetune.py)."""
import torch

from models.rankers import MultiFeatureConfig, MultiFeaturePairwiseRanker
from models.rankers.finetune import FineTuneSettings, fine_tune, weighted_margin_loss
from models.rankers.runtime import ReplayPairs


def test_weighted_margin_loss_by_hand():
    better, worse = torch.tensor([2.0, 0.0, 1.0]), torch.tensor([0.0, 0.5, 1.0])
    # hinge max(0, 1 - (b - w)): 0, 1.5, 1
    assert torch.isclose(weighted_margin_loss(better, worse, 1.0), torch.tensor(2.5 / 3))
    w = torch.tensor([1.0, 2.0, 0.0])
    assert torch.isclose(weighted_margin_loss(better, worse, 1.0, w), torch.tensor(3.0 / 3.0))


def _toy():
    """Feature 0 is 'sharpness' (the base ranker likes it), feature 1 'brightness'."""
    torch.manual_seed(0)
    model = MultiFeaturePairwiseRanker(MultiFeatureConfig(quality_dim=2, hidden_dims=[16, 8], dropout=0.0,
                                                          use_layernorm=False))
    x = torch.randn(400, 2)
    a, b = x[:200], x[200:]
    first = a[:, 0] > b[:, 0]
    better, worse = torch.where(first[:, None], a, b), torch.where(first[:, None], b, a)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(300):
        loss = weighted_margin_loss(model(better), model(worse), 1.0)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval(), ReplayPairs(better, worse)


def _agreement(model, better, worse) -> float:
    with torch.no_grad():
        return float((model(better) > model(worse)).float().mean())


def test_a_taste_is_learnt_and_rehearsal_keeps_what_the_ranker_knew():
    base, replay = _toy()
    # The user prefers darker (feature 1 lower) frames at equal sharpness.
    g = torch.Generator().manual_seed(1)
    sharp = torch.randn(60, 1, generator=g)
    dark, bright = torch.cat([sharp, -torch.ones(60, 1)], 1), torch.cat([sharp, torch.ones(60, 1)], 1)
    weight = torch.ones(60)
    settings = FineTuneSettings(epochs=30, batch_size=16, lr=3e-3)
    plain = fine_tune(base, dark, bright, weight, None, FineTuneSettings(**{**settings.__dict__, "replay_weight": 0}))
    rehearsed = fine_tune(base, dark, bright, weight, replay, settings)
    models = {}
    for name, job in (("plain", plain), ("rehearsed", rehearsed)):
        try:
            while True:
                next(job)
        except StopIteration as stop:
            models[name] = stop.value
    kept = {name: _agreement(m, replay.better, replay.worse) for name, m in models.items()}
    print(f"base {_agreement(base, replay.better, replay.worse):.3f}, after fine-tuning {kept}")
    assert _agreement(models["rehearsed"], dark, bright) > 0.95                 # the taste is learnt
    assert kept["rehearsed"] >= _agreement(base, replay.better, replay.worse) - 0.05   # quality is kept
    assert kept["rehearsed"] >= kept["plain"]
    assert torch.equal(models["rehearsed"].feature_mean, base.feature_mean)     # the standardisation is kept


def test_head_only_tuning_leaves_the_rest_of_the_tower_as_it_was():
    from models.rankers.finetune import trainable_copy

    base, _ = _toy()
    head = trainable_copy(base, "head")
    trainable = {n for n, p in head.named_parameters() if p.requires_grad}
    assert trainable == {"comparison_head.weight", "comparison_head.bias", "siamese_tower.3.weight",
                         "siamese_tower.3.bias"}
    assert all(p.requires_grad for p in trainable_copy(base, "all").parameters())
