"""The toolbar's Decisions menu: write XMP sidecars, export the picks, send the rejects to the
system trash and put them back. Each action first runs its own dry run in a worker, then asks
for confirmation stating counts and sizes, then runs for real in a worker (the core's jobs:
app/core/xmp/sync.py, export.py, trash.py) and says in the status bar what happened."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QFileDialog, QMenu, QMessageBox

from app.core.text import plural, size_text


def _plan_text(kind: str, r: dict) -> str | None:
    """The confirmation question for a dry run's report; None when there is nothing to do."""
    if kind == "xmp":
        n = r["written"]
        return f"Write the decisions of {plural(n, 'photo')} into their XMP sidecars?\n" \
               "Existing sidecars are merged: everything else in them is kept." if n else None
    if kind == "export":
        n = r["exported"]
        return (f"Export {plural(n, 'picked photo')} ({size_text(r['bytes'])}) with their sidecars to\n{r['dest']}?"
                + (f"\n{r['already_there']} already there." if r["already_there"] else "")) if n else None
    if kind == "trash":
        n = r["photos"]
        sidecars = len(r["files"]) - n
        also = f" and {plural(sidecars, 'sidecar')}" if sidecars else ""
        return (f"Send {plural(n, 'rejected photo')}{also} ({size_text(r['bytes'])}) to the system trash?\n"
                "Undo trash puts them back.") if n else None
    n = len(r["files"])
    return f"Put {plural(n, 'file')} ({size_text(r['bytes'])}) back from the trash where they were?" if n else None


def _done_text(kind: str, r: dict) -> str:
    failed = f"; {plural(len(r['failed']), 'failure')}: {r['failed'][0]['path']}: {r['failed'][0]['reason']}" \
        if r.get("failed") else ""
    if kind == "xmp":
        return f"{plural(r['written'], 'sidecar')} written, {r['unchanged']} up to date" + failed
    first = r.get("imported_from_xmp") or []     # decisions an editor changed, read before the files moved
    read = f"; decisions changed in the sidecars of {plural(len(first), 'photo')} read first" if first else ""
    kept = r.get("no_longer_rejected") or []
    kept = f"; {plural(len(kept), 'photo')} no longer rejected stayed" if kept else ""
    if kind == "export":
        differ = r.get("sidecars_differ") or []
        differ = (f"; {plural(len(differ), 'sidecar')} already there differ from the library's (left as they are)"
                  if differ else "")
        outside = r.get("outside_library") or []
        outside = (f"; {plural(len(outside), 'pick')} moved out of the library by an earlier export left there"
                   if outside else "")
        unpicked = r.get("no_longer_picked") or []
        unpicked = f"; {plural(len(unpicked), 'photo')} no longer picked stayed" if unpicked else ""
        return (f"{'moved' if r['move'] else 'copied'} {plural(r['exported'], 'photo')} to {r['dest']}" + read + differ
                + outside + unpicked + failed)
    if kind == "trash":
        return (f"{plural(r['photos'], 'rejected photo')} sent to the trash (Decisions ▸ Undo trash)" + read + kept
                + failed)
    return f"{plural(len(r['files']), 'file')} put back from the trash" + failed


TITLES = {"xmp": "Some XMP sidecars were not written", "export": "Some photos were not exported",
          "trash": "Some photos were not sent to the trash", "undo": "Some files were not put back"}
ADVICE = {"xmp": "The decisions are safe in the catalog. Make the folder writable (permissions, a read-only "
                 "disk or share) and choose Decisions ▸ Write XMP sidecars again.",
          "export": "Check that the destination is writable and has room, then export again: photos already "
                    "there are not copied twice.",
          "trash": "The photos that could not go stay where they are, still rejected. Make the folder "
                   "writable and send the rejects to the trash again.",
          "undo": "The files not put back are still in the system trash: make their folder writable and "
                  "choose Decisions ▸ Undo trash again, or restore them from the trash."}


def failure_text(kind: str, r: dict) -> str | None:
    """The failures of a Decisions action in words, with what to do; None when all went well."""
    failed = r.get("failed") or []
    if not failed:
        return None
    shown = "\n".join(f"• {f['path']}: {f['reason']}" for f in failed[:8])
    more = f"\n… and {len(failed) - 8} more" if len(failed) > 8 else ""
    return f"{plural(len(failed), 'file')} failed:\n{shown}{more}\n\n{ADVICE[kind]}"


