"""Item model over the catalog's photos, with thumbnails loaded lazily and cached (bounded)."""
from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap

from app.core import paths
from app.core.catalog import Catalog
from app.core.thumbnails import thumb_path


class LibraryModel(QAbstractListModel):
    CACHE = 512

    def __init__(self, catalog: Catalog, parent=None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._rows: list[tuple[str, str | None, str]] = []
        self._icons: OrderedDict[str, QIcon] = OrderedDict()
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self._catalog.photos.listing()
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def _icon(self, content_hash: str) -> QIcon:
        icon = self._icons.get(content_hash)
        if icon is None:
            image = QImage(str(thumb_path(self._catalog.thumbs_dir, content_hash)))
            icon = QIcon(QPixmap.fromImage(image)) if not image.isNull() else QIcon()
            self._icons[content_hash] = icon
            if len(self._icons) > self.CACHE:
                self._icons.popitem(last=False)
        else:
            self._icons.move_to_end(content_hash)
        return icon

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        path, content_hash, status = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return paths.display(path).rsplit("/", 1)[-1]
        if role == Qt.ToolTipRole:
            return f"{paths.display(path)}\n{status}"
        if role == Qt.DecorationRole and content_hash and status == "ok":
            return self._icon(content_hash)
        if role == Qt.SizeHintRole:
            return QSize(180, 170)
        return None
