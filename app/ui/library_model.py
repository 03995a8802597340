"""Item model over the catalog's photos; thumbnails come from a ThumbnailCache (loaded off
the GUI thread, bounded), so the grid stays responsive on tens of thousands of photos."""
from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt
from PySide6.QtGui import QIcon

from app.core import paths
from app.core.catalog import Catalog

from .thumbs import ThumbnailCache

PathRole = Qt.UserRole + 1
HashRole = Qt.UserRole + 2


class LibraryModel(QAbstractListModel):
    def __init__(self, catalog: Catalog, parent=None, thumbs: ThumbnailCache | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._rows: list[tuple[str, str | None, str]] = []
        self._row_of_hash: dict[str, list[int]] = {}
        self.thumbs = thumbs or ThumbnailCache(catalog.thumbs_dir, parent=self)
        self.thumbs.ready.connect(self._thumb_ready)
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self._catalog.photos.listing()
        self._row_of_hash = {}
        for i, (_, h, _) in enumerate(self._rows):
            if h:
                self._row_of_hash.setdefault(h, []).append(i)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def _thumb_ready(self, content_hash: str) -> None:
        for row in self._row_of_hash.get(content_hash, []):
            idx = self.index(row, 0)
            self.dataChanged.emit(idx, idx, [Qt.DecorationRole])

    def path_at(self, row: int) -> str:
        return self._rows[row][0]

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        path, content_hash, status = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return paths.display(path).rsplit("/", 1)[-1]
        if role == Qt.ToolTipRole:
            return f"{paths.display(path)}\n{status}"
        if role == Qt.DecorationRole and content_hash and status == "ok":
            pix = self.thumbs.get(content_hash)
            return QIcon(pix) if pix is not None else None
        if role == PathRole:
            return path
        if role == HashRole:
            return content_hash
        if role == Qt.SizeHintRole:
            return QSize(180, 170)
        return None
