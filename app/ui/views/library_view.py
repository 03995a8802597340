"""Library grid: every photo, culled like the bursts. Badges for picked / rejected / rating /
best / suggested / burst (a kept-whole set by its kind), a folder tree (folder_panel.py) and
filters that combine: folder AND picked/rejected/... AND rating >= N AND person AND colour label
(app/core/library_grid.py), sorts, the folder shown where names repeat.
Keys on the selected photos: P pick, X reject, U unflag, 0-5 rating, 6-9 colour
label, B best of its burst, Ctrl+Z / Ctrl+Shift+Z undo and redo; "Find similar" on any photo.
Enter, F or a double-click opens the photo in the loupe (app/ui/views/loupe_view.py), whose
filmstrip is this grid's model: the same filter, order and marks."""
from __future__ import annotations

import os

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListView, QMenu, QPushButton, QSpinBox,
                               QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from app.core.culling import decide_many, undo
from app.core.library_grid import FILTERS, NO_LABEL, SORTS

from ..library_model import LibraryModel, PathRole, RowRole
from ..shortcuts import GRID_KEYS, decision_key, tooltip, undo_request
from .loupe_view import LoupeView
from .survey_view import MAX_SURVEY, MIN_SURVEY, SurveyView
from .folder_panel import FolderPanel
from .marks_delegate import MarksDelegate

FILTER_LABELS = {"all": "All photos", "undecided": "Undecided", "picked": "Picked", "rejected": "Rejected",
                 "rated": "Rated at least", "bursts": "In bursts", "best": "Best and suggested",
                 "duplicates": "Duplicates (found so far)", "unreadable": "Unreadable or missing"}
LABEL_CHOICES = [("Any label", None), ("Red", "Red"), ("Yellow", "Yellow"), ("Green", "Green"),
                 ("Blue", "Blue"), ("Purple", "Purple"), ("No label", NO_LABEL)]
SORT_LABELS = {"time": "Capture time", "name": "Name", "folder": "Folder", "score": "Score in burst"}


class LibraryGrid(QListView):
    find_similar = Signal(str)
    decided = Signal()
    open_loupe = Signal(int)               # a row
    open_survey = Signal()                 # the selected photos side by side (N)

    def __init__(self, session, model: LibraryModel, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setModel(model)
        self.setViewMode(QListView.IconMode)
        self.setResizeMode(QListView.Adjust)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.Batched)
        self.setBatchSize(200)
        self.setIconSize(QSize(160, 120))
        self.setGridSize(QSize(186, 192))
        self.setItemDelegate(MarksDelegate(QSize(184, 190), self))
        self.setStyleSheet("QListView { background: #1c1c1c; }")
        self.doubleClicked.connect(lambda index: self.open_loupe.emit(index.row()))
        self._kept: tuple[list[int], int | None] = ([], None)
        model.modelAboutToBeReset.connect(self._keep_selection)
        model.modelReset.connect(self._restore_selection)

    def _keep_selection(self) -> None:
        """A reload (bursts ranked, indexing, a filter) keeps the photos the user selected."""
        current = self.currentIndex()
        self._kept = ([r.photo_id for r in self.selected_rows()],
                      current.data(RowRole).photo_id if current.isValid() else None)

    def _restore_selection(self) -> None:
        ids, current = self._kept
        if not ids and current is None:
            return
        model, sel = self.model(), self.selectionModel()
        wanted = set(ids)
        for row in range(model.rowCount()):
            pid = model.row_at(row).photo_id
            if pid == current:
                sel.setCurrentIndex(model.index(row, 0), QItemSelectionModel.NoUpdate)
            if pid in wanted:
                sel.select(model.index(row, 0), QItemSelectionModel.Select)
        self.setWordWrap(True)
        self.setMovement(QListView.Static)
        self.setSelectionMode(QListView.ExtendedSelection)
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    def selected_rows(self):
        return [i.data(RowRole) for i in sorted(self.selectedIndexes(), key=lambda i: i.row())]

    def apply(self, kind: str, value: int | None, text: str | None = None) -> int:
        """A decision on every selected photo; returns how many were decided."""
        rows = self.selected_rows()
        # one key, one action (one undo) for the whole selection; best is a burst's frame: a
        # single photo has none
        decide_many(self.session.catalog, [(r.photo_id, r.burst_ids) for r in rows
                                           if kind != "best" or r.can_be_best], kind, value, text)
        if rows:
            self.model().refresh_states()
            self.decided.emit()
        return len(rows)

    def keyPressEvent(self, event) -> None:
        text = event.text().lower()
        redo = undo_request(event)
        if redo is not None:
            undo(self.session.catalog, redo, own=True)
            self.model().refresh_states()
            self.decided.emit()
            return
        decision = decision_key(text, lambda: [r.state.label for r in self.selected_rows()])
        if text == "n":
            self.open_survey.emit()
        elif event.key() in (Qt.Key_Return, Qt.Key_Enter) or text == "f":
            if self.currentIndex().isValid():
                self.open_loupe.emit(self.currentIndex().row())
        elif decision is not None:
            self.apply(*decision)
        else:
            super().keyPressEvent(event)

    def _menu(self, pos) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        act = menu.addAction("Find similar")
        if menu.exec(self.viewport().mapToGlobal(pos)) is act:
            self.find_similar.emit(index.data(PathRole))


