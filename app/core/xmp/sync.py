"""XMP for a whole library: write every decided photo's sidecar (``phototriage xmp write``, or
after each decision when the user turns it on) and import what sidecars and embedded XMP say
(at the end of each index, and by ``xmp read``). Both go through the three-way merge of
app/core/xmp/merge.py: a field changed only in the XMP is imported, one changed only in the
catalog is written, one changed on both sides takes the newer, and the user is told."""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..catalog.photos import iso_seconds
from ..catalog.xmp_base import EMBEDDED, OTHER_SIDECAR, SIDECAR, Base
from ..jobs import CancelToken, Job, Progress, Throttle, drive
from ..paths import display
from ..tempfiles import sweep
from .convention import Convention
from .document import XmpError
from .fields import Fields, Ours
from .merge import Side, catalog_values, import_rows, resolve
from .sidecars import (SidecarChanged, SidecarError, folder_listings, other_sidecar, read_embedded_fields, read_sidecar,
                       sidecar_for, sidecar_names, sync_sidecar)

AUTO_WRITE = "xmp.auto_write"
MERGE_TRIES = 3          # reads and merges of one sidecar an editor keeps saving meanwhile


def auto_write_on(catalog) -> bool:
    return (catalog.settings.get(AUTO_WRITE) or "0") == "1"


def plain(exc: BaseException) -> str:
    """A reason in words: no errno numbers, no bytes reprs."""
    if isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        name = getattr(exc, "filename", None)
        return f"{text}: {display(os.fsdecode(name))}" if name and display(os.fsdecode(name)) not in text else text
    if isinstance(exc, UnicodeError):
        return "the file name cannot be stored or shown as text"
    return str(exc)


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)        # a dry run: would fail, and why
    conflicts: list[tuple[str, str]] = field(default_factory=list)      # (sidecar or photo, what was decided)
    imported: list[str] = field(default_factory=list)                   # merged in from sidecars first
    dry_run: bool = False

    def to_json(self) -> dict:
        return {"dry_run": self.dry_run, "written": len(self.written), "unchanged": self.unchanged,
                "sidecars": [display(p) for p in self.written],
                "failed": [{"path": display(p), "reason": display(r)} for p, r in self.failed],
                "skipped": [{"path": display(p), "reason": display(r)} for p, r in self.skipped],
                "conflicts": [{"path": display(p), "reason": display(r)} for p, r in self.conflicts],
                "imported": [display(p) for p in self.imported],
                "exit_code": 1 if self.failed else 0}


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)            # photos whose decisions came from XMP
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (photo, "sidecar" | "catalog": which won)
    failed: list[tuple[str, str]] = field(default_factory=list)
    conflict_fields: dict[str, list[str]] = field(default_factory=dict)  # photo -> the fields both sides changed
    states: dict = field(default_factory=dict)    # photo id -> its decisions after the import (a dry run: as
    #                                               they would be), for the photos XMP changed
    unread: set = field(default_factory=set)      # photo ids whose sidecar (or XMP) could not be read

    def to_json(self) -> dict:
        return {"imported": len(self.imported), "imported_photos": [display(p) for p in self.imported],
                "conflicts": [{"path": display(p), "newer": w, "fields": self.conflict_fields.get(p, [])}
                              for p, w in self.conflicts],
                "failed": [{"path": display(p), "reason": display(r)} for p, r in self.failed]}

    @classmethod
    def from_json(cls, doc: dict) -> "ImportReport":
        return cls(imported=list(doc["imported_photos"]), conflicts=[(c["path"], c["newer"]) for c in doc["conflicts"]],
                   failed=[(f["path"], f["reason"]) for f in doc["failed"]],
                   conflict_fields={c["path"]: c.get("fields", []) for c in doc["conflicts"]})

    def lines(self) -> list[str]:
        return import_lines(self.to_json())


def import_lines(doc: dict) -> list[str]:
    """What an import told, for people (the CLI's index and `xmp read` outputs), from its JSON."""
    from ..text import plural

    out = [f"ratings and picks imported from XMP for {plural(doc['imported'], 'photo')}"] if doc["imported"] else []
    for c in doc["conflicts"]:
        what = f" ({', '.join(c['fields'])})" if c.get("fields") else ""
        out.append(f"{c['path']}: sidecar and catalog disagreed{what}; the {c['newer']} was newer and wins"
                   + ("" if c["newer"] == "sidecar" else " (run `phototriage xmp write` to update the sidecar)"))
    return out + [f"{f['path']}: {f['reason']}" for f in doc["failed"]]


