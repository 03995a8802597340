"""The main window: a library is opened (dialog, recent list, dropped folder or command line),
indexed in the background with progress and cancel, and shown through one tab per view."""
from __future__ import annotations

import os
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QLabel, QMainWindow, QMenu, QMessageBox, QProgressBar, QPushButton,
                               QTabWidget, QToolBar, QToolButton)

from app.core import paths
from app.core.catalog import CatalogError

from .catalog_watch import CatalogWatch
from .decisions_menu import DecisionsMenu
from .help_overlay import HelpOverlay
from .session import Session, library_root_for
from .shortcuts import tooltip
from .thumbs import ThumbnailCache
from .views.cull_view import CullView
from .views.duplicates_view import DuplicatesView
from .views.library_view import LibraryView
from .views.people_view import PeopleView
from .views.search_view import SearchView
from .views.settings_view import SettingsView, qsettings
from .views.training_view import TrainingView
from .worker import WorkerPool

RECENT_KEY = "library/recent"
GEOMETRY_KEY = "window/geometry"


def library_problem(folder: str | None, catalog_path: str | None) -> str | None:
    """Why a library cannot be opened, before anything is created for it; None when it can."""
    if folder and not os.path.isdir(folder):
        return (f"{folder} is a file, not a folder: open the folder that holds your photos"
                if os.path.exists(folder) else f"there is no folder {folder}")
    if catalog_path and os.path.isdir(catalog_path):
        return f"{catalog_path} is a folder: --db names a catalog file (e.g. {os.path.join(catalog_path, 'catalog.db')})"
    return None


