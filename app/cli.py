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


class Failure(Exception):
    """A failure reported to the user as one line, exit code 1."""


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", help="catalog file (default: one per library in the "
                                                "user data folder)")
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    if "folder" not in [a.dest for a in p._actions]:
        p.add_argument("--library", metavar="FOLDER", help="use the default catalog of this library folder")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="phototriage", description="Cull photo libraries locally.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("index", help="scan and index a folder (incremental)")
    p.add_argument("folder")
    _common(p)
    p.add_argument("--workers", type=int, default=None, help="decoding threads (default: cores, max 4)")
    p.add_argument("--batch-size", type=int, default=64, help="files committed per transaction")
    p.add_argument("--no-features", action="store_true",
                   help="metadata and thumbnails only (no embeddings, quality or faces)")
    p.set_defaults(func=cmd_index)

    from app.cli_features import add_parsers as add_feature_parsers
    from app.cli_triage import add_parsers as add_triage_parsers

    add_feature_parsers(sub, _common)
    add_triage_parsers(sub, _common)
    return parser


def _catalog_path(args) -> str:
    from app.core import paths

    if args.db:
        return os.path.abspath(args.db)
    folder = getattr(args, "folder", None) or getattr(args, "library", None)
    if folder is None:
        raise Failure("say which catalog: --db PATH or --library FOLDER")
    return str(paths.default_catalog_path(os.path.abspath(folder)))


class _ProgressBar:
    """tqdm on stderr, only for an interactive terminal and not with --json."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar = None
        self.phase = None

    def __call__(self, event) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if event.phase != self.phase:
            if self.bar is not None:
                self.bar.close()
            self.phase = event.phase
            self.bar = tqdm(total=event.total, desc=event.phase, unit="photo", file=sys.stderr,
                            dynamic_ncols=True, leave=False)
        if event.total is not None and self.bar.total != event.total:
            self.bar.total = event.total
        self.bar.n = event.done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_index(args) -> dict[str, Any]:
    from app.core.catalog import Catalog
    from app.core.indexer import index_library
    from app.core.jobs import CancelToken, drive

    folder = os.path.abspath(args.folder)
    if not os.path.isdir(folder):
        raise Failure(f"not a folder: {args.folder}")
    cancel = CancelToken()

    def on_sigint(signum, frame):
        if cancel.cancelled:
            raise KeyboardInterrupt
        print("\ncancelling: finishing the files in flight (Ctrl-C again to abort)", file=sys.stderr)
        cancel.cancel()

    previous = signal.signal(signal.SIGINT, on_sigint)
    bar = _ProgressBar(not args.json)
    try:
        with Catalog(_catalog_path(args)) as catalog:
            features = None
            if not args.no_features:
                from app.core.library_models import feature_pipeline

                features = feature_pipeline(catalog)
            summary = drive(index_library(catalog, folder, cancel=cancel, workers=args.workers,
                                          batch_size=max(1, args.batch_size), features=features), bar)
    finally:
        bar.close()
        signal.signal(signal.SIGINT, previous)
    return summary.to_json()


def _print_human(result: dict[str, Any]) -> None:
    if "indexed" in result:
        print(f"{result['root']}: {result['indexed']} indexed, {result['unchanged']} unchanged, "
              f"{result['moved']} moved, {result['skipped']} skipped, {result['missing']} missing"
              f"{' (cancelled)' if result['cancelled'] else ''} in {result['seconds']:.1f} s")
        for item in result["skipped_files"]:
            print(f"  skipped {item['path']}: {item['reason']}")
        for path in result["missing_files"]:
            print(f"  missing {path}")
        print(f"catalog: {result['catalog']}")
    else:
        print(json.dumps(result, indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], Any] = args.func
    real_stdout = sys.stdout
    try:
        # Libraries that print (model loaders) must not corrupt the JSON document on stdout.
        with contextlib.redirect_stdout(sys.stderr if args.json else sys.stdout):
            result = func(args)
    except KeyboardInterrupt:
        print("phototriage: aborted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line for the user; details only with PHOTOTRIAGE_DEBUG
        if os.environ.get("PHOTOTRIAGE_DEBUG"):
            raise
        reason = str(exc) if isinstance(exc, Failure) else f"{type(exc).__name__}: {exc}"
        reason = " ".join(reason.split())
        if args.json:
            print(json.dumps({"error": reason}), file=real_stdout)
        print(f"phototriage: error: {reason}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(result, real_stdout, ensure_ascii=False, indent=2)
        real_stdout.write("\n")
    else:
        _print_human(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
