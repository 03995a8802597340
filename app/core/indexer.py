"""The index job: walk a library, analyse new/changed files in parallel, commit in batches.

Resumable by construction: every batch is committed with the identity
(size, mtime, hash) of its files, so a run that is cancelled or killed loses
at most the batch in flight and the next run skips what is already there.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from . import paths
from .text import plural
from .worker_budget import worker_budget
from .analyze import INDEXED, MOVED, SKIPPED, TOUCHED, VANISHED, FileResult, analyze_file
from .catalog import MISSING, Catalog, PhotoIdentity
from .catalog import SKIPPED as UNREADABLE
from .catalog.jobs import LIBRARY_ROOT
from .catalog.lock import hold
from .fileio import ReadError, sample_hash
from .jobs import CancelToken, Job, Progress, Throttle
from .scanner import FileEntry, ScanError, walk
from .tempfiles import sweep


@dataclass
class IndexSummary:
    root: str
    catalog: str
    indexed: int = 0
    unchanged: int = 0
    moved: int = 0
    updated: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)   # not usable photos: broken, empty, too large
    failed: list[tuple[str, str]] = field(default_factory=list)    # could not be read (the system refused)
    missing: list[str] = field(default_factory=list)
    featured: int = 0
    decisions_moved: int = 0
    feature_errors: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    xmp: Any = None                       # an ImportReport (app/core/xmp/sync.py)
    finished: list[str] = field(default_factory=list)   # interrupted file operations it finished first
    bests_unmarked: list[str] = field(default_factory=list)   # older bests of bursts that came together
    moved_ids: list[int] = field(default_factory=list, repr=False)   # photos found under a new name (not in JSON)
    arrived_ids: list[int] = field(default_factory=list, repr=False)  # rows that got their content now (not in JSON)

    def to_json(self) -> dict[str, Any]:
        """Paths as they are (a name that is not UTF-8 keeps its surrogates: the CLI's JSON writer
        escapes them, see app/cli.py)."""
        return {
            "root": self.root, "catalog": str(self.catalog),
            "indexed": self.indexed, "unchanged": self.unchanged, "moved": self.moved,
            "updated": self.updated, "skipped": len(self.skipped), "failed": len(self.failed),
            "missing": len(self.missing),
            "skipped_files": [{"path": p, "reason": r} for p, r in self.skipped],
            "failed_files": [{"path": p, "reason": r} for p, r in self.failed],
            "missing_files": list(self.missing),
            "featured": self.featured, "decisions_moved": self.decisions_moved,
            "feature_errors": [{"path": p, "reason": r} for p, r in self.feature_errors],
            "cancelled": self.cancelled, "seconds": round(self.seconds, 3),
            "xmp": self.xmp.to_json() if self.xmp is not None else None,
            "finished": list(self.finished), "bests_unmarked": list(self.bests_unmarked),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> "IndexSummary":
        """The summary back from its JSON (an index run in a child process)."""
        from .xmp.sync import ImportReport

        xmp = doc.get("xmp")
        return cls(root=doc["root"], catalog=doc["catalog"], indexed=doc["indexed"], unchanged=doc["unchanged"],
                   moved=doc["moved"], updated=doc["updated"],
                   skipped=[(f["path"], f["reason"]) for f in doc["skipped_files"]],
                   failed=[(f["path"], f["reason"]) for f in doc.get("failed_files", [])],
                   missing=list(doc["missing_files"]), featured=doc["featured"],
                   decisions_moved=doc["decisions_moved"],
                   feature_errors=[(f["path"], f["reason"]) for f in doc["feature_errors"]],
                   cancelled=doc["cancelled"], seconds=doc["seconds"],
                   xmp=None if xmp is None else ImportReport.from_json(xmp), finished=list(doc.get("finished", [])),
                   bests_unmarked=list(doc.get("bests_unmarked", [])))

    def headline(self) -> str:
        """One line for a status bar: what changed, or that the library was already up to date."""
        counts = [(self.indexed, "new"), (self.updated, "updated"), (self.moved, "moved"),
                  (len(self.skipped), "skipped (unreadable)"), (len(self.failed), "could not be read"),
                  (len(self.missing), "missing")]
        changes = [f"{n} {word}" for n, word in counts if n]
        if self.xmp is not None and self.xmp.imported:
            changes.append(f"{len(self.xmp.imported)} with ratings from XMP")
        if self.xmp is not None and self.xmp.conflicts:
            sides = sorted({newer for _p, newer in self.xmp.conflicts})
            changes.append(f"{len(self.xmp.conflicts)} where sidecar and catalog disagreed (the newer won: "
                           f"{' and '.join(sides)})")
        if self.finished:
            changes.append(f"{plural(len(self.finished), 'interrupted file operation')} finished")
        if self.bests_unmarked:
            changes.append(f"{plural(len(self.bests_unmarked), 'older best')} of bursts that came together unmarked "
                           "(your latest best stays)")
        if self.cancelled:
            return "indexing cancelled" + (f": {', '.join(changes)}" if changes else "")
        if not changes:
            return f"up to date: {plural(self.unchanged, 'photo')} unchanged"
        return "indexed: " + ", ".join(changes)


def _under(path: str, root: str) -> bool:
    return path.startswith(root.rstrip(os.sep) + os.sep)


class _JobRow:
    """The job's row in the ``jobs`` table (progress survives a crash for the UI to show)."""

    def __init__(self, catalog: Catalog, root: str) -> None:
        self.store = catalog.jobs
        self.id = self.store.start("index", paths.display(root))

    def update(self, done: int, total: int) -> None:  # called inside the batch transaction
        self.store.update(self.id, done, total)

    def finish(self, state: str, message: str | None = None) -> None:
        self.store.finish(self.id, state, message)


