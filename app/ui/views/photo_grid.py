"""A grid of photos with captions (search results, a person's photos, duplicate groups)."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem


class PhotoGrid(QListWidget):
    def __init__(self, thumbs, icon=QSize(150, 110), parent=None) -> None:
        super().__init__(parent)
        self.thumbs = thumbs
        self.setViewMode(QListView.IconMode)
        self.setResizeMode(QListView.Adjust)
        self.setIconSize(icon)
        self.setSpacing(6)
        # a fixed cell for every photo: wide and tall thumbnails are scaled into the same box
        # (a size taken from the first item would clip the others)
        self.setGridSize(QSize(icon.width() + 16, icon.height() + 40))
        self.setWordWrap(True)
        self.setTextElideMode(Qt.ElideMiddle)
        self.setMovement(QListView.Static)
        self._hashes: dict[str, list[QListWidgetItem]] = {}
        thumbs.ready.connect(self._ready)

    def set_items(self, items: list[tuple[str, str | None, str]]) -> None:
        """(caption, content hash, tooltip/path) per photo."""
        self.clear()
        self._hashes = {}
        for caption, h, tip in items:
            item = QListWidgetItem(caption)
            item.setToolTip(tip)
            item.setData(Qt.UserRole, tip)
            pix = self.thumbs.get(h)
            if pix is not None:
                item.setIcon(QIcon(pix))
            if h:
                self._hashes.setdefault(h, []).append(item)
            self.addItem(item)

    def _ready(self, h: str) -> None:
        for item in self._hashes.get(h, []):
            pix = self.thumbs.get(h)
            if pix is not None:
                item.setIcon(QIcon(pix))