def _decided_photos(catalog, photo_ids: Iterable[int] | None, suggested: set[int]) -> list[tuple[int, str]]:
    states = catalog.decisions.states()
    synced = set(catalog.xmp_base.hashes(SIDECAR))           # a decision cleared since: its sidecar follows
    wanted = set(photo_ids) if photo_ids is not None else set(states) | suggested | synced
    out = []
    for pid in sorted(wanted):
        photo = catalog.photos.get(pid)
        if photo is not None and photo.get("status") == "ok":
            out.append((pid, photo["path"]))
    return out


def _decided_ns(catalog) -> dict[int, int]:
    return {pid: int(iso_seconds(at) * 1e9) for pid, at in catalog.sidecars.latest_decision_at().items()}


def _merge(catalog, pid: int, path: str, sides: list[Side], decided: dict[int, int], conv: Convention,
           imported: list[str], conflicts: list, apply: bool):
    """Resolve one photo against its XMP sides; import (unless ``apply`` is False); returns the
    state after it (in a dry run: as it would be)."""
    state = catalog.decisions.state(pid)
    imports, fields_in_conflict = resolve(state, sides, decided.get(pid), conv)
    if fields_in_conflict:
        conflicts.append((path, fields_in_conflict))
    if imports:
        imported.append(path)
        if apply:
            catalog.decisions.apply(import_rows(catalog, pid, imports), source="xmp")
            return catalog.decisions.state(pid)
        for f, v in imports.items():
            state.apply(f, None, v, "xmp") if f == "label" else state.apply(f, int(v), None, "xmp")
    return state


def _sidecar_side(catalog, pid: int, photo: str, side: Path, conv: Convention):
    """(Side, ReadResult) of the sidecar ``side`` of ``photo`` when it changed since its base,
    (None, ReadResult) when it did not, (None, None) when there is none. Raises XmpError or
    OSError."""
    if not side.exists():
        return None, None
    if not side.is_file():
        raise SidecarError(errno.EISDIR, "not a file (a folder has the sidecar's name), skipped")
    return _side_against(catalog.xmp_base.get(pid, SIDECAR), photo, side, read_sidecar(side, conv), catalog, pid)


def _side_against(base: Base | None, photo: str, side: Path, res, catalog, pid: int):
    """(Side, ReadResult) of sidecar ``side`` as read (``res``) against ``base``; (None, res)
    when its bytes are the base's (unchanged, also when it moved with its photo). The base is
    the photo's wherever the sidecar moved with it, but not for another file: the photo's
    sidecar in the other naming (darktable's ``name.ext.xmp`` gone, Lightroom's ``name.xmp``
    new), or one without the rating and the pick label its base held (no editor takes both
    away: Lightroom keeps digiKam's label, a cleared rating is written 0; a file of develop
    settings only was made anew): seen for the first time, what it lacks was never cleared.

    A sidecar left, unchanged, by a photo that gave up its file name (its bytes as PhotoTriage
    last wrote or read them for that photo: a photo renamed onto a deleted one's name) holds no
    editor's change: nothing is imported from it (a trial: the kept photo took
    the deleted reject's "rejected"); it is taken as in step with the catalog now, and the
    next write makes it this photo's."""
    if base is not None and base.file_hash == res.file_hash:
        return None, res
    left = catalog.xmp_base.left_behind(str(side), res.file_hash)
    if left is not None:
        now = catalog_values(catalog.decisions.state(pid))
        return Side(Base(str(side), res.file_hash, res.fields.to_json(), now, left.ours), res.fields, res.mtime_ns), res
    held = Fields.from_json(base.fields) if base is not None else None
    if base is not None and ((base.path is not None and Path(base.path) != side
                              and Path(base.path) in sidecar_names(photo).values())
                             or (res.fields.rating is None and res.fields.pick_label is None
                                 and (held.rating is not None or held.pick_label is not None))):
        base = None
    return Side(base, res.fields, res.mtime_ns), res


