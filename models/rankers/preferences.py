"""Preference pairs from a user's decisions: inside one burst, a photo marked best beats
accepted, undecided and rejected frames; accepted and (weakly) undecided frames beat rejected
ones; higher star ratings beat lower ones. Pairs carry weights by how strong the evidence is."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Hashable, Iterable

# (better verdict, worse verdict) -> weight
PAIR_WEIGHTS = {("best", "rejected"): 1.0, ("accepted", "rejected"): 0.8, ("best", "accepted"): 0.5,
                ("best", "undecided"): 0.4, ("undecided", "rejected"): 0.3}
RATING_WEIGHT = 0.2       # per star of difference, at most 1


@dataclass(frozen=True)
class Verdict:
    photo: Hashable
    group: Hashable            # burst id (pairs are only made inside a group)
    verdict: str               # "best", "accepted", "rejected" or "undecided"
    rating: int | None = None


@dataclass(frozen=True)
class WeightedPair:
    better: Hashable
    worse: Hashable
    weight: float
    group: Hashable


def pairs_from_decisions(verdicts: Iterable[Verdict]) -> list[WeightedPair]:
    groups: dict = defaultdict(list)
    for v in verdicts:
        groups[v.group].append(v)
    pairs: dict[tuple, WeightedPair] = {}
    for group, items in groups.items():
        for x, y in combinations(items, 2):
            for better, worse in ((x, y), (y, x)):
                weight = PAIR_WEIGHTS.get((better.verdict, worse.verdict), 0.0)
                if better.rating is not None and worse.rating is not None and better.rating > worse.rating:
                    weight = max(weight, min(1.0, RATING_WEIGHT * (better.rating - worse.rating)))
                if weight > 0:
                    key = (better.photo, worse.photo)
                    pairs[key] = WeightedPair(better.photo, worse.photo, weight, group)
    return sorted(pairs.values(), key=lambda p: (str(p.group), str(p.better), str(p.worse)))