def index_library(catalog: Catalog, root: str, *, cancel: CancelToken | None = None,
                  workers: int | None = None, batch_size: int = 64, features=None,
                  rehash: bool = False, ray: str | None = None) -> Job[IndexSummary]:
    """``features``: a :class:`~app.core.features.compute.FeaturePipeline` (None: metadata and
    thumbnails only). Photos whose stored features came from another pipeline are re-analysed.
    A file whose size and mtime did not change is checked by a sampled hash (``rehash``: by a
    full hash). One index runs per library at a time; a second one waits for it. ``ray``: the
    per-file work runs on a Ray cluster at that address ("local": one on this machine), the
    writes stay here (app/core/cluster.py)."""
    started = time.monotonic()
    root = os.path.abspath(root)
    cancel = cancel or CancelToken()
    summary = IndexSummary(root=root, catalog=str(catalog.path))
    catalog.require_writable("indexing")
    lock = yield from hold(catalog.path, "indexing", cancel)
    if lock is None:
        summary.cancelled = True
        return summary
    try:
        from .recovery import finish_interrupted

        summary.finished = finish_interrupted(catalog)   # a move or trashing a kill cut short: before files are
        #                                                  judged missing
        return (yield from _run(catalog, root, cancel, summary, started, workers, batch_size, features, rehash, ray))
    finally:
        lock.release()