def _other_side(catalog, pid: int, photo: str, side: Path, conv: Convention, failed: list, forget: bool = True):
    """(its path, Side or None when unchanged since its base, ReadResult) of the photo's sidecar
    in the other naming than ``side`` (sidecars.other_sidecar; its own base, OTHER_SIDECAR);
    None when it has none (a base of one deleted is forgotten) or it cannot be read (put on
    ``failed``, the chosen sidecar still synced)."""
    other = other_sidecar(photo, side)
    if other is None:
        if forget and not catalog.readonly and catalog.xmp_base.get(pid, OTHER_SIDECAR) is not None:
            with catalog.transaction():
                catalog.xmp_base.drop(pid, OTHER_SIDECAR)
        return None
    try:
        return (other, *_side_against(catalog.xmp_base.get(pid, OTHER_SIDECAR), photo, other, read_sidecar(other, conv),
                                      catalog, pid))
    except (XmpError, OSError, UnicodeError) as exc:
        failed.append((str(other), f"sidecar not read: {plain(exc)}"))
        return None


def _put_base(catalog, pid: int, source: str, path: Path, file_hash, fields: Fields, values: dict, ours: dict) -> None:
    catalog.xmp_base.put(pid, source, Base(str(path), file_hash, fields.to_json(), values, ours))


def write_sidecars(catalog, photo_ids: Iterable[int] | None = None, suggested: Iterable[int] = (),
                   dry_run: bool = False, cancel: CancelToken | None = None,
                   conv: Convention | None = None) -> Job[WriteReport]:
    """Merge the decisions of ``photo_ids`` (default: every decided photo) into their sidecars,
    after importing what changed in them since the last sync. ``suggested``: the ranker's
    unconfirmed suggestions (their keyword is written only when the user turned it on).
    Photos that share one sidecar (a raw + JPEG pair with ``name.xmp``) get one entry: the
    newer decision when theirs differ, and the report says so. ``conv``: the conventions to
    write with (default: the catalog's settings; a dry run with options not remembered)."""
    if not dry_run:
        catalog.require_writable("writing XMP sidecars")   # before any sidecar, not after the first
    conv = conv or Convention.from_settings(catalog.settings)
    report = WriteReport(dry_run=dry_run)
    suggested = set(suggested) if conv.suggested_keyword else set()     # off: nothing to say of them
    groups: dict[Path, list[tuple[int, str]]] = {}
    with folder_listings():                       # (each folder listed once: whose a name.xmp is)
        for pid, path in _decided_photos(catalog, photo_ids, suggested):
            groups.setdefault(sidecar_for(path, conv), []).append((pid, path))
        if not dry_run:
            for folder in {side.parent for side in groups}:
                sweep(folder)                     # temp files of a write a kill interrupted
        decided = _decided_ns(catalog)
        throttle = Throttle()
        for i, (side, members) in enumerate(groups.items()):
            if cancel is not None and cancel.cancelled:
                break
            if throttle.ready():
                yield Progress("xmp", i, len(groups), current=display(str(side)))
            members = [(pid, path) for pid, path in members if os.path.lexists(path)]
            if not members:                       # deleted outside PhotoTriage: nothing to describe
                report.skipped.append((str(side), "the photo is not where the catalog has it (moved, renamed or "
                                                    "deleted outside PhotoTriage): index to update"))
                continue
            try:
                _write_merging_again(catalog, side, members, suggested, decided, conv, report, dry_run)
            except SidecarError as exc:
                (report.skipped if dry_run else report.failed).append((str(side), plain(exc)))
            except (OSError, XmpError, UnicodeError) as exc:
                (report.skipped if dry_run else report.failed).append((str(side), plain(exc)))
    report.imported = list(dict.fromkeys(report.imported))     # (a sidecar merged again after an editor's save)
    yield Progress("xmp", len(groups), len(groups))
    return report


def _write_merging_again(catalog, side: Path, members, suggested, decided, conv, report: WriteReport,
                         dry_run: bool) -> None:
    """:func:`_write_group`, read and merged again (up to MERGE_TRIES times) where an editor saved
    the sidecar meanwhile."""
    for attempt in range(MERGE_TRIES):
        try:
            return _write_group(catalog, side, members, suggested, decided, conv, report, dry_run)
        except SidecarChanged:
            if attempt == MERGE_TRIES - 1:
                raise


