"""The ``phototriage`` command line. Drives app.core exactly as the GUI does.

Contract (DESIGN.md): every command takes ``--db`` and ``--json``; with
``--json`` stdout holds exactly one JSON document (library chatter goes to
stderr); exit 0 on success, 2 on bad usage, 1 on failure with a one-line reason.
Heavy modules are imported inside the commands so start-up stays fast.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from typing import Any, Callable

from app.cli_common import Failure, ProgressBar, UsageError, add_common, catalog_path, count, remember_library
from app.cli_output import human_lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="phototriage", description="Cull photo libraries locally.")
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("index", help="scan and index a folder (incremental)")
    p.add_argument("folder")
    add_common(p)
    p.add_argument("--workers", type=count(1), default=None, help="decoding threads (default: cores, max 4)")
    p.add_argument("--batch-size", type=count(1), default=64, help="files committed per transaction")
    p.add_argument("--no-features", action="store_true",
                   help="metadata and thumbnails only (no embeddings, quality or faces)")
    p.add_argument("--progress-lines", action="store_true", help=argparse.SUPPRESS)   # for the window
    p.add_argument("--ray", metavar="ADDRESS",
                   help="run the per-file work on a Ray cluster (ADDRESS, or 'local' for one on this machine "
                        "with --workers CPUs); needs pip install 'phototriage[cluster]'")
    p.add_argument("--moved-from", metavar="OLD", default=None,
                   help="FOLDER is the library that was at OLD, moved or renamed as a whole: its catalog and "
                        "decisions come along (OLD must be gone; a catalog FOLDER got meanwhile, with no "
                        "decision, is kept aside)")
    p.add_argument("--rehash", action="store_true",
                   help="read every file in full to find changed content (default: a sampled hash "
                        "checks files whose size and mtime did not change)")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("check", help="check that the catalog, its thumbnails and its indexes agree")
    add_common(p)
    p.add_argument("--repair", action="store_true", help="mend what can be mended (the originals are only read)")
    p.set_defaults(func=cmd_check)

    from app.cli_decisions import add_parsers as add_decision_parsers
    from app.cli_features import add_parsers as add_feature_parsers
    from app.cli_triage import add_parsers as add_triage_parsers

    add_feature_parsers(sub, add_common)
    add_triage_parsers(sub, add_common)
    add_decision_parsers(sub, add_common)
    return parser


class _VersionAction(argparse.Action):
    """``--version``, reading the installed version only when asked (importlib.metadata costs
    about 45 ms of every command's start otherwise)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0,
                         help=help or "show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("phototriage")
    except PackageNotFoundError:
        return "unknown"


def cmd_index(args) -> dict[str, Any]:
    from app.core.catalog import Catalog
    from app.core.indexer import index_library
    from app.core.jobs import CancelToken, drive
    from app.core.paths import display

    folder = os.path.abspath(args.folder)
    if not os.path.isdir(folder):
        raise Failure(f"not a folder: {args.folder}")
    moved, looks_moved = None, None
    if args.moved_from:                   # a library folder moved or renamed as a whole: its catalog follows
        from app.core.library_moves import NotMoved, adopt

        if args.db:
            raise UsageError("--moved-from takes the catalog of the old folder: leave out --db")
        try:
            moved = adopt(folder, args.moved_from)
        except NotMoved as exc:
            raise Failure(str(exc)) from exc
        print(f"phototriage: the catalog of {display(moved.old_root)} moved to {display(folder)}, with "
              f"the decisions of {moved.decisions} photo{'s' if moved.decisions != 1 else ''}", file=sys.stderr)
    elif not args.db and not os.path.exists(catalog_path(args)):
        from app.core.library_moves import find_moved

        looks_moved = find_moved(folder)  # said after the index (a guess: nothing moves on it)
    cancel = CancelToken()

    def on_sigint(signum, frame):
        if cancel.cancelled:
            raise KeyboardInterrupt
        print("\ncancelling: finishing the files in flight (Ctrl-C again to abort)", file=sys.stderr)
        cancel.cancel()

    previous = signal.signal(signal.SIGINT, on_sigint)
    bar = ProgressBar(not args.json, lines=args.progress_lines)
    try:
        with Catalog(catalog_path(args)) as catalog:
            features = None
            if not args.no_features:
                from app.core.library_models import feature_pipeline

                features = feature_pipeline(catalog)
            summary = drive(index_library(catalog, folder, cancel=cancel, workers=args.workers,
                                          batch_size=args.batch_size, features=features,
                                          rehash=args.rehash, ray=args.ray), bar)
            if features is not None and not cancel.cancelled:
                from app.core.learning import prepare_ranker

                prepare_ranker(catalog)
    finally:
        bar.close()
        signal.signal(signal.SIGINT, previous)
    result = summary.to_json()
    if moved is not None:
        result["library_moved_from"] = moved.old_root
    if looks_moved is not None:
        result["looks_moved_from"] = looks_moved
        print(f"phototriage: {display(folder)} looks like the library that was at {display(looks_moved)}, "
              "which is not there now (moved, renamed, or on a drive not plugged in). If it moved here, "
              f"`phototriage index {display(folder)} --moved-from {display(looks_moved)}` brings its "
              "catalog and decisions (before you decide anything in this new one)", file=sys.stderr)
    remember_library(result["catalog"], folder)
    # exit 1: a file or folder could not be read, or a photo got no features (it cannot be
    # searched); broken files (skipped) are not failures; 130: stopped by Ctrl-C (what was
    # indexed is kept, the summary says "cancelled"), so a script can tell it from a whole index
    result["exit_code"] = 130 if summary.cancelled else 1 if result["feature_errors"] else 0
    return result


def cmd_check(args) -> dict[str, Any]:
    from app.cli_common import open_catalog, run_job
    from app.core.consistency import check_catalog

    with open_catalog(args) as catalog:
        report = run_job(check_catalog(catalog, repair=args.repair), args)
    result = report.to_json()
    result["exit_code"] = 0 if report.problems == 0 else 1
    return result


def main(argv: list[str] | None = None) -> int:
    """Exit status: 0 when every item was done (or was already done), 1 when anything failed
    (the command as a whole, or any one item its report lists under "failed"), 2 for bad
    arguments (argparse, and UsageError), 130 when interrupted. A reader that closes the pipe
    early (``phototriage bursts | head -1``) ends the command quietly."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], Any] = args.func
    real_stdout = sys.stdout
    try:
        # Libraries that print (model loaders) go to stderr: stdout holds the answer only.
        with contextlib.redirect_stdout(sys.stderr):
            result = func(args)
    except KeyboardInterrupt:
        print("phototriage: aborted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line for the user; details only with PHOTOTRIAGE_DEBUG
        if os.environ.get("PHOTOTRIAGE_DEBUG"):
            raise
        reason = plain_reason(exc)
        if args.json:
            emit(real_stdout, json.dumps({"error": reason}, ensure_ascii=False), as_json=True)
        print(f"phototriage: error: {reason}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    from app.core.text import readable

    code = exit_code(result)
    if args.json:
        emit(real_stdout, json.dumps(result, ensure_ascii=False, indent=2), as_json=True)
    else:
        emit(real_stdout, "\n".join(map(readable, human_lines(args.command, result))), as_json=False)
    return code


def exit_code(result: Any) -> int:
    """1 when the report says an item failed ("failed": a count or a list), else the code the
    command set (``exit_code``, taken out of the document), else 0."""
    if not isinstance(result, dict):
        return 0
    code = result.pop("exit_code", 0)
    return 1 if result.get("failed") else code


def emit(stream, text: str, as_json: bool) -> None:
    """The answer on stdout. A file name that is not UTF-8 reaches it escaped: in JSON as
    ``\\udcNN`` escapes of its exact Python path (``json.loads`` then ``os.fsencode`` give the
    bytes back); for people each line went through text.readable (``\\xNN``)."""
    if as_json:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    try:
        stream.write(text + "\n")
        stream.flush()
    except BrokenPipeError:
        _closed_pipe(stream)


def _closed_pipe(stream) -> None:
    """The reader went away: say nothing more, and keep Python from complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def plain_reason(exc: Exception) -> str:
    """The reason in words, on one line: our own failures as they are, an OSError in plain words
    with its file (app.core.text.reason), others without Python class names (except for errors
    we did not foresee, where the name is the only clue)."""
    import sqlite3

    from app.core.text import reason, readable

    if isinstance(exc, Failure):
        return readable(" ".join(str(exc).split()))
    if isinstance(exc, OSError):
        return reason(exc, with_path=True)
    from app.core.catalog import CatalogError
    from app.core.cluster import ClusterUnavailable
    from app.core.decode import DecodeError
    from app.core.models import ModelUnavailable

    if isinstance(exc, (CatalogError, ClusterUnavailable, DecodeError, ModelUnavailable, sqlite3.Error)):
        return reason(exc)
    return f"{type(exc).__name__}: {reason(exc)}"


if __name__ == "__main__":
    sys.exit(main())
