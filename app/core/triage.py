"""Bursts with their ranking, as the CLI and the GUI both present them."""
from __future__ import annotations

from dataclasses import dataclass, field

from .bursts import BurstSettings, find_bursts, settings_from_catalog
from .jobs import CancelToken, Job, Progress


@dataclass
class BurstView:
    id: str
    photo_ids: list[int]                    # capture order
    paths: list[str]
    hashes: list[str | None]
    best: int | None = None                 # the user's best when they marked one, else the ranker's suggestion
    suggested: int | None = None            # the ranker's suggestion
    confirmed: bool = False                 # ``best`` is the user's own
    order: list[int] = field(default_factory=list)
    scores: dict[int, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)   # why the ranker suggests ``suggested`` (not the user's best)
    kind: str = "burst"                     # app.core.sets.kinds; a kept-whole set has no best and no suggestion
    copies: dict[str, list[str]] = field(default_factory=dict)   # a frame's path -> its copies' paths (not frames)
    problems: dict[int, str] = field(default_factory=dict)   # frame -> GONE, CHANGED or NOT_ANALYSED (rankable_frames)


RANK_BATCH = 200       # bursts whose features are read and scored together
NOT_ANALYSED = "not analysed yet"      # beside catalog.photos GONE and CHANGED: a frame's problems


def ranked_bursts(catalog, settings: BurstSettings | None = None, rank: bool = True,
                  cancel: CancelToken | None = None, relative: bool = True) -> Job[list[BurstView]]:
    """``relative``: also compare each burst's leading frames at native pixels (BurstRanker.rank;
    the first ranking of a burst decodes them, later ones read the stored result); without it,
    ranked on the stored measures alone, at once."""
    from .learning import load_current_ranker

    bursts = find_bursts(catalog, settings or settings_from_catalog(catalog))
    ranker = load_current_ranker(catalog) if rank and bursts else None
    content_hash = catalog.photos.content_hashes() if bursts else {}
    states = catalog.decisions.states() if bursts else {}
    user_best = catalog.decisions.best_since(states) if any(s.best for s in states.values()) else {}
    rejected = {pid for pid, s in states.items() if s.pick == -1}        # never suggested as the best
    out = []
    for start in range(0, len(bursts), RANK_BATCH):
        chunk = bursts[start:start + RANK_BATCH]
        problems = catalog.photos.file_states([pid for b in chunk for pid in b.photo_ids])
        to_rank = [b for b in chunk if not b.kept_whole]       # a bracket or a panorama is kept whole: no best
        if ranker is not None and to_rank:
            lacking = ranker.lacking(catalog, [pid for b in to_rank for pid in b.photo_ids])
            problems.update(dict.fromkeys(lacking, NOT_ANALYSED))
        rankable = {b.id: rankable_frames([p for p in b.photo_ids if p not in rejected], problems) for b in to_rank}
        lists = [ids for ids in rankable.values() if ids]
        ranked = ranker.rank_many(catalog, lists, relative) if ranker is not None and lists else None
        for b in chunk:
            if cancel is not None and cancel.cancelled:
                return out
            view = BurstView(b.id, b.photo_ids, b.paths, [content_hash.get(pid) for pid in b.photo_ids], kind=b.kind,
                             copies=b.copy_paths, problems={pid: problems[pid] for pid in b.photo_ids if pid in problems})
            if ranked is not None and rankable.get(b.id):
                r = next(ranked)
                view.best, view.order, view.scores, view.reasons = r.best, r.order, r.scores, r.reasons
            view.suggested = view.best
            mine = [pid for pid in b.photo_ids if pid in user_best]
            if mine and not b.kept_whole:              # one best per burst: the user's (latest) replaces the suggestion
                view.best, view.confirmed = max(mine, key=user_best.get), True
            out.append(view)
            yield Progress("ranking bursts", len(out), len(bursts))
    return out


def rankable_frames(photo_ids: list[int], problems: dict[int, str]) -> list[int]:
    """The frames of a burst its ranking is over ([]: no suggestion). A frame is suggested only
    on measures of the file that is there: a frame whose file is gone or was edited since the
    index is left out, unless every analysed frame of the burst is (a library on a drive that
    is not plugged in, metadata written into every original): then they are ranked on their
    stored measures, flagged. A frame not analysed is never ranked. At least two frames."""
    analysed = [pid for pid in photo_ids if problems.get(pid) != NOT_ANALYSED]
    intact = [pid for pid in analysed if pid not in problems]
    frames = intact if intact else analysed
    return frames if len(frames) >= 2 else []


def suggested_best(catalog) -> set[int]:
    """The frames the ranker suggests as their burst's best where the user marked no best in
    that burst (none when no ranker can run, e.g. a library indexed without features)."""
    from .jobs import drive
    from .models import ModelUnavailable

    try:
        return {b.best for b in drive(ranked_bursts(catalog)) if b.best is not None and not b.confirmed}
    except ModelUnavailable:
        return set()