def _write_group(catalog, side: Path, members, suggested, decided, conv, report: WriteReport, dry_run: bool) -> None:
    new_side, res = _sidecar_side(catalog, members[0][0], members[0][1], side, conv)
    states, others = {}, {}
    for pid, path in members:
        if pid != members[0][0]:
            new_side, _ = _sidecar_side(catalog, pid, path, side, conv)
        other = _other_side(catalog, pid, path, side, conv, report.skipped if dry_run else report.failed,
                            forget=not dry_run)
        if other is not None:
            others[pid] = (other[0], other[2].file_hash)
        conflicts: list = []
        sides = [s for s in (other[1] if other else None, new_side) if s is not None]    # ``side``'s value counts
        states[pid] = _merge(catalog, pid, path, sides, decided, conv, report.imported, conflicts, apply=not dry_run)
        for p, fields in conflicts:
            report.conflicts.append((p, ", ".join(f"{f}: the {w} was newer and wins" for f, w in fields)))
    pid = members[0][0]
    # a raw + JPEG pair is one decision, its best mark on one file and the partner picked (the
    # pair rule, app/core/culling.py): the shared sidecar carries the best keyword when either is
    best = any(s.best for s in states.values())
    if len({tuple((k, v) for k, v in catalog_values(s).items() if k != "best") for s in states.values()}) > 1:
        pid = max(states, key=lambda k: (decided.get(k, 0), k))
        names = " and ".join(os.path.basename(display(p)) for _, p in members)
        report.conflicts.append((str(side), f"{names} share this sidecar but their decisions differ; "
                                 f"wrote the newer one, of {os.path.basename(display(dict(members)[pid]))}"))
    state = states[pid]
    base = catalog.xmp_base.get(pid, SIDECAR)
    ours = Ours.from_json(base.ours) if base is not None else Ours()
    out = sync_sidecar(dict(members)[pid], state, best and state.pick != -1, conv,
                       suggested=pid in suggested and not best and state.pick != -1,
                       ours=ours, path=side, dry_run=dry_run, expect=res.file_hash if res is not None else None)
    if out.changed:
        report.written.append(str(side))
    else:
        report.unchanged += 1
    if not dry_run and side.exists():                # (none made where it would hold nothing)
        st = side.stat()
        with catalog.transaction():
            for member, _path in members:
                _put_base(catalog, member, SIDECAR, side, out.file_hash, out.fields,
                          catalog_values(catalog.decisions.state(member)), out.ours.to_json())
                catalog.sidecars.remember(member, str(side), st.st_mtime_ns, st.st_size)
    for member, (other, merged_from) in others.items():   # the other naming's sidecar says the same (each file's own)
        try:
            _write_other(catalog, member, dict(members)[member], other, states[member], member in suggested, conv,
                         report, dry_run, merged_from)
        except SidecarChanged:
            raise                                    # (read and merged again, the sidecar with it)
        except (OSError, XmpError, UnicodeError) as exc:
            (report.skipped if dry_run else report.failed).append((str(other), plain(exc)))


def _write_other(catalog, pid: int, photo: str, other: Path, state, suggested: bool, conv, report: WriteReport,
                 dry_run: bool, merged_from: str | None) -> None:
    base = catalog.xmp_base.get(pid, OTHER_SIDECAR)
    out = sync_sidecar(photo, state, bool(state.best), conv, suggested=suggested and not state.best and state.pick != -1,
                       ours=Ours.from_json(base.ours) if base is not None else Ours(), path=other, dry_run=dry_run,
                       expect=merged_from)
    if out.changed:
        report.written.append(str(other))
    else:
        report.unchanged += 1
    if not dry_run:
        with catalog.transaction():
            _put_base(catalog, pid, OTHER_SIDECAR, other, out.file_hash, out.fields,
                      catalog_values(catalog.decisions.state(pid)), out.ours.to_json())


def write_after_decision(catalog, photo_ids: Iterable[int]) -> WriteReport | None:
    """The sidecars of photos a decision just changed, when the user turned that on. A
    failure is reported, never raised: the decision itself is already safe in the catalog."""
    if not auto_write_on(catalog) or catalog.readonly:
        return None
    conv = Convention.from_settings(catalog.settings)
    keep = set()
    for pid in photo_ids:                 # a suggestion keyword already there stays (when that is on)
        photo = catalog.photos.get(pid)
        try:
            if photo is not None and conv.suggested_keyword and read_sidecar(sidecar_for(photo["path"], conv),
                                                                             conv).fields.suggested:
                keep.add(pid)
        except (OSError, XmpError):
            pass
    return drive(write_sidecars(catalog, list(photo_ids), suggested=keep))


