"""Library grid: every photo with its lazily loaded thumbnail; "Find similar" on any photo."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QListView, QMenu

from ..library_model import LibraryModel, PathRole


class LibraryView(QListView):
    find_similar = Signal(str)

    def __init__(self, session, thumbs, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.model_ = LibraryModel(session.catalog, self, thumbs)
        self.setModel(self.model_)
        self.setViewMode(QListView.IconMode)
        self.setResizeMode(QListView.Adjust)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.Batched)
        self.setBatchSize(200)
        self.setIconSize(QSize(160, 120))
        self.setSpacing(6)
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    def _menu(self, pos) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        act = menu.addAction("Find similar")
        if menu.exec(self.viewport().mapToGlobal(pos)) is act:
            self.find_similar.emit(index.data(PathRole))