def progress_text(phase: str, done: int, total: int, message: str | None = None) -> str:
    """What indexing is doing, in words (never "scan: 1/?")."""
    if phase == "scan":
        return f"scanning the folder: {done} file{'s' if done != 1 else ''} found" if not total \
            else f"scanned: {total} file{'s' if total != 1 else ''}"
    if phase == "index":
        return f"indexing {done} of {total}" if total else f"indexing {done}"
    if phase == "verify":
        return f"checking unchanged files {done} of {total}" if total else "checking unchanged files"
    if phase == "waiting":
        return message or "waiting for another PhotoTriage process"
    if phase == "done":
        return "up to date" if message != "cancelled" else "cancelled"
    return f"{phase}: {done} of {total}" if total else f"{phase}: {done}"


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("PhotoTriage")
        self.setAcceptDrops(True)
        self.workers = WorkerPool(self)
        self.session: Session | None = None
        self.thumbs: ThumbnailCache | None = None
        self.index_worker = None
        self.last_error: str | None = None
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self.tabs.addTab(QLabel("Open a folder of photos (toolbar, or drop a folder here)."), "Library")
        self._toolbar()
        self.help = HelpOverlay(self)
        help_act = QAction("Keys (?)", self, triggered=self.help.toggle, shortcut=QKeySequence("?"))
        help_act.setToolTip("Keyboard shortcuts:\n" + tooltip())
        self.toolbar.addAction(help_act)
        self._last_reload = 0.0
        geometry = qsettings().value(GEOMETRY_KEY)
        self.watch = CatalogWatch(self)          # the CLI or another window changing the catalog
        self.watch.decisions_changed.connect(self.decisions_changed)
        self.watch.photos_changed.connect(self._photos_changed_elsewhere)
        self.resize(1280, 820)
        if geometry is not None:
            self.restoreGeometry(geometry)              # the size and place the window had when it closed

    # chrome ----------------------------------------------------------------
    def _toolbar(self) -> None:
        bar = self.toolbar = QToolBar("Library")
        self.addToolBar(bar)
        open_act = QAction("Open folder…", self, shortcut=QKeySequence.Open, triggered=self.choose_folder)
        bar.addAction(open_act)
        self.recent_menu = QMenu("Recent", self)
        recent = QAction("Recent libraries", self)
        recent.setMenu(self.recent_menu)
        bar.addAction(recent)
        self.rescan_act = QAction("Rescan", self, triggered=self.start_indexing)
        bar.addAction(self.rescan_act)
        self.decisions_act = QAction("Decisions", self)
        self.decisions_act.setEnabled(False)          # a library must be open
        bar.addAction(self.decisions_act)
        for act in (recent, self.decisions_act):          # the label opens the menu too, not only its arrow
            bar.widgetForAction(act).setPopupMode(QToolButton.InstantPopup)
        quit_act = QAction("Quit", self, shortcut=QKeySequence("Ctrl+Q"), triggered=self.close)
        quit_act.setShortcutContext(Qt.ApplicationShortcut)      # also from the loupe at full screen
        self.addAction(quit_act)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.hide()                    # shown while indexing
        self.progress_label = QLabel("")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_indexing)
        self.cancel_button.setEnabled(False)
        sb = self.statusBar()
        sb.addPermanentWidget(self.progress_label)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for folder in self.recent():
            self.recent_menu.addAction(folder, lambda f=folder: self.open_library(f))

    @staticmethod
    def recent() -> list[str]:
        value = qsettings().value(RECENT_KEY, [])
        return [v for v in (value if isinstance(value, list) else [value]) if v]

    def _remember(self, folder: str) -> None:
        items = [folder] + [f for f in self.recent() if f != folder]
        qsettings().setValue(RECENT_KEY, items[:10])
        self._fill_recent()

    def open_last(self, index: bool = True) -> bool:
        """Open the most recent library still on disk (nothing when there is none)."""
        for folder in self.recent():
            if os.path.isdir(folder):
                return self.open_library(folder, index=index)
        return False

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a photo folder")
        if folder:
            self.open_library(folder)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(os.path.isdir(u.toLocalFile()) for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if os.path.isdir(url.toLocalFile()):
                self.open_library(url.toLocalFile())
                return

    # library ---------------------------------------------------------------
    def open_library(self, folder: str | None = None, catalog_path: str | None = None, index: bool = True) -> bool:
        """Open a library (a folder, a catalog, or both); False, after telling the user why,
        when it cannot be opened (nothing is created for it then)."""
        problem = library_problem(folder, catalog_path)
        session = None
        inside = None                  # a folder inside an indexed library: that library, filtered to it
        if problem is None and folder and not catalog_path:
            root = library_root_for(folder, qsettings().value("catalog/dir") or None)
            if root != os.path.abspath(folder):
                folder, inside = root, os.path.abspath(folder)
        looks_moved = None
        if problem is None and folder and not catalog_path and \
                not paths.find_catalog_path(folder, qsettings().value("catalog/dir") or None).exists():
            from app.core.library_moves import find_moved

            looks_moved = find_moved(folder, qsettings().value("catalog/dir") or None)
        if problem is None:
            try:
                session = (Session(catalog_path, folder) if catalog_path
                           else Session.for_folder(folder, qsettings().value("catalog/dir") or None))
            except (CatalogError, OSError) as exc:
                problem = str(exc)
        if session is None:
            self.show_error("Cannot open this library", problem)
            return False
        self.close_library()
        self.session = session
        if folder:
            self._remember(os.path.abspath(folder))
        self.setWindowTitle(f"PhotoTriage — {paths.display(folder or catalog_path)}"
                            + (f" (showing {os.path.relpath(inside, folder)})" if inside else ""))
        self.thumbs = ThumbnailCache(self.session.catalog.thumbs_dir, parent=self)
        self.photo_grids = ()
        self._xmp_warned = False
        s = self.session
        self.library = LibraryView(s, self.thumbs, self.workers)
        self.cull = CullView(s, self.workers, self.thumbs)
        self.duplicates = DuplicatesView(s, self.workers, self.thumbs)
        self.people = PeopleView(s, self.workers, self.thumbs)
        self.search = SearchView(s, self.workers, self.thumbs)
        self.training = TrainingView(s, self.workers)
        self.settings = SettingsView(s)
        self.library.find_similar.connect(self.find_similar)
        self.cull.loaded.connect(self.library.model_.set_bursts)
        # one state everywhere: a decision from any view shows at once in every other
        for source in (self.cull, self.library, self.duplicates):
            source.decided.connect(lambda src=source: self.decisions_changed(src))
        self.photo_grids = (self.search.results, self.people.photos, self.duplicates.grid)
        for grid in self.photo_grids:            # search results, a person's photos, duplicates: the grid's keys
            grid.enable_decisions(s.catalog)
            grid.decided.connect(lambda g=grid: self.decisions_changed(g))
            grid.open_photo.connect(self.show_in_loupe)
            grid.message.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.people.named.connect(self.library.model_.reload)
        self.training.ranker_changed.connect(self._files_changed)      # the cull view ranks with the ranker now in use
        self.decisions = DecisionsMenu(self, s, self.workers,
                                       suggested=lambda: {b.best for b in self.cull.bursts if b.best is not None})
        self.decisions.message.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.decisions.changed.connect(self._files_changed)
        self.decisions.failed.connect(self.show_error)
        self.decisions_act.setMenu(self.decisions.menu)
        self.decisions_act.setEnabled(True)
        old_pages = [self.tabs.widget(i) for i in range(self.tabs.count())]
        self.tabs.clear()                  # clear() only hides the pages: the last library's views go
        for page in old_pages:
            page.deleteLater()
        for widget, name in ((self.library, "Library"), (self.cull, "Cull"), (self.duplicates, "Duplicates"),
                             (self.people, "People"), (self.search, "Search"), (self.training, "Training"),
                             (self.settings, "Settings")):
            self.tabs.addTab(widget, name)
        self.tabs.setTabToolTip(self.tabs.indexOf(self.cull), "Keys (press ? for all):\n" + tooltip())
        if inside:
            self.library.set_folder(inside)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.watch.watch(s.catalog)
        if index and folder:
            self.start_indexing()
        else:
            self.cull.reload()
        self._status()
        if looks_moved is not None:               # a library moved as a whole? Its catalog comes only when asked
            self.show_error("Is this a library that moved?",
                            f"This folder looks like the library that was at {paths.display(looks_moved)}, which is "
                            "not there now (moved, renamed, or on a drive not plugged in).\n\nIf it moved here, "
                            "make no decision in this window: close it and run\n\n"
                            f"phototriage index {paths.display(folder)} --moved-from {paths.display(looks_moved)}\n\n"
                            "Its catalog and decisions then come along. If it is a copy, go on here: it is a "
                            "library of its own.")
        return True

    def show_error(self, title: str, message: str) -> None:
        """A warning the user must see; window-modal but not blocking the event loop."""
        self.last_error = message
        box = QMessageBox(QMessageBox.Warning, title, message, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()

    def close_library(self) -> None:
        if self.session is None:
            return
        self.cancel_indexing()
        self.watch.stop()
        try:                               # open_library connects it again: one handler, not one per opening
            self.tabs.currentChanged.disconnect(self._tab_changed)
        except (RuntimeError, TypeError):
            pass
        self.workers.shutdown()
        if self.thumbs is not None:
            self.thumbs.shutdown()
        self.session.close()
        self.session = None

    def _tab_changed(self, i: int) -> None:
        widget = self.tabs.widget(i)
        if widget is self.cull:
            self.cull.setFocus()
        elif widget is self.library:
            (self.library.pages.currentWidget() if self.library.pages.currentIndex() else self.library.grid).setFocus()
        elif widget is self.people and not self.people.clusters:
            self.people.reload()
        elif widget is self.training:
            self.training.refresh()

    def decisions_changed(self, source=None) -> None:
        """Decisions changed (a view, the Decisions menu, another process): new marks everywhere."""
        if self.session is None:
            return
        if source is not self.library:
            self.library.model_.refresh_states()
        if source is not self.cull:
            self.cull.refresh_marks()
        for grid in self.photo_grids:
            if grid is not source:
                grid.refresh_marks()
        if self.tabs.currentWidget() is self.training:      # (showing the tab refreshes it: _tab_changed)
            self.training.refresh()
        if source is not None:
            self._xmp_feedback()
            self._trashed_but_kept()
            self._undo_feedback()

    def _undo_feedback(self) -> None:
        """Ctrl+Z takes back this window's own latest action only: when a decision made since
        elsewhere is in the way, it says so instead of doing nothing without a word (a trial)."""
        store = self.session.catalog.decisions
        if store.blocked_by_other:
            store.blocked_by_other = False
            self.statusBar().showMessage(
                "Nothing undone: a decision was made since in another program (the command line, another "
                "window or an editor's sidecar), and undo here takes back only this window's latest", 15000)

    def _trashed_but_kept(self) -> None:
        """A photo in the system trash (sent there as rejected) that is no longer rejected (an
        undo, U, a pick): said, with how to bring it back, before the trash is emptied."""
        cat = self.session.catalog
        trashed = cat.trash.in_trash()
        if not trashed:
            return
        states = cat.decisions.states()
        kept = [pid for pid in trashed if pid not in states or states[pid].pick != -1]
        if kept:
            self.statusBar().showMessage(
                f"{len(kept)} photo{'s' if len(kept) != 1 else ''} no longer rejected "
                f"{'are' if len(kept) != 1 else 'is'} still in the system trash: Decisions ▸ Undo trash puts "
                "them back", 20000)

    def _photos_changed_elsewhere(self) -> None:
        if self.index_worker is None:           # (indexing reloads the views itself as it goes and at its end;
            self._files_changed()               # its own commits change the photos every second)

    def _xmp_feedback(self) -> None:
        """A sidecar that could not follow a decision: said in a dialog the first time (with
        what to do), in the status bar after that (the decision itself is safe in the catalog)."""
        report = self.session.catalog.last_xmp_report if self.session else None
        if report is not None and report.skipped and not report.failed:     # the photo gone since the index
            self.statusBar().showMessage(f"decision saved; its XMP sidecar waits: {paths.display(report.skipped[0][0])} "
                                         "is not where the catalog has it (moved or renamed?): the next index finds "
                                         "the photo and writes it", 15000)
        if report is not None and report.failed:
            path, reason = report.failed[0]
            self.statusBar().showMessage(f"decision saved, but the XMP sidecar was not written: {reason}", 15000)
            if not self._xmp_warned:
                self._xmp_warned = True
                self.show_error("The XMP sidecar was not written",
                                f"{paths.display(path)}: {reason}\n\nYour decision is saved in the catalog. "
                                "Make the folder writable (permissions, a read-only disk or share) and choose "
                                "Decisions ▸ Write XMP sidecars, or turn off writing sidecars after each decision "
                                "in Settings. Later failures are said in the status bar.")

    def _files_changed(self) -> None:
        if self.session is not None:
            self.watch.resync()
            self.library.model_.reload()
            self.cull.reload()
            for grid in self.photo_grids:       # people, search, duplicates: each cell follows its picture
                grid.refresh_marks()
            if self.tabs.currentWidget() is self.training:    # a ranker trained or rolled back elsewhere
                self.training.refresh()
            self._status()

    def show_in_loupe(self, path: str) -> None:
        """A photo from any view large in the loupe, its filmstrip the library grid (the whole
        library when the grid's filter does not show that photo)."""
        model = self.library.model_

        def row_of() -> int | None:
            return next((i for i in range(model.rowCount()) if model.row_at(i).path == path), None)

        row = row_of()
        if row is None:
            self.library.set_folder(None)
            self.library.set_view("all", sort=self.library.sort.currentData())
            row = row_of()
        if row is not None:
            self.tabs.setCurrentWidget(self.library)
            self.library.open_loupe(row)

    def find_similar(self, path: str) -> None:
        self.tabs.setCurrentWidget(self.search)
        self.search.search_image(path)

    def _status(self) -> None:
        counts = self.session.catalog.photos.counts()
        if not any(counts.values()):
            self.statusBar().showMessage("no photos indexed yet: indexing the folder…" if self.index_worker is not None
                                         else "no photos in this library yet: Rescan reads the folder")
            return
        parts = [f"{counts.get('ok', 0)} photos"] + [f"{counts[k]} {k}" for k in ("skipped", "missing") if counts.get(k)]
        self.statusBar().showMessage(", ".join(parts))

    # indexing --------------------------------------------------------------
    def start_indexing(self) -> None:
        if self.session is None or not self.session.folder or self.index_worker is not None:
            return
        self._index_started = time.monotonic()
        self.cull.indexing = True
        self.cancel_button.setEnabled(True)
        self.progress.reset()
        self.progress.show()
        workers = int(qsettings().value("index/workers", 2))
        self.index_worker = self.workers.start(self.session.index_job(workers), on_progress=self._index_progress,
                                               on_result=self._index_done, on_error=self._index_error,
                                               on_finished=self._index_finished)

    def cancel_indexing(self) -> None:
        if self.index_worker is not None:
            self.index_worker.cancel()
            self.progress_label.setText("cancelling…")

    def _index_progress(self, events) -> None:
        e = events[-1]
        total = e.total or 0
        if total:
            self.progress.setMaximum(total)
            self.progress.setValue(min(e.done, total))
        else:
            self.progress.setRange(0, 0)             # busy: no total known yet
        eta = ""
        if e.phase == "index" and e.done and total:
            rate = e.done / max(1e-6, time.monotonic() - self._index_started)
            eta = f", about {int((total - e.done) / max(rate, 1e-6))} s left"
        self.progress_label.setText(progress_text(e.phase, e.done, total, getattr(e, "message", None)) + eta)
        if time.monotonic() - self._last_reload > 1.0 and e.phase == "index":
            self._last_reload = time.monotonic()
            self.library.model_.reload()

    def _index_done(self, summary) -> None:
        self.progress_label.setText(summary.headline())

    def _index_error(self, message: str) -> None:
        self.progress_label.setText("indexing failed: " + message.splitlines()[0])

    def _index_finished(self) -> None:
        self.index_worker = None
        if self.session is not None:
            self.cull.indexing = False
        self.cancel_button.setEnabled(False)
        self.progress.hide()                   # a finished bar at 0 % reads as stuck
        if self.session is not None:
            self.library.model_.reload()
            self._status()
            self.cull.reload()

    def closeEvent(self, event) -> None:
        qsettings().setValue(GEOMETRY_KEY, self.saveGeometry())
        self.close_library()
        super().closeEvent(event)