class DecisionsMenu(QObject):
    changed = Signal()                     # files moved or trashed: views reload
    message = Signal(str)
    failed = Signal(str, str)              # title, text: said in a dialog

    def __init__(self, window, session, workers, suggested=lambda: set()) -> None:
        """``suggested()``: the photo ids the cull view shows as their burst's suggested best
        (their keyword goes into the sidecars; the bursts are not ranked again for it)."""
        super().__init__(window)
        self.window, self.session, self.workers, self.suggested = window, session, workers, suggested
        self.menu = QMenu("Decisions", window)
        self.actions = {
            "xmp": QAction("Write XMP sidecars", self, triggered=lambda: self.start("xmp")),
            "export": QAction("Export picks…", self, triggered=self.choose_export),
            "trash": QAction("Send rejects to trash…", self, triggered=lambda: self.start("trash")),
            "undo": QAction("Undo trash", self, triggered=lambda: self.start("undo")),
        }
        tips = {"xmp": "Ratings, picks/rejects and your best frame (keyword) into name.ext.xmp or name.xmp, "
                       "merged field by field with what other editors wrote",
                "export": "Copy (or move) the picked and best photos with their sidecars",
                "trash": "Rejected photos and their sidecars to the system trash (undoable)",
                "undo": "Put the latest trashed photos back at their paths"}
        for key, act in self.actions.items():
            act.setToolTip(tips[key])
            self.menu.addAction(act)
        self.menu.setToolTipsVisible(True)
        self.export_dest: str | None = None
        self.export_move = False
        self.export_flat = False
        self.pending: QMessageBox | None = None

    def _job(self, kind: str, dry_run: bool):
        suggested = set(self.suggested()) if kind == "xmp" else set()

        def run(cat, cancel):
            if kind == "xmp":
                from app.core.xmp.sync import write_sidecars

                report = yield from write_sidecars(cat, suggested=suggested, dry_run=dry_run, cancel=cancel)
            elif kind == "export":
                from app.core.export import export_picks

                report = yield from export_picks(cat, self.export_dest, move=self.export_move, flat=self.export_flat,
                                                 dry_run=dry_run, cancel=cancel)
            elif kind == "trash":
                from app.core.trash import trash_rejected

                report = yield from trash_rejected(cat, dry_run=dry_run, cancel=cancel)
            else:
                from app.core.trash import undo_trash

                report = yield from undo_trash(cat, dry_run=dry_run, cancel=cancel)
            return report.to_json()
        return self.session.run_in_worker(run)

    def choose_export(self) -> None:
        dest = QFileDialog.getExistingDirectory(self.window, "Export the picks to")
        if dest:
            self.export_dest = dest
            self.start("export")

    def start(self, kind: str) -> None:
        """The dry run first; the confirmation follows when it reports."""
        self.workers.start(self._job(kind, True), on_result=lambda r, k=kind: self.confirm(k, r),
                           on_error=lambda m: self._error(kind, m))

    def confirm(self, kind: str, plan: dict) -> None:
        text = _plan_text(kind, plan)
        if text is None:
            self.message.emit({"xmp": "no decided photos to write", "export": "no picked photos to export",
                               "trash": "no rejected photos to trash", "undo": "nothing to put back"}[kind])
            return
        box = QMessageBox(QMessageBox.Question, "PhotoTriage", text, QMessageBox.Cancel, self.window)
        go = box.addButton({"xmp": "Write", "export": "Copy", "trash": "Send to trash", "undo": "Put back"}[kind],
                           QMessageBox.AcceptRole)
        move = box.addButton("Move", QMessageBox.AcceptRole) if kind == "export" else None
        if kind == "export":
            flat = QCheckBox("all in one folder (not the library's folders)")
            flat.setChecked(self.export_flat)
            flat.toggled.connect(lambda on: setattr(self, "export_flat", on))   # read now: the box closes first
            box.setCheckBox(flat)
        box.setAttribute(Qt.WA_DeleteOnClose)

        def answered(button) -> None:
            self.pending = None
            if button not in (go, move):
                return
            if kind == "export":
                self.export_move = button is move
            self.run(kind)

        box.buttonClicked.connect(answered)
        self.pending = box
        box.open()

    def run(self, kind: str) -> None:
        def done(report: dict) -> None:
            self.message.emit(_done_text(kind, report))
            problem = failure_text(kind, report)
            if problem:
                self.failed.emit(TITLES[kind], problem)
            if kind in ("trash", "undo") or (kind == "export" and (report.get("move") or report.get("imported_from_xmp"))):
                self.changed.emit()

        self.workers.start(self._job(kind, False), on_progress=self._waiting, on_result=done,
                           on_error=lambda m: self._error(kind, m))

    def _waiting(self, batch: list) -> None:
        """Said while another process (an index, an export) holds the library's files: the job
        waits for it (app/core/catalog/lock.py)."""
        said = [e.message for e in batch if e.phase == "waiting" and e.message]
        if said:
            self.message.emit(said[-1])

    def _error(self, kind: str, message: str) -> None:
        first = message.splitlines()[0]
        self.message.emit(f"{kind} failed: {first}")
        self.failed.emit(TITLES[kind].replace("Some", "The").replace("were not", "could not be"),
                         f"{first}\n\n{ADVICE[kind]}")
