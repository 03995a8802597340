"""Copies among the frames of a set: an original, its re-encoded, resized or blurred copies
saved next to it share its capture time (or have none) and can form a "burst". The set is
ranked over distinct frames only; each group of copies is one frame there (the keeper the
duplicates view suggests, :func:`app.core.duplicates.suggest_keeper`) with its copies listed
as copies. A set left with fewer than two distinct frames is no set: its files are copies of
one picture, the duplicates view's business. The verdicts are the duplicates view's own (the
catalog's ``pair_checks``, by content hash), so both views give the same answer."""
from __future__ import annotations

import itertools

from ..catalog.pair_checks import pair_key
from ..union_find import UnionFind


def could_be_copies(ra: dict, rb: dict) -> bool:
    """Not known to be two shutter releases (:func:`app.core.duplicates.burst_frames`)."""
    from ..duplicates import burst_frames

    return not burst_frames(ra, rb)


def split_copies(catalog, members, pictures, rows: dict | None = None,
                 prefer=frozenset()) -> tuple[list, dict[int, list[int]]]:
    """(distinct frames in capture order, keeper id -> its copies' ids) of one set's frames.
    A frame in ``prefer`` (the user's best) is the one kept of its copies: the user's decision
    stays on a frame of the set, never on a copy the cull view does not show."""
    from ..duplicates import suggest_keeper, verify_pair

    rows = rows if rows is not None else catalog.photos.keeper_facts()
    pairs = [(a, b) for a, b in itertools.combinations(members, 2)
             if a.id in rows and b.id in rows and could_be_copies(rows[a.id], rows[b.id])]
    if not pairs:
        return list(members), {}
    store = catalog.pair_checks
    if pictures.verdicts is None:
        pictures.verdicts = store.verdicts()              # read once per run
    known = pictures.verdicts

    def verdict_of(a, b):
        ha, hb = rows[a.id]["hash"], rows[b.id]["hash"]
        return known.get(pair_key(ha, hb)) if ha and hb else None

    pictures.load({i for a, b in pairs if verdict_of(a, b) is None for i in (a.id, b.id)})    # one read
    found = UnionFind()
    fresh = []
    for a, b in pairs:
        ha, hb = rows[a.id]["hash"], rows[b.id]["hash"]
        verdict = verdict_of(a, b)
        if verdict is None:
            pa, pb = pictures.items.get(ha), pictures.items.get(hb)
            if pa is None or pb is None:
                continue
            verdict = verify_pair(pa, pb, rows[a.id], rows[b.id])
            if verdict is not None and ha and hb:         # None: could not tell, asked again next time
                fresh.append((ha, hb, verdict))
                known[pair_key(ha, hb)] = verdict
        if verdict:
            found.union(a.id, b.id)
    if fresh and not catalog.readonly:
        try:
            store.save(fresh)
        except Exception:                  # a busy catalog: the verdicts are made again next time
            pass
    copies: dict[int, list[int]] = {}
    drop = set()
    for group in found.groups():
        keeper = next((i for i in group if i in prefer), None) or suggest_keeper(group, rows)
        copies[keeper] = [i for i in group if i != keeper]
        drop.update(copies[keeper])
    return [f for f in members if f.id not in drop], copies