def _run(catalog, root, cancel, summary, started, workers, batch_size, features, rehash, ray=None):
    job = _JobRow(catalog, root)
    if catalog.settings.get(LIBRARY_ROOT) != root:   # exact, for a library moved as a whole (library_moves.py)
        catalog.settings.set({LIBRARY_ROOT: root})
    try:
        sweep(catalog.thumbs_dir, recursive=True)
        entries = yield from _scan(root, summary, [catalog.thumbs_dir, *catalog.derived_dirs()])
        plan = _plan(catalog, root, entries, summary, features, rehash)
        yield from _verify(catalog, plan, summary, workers, cancel)
        if features is not None and plan.todo and not ray:
            features.prepare()                  # models load only when there is work for them
        with worker_budget(features is not None and bool(plan.todo) and not ray, workers):
            yield from _process(catalog, plan, summary, cancel, job, workers, batch_size, features, ray)
        if not cancel.cancelled:
            _mark_missing(catalog, plan, summary)
            if summary.indexed or summary.updated or summary.missing:
                catalog.pair_checks.prune()          # comparisons of pictures no longer here
                catalog.detail_evidence.prune()
                catalog.frame_steps.prune()
                catalog.highlight_pairs.prune()
                catalog.local_features.prune()
        summary.decisions_moved = catalog.decisions.reconcile(summary.arrived_ids)
        if not cancel.cancelled:
            from .xmp.sync import import_xmp

            summary.xmp = yield from import_xmp(catalog, cancel)   # ratings set in other editors
        if not cancel.cancelled:
            from .culling import reconcile_bests

            # bursts that came together (frames filling a gap, a best frame back from away): one best;
            # only where photos came, went or moved (an unchanged library groups no bursts anew)
            if summary.indexed or summary.updated or summary.moved or summary.missing or summary.decisions_moved:
                summary.bests_unmarked = [catalog.photos.get(pid)["path"] for pid in reconcile_bests(catalog)]
            _sidecars_of_moved(catalog, summary)
        if features is not None:
            from .vector_index import sync_indexes

            yield from sync_indexes(catalog, features.model)
        summary.cancelled = cancel.cancelled
        job.finish("cancelled" if cancel.cancelled else "completed")
    except BaseException as exc:
        job.finish("failed", f"{type(exc).__name__}: {exc}")
        raise
    summary.seconds = time.monotonic() - started
    yield Progress("done", summary.indexed, summary.indexed, message="cancelled" if summary.cancelled else "done")
    return summary


def _sidecars_of_moved(catalog, summary: IndexSummary) -> None:
    """With sidecars written after each decision: those of photos found under a new name, whose
    decisions made while they were away (a folder renamed with the window open) could not follow
    then; a failure goes with the index's XMP report."""
    from .xmp.sync import write_after_decision

    states = catalog.decisions.states() if summary.moved_ids else {}
    decided = [pid for pid in summary.moved_ids if pid in states]
    report = write_after_decision(catalog, decided) if decided else None
    if report is not None and report.failed and summary.xmp is not None:
        summary.xmp.failed += report.failed


def _scan(root: str, summary: IndexSummary, own=()):
    entries: list[FileEntry] = []
    throttle = Throttle()
    for item in walk(root, own):
        if isinstance(item, ScanError):
            (summary.failed if item.failed else summary.skipped).append((item.path, item.reason))
            continue
        entries.append(item)
        if throttle.ready():
            yield Progress("scan", len(entries), None, current=item.path)
    yield Progress("scan", len(entries), len(entries))
    return entries


@dataclass
class _Plan:
    todo: list[tuple[FileEntry, PhotoIdentity | None]]
    looks_unchanged: list[tuple[FileEntry, PhotoIdentity]]   # same size and mtime: sampled hash to check
    on_disk: set[str]
    vanished: dict[str, PhotoIdentity]            # rows under root whose path is gone
    movable: dict[str, list[PhotoIdentity]]       # content hash -> rows whose file is gone


def _plan(catalog: Catalog, root: str, entries: list[FileEntry], summary: IndexSummary, features=None,
          rehash: bool = False) -> _Plan:
    known = catalog.photos.identities()
    current = catalog.features.current(features.id) if features is not None else None
    on_disk = {e.path for e in entries}
    todo, looks_unchanged = [], []
    for e in entries:
        ident = known.get(e.path)
        if ident and ident.status != MISSING and (ident.size, ident.mtime_ns) == (e.size, e.mtime_ns):
            if ident.status == UNREADABLE:
                if ident.content_hash and not rehash:
                    # read, but not a usable image: the same bytes are reported again, not "unchanged"
                    summary.skipped.append((e.path, ident.status_reason or "could not be read"))
                    continue
                # never read (permission, disk error): tried again by every run; --rehash decodes
                # broken files again too
                todo.append((e, dataclasses.replace(ident, content_hash=None)))
                continue
            if rehash:                              # read whole: unchanged bytes come back TOUCHED
                todo.append((e, ident))
                continue
            if current is None or ident.id in current:
                looks_unchanged.append((e, ident))
                continue
            ident = dataclasses.replace(ident, content_hash=None)   # same file, features to (re)compute
        todo.append((e, ident))
    vanished = {p: i for p, i in known.items() if _under(p, root) and p not in on_disk}
    movable: dict[str, list[PhotoIdentity]] = defaultdict(list)
    for p, ident in known.items():
        if ident.content_hash and ident.status != "skipped" and p not in on_disk and (
                p in vanished or ident.status == MISSING):
            movable[ident.content_hash].append(ident)
    return _Plan(todo, looks_unchanged, on_disk, vanished, movable)


