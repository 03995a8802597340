"""PhotoTriage pair lists: ``SERIES_ID PHOTO1 PHOTO2 PREF_RATIO RANK1 RANK2`` per line.

PREF_RATIO is the share of annotators who preferred PHOTO1. Pairs whose
agreement (``max(r, 1 - r)``) is below a threshold are dropped; splits are made
by series so no series appears in two splits.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class PreferencePair:
    series: str
    first: str
    second: str
    pref_ratio: float
    rank1: int | None = None
    rank2: int | None = None

    @property
    def target(self) -> int:
        """1 when the first photo is preferred, -1 otherwise."""
        return 1 if self.pref_ratio >= 0.5 else -1

    @property
    def agreement(self) -> float:
        return max(self.pref_ratio, 1 - self.pref_ratio)


def parse_pair_list(lines: Iterable[str], min_agreement: float = 0.0) -> list[PreferencePair]:
    pairs = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) < 4:
            raise ValueError(f"line {number}: expected SERIES_ID PHOTO1 PHOTO2 PREF_RATIO [RANK1 RANK2]")
        ratio = float(parts[3])
        if not 0.0 <= ratio <= 1.0:
            raise ValueError(f"line {number}: PREF_RATIO {ratio} outside [0, 1]")
        ranks = [int(p) for p in parts[4:6]] + [None, None]
        pair = PreferencePair(parts[0], parts[1], parts[2], ratio, ranks[0], ranks[1])
        if pair.agreement >= min_agreement:
            pairs.append(pair)
    return pairs


def load_pair_list(path: str | os.PathLike, min_agreement: float = 0.0) -> list[PreferencePair]:
    with open(path, encoding="utf-8") as fh:
        return parse_pair_list(fh, min_agreement)


def series_split(pairs: list[PreferencePair], fractions: dict[str, float], seed: int = 0) -> dict[str, list[PreferencePair]]:
    """Assign whole series to splits by a seeded hash (stable as the list grows)."""
    names = list(fractions)
    total = sum(fractions.values())
    bounds, acc = [], 0.0
    for name in names:
        acc += fractions[name] / total
        bounds.append(acc)
    out: dict[str, list[PreferencePair]] = {n: [] for n in names}
    for pair in pairs:
        h = int(hashlib.sha1(f"{seed}:{pair.series}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        for name, bound in zip(names, bounds):
            if h <= bound:
                out[name].append(pair)
                break
        else:
            out[names[-1]].append(pair)
    return out