class LibraryView(QWidget):
    def __init__(self, session, thumbs, workers=None, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.model_ = LibraryModel(session.catalog, self, thumbs)
        self.grid = LibraryGrid(session, self.model_)
        self.find_similar, self.decided = self.grid.find_similar, self.grid.decided
        self.filter = QComboBox()
        for name in FILTERS:
            self.filter.addItem(FILTER_LABELS[name], name)
        self.min_rating = QSpinBox()
        self.min_rating.setRange(1, 5)
        self.min_rating.setSuffix(" ★")
        self.min_rating.setEnabled(False)
        self.sort = QComboBox()
        for name in SORTS:
            self.sort.addItem(SORT_LABELS[name], name)
        self.person = QComboBox()
        self.person.setToolTip("Only photos of a person you named in People")
        self.stars = QComboBox()
        self.stars.addItem("Any rating", 0)
        for n in range(1, 6):
            self.stars.addItem(f"≥ {'★' * n}", n)
        self.stars.setToolTip("Only photos rated at least this many stars (with the other filters)")
        self.label = QComboBox()
        for text, value in LABEL_CHOICES:
            self.label.addItem(text, value)
        self.label.setToolTip("Only photos with this colour label (with the other filters)")
        self.folders = FolderPanel()
        self.folders.chosen.connect(self.set_folder)
        self.count = QLabel("")
        self.folder_label = QLabel("")
        self.folder_clear = QPushButton("Whole library")
        self.folder_clear.setToolTip("Show the photos of every folder of the library")
        self.folder_clear.clicked.connect(lambda: self.set_folder(None))
        bar = QHBoxLayout()
        for w in (QLabel("Show"), self.filter, self.min_rating, self.stars, self.label, self.person,
                  QLabel("Sort by"), self.sort,
                  self.folder_label, self.folder_clear):
            bar.addWidget(w)
        self.folder_label.hide()
        self.folder_clear.hide()
        bar.addStretch(1)
        bar.addWidget(self.count)
        grid_page = QWidget()
        lay = QVBoxLayout(grid_page)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(bar)
        lay.addWidget(self.grid, 1)
        self.split = QSplitter()
        self.split.addWidget(self.folders)
        self.split.addWidget(grid_page)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([200, 1000])
        self.pages = QStackedWidget()
        self.pages.addWidget(self.split)
        self.loupe = None
        if workers is not None:
            self.loupe = LoupeView(session, self.model_, workers)
            self.pages.addWidget(self.loupe)
            self.grid.open_loupe.connect(self.open_loupe)
            self.loupe.closed.connect(self.close_loupe)
            self.loupe.decided.connect(self.decided)
            self.survey = SurveyView(session, workers)
            self.pages.addWidget(self.survey)
            self.grid.open_survey.connect(self.open_survey)
            self.survey.closed.connect(self.close_loupe)
            self.survey.decided.connect(self._survey_decided)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self.filter.setToolTip("Keys on the selected photos:\n" + tooltip(GRID_KEYS))
        self.filter.currentIndexChanged.connect(self._view_changed)
        self.min_rating.valueChanged.connect(self._view_changed)
        self.sort.currentIndexChanged.connect(self._view_changed)
        self.person.currentIndexChanged.connect(self._view_changed)
        self.stars.currentIndexChanged.connect(self._view_changed)
        self.label.currentIndexChanged.connect(self._view_changed)
        self.model_.modelReset.connect(self._count)
        self._count()

    def open_loupe(self, row: int) -> None:
        """The photo at ``row`` large, its filmstrip the grid in its order."""
        if self.loupe is None or not 0 <= row < self.model_.rowCount():
            return
        self.pages.setCurrentWidget(self.loupe)
        self.loupe.open_row(row)

    def open_survey(self) -> None:
        """The selected photos side by side (2 to 12), as Lightroom's Survey."""
        rows = self.grid.selected_rows()
        if self.loupe is None or not MIN_SURVEY <= len(rows) <= MAX_SURVEY:
            self.count.setText(f"Survey: select {MIN_SURVEY} to {MAX_SURVEY} photos (Ctrl+click), then N")
            return
        self.pages.setCurrentWidget(self.survey)
        self.survey.show_rows(rows)

    def _survey_decided(self) -> None:
        self.model_.refresh_states()
        self.decided.emit()

    def close_loupe(self) -> None:
        """Back to the grid, with the photo the loupe showed selected (from the survey: the
        selection as it was)."""
        from_survey = self.pages.currentWidget() is getattr(self, "survey", None)
        self.pages.setCurrentIndex(0)
        self.grid.setFocus()
        if from_survey:
            return
        if self.loupe is not None and 0 <= self.loupe.row < self.model_.rowCount():
            index = self.model_.index(self.loupe.row, 0)
            self.grid.setCurrentIndex(index)
            self.grid.scrollTo(index)
        self.grid.setFocus()

    @property
    def in_loupe(self) -> bool:
        return self.loupe is not None and self.pages.currentWidget() is self.loupe

    def _fill_people(self) -> None:
        names = self.model_.people()
        current = self.person.currentData()
        self.person.setVisible(bool(names))
        if self.person.count() and [self.person.itemData(i) for i in range(1, self.person.count())] == names:
            return
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem("Anyone", None)
        for name in names:
            self.person.addItem(name, name)
        self.person.setCurrentIndex(max(0, self.person.findData(current)))
        self.person.blockSignals(False)
        self.person.setVisible(bool(names))

    def set_view(self, filter_name: str = "all", min_rating: int = 1, sort: str = "time",
                 person: str | None = None, min_stars: int = 0, label: str | None = None) -> None:
        """The filters, all at once (they combine with each other and with the folder)."""
        for combo, value in ((self.filter, filter_name), (self.sort, sort), (self.person, person),
                             (self.stars, min_stars), (self.label, label)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.min_rating.blockSignals(True)
        self.min_rating.setValue(min_rating)
        self.min_rating.blockSignals(False)
        self._view_changed()

    def set_folder(self, folder: str | None) -> None:
        """Only the photos in ``folder`` (a folder inside the library) and below; None: all."""
        from app.core import paths

        root = self.session.folder
        shown = os.path.relpath(folder, root) if folder and root and folder.startswith(root) else folder
        self.folder_label.setText(f"in {paths.display(shown)}/" if folder else "")
        self.folder_label.setToolTip(paths.display(folder) if folder else "")
        self.folder_label.setVisible(bool(folder))
        self.folder_clear.setVisible(bool(folder))
        self.folders.show_folder(folder)
        self.model_.set_view(folder=folder)

    def _view_changed(self) -> None:
        name = self.filter.currentData()
        self.min_rating.setEnabled(name == "rated")
        self.model_.set_view(filter_name=name, min_rating=self.min_rating.value(), sort=self.sort.currentData(),
                             person=self.person.currentData(), min_stars=self.stars.currentData() or 0,
                             label=self.label.currentData())

    def _count(self) -> None:
        self._fill_people()
        self.folders.fill(self.model_.all_paths(), self.session.folder)
        self.count.setText(f"{self.model_.rowCount()} of {self.model_.total} photos")
