"""Verification metrics over all pairs of a face set: accuracy at a threshold chosen on
other data, ROC AUC (Mann-Whitney), and the threshold that maximises accuracy."""
from __future__ import annotations

import numpy as np


def all_pairs(labels: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    i, j = np.triu_indices(len(labels), k=1)
    same = np.array([labels[a] == labels[b] for a, b in zip(i, j)], bool)
    return i, j, same


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> float:
    pos, neg = scores[positive], scores[~positive]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    allscores = np.concatenate([pos, neg])
    for value in np.unique(allscores):         # average ranks of ties
        tie = allscores == value
        ranks[tie] = ranks[tie].mean()
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def best_threshold(scores: np.ndarray, positive: np.ndarray) -> float:
    """Threshold maximising balanced accuracy (positives are rare among all pairs)."""
    candidates = np.unique(scores)
    best, best_t = -1.0, float(candidates[0]) if len(candidates) else 0.5
    for t in candidates:
        acc = balanced_accuracy(scores, positive, t)
        if acc > best:
            best, best_t = acc, float(t)
    return best_t


def balanced_accuracy(scores: np.ndarray, positive: np.ndarray, threshold: float) -> float:
    pred = scores >= threshold
    tpr = pred[positive].mean() if positive.any() else 1.0
    tnr = (~pred[~positive]).mean() if (~positive).any() else 1.0
    return float((tpr + tnr) / 2)


def verification_report(scores: np.ndarray, positive: np.ndarray, threshold: float) -> dict[str, float]:
    pred = scores >= threshold
    return {"pairs": int(len(scores)), "positive_pairs": int(positive.sum()), "threshold": float(threshold),
            "accuracy": float((pred == positive).mean()), "balanced_accuracy": balanced_accuracy(scores, positive, threshold),
            "roc_auc": roc_auc(scores, positive)}