def import_xmp(catalog, cancel: CancelToken | None = None, dry_run: bool = False,
               conv: Convention | None = None) -> Job[ImportReport]:
    """Merge what sidecars and embedded XMP changed since PhotoTriage last wrote or read them
    into the catalog (the three-way merge of app/core/xmp/merge.py). A sidecar unchanged on
    disk since then is not read; embedded XMP is read again when the file's content changed.
    ``dry_run``: says what it would import and changes nothing. ``conv``: the conventions to
    read with (default: the catalog's settings)."""
    conv = conv or Convention.from_settings(catalog.settings)
    report = ImportReport()
    known = catalog.sidecars.known()
    embedded_hash = catalog.xmp_base.hashes(EMBEDDED)
    decided = _decided_ns(catalog)
    rows = [(pid, path, h) for pid, path, h, status, _t, _r in catalog.photos.grid() if status == "ok"]
    throttle = Throttle()
    with folder_listings():                  # (each folder listed once: sidecar_for's owners)
        for i, (pid, path, content_hash) in enumerate(rows):
            if cancel is not None and cancel.cancelled:
                break
            if throttle.ready():
                yield Progress("xmp import", i, len(rows), current=display(path))
            sides, embedded, read = [], None, None
            failed_before = len(report.failed)
            if content_hash and embedded_hash.get(pid, "") != content_hash:
                try:
                    embedded = read_embedded_fields(path, conv) or Fields()
                    sides.append(Side(catalog.xmp_base.get(pid, EMBEDDED), embedded, os.stat(path).st_mtime_ns))
                except OSError:
                    embedded = None
            side = sidecar_for(path, conv)
            try:
                st = side.stat()
            except OSError:
                st = None
            new_side = other = None
            if st is not None and known.get(pid) != (str(side), st.st_mtime_ns, st.st_size):
                try:
                    new_side, read = _sidecar_side(catalog, pid, path, side, conv)
                except (XmpError, OSError) as exc:
                    report.failed.append((str(side), f"sidecar not read: {plain(exc)}"))
            other = _other_side(catalog, pid, path, side, conv, report.failed, forget=not dry_run)
            other_side = other[1] if other is not None else None
            sides += [s for s in (other_side, new_side) if s is not None]    # the sidecar's value counts last
            if len(report.failed) > failed_before:
                report.unread.add(pid)
            if embedded is None and read is None and other_side is None:
                continue
            conflicts: list = []
            before = len(report.imported)
            state = _merge(catalog, pid, path, sides, decided, conv, report.imported, conflicts, apply=not dry_run)
            if len(report.imported) > before:
                report.states[pid] = state
            for p, fields in conflicts:
                report.conflicts.append((p, "sidecar" if any(w == "sidecar" for _f, w in fields) else "catalog"))
                report.conflict_fields[p] = [f for f, _w in fields]
            if dry_run:
                continue
            values = catalog_values(state)
            with catalog.transaction():
                if embedded is not None:
                    old = catalog.xmp_base.get(pid, EMBEDDED)
                    catalog.xmp_base.put(pid, EMBEDDED, Base(path, content_hash, embedded.to_json(), values,
                                                             old.ours if old else {}))
                if read is not None and any(s.fields is read.fields for s in sides):
                    old = catalog.xmp_base.get(pid, SIDECAR)
                    catalog.xmp_base.put(pid, SIDECAR, Base(str(side), read.file_hash, read.fields.to_json(), values,
                                                            old.ours if old else {}))
                if read is not None:
                    catalog.sidecars.remember(pid, str(side), st.st_mtime_ns, st.st_size)
                if other_side is not None:
                    old = catalog.xmp_base.get(pid, OTHER_SIDECAR)
                    _put_base(catalog, pid, OTHER_SIDECAR, other[0], other[2].file_hash, other[2].fields, values,
                              old.ours if old else {})
    yield Progress("xmp import", len(rows), len(rows))
    return report
