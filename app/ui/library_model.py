"""Item model over the library grid's rows (app/core/library_grid.py): badges for the
decisions and bursts, rejected photos dimmed, filters and sorts applied in the core.
Thumbnails come from a ThumbnailCache (loaded off the GUI thread, bounded), so the grid stays
responsive on tens of thousands of photos."""
from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QIcon

from app.core import paths
from app.core.catalog import Catalog
from app.core.catalog.decisions import DecisionState
from app.core.library_grid import GridRow, grid_rows, people_names, select

from .thumbs import ThumbnailCache, dimmed

PathRole = Qt.UserRole + 1
HashRole = Qt.UserRole + 2
RowRole = Qt.UserRole + 3


class LibraryModel(QAbstractListModel):
    def __init__(self, catalog: Catalog, parent=None, thumbs: ThumbnailCache | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._all: list[GridRow] = []
        self._rows: list[GridRow] = []
        self._row_of_hash: dict[str, list[int]] = {}
        self.bursts = None
        self.view = {"filter_name": "all", "min_rating": 1, "sort": "time", "person": None, "folder": None,
                     "min_stars": 0, "label": None}
        self.thumbs = thumbs or ThumbnailCache(catalog.thumbs_dir, parent=self)
        self.thumbs.ready.connect(self._thumb_ready)
        self.reload()

    def reload(self) -> None:
        self._all = grid_rows(self._catalog, self.bursts)
        self._apply()

    def set_bursts(self, bursts) -> None:
        self.bursts = bursts
        self.reload()

    def set_view(self, **view) -> None:
        self.view.update(view)
        self._apply()

    def refresh_states(self) -> None:
        """Decisions changed: new badges without moving the grid (a filter applies on the next
        reload or filter change, so a photo does not vanish under the user's hand)."""
        states = self._catalog.decisions.states()
        for row in self._all:
            row.state = states.get(row.photo_id) or DecisionState()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0),
                                  [Qt.DisplayRole, Qt.DecorationRole, Qt.ForegroundRole])

    def _apply(self) -> None:
        self.beginResetModel()
        self._rows = select(self._all, **self.view)
        self._row_of_hash = {}
        for i, r in enumerate(self._rows):
            if r.content_hash:
                self._row_of_hash.setdefault(r.content_hash, []).append(i)
        self.endResetModel()

    def people(self) -> list[str]:
        """Names the user gave to people on the library's photos (for the person filter)."""
        return people_names(self._all)

    def all_paths(self) -> list[str]:
        """Every photo's path, whatever the filters show (for the folder tree)."""
        return [r.path for r in self._all]

    @property
    def total(self) -> int:
        """Photos in the library, whatever the filter shows."""
        return len(self._all)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def _thumb_ready(self, content_hash: str) -> None:
        for row in self._row_of_hash.get(content_hash, []):
            idx = self.index(row, 0)
            self.dataChanged.emit(idx, idx, [Qt.DecorationRole])

    def path_at(self, row: int) -> str:
        return self._rows[row].path

    def row_at(self, row: int) -> GridRow:
        return self._rows[row]

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        if role == Qt.DisplayRole:
            badges = r.badges()
            return r.name + ("\n" + badges if badges else "")
        if role == Qt.ToolTipRole:
            score = f"\nscore in its burst {r.score:.2f}" if r.score is not None else ""
            if r.burst and r.kind != "burst":
                score = f"\na {r.kind.replace('_', ' ')} of {len(r.burst_ids)} frames, kept whole"
            why = f": {r.reason}" if r.reason else ""
            return f"{paths.display(r.path)}\n{r.status}{why}{score}"
        if role == Qt.DecorationRole and r.content_hash and r.status == "ok":
            pix = self.thumbs.get(r.content_hash)
            if pix is None:
                return None
            return QIcon(dimmed(pix) if r.state.pick == -1 else pix)
        if role == Qt.ForegroundRole:
            return QColor("#888") if r.state.pick == -1 else None
        if role == PathRole:
            return r.path
        if role == HashRole:
            return r.content_hash
        if role == RowRole:
            return r
        if role == Qt.SizeHintRole:
            return QSize(180, 186)
        return None
