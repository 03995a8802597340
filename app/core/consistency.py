"""``phototriage check``: does everything derived from the catalog agree with it? The SQLite
file itself (integrity, foreign keys), the thumbnails on disk, the vector indexes (this catalog
instance, the current content of every photo), files of interrupted writes, photos whose file
is gone. With ``repair`` each disagreement that can be mended is: a thumbnail is made again
from its original, an index rebuilt, debris removed. The originals are only read."""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field

from .catalog.lock import exclusive
from .catalog.references import mend_reference
from .jobs import CancelToken, Job, Progress, Throttle
from .tempfiles import is_debris, sweep
from .thumbnails import thumb_path, thumbnail_size


@dataclass
class Finding:
    kind: str
    count: int
    detail: str
    repaired: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    catalog: str
    photos: int = 0
    findings: list[Finding] = field(default_factory=list)
    waiting_decisions: int = 0
    files_gone: list[str] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return sum(f.count - f.repaired for f in self.findings)

    def to_json(self) -> dict:
        return {"catalog": self.catalog, "photos": self.photos, "consistent": self.problems == 0,
                "problems": self.problems, "waiting_decisions": self.waiting_decisions,
                "files_gone": self.files_gone,
                "findings": [asdict(f) for f in self.findings]}


def _add(report: CheckReport, kind: str, items: list, detail: str) -> Finding | None:
    if not items:
        return None
    finding = Finding(kind, len(items), detail, examples=[str(x) for x in items[:5]])
    report.findings.append(finding)
    return finding


def check_catalog(catalog, repair: bool = False, cancel: CancelToken | None = None) -> Job[CheckReport]:
    """What is wrong (and, with ``repair``, mended). A repair is one writer at a time
    (app/core/catalog/lock.py): it finishes operations a kill interrupted, never another
    process's in flight."""
    cancel = cancel or CancelToken()
    if repair:
        catalog.require_writable("--repair (check without it works)")
    return (yield from exclusive(catalog.path, "repairing the catalog", _check_catalog(catalog, repair, cancel), cancel,
                                 lambda: CheckReport(str(catalog.path)), needed=repair))


def _check_catalog(catalog, repair: bool, cancel: CancelToken) -> Job[CheckReport]:
    report = CheckReport(str(catalog.path))
    yield Progress("check", 0, 4, current="database")
    _database(catalog, report, repair)
    if any(f.kind == "integrity" for f in report.findings):
        return report                   # nothing else can be trusted; restore a backup
    yield from _thumbnails(catalog, report, repair, cancel)
    yield Progress("check", 2, 4, current="vector indexes")
    _vectors(catalog, report, repair)
    yield Progress("check", 3, 4, current="files")
    _debris(catalog, report, repair)
    _interrupted(catalog, report, repair)
    _vanished(catalog, report)
    report.photos = catalog.photos.counts().get("ok", 0)
    report.waiting_decisions = catalog.decisions.waiting()
    yield Progress("check", 4, 4)
    return report


def _database(catalog, report: CheckReport, repair: bool = False) -> None:
    result, broken = catalog.integrity()
    if result != ["ok"]:
        from .catalog.connection import damage_advice

        _add(report, "integrity", result, f"the catalog file is damaged: {damage_advice(catalog.path)}")
        return
    finding = _add(report, "references", [f"{table} row {rowid}" for table, rowid, *_ in broken],
                   "rows that point at rows which do not exist")
    if finding and repair:
        with catalog.transaction():
            for table, rowid, parent, _fk in broken:
                mend_reference(catalog.conn, table, rowid, parent)
        finding.repaired = finding.count - len(catalog.integrity()[1])


def _interrupted(catalog, report: CheckReport, repair: bool) -> None:
    """Exports and trashings a kill interrupted (each later export, trash or index finishes them too)."""
    from .recovery import finish_interrupted, interrupted

    finding = _add(report, "interrupted file operations", interrupted(catalog),
                   "copies, moves, trashings or undos a kill interrupted: check --repair finishes or rolls them back")
    if finding and repair:
        finish_interrupted(catalog)
        finding.repaired = finding.count - len(interrupted(catalog))


