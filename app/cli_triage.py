"""CLI commands for triage: bursts, pick, train."""
from __future__ import annotations

import os
import sys
from typing import Any

from app.cli_common import SECONDS, SIMILARITY, Failure, open_catalog, run_job


def add_parsers(sub, common) -> None:
    p = sub.add_parser("bursts", help="bursts with the suggested best frame and scores")
    p.add_argument("--max-gap", type=SECONDS, default=None, help="seconds between frames of one burst (default 10)")
    p.add_argument("--min-similarity", type=SIMILARITY, default=None,
                   help="embedding cosine between frames, 0 to 1 (default 0.75)")
    p.add_argument("--no-rank", action="store_true", help="group only")
    common(p)
    p.set_defaults(func=cmd_bursts)

    p = sub.add_parser("pick", help="record a decision for a photo")
    p.add_argument("path")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--accept", action="store_true")
    g.add_argument("--reject", action="store_true")
    g.add_argument("--best", action="store_true", help="mark as the best frame of its burst")
    g.add_argument("--rating", type=int, choices=range(0, 6))
    g.add_argument("--clear", action="store_true", help="neither accepted nor rejected")
    common(p)
    p.set_defaults(func=cmd_pick)

    p = sub.add_parser("train", help="fine-tune the ranker from your decisions (adopted only when better)")
    p.add_argument("--rollback", action="store_true", help="go back to the previous ranker version")
    p.add_argument("--use", metavar="VERSION", help="use a kept version again (see --status), e.g. after a rollback")
    p.add_argument("--status", action="store_true", help="list versions and the one in use")
    common(p)
    p.set_defaults(func=cmd_train)


def cmd_bursts(args) -> Any:
    from collections import Counter

    from app.core.bursts import settings_from_catalog
    from app.core.catalog.lock import WriterLock
    from app.core.jobs import drive
    from app.core.text import plural
    from app.core.triage import ranked_bursts

    with open_catalog(args) as catalog:
        base = settings_from_catalog(catalog)
        import dataclasses

        settings = dataclasses.replace(
            base, max_gap_s=args.max_gap if args.max_gap is not None else base.max_gap_s,
            min_similarity=args.min_similarity if args.min_similarity is not None else base.min_similarity)
        running = WriterLock(catalog.path)
        if running.held_elsewhere():
            print(f"phototriage: another process (pid {running.holder()}) is {running.activity()} in this library"
                  + (": the photos it has not reached yet are in no burst" if running.activity() == "indexing" else ""),
                  file=sys.stderr)
        out, flagged = [], Counter()
        for b in drive(ranked_bursts(catalog, settings, rank=not args.no_rank)):
            path_of = dict(zip(b.photo_ids, b.paths))
            item = {"id": b.id, "kind": b.kind, "photos": list(b.paths)}
            if b.copies:
                item["copies"] = b.copies
            if b.problems:
                item["problems"] = {path_of[i]: why for i, why in b.problems.items()}
                flagged.update(b.problems.values())
            if b.best is not None:
                mine_only = b.confirmed and b.best != b.suggested        # the ranker's reasons are for its own pick
                item.update({"best": path_of[b.best], "best_is_users": b.confirmed,
                             "scores": {path_of[i]: s for i, s in b.scores.items()},
                             "order": [path_of[i] for i in b.order], "reasons": [] if mine_only else b.reasons})
                if mine_only and b.suggested is not None:
                    item.update({"suggested": path_of[b.suggested], "suggested_reasons": b.reasons})
            elif b.kind != "burst":      # kept whole: the contract's keys, with no best and no scores
                item.update({"best": None, "scores": {}})
            elif not args.no_rank:       # too few frames to rank: a burst's keys, with no best
                item.update({"best": None, "best_is_users": False, "scores": {}, "order": [], "reasons": []})
            out.append(item)
        if flagged:
            counts = ", ".join(f"{plural(n, 'frame')} {why}" for why, n in sorted(flagged.items()))
            print(f"phototriage: {counts}: not suggested as best while another frame of its burst can be; "
                  "run `phototriage index`", file=sys.stderr)
        return out


def _where_indexed(path: str, catalog_path) -> str:
    """Advice for a photo this catalog does not hold: no such file; the library of a folder above
    it that has a catalog of its own (a trial: the advice to index a folder indexed already);
    else to index it."""
    from app.core.paths import display, find_catalog_path

    if not os.path.lexists(path):
        return "no such file"
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        found = find_catalog_path(folder)
        if found.exists() and os.path.abspath(found) != os.path.abspath(catalog_path):
            return f"it is in the library {display(folder)}: add `--library {display(folder)}`"
        parent = os.path.dirname(folder)
        if parent == folder:
            return "index its folder first"
        folder = parent


def cmd_pick(args) -> Any:
    import sqlite3

    from app.core.catalog.connection import BUSY_TIMEOUT_S
    from app.core.culling import decide, set_of

    with open_catalog(args) as catalog:
        pid = catalog.photos.id_for_path(os.path.abspath(args.path))
        if pid is None:
            raise Failure(f"not in this catalog: {args.path} ({_where_indexed(args.path, catalog.path)})")
        if not os.path.lexists(args.path):
            print(f"phototriage: {args.path} is gone since the last index; the decision is kept for its picture "
                  "(it follows it when the next index finds it moved or back)", file=sys.stderr)
        try:
            if args.best:
                found = set_of(catalog, pid)
                if found is None:             # as in the window: best is a burst's frame, a single photo has none
                    raise Failure(f"{args.path} is in no burst: --best marks the best frame of a burst "
                                  "(--accept keeps a single photo)")
                if found.kept_whole:
                    raise Failure(f"{args.path} is a frame of a {found.kind.replace('_', ' ')}, kept whole: it has "
                                  "no best frame (--accept keeps a frame)")
                decide(catalog, pid, "best", 1, burst=found.photo_ids)
            elif args.rating is not None:
                decide(catalog, pid, "rating", args.rating)
            else:
                decide(catalog, pid, "pick", 1 if args.accept else -1 if args.reject else 0)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise Failure(f"the decision was not saved: another process held the catalog's write lock for "
                          f"{BUSY_TIMEOUT_S:g} s; try again") from exc
        st = catalog.decisions.state(pid)
        return {"path": os.path.abspath(args.path), "pick": st.pick, "best": st.best, "rating": st.rating}


def cmd_train(args) -> Any:
    from app.core import learning

    with open_catalog(args) as catalog:
        if args.status:
            return {"current": learning.current_version(catalog), "versions": learning.list_versions(catalog)}
        try:
            if args.rollback:
                return {"current": learning.rollback(catalog)}
            if args.use:
                return {"current": learning.use_version(catalog, args.use)}
        except ValueError as exc:
            raise Failure(str(exc)) from exc
        return run_job(learning.train_job(catalog), args).to_json()
