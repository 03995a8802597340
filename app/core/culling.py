"""One decision model for every way a user decides (the cull view, the library grid, the
duplicates view, ``phototriage pick``):

- at most one best frame per burst: marking a frame best unmarks the burst's other best;
- the best frame is accepted: marking best also accepts it;
- rejecting or unflagging the best frame takes its best mark away;
- whatever one user action changes is one undo step (``DecisionStore.undo_last``/``redo``);
- when the user turned it on, the changed photos' XMP sidecars follow at once
  (``catalog.last_xmp_report`` tells what was written or failed).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .bursts import find_bursts, settings_from_catalog

ACTIONS = {"pick", "rating", "label", "best"}


def _with_rules(store, photo_id: int, kind: str, value: int | None, text: str | None = None,
                burst: Sequence[int] = ()) -> list[tuple[int, str, int | None, str | None]]:
    """The decision and the changes the rules imply, as rows for ``DecisionStore.apply``."""
    if kind not in ACTIONS:
        raise ValueError(f"unknown decision kind {kind!r}")
    state = store.state(photo_id)
    changes = [(photo_id, kind, value, text)]
    if kind == "best" and value:
        changes += [(other, "best", 0, None) for other in burst if other != photo_id and store.state(other).best]
        if state.pick != 1:
            changes.append((photo_id, "pick", 1, None))
    elif kind == "pick" and value != 1 and state.best:
        changes.append((photo_id, "best", 0, None))
    return changes


def decide(catalog, photo_id: int, kind: str, value: int | None = None, text: str | None = None,
           burst: Sequence[int] = ()) -> int:
    """Record one user action on ``photo_id`` with what the rules imply; ``burst``: the photo
    ids of its burst (for "one best per burst"). Returns the action id."""
    return decide_many(catalog, [(photo_id, burst)], kind, value, text)


def decide_many(catalog, photos: Sequence[tuple[int, Sequence[int]]], kind: str, value: int | None = None,
                text: str | None = None) -> int | None:
    """One key on a selection: the same decision on each (photo id, its burst's ids) as ONE
    action (one undo takes it all back). Best goes to one frame per burst (the last selected
    of it): never two bests. None when there is nothing to decide."""
    if kind == "best":
        last = {}
        for pid, burst in photos:
            last[tuple(sorted(burst)) or (pid,)] = (pid, burst)
        photos = list(last.values())
    store, changes, seen = catalog.decisions, [], set()
    for pid, burst in photos:
        if pid in seen:
            continue
        seen.add(pid)
        changes += _with_rules(store, pid, kind, value, text, burst)
        for partner in pair_partners(catalog, pid):     # a raw + JPEG pair sharing name.xmp: one decision
            if partner not in seen:
                seen.add(partner)
                changes += _with_rules(store, partner, "pick", 1) if kind == "best" else \
                    _with_rules(store, partner, kind, value, text)
    return _apply(catalog, changes) if changes else None


def pair_partners(catalog, photo_id: int) -> list[int]:
    """The other files of the photo where they share one ``name.xmp`` (sidecars named
    ``name.xmp``, as Lightroom and Capture One treat a raw + JPEG pair); none with
    ``name.ext.xmp``, where each file keeps its own decision. Only a raw file and its JPEG
    (or other rendering) are a pair: two files of one name that are not raw, or two raws, are
    two photos (a review: rejecting IMG_1.jpg rejected another picture, IMG_1.tif)."""
    from .formats import is_raw
    from .xmp.convention import Convention

    if Convention.from_settings(catalog.settings).naming != "base":
        return []
    photo = catalog.photos.get(photo_id)
    if photo is None:
        return []
    raw = is_raw(photo["path"])
    return [pid for pid in catalog.photos.same_stem(photo["path"])
            if (other := catalog.photos.get(pid)) is not None and is_raw(other["path"]) != raw]


def _apply(catalog, changes) -> int:
    from .xmp.sync import write_after_decision

    action = catalog.decisions.apply(changes)
    catalog.last_xmp_report = write_after_decision(catalog, list(dict.fromkeys(c[0] for c in changes)))
    return action


def undo(catalog, redo: bool = False, own: bool = False) -> int | None:
    """Undo (or redo) the latest whole action; returns the photo it was made on. The changed
    photos' sidecars follow when that is on. ``own``: only an action made through this catalog
    connection (the window's Ctrl+Z: see DecisionStore.undo_last)."""
    from .xmp.sync import write_after_decision

    store = catalog.decisions
    pid = store.redo(own) if redo else store.undo_last(own)
    if pid is not None:
        catalog.last_xmp_report = write_after_decision(catalog, store.last_undo_photos)
    return pid


@dataclass
class KeptOne:
    action: int
    keeper: int                   # the photo kept (the user's best where the group holds one)
    rejected: list[int]
    spared: list[int]             # not rejected: another best of the user's, the keeper's raw + JPEG partner


def keep_one(catalog, keeper: int, others: Sequence[int]) -> KeptOne:
    """Accept ``keeper`` and reject ``others`` (a duplicate group) as one action. The user's own
    decisions come first: a best frame in the group is the one kept (a trial: the suggested
    keeper was its burst neighbour and the best was rejected) and another best is never
    rejected; a raw + JPEG pair sharing name.xmp is kept or rejected together, the keeper's
    partner never rejected."""
    store = catalog.decisions
    group = [keeper, *[p for p in others if p != keeper]]
    bests = [p for p in group if store.state(p).best]
    if bests and keeper not in bests:
        keeper = bests[0]
    kept = {keeper, *pair_partners(catalog, keeper)}
    changes = _with_rules(store, keeper, "pick", 1)
    changes += [c for partner in pair_partners(catalog, keeper) for c in _with_rules(store, partner, "pick", 1)]
    rejected, spared = [], []
    for pid in group:
        if pid == keeper:
            continue
        if pid in kept or pid in bests:
            spared.append(pid)
            continue
        for one in [pid, *pair_partners(catalog, pid)]:
            if one not in kept and one not in rejected:
                rejected.append(one)
                changes += _with_rules(store, one, "pick", -1)
    return KeptOne(_apply(catalog, changes), keeper, rejected, spared)


def decide_set(catalog, photo_ids: Sequence[int], value: int) -> int:
    """Pick (1), reject (-1) or unflag (0) every frame of a set (a bracket, a panorama, a
    focus stack: frames kept or dropped together) as one action: one undo brings it all back."""
    return decide_many(catalog, [(pid, ()) for pid in photo_ids], "pick", value)


def photos_where(catalog, keep, states: dict | None = None) -> list[tuple[int, dict]]:
    """(photo id, photo row) of the photos present in the library whose decision state
    ``keep(state)`` accepts (the picks to export, the rejects to trash), by id. ``states``:
    photo id -> a state to judge instead of the catalog's (what a dry import would make it)."""
    out = []
    for pid, state in sorted({**catalog.decisions.states(), **(states or {})}.items()):
        if keep(state):
            photo = catalog.photos.get(pid)
            if photo is not None and photo.get("status") == "ok":
                out.append((pid, photo))
    return out


def set_of(catalog, photo_id: int):
    """The burst or set (app/core/bursts.Burst) ``photo_id`` belongs to; None for a single."""
    return next((b for b in find_bursts(catalog, settings_from_catalog(catalog)) if photo_id in b.photo_ids), None)


def burst_of(catalog, photo_id: int) -> list[int]:
    """The photo ids of the burst ``photo_id`` belongs to (empty when it is a single)."""
    found = set_of(catalog, photo_id)
    return list(found.photo_ids) if found is not None else []


def reconcile_bests(catalog, bursts=None) -> list[int]:
    """One best per burst after bursts changed (two bursts merged by frames that filled the gap,
    a best frame away and back while another was chosen): the user's latest choice stays, the
    older best frames keep their pick and lose the best mark, as one action of source
    "bursts" (not the user's: a window's Ctrl+Z passes over it). Returns the photos unmarked."""
    since = catalog.decisions.best_since()
    if len(since) < 2:
        return []
    changes = []
    for b in bursts if bursts is not None else find_bursts(catalog, settings_from_catalog(catalog)):
        mine = [pid for pid in b.photo_ids if pid in since]
        if len(mine) > 1 and not b.kept_whole:
            latest = max(mine, key=since.get)
            changes += [(pid, "best", 0, None) for pid in mine if pid != latest]
    if changes:
        from .xmp.sync import write_after_decision

        catalog.decisions.apply(changes, source="bursts")
        catalog.last_xmp_report = write_after_decision(catalog, [c[0] for c in changes])
    return [c[0] for c in changes]
