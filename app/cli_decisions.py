"""CLI commands that take decisions out of the app: ``xmp`` (sidecars written and read),
``export`` (the picks copied or moved) and ``trash`` (rejects to the system trash, and back)."""
from __future__ import annotations

from typing import Any

from app.cli_common import Failure, count, open_catalog, run_job


def add_parsers(sub, common) -> None:
    p = sub.add_parser("xmp", help="write decisions to XMP sidecars, or read them from sidecars")
    p.add_argument("action", choices=["write", "read"],
                   help="write: merge every decided photo's decision into its sidecar; read: import "
                        "ratings and picks from sidecars and embedded XMP (the newer side wins)")
    p.add_argument("--naming", choices=["ext", "base"],
                   help="sidecar names: ext = name.ext.xmp (darktable, digiKam), base = name.xmp (Lightroom); "
                        "remembered for the library")
    p.add_argument("--pick-label", help="label that marks a pick (default Green); remembered")
    p.add_argument("--reject-label", help="label that marks a reject (default Red); remembered")
    p.add_argument("--auto", choices=["on", "off"], help="also write the sidecar after each decision")
    p.add_argument("--labels", choices=["on", "off"],
                   help="also write pick/reject as xmp:Label and darktable colour labels (default off; a label "
                        "you set yourself is never replaced); remembered")
    p.add_argument("--suggested-keyword", choices=["on", "off"],
                   help="mark the ranker's unconfirmed best with the keyword 'PhotoTriage suggested best' "
                        "(default off; 'PhotoTriage best' marks your own best only); remembered")
    p.add_argument("--dry-run", action="store_true",
                   help="say what would be written, skipped (and why) and already up to date")
    common(p)
    p.set_defaults(func=cmd_xmp)

    p = sub.add_parser("export", help="copy (or move) the picked photos, with their sidecars")
    p.add_argument("--picks", metavar="DEST", required=True, help="destination folder")
    p.add_argument("--move", action="store_true", help="move instead of copy (the catalog follows)")
    p.add_argument("--flat", action="store_true", help="all in DEST, not in the library's folder structure")
    p.add_argument("--dry-run", action="store_true", help="list what would be exported")
    common(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("trash", help="send rejected photos to the system trash, or put them back")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--rejected", action="store_true", help="trash the rejected photos and their sidecars")
    g.add_argument("--undo", action="store_true", help="put the latest trashed batch back where it was")
    p.add_argument("--batch", type=count(1), metavar="N",
                   help="with --undo: this batch (one that an earlier undo could not finish), not the latest")
    p.add_argument("--dry-run", action="store_true", help="list what would happen")
    common(p)
    p.set_defaults(func=cmd_trash)


def _on(value: str | None) -> str | None:
    return {"on": "1", "off": "0", None: None}[value]


def cmd_xmp(args) -> Any:
    from app.core.xmp.convention import LABELS, SUGGESTED, Convention
    from app.core.xmp.sync import AUTO_WRITE, import_xmp, write_sidecars

    with open_catalog(args) as catalog:
        values = {k: v for k, v in (("xmp.naming", args.naming), ("xmp.pick_label", args.pick_label),
                                    ("xmp.reject_label", args.reject_label),
                                    (AUTO_WRITE, _on(args.auto)), (LABELS, _on(args.labels)),
                                    (SUGGESTED, _on(args.suggested_keyword))) if v is not None}
        if values and not args.dry_run:                  # a dry run tries them without remembering them
            catalog.require_writable("changing the XMP settings")
            catalog.settings.set(values)
        conv = Convention.from_settings(_Overlay(values, catalog.settings))
        if args.action == "read":
            if not args.dry_run:
                catalog.require_writable("importing decisions from XMP")
            return {"action": "read", "dry_run": args.dry_run,
                    **run_job(import_xmp(catalog, dry_run=args.dry_run, conv=conv), args).to_json()}
        from app.core.triage import suggested_best

        if not args.dry_run:
            catalog.require_writable("writing XMP sidecars")     # before any sidecar is written
        suggested = suggested_best(catalog)
        return {"action": "write", **run_job(write_sidecars(catalog, suggested=suggested, dry_run=args.dry_run,
                                                            conv=conv), args).to_json()}


class _Overlay:
    """The catalog's settings with the command's options over them."""

    def __init__(self, values: dict, settings) -> None:
        self.values, self.settings = values, settings

    def get(self, key: str, default=None):
        return self.values[key] if key in self.values else self.settings.get(key, default)


def cmd_export(args) -> Any:
    from app.core.export import ExportRefused, export_picks
    from app.core.text import reason

    with open_catalog(args) as catalog:
        if not args.dry_run:
            catalog.require_writable("exporting (the catalog journals every file it copies or moves)")
        try:
            return run_job(export_picks(catalog, args.picks, move=args.move, flat=args.flat,
                                        dry_run=args.dry_run), args).to_json()
        except ExportRefused as exc:
            raise Failure(str(exc)) from exc
        except OSError as exc:
            raise Failure(f"cannot write to {args.picks}: {reason(exc)}") from exc


def cmd_trash(args) -> Any:
    from app.core.trash import trash_rejected, undo_trash

    with open_catalog(args) as catalog:
        if not args.dry_run:
            catalog.require_writable("trashing photos")
        if args.batch is not None and not args.undo:
            raise Failure("--batch goes with --undo")
        if args.batch is not None and not catalog.trash.entries(args.batch):
            raise Failure(f"batch {args.batch} has nothing in the trash to put back"
                          + _failed_batches_text(catalog.trash.failed_batches()))
        job = undo_trash(catalog, args.dry_run, batch=args.batch) if args.undo else trash_rejected(catalog, args.dry_run)
        out = run_job(job, args).to_json()
        if args.undo:                     # what an undo could not put back, and how to try it again
            out["retry_batches"] = catalog.trash.failed_batches()
        return out


def _failed_batches_text(batches: list[int]) -> str:
    return (f" (an undo could not finish batch{'es' if len(batches) > 1 else ''} "
            f"{', '.join(map(str, batches))}: `phototriage trash --undo --batch N` tries again)") if batches else ""