def _verify(catalog: Catalog, plan: _Plan, summary: IndexSummary, workers, cancel):
    """Same size and mtime is not proof of the same bytes (a tool that keeps the mtime, a copy
    over the file): a sampled hash decides. Rows indexed before sampled hashes get theirs."""
    stored = catalog.photos.sample_hashes()
    total = len(plan.looks_unchanged)
    fill: dict[int, str] = {}
    throttle = Throttle()
    with ThreadPoolExecutor(max_workers=workers or min(8, 2 * (os.cpu_count() or 1)),
                            thread_name_prefix="verify") as pool:
        def check(item):
            try:
                return item, sample_hash(item[0].path)
            except ReadError:
                return item, None           # vanished or unreadable now: the full pass reports it
        for done, ((entry, ident), sample) in enumerate(pool.map(check, plan.looks_unchanged), 1):
            known = stored.get(ident.id)
            if sample is not None and known == sample:
                summary.unchanged += 1
            elif sample is not None and known is None:
                fill[ident.id] = sample
                summary.unchanged += 1
            else:
                plan.todo.append((entry, ident))     # new content behind the same size and mtime
            if throttle.ready():
                yield Progress("verify", done, total, current=entry.path)
    if fill and not cancel.cancelled:
        with catalog.transaction():
            catalog.photos.set_sample_hashes(fill)


class _LocalPool:
    """The per-file work in this process's threads."""

    def __init__(self, workers: int, features) -> None:
        self.workers, self.features = workers, features
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="index")

    def submit(self, entry, thumbs_dir, expected, hashes) -> Future:
        return self.pool.submit(analyze_file, entry, thumbs_dir, expected, hashes, features=self.features)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True)


@contextlib.contextmanager
def _file_pool(workers, features, ray):
    if ray:
        from .cluster import RayPool

        pool = RayPool(ray, features, num_cpus=workers)
        try:
            yield pool
        finally:
            pool.shutdown(local=ray == "local")
    else:
        pool = _LocalPool(workers or min(4, os.cpu_count() or 1), features)
        try:
            yield pool
        finally:
            pool.shutdown()


def _process(catalog, plan: _Plan, summary, cancel, job, workers, batch_size, features=None, ray=None):
    total = len(plan.todo)
    if not total:
        return
    movable = frozenset(plan.movable)
    pending: dict[Future, tuple[FileEntry, PhotoIdentity | None]] = {}
    queue = iter(plan.todo)
    batch: list[tuple[FileResult, PhotoIdentity | None]] = []
    done = 0
    throttle = Throttle()
    with _file_pool(workers, features, ray) as pool:
        workers = pool.workers

        def submit(entry, ident, hashes=movable):
            # A file back from 'missing' is analysed afresh, so its row gets its status back.
            expected = ident.content_hash if ident and ident.status != MISSING else None
            fut = pool.submit(entry, catalog.thumbs_dir, expected, hashes)
            pending[fut] = (entry, ident)

        while True:
            while len(pending) < workers * 2 and not cancel.cancelled:
                nxt = next(queue, None)
                if nxt is None:
                    break
                submit(*nxt)
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                entry, ident = pending.pop(fut)
                result = fut.result()
                if result.outcome == MOVED and not plan.movable.get(result.content_hash):
                    submit(entry, ident, frozenset())  # its twin claimed the old row: index it afresh
                    continue
                if result.outcome == MOVED:
                    old = _closest(plan.movable[result.content_hash], entry.path)
                    plan.vanished.pop(old.path, None)
                    batch.append((result, old))
                else:
                    batch.append((result, ident))
                done += 1
            committed = len(batch) >= batch_size or (not pending and batch)
            if committed:
                _commit(catalog, batch, summary, job, done, total, features and features.id)
                batch = []
            if committed or throttle.ready() or not pending:
                yield Progress("index", done, total, current=entry.path)
    if batch:
        _commit(catalog, batch, summary, job, done, total, features and features.id)


