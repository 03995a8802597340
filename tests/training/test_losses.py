import math

import pytest
import torch

from training.losses import ContrastiveLoss, FocalLoss, MarginRankingLoss, PairBCELoss, TripletLoss
from training.miners import BatchHardMiner, SemiHardMiner, pairwise_distances


def test_margin_ranking_hand_computed():
    s1, s2 = torch.tensor([1.0, 0.2]), torch.tensor([0.5, 0.4])
    target = torch.tensor([1, 1])
    # pair 1: max(0, -(0.5) + 0.1) = 0 ; pair 2: max(0, -(-0.2) + 0.1) = 0.3
    assert MarginRankingLoss(0.1)(s1, s2, target).item() == pytest.approx(0.15)
    w = torch.tensor([1.0, 3.0])
    assert MarginRankingLoss(0.1)(s1, s2, target, w).item() == pytest.approx(0.9 / 4)


def test_contrastive_hand_computed():
    a = torch.tensor([[0.0, 0.0], [0.0, 0.0]])
    b = torch.tensor([[3.0, 4.0], [0.3, 0.4]])          # distances 5 and 0.5
    same = torch.tensor([1, 0])
    # same: 25 ; different: max(0, 1 - 0.5)^2 = 0.25 ; 0.5 * mean = 0.5 * 12.625
    assert ContrastiveLoss(1.0)(a, b, same).item() == pytest.approx(6.3125)


def test_bce_and_focal_hand_computed():
    logits, target = torch.tensor([0.0, 2.0]), torch.tensor([1, 0])
    bce = (math.log(2) + (2 + math.log1p(math.exp(-2)))) / 2
    assert PairBCELoss()(logits, target).item() == pytest.approx(bce, rel=1e-5)
    p1, p2 = 0.5, 1 / (1 + math.exp(-2))
    f1 = 0.25 * (1 - p1) ** 2 * math.log(2)
    f2 = 0.75 * p2 ** 2 * (2 + math.log1p(math.exp(-2)))
    assert FocalLoss(2.0, 0.25)(logits, target).item() == pytest.approx((f1 + f2) / 2, rel=1e-5)


def _crafted_batch():
    # class 0 at x=0 and x=1 ; class 1 at x=1.5 and x=5 (1-D embeddings)
    emb = torch.tensor([[0.0], [1.0], [1.5], [5.0]])
    labels = torch.tensor([0, 0, 1, 1])
    return emb, labels


def test_batch_hard_miner_picks_hardest_pairs():
    a, p, n = BatchHardMiner()(*_crafted_batch())
    assert a.tolist() == [0, 1, 2, 3]
    assert p.tolist() == [1, 0, 3, 2]          # farthest same-class sample
    assert n.tolist() == [2, 2, 1, 1]           # nearest other-class sample


def test_triplet_loss_batch_hard_hand_computed():
    emb, labels = _crafted_batch()
    # anchor0: d(0,1)=1, d(0,2)=1.5 -> max(0, 1-1.5+0.3)=0
    # anchor1: d(1,0)=1, d(1,2)=0.5 -> 0.8 ; anchor2: d(2,3)=3.5, d(2,1)=0.5 -> 3.3 ; anchor3: d(3,2)=3.5, d(3,1)=4 -> 0
    assert TripletLoss(0.3)(emb, labels).item() == pytest.approx((0 + 0.8 + 3.3 + 0) / 4, rel=1e-5)


def test_semi_hard_prefers_negatives_inside_the_margin():
    emb = torch.tensor([[0.0], [1.0], [1.2], [3.0]])
    labels = torch.tensor([0, 0, 1, 2])
    a, p, n = SemiHardMiner(margin=0.5)(emb, labels)
    picks = {(ai, pi): ni for ai, pi, ni in zip(a.tolist(), p.tolist(), n.tolist())}
    assert picks[(0, 1)] == 2       # d=1.2 lies in (1.0, 1.5): semi-hard
    # From anchor 1, d(1, 0) = 1 and the negatives lie at 0.2 and 2.0: none in (1.0, 1.5),
    # so the farthest negative is taken.
    assert picks[(1, 0)] == 3

def test_distances_have_finite_gradients_at_zero():
    x = torch.zeros(3, 4, requires_grad=True)
    pairwise_distances(x).sum().backward()
    assert torch.isfinite(x.grad).all()
