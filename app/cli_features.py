"""CLI commands over the features: search, duplicates, faces, models."""
from __future__ import annotations

import os
from typing import Any

from app.cli_common import SIMILARITY, Failure, UsageError, count, open_catalog, run_job


def add_parsers(sub, common) -> None:
    p = sub.add_parser("search", help="photos similar to an image (or to a text / a face)")
    p.add_argument("image", nargs="?", help="query image (inside or outside the library)")
    p.add_argument("-k", type=count(1), default=20, help="number of results")
    p.add_argument("--text", help="text query (needs an OpenCLIP embedding model)")
    p.add_argument("--face", metavar="PATH", help="photos of the person whose face is in PATH")
    common(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("duplicates", help="exact and near-duplicate groups")
    p.add_argument("--threshold", type=SIMILARITY, default=None,
                   help="embedding similarity for candidates, 0 to 1 (default 0.45; every pair is verified)")
    p.add_argument("--no-rotations", action="store_true", help="skip looking for rotated copies (faster)")
    common(p)
    p.set_defaults(func=cmd_duplicates)

    p = sub.add_parser("faces", help="faces grouped by person")
    p.add_argument("--threshold", type=SIMILARITY, default=None,
                   help="same-person cosine, 0 to 1 (default: SFace's 0.363)")
    common(p)
    p.set_defaults(func=cmd_faces)

    p = sub.add_parser("models", help="list models, fetch weights, choose the embedding model")
    p.add_argument("action", nargs="?", choices=["list", "fetch", "use"], default="list")
    p.add_argument("name", nargs="?")
    common(p)
    p.set_defaults(func=cmd_models)


def cmd_search(args) -> Any:
    from app.core import search

    if sum(x is not None for x in (args.image, args.text, args.face)) != 1:
        raise UsageError("give exactly one of IMAGE, --text or --face")
    with open_catalog(args) as catalog:
        try:
            if args.text is not None:
                results = search.search_by_text(catalog, args.text, args.k)
            elif args.face is not None:
                results = search.search_by_face(catalog, os.path.abspath(args.face), args.k)
            else:
                results = search.search_by_example(catalog, os.path.abspath(args.image), args.k)
        except search.SearchError as exc:
            raise Failure(str(exc)) from exc
        return [r.to_json() for r in results]


def cmd_duplicates(args) -> Any:
    from app.core.duplicates import CANDIDATE_SIMILARITY, find_duplicates

    with open_catalog(args) as catalog:
        groups = run_job(find_duplicates(catalog, threshold=CANDIDATE_SIMILARITY if args.threshold is None else args.threshold,
                                         rotations=not args.no_rotations), args)
        return [g.to_json() for g in groups]


def cmd_faces(args) -> Any:
    from app.core.people import people
    from models.face.detection import SFACE_SAME_PERSON

    with open_catalog(args) as catalog:
        return [p.to_json() for p in people(catalog, SFACE_SAME_PERSON if args.threshold is None else args.threshold)]


def cmd_models(args) -> Any:
    from app.core.models import ModelUnavailable, registry
    from app.core.models.download import tqdm_progress

    reg = registry()
    if args.action == "list":
        out = []
        for spec in reg.specs.values():
            out.append({"name": spec.name, "kind": spec.kind, "title": spec.title, "dim": spec.dim,
                        "text": spec.text, "source": spec.origin, "available": reg.available(spec.name),
                        "licence": spec.licence})
        return out
    if not args.name:
        raise UsageError(f"`models {args.action}` needs a model name")
    try:
        if args.action == "fetch":
            return {"name": args.name, "path": str(reg.path(args.name, True, None if args.json else tqdm_progress(args.name)))}
        from app.core.library_models import set_embedding_model

        reg.path(args.name, allow_download=True)
        with open_catalog(args) as catalog:
            set_embedding_model(catalog, args.name)
        return {"embedding_model": args.name, "note": "run `phototriage index` to re-embed the library"}
    except ModelUnavailable as exc:
        raise Failure(str(exc)) from exc