def _thumbnails(catalog, report: CheckReport, repair: bool, cancel: CancelToken):
    listing = [(p, h) for p, h, status in catalog.photos.listing() if status == "ok" and h]
    rows = catalog.thumbnails.hashes()
    needed = {h for _, h in listing}
    missing = [(p, h) for p, h in listing if not thumb_path(catalog.thumbs_dir, h).exists()]
    unrecorded = sorted(h for h in needed - rows if thumb_path(catalog.thumbs_dir, h).exists())
    dangling = sorted(h for h in rows if not thumb_path(catalog.thumbs_dir, h).exists())
    f_missing = _add(report, "thumbnails missing", [p for p, _ in missing],
                     "present photos without a thumbnail file")
    f_unrec = _add(report, "thumbnails unrecorded", unrecorded, "thumbnail files the catalog does not list")
    missing_hashes = {h for _, h in missing}
    f_dangling = _add(report, "thumbnail rows without file", [h for h in dangling if h not in missing_hashes],
                      "catalog rows of thumbnails that are not on disk")
    if not repair:
        yield Progress("check", 1, 4, current="thumbnails")
        return
    throttle = Throttle()
    for i, (path, digest) in enumerate(missing):
        if cancel.cancelled:
            break
        size = _remake_thumbnail(catalog, path, digest)
        if size is not None:
            with catalog.transaction():
                catalog.thumbnails.record(digest, size)
            f_missing.repaired += 1
        elif not os.path.isfile(path):          # the file is gone: marked missing, as an index would
            with catalog.transaction():
                catalog.photos.mark_missing([catalog.photos.id_for_path(path)])
            f_missing.repaired += 1
        if throttle.ready():
            yield Progress("thumbnails", i + 1, len(missing), current=path)
    if f_unrec:
        with catalog.transaction():
            for digest in unrecorded:
                size = thumbnail_size(thumb_path(catalog.thumbs_dir, digest))
                if size is not None:
                    catalog.thumbnails.record(digest, size)
                    f_unrec.repaired += 1
    if f_dangling:
        still = [h for h in dangling if not thumb_path(catalog.thumbs_dir, h).exists()]
        catalog.thumbnails.forget(still)
        f_dangling.repaired = f_dangling.count
    yield Progress("check", 1, 4, current="thumbnails")


def _remake_thumbnail(catalog, path: str, digest: str) -> tuple[int, int] | None:
    """Only from the very bytes the catalog knows (a changed file is the next index's work)."""
    from .decode import DecodeError, decode
    from .fileio import ReadError, read_original
    from .thumbnails import write_thumbnail

    try:
        data, actual = read_original(path, os.path.getsize(path))
        if actual != digest or data is None:
            return None
        return write_thumbnail(decode(data, path).image, thumb_path(catalog.thumbs_dir, digest))
    except (OSError, ReadError, DecodeError):
        return None


def _vectors(catalog, report: CheckReport, repair: bool) -> None:
    from .library_models import embedding_model
    from .vector_index import is_current, open_index

    spaces = []
    model = embedding_model(catalog)
    if catalog.features.count(model):
        spaces.append(("photos", model))
    if catalog.features.faces():
        spaces.append(("faces", "sface"))
    stale = [f"{space} ({model})" for space, model in spaces if not is_current(catalog, space, model)]
    finding = _add(report, "vector indexes", stale,
                   "indexes that belong to another catalog or miss photos' current content (searches rebuild them)")
    if finding and repair:
        for space, model in spaces:
            if not is_current(catalog, space, model):
                open_index(catalog, space, model)
                finding.repaired += 1


def _debris(catalog, report: CheckReport, repair: bool) -> None:
    folders = [catalog.path.parent, *catalog.derived_dirs()]
    found = [p for d in folders if d.is_dir() for p in d.glob(".*") if p.is_file() and is_debris(p)]
    if catalog.thumbs_dir.is_dir():
        found += [p for p in catalog.thumbs_dir.rglob(".*") if p.is_file() and is_debris(p)]
    finding = _add(report, "interrupted writes", [p.name for p in found],
                   "temporary files a killed process left behind")
    if finding and repair:
        removed = sum(len(sweep(d)) for d in folders) + len(sweep(catalog.thumbs_dir, recursive=True))
        finding.repaired = min(finding.count, removed)


def _vanished(catalog, report: CheckReport) -> None:
    """Not a disagreement inside the catalog: the next index marks them missing."""
    report.files_gone = [p for p, _, status in catalog.photos.listing()
                         if status == "ok" and not os.path.isfile(p)]