def _closest(rows: list[PhotoIdentity], path: str) -> PhotoIdentity:
    """Takes from ``rows`` (vanished rows of one content) the one whose old path is most like
    ``path``: the same file name, then the most folders in common from the end; then one whose
    old folder is gone too (moved with its folder: a file gone from a folder still there was
    deleted), then one as deep as ``path``, then the oldest. Identical copies moved together
    (their folder renamed) each keep their own row, and with it their own decisions (a review:
    four copies rated 2-5 came back shuffled, as the workers finished; a trial: the original
    deleted and its backup copy's folder renamed, the copy took the original's pick)."""
    depth = len(os.path.normpath(path).split(os.sep))
    best = max(rows, key=lambda r: (paths.shared_tail(r.path, path), not os.path.isdir(os.path.dirname(r.path)),
                                    len(os.path.normpath(r.path).split(os.sep)) == depth, -r.id))
    rows.remove(best)
    return best


def _commit(catalog: Catalog, batch, summary: IndexSummary, job: _JobRow, done: int, total: int,
            features_id: str | None = None) -> None:
    photos = catalog.photos
    arrived_before = len(summary.arrived_ids)
    with catalog.transaction():
        for result, ident in batch:
            e = result.entry
            if result.outcome == INDEXED:
                if ident is not None and ident.content_hash and ident.content_hash != result.content_hash:
                    _keep_decisions(catalog, ident, result)
                held = photos.content_at(e.path)
                photo_id = photos.upsert(e.path, result.columns)
                if held != result.content_hash:         # a new file, or new content: a picture may turn up here
                    summary.arrived_ids.append(photo_id)
                if result.features is not None:
                    catalog.features.save(photo_id, result.features, features_id)
                    summary.featured += 1
                elif result.features_error:
                    summary.feature_errors.append((e.path, result.features_error))
                if result.thumb_size:
                    catalog.thumbnails.record(result.content_hash, result.thumb_size)
                summary.indexed += 1
            elif result.outcome == TOUCHED:
                photos.touch(ident.id, e.size, e.mtime_ns, result.sample_hash)
                summary.updated += 1
            elif result.outcome == MOVED:
                photos.move(ident.id, e.path, e.size, e.mtime_ns, result.sample_hash)
                summary.moved += 1
                summary.moved_ids.append(ident.id)
            elif result.outcome == SKIPPED:
                photos.upsert(e.path, {"size": e.size, "mtime_ns": e.mtime_ns,
                                       "content_hash": result.content_hash, "status": "skipped",
                                       "status_reason": result.reason})
                # not read at all is a failure; read but not an image is a broken file, skipped
                (summary.failed if result.content_hash is None else summary.skipped).append((e.path, result.reason))
            elif result.outcome == VANISHED:
                if ident is not None:
                    photos.mark_missing([ident.id])
                    summary.missing.append(e.path)
                else:
                    summary.skipped.append((e.path, result.reason))
        catalog.decisions.arrived(summary.arrived_ids[arrived_before:])   # (kept for a kill before reconcile)
        job.update(done, total)


def _keep_decisions(catalog: Catalog, ident: PhotoIdentity, result: FileResult) -> None:
    """New content in a known file. Its decisions stay when it is the same picture (same
    pixels, or an edited copy); otherwise they wait for their picture (see DecisionStore)."""
    old = catalog.features.pixel_hash(ident.id)
    same_pixels = bool(old) and result.features is not None and old == result.features.pixel_hash
    if same_pixels or result.edit_of_previous:
        catalog.decisions.carry(ident.id, ident.content_hash, result.content_hash, same_pixels)


def _mark_missing(catalog: Catalog, plan: _Plan, summary: IndexSummary) -> None:
    gone = [i for i in plan.vanished.values() if i.status != MISSING and not os.path.isfile(i.path)]
    with catalog.transaction():
        catalog.photos.mark_missing(i.id for i in gone)
    summary.missing.extend(i.path for i in gone)
