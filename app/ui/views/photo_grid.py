"""A grid of photos with captions (search results, a person's photos, duplicate groups). With
decisions enabled it takes the grid's keys on the selected photos (P or Space pick, X reject,
U unflag, 0-5 rating, 6-9 colour label, Ctrl+Z / Ctrl+Shift+Z undo and redo; the marks show
under the caption), and Enter, F or a double-click opens the photo in the loupe."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem

from app.core.culling import decide_many, undo
from app.core.library_grid import decision_marks

from ..shortcuts import decision_key, undo_request

CaptionRole = Qt.UserRole + 10
IdRole = Qt.UserRole + 11          # the photo's id and picture (content hash) when the grid was filled
HashRole = Qt.UserRole + 12


class PhotoGrid(QListWidget):
    decided = Signal()
    open_photo = Signal(str)
    message = Signal(str)             # for the status bar

    def __init__(self, thumbs, icon=QSize(150, 110), parent=None) -> None:
        super().__init__(parent)
        self.thumbs = thumbs
        self.catalog = None
        self.setViewMode(QListView.IconMode)
        self.setResizeMode(QListView.Adjust)
        self.setIconSize(icon)
        self.setSpacing(6)
        # a fixed cell for every photo: wide and tall thumbnails are scaled into the same box
        # (a size taken from the first item would clip the others)
        self.setGridSize(QSize(icon.width() + 16, icon.height() + 56))     # caption, a line of marks
        self.setWordWrap(True)
        self.setTextElideMode(Qt.ElideMiddle)
        self.setMovement(QListView.Static)
        self.setSelectionMode(QListView.ExtendedSelection)
        self._hashes: dict[str, list[QListWidgetItem]] = {}
        thumbs.ready.connect(self._ready)
        self.itemDoubleClicked.connect(lambda item: self.open_photo.emit(item.data(Qt.UserRole)))

    def enable_decisions(self, catalog) -> None:
        """Take the grid's decision keys on the selected photos (decided through ``catalog``)."""
        self.catalog = catalog
        self.refresh_marks()

    def set_items(self, items: list[tuple]) -> None:
        """(caption, content hash, path[, photo id]) per photo."""
        self.clear()
        self._hashes = {}
        for caption, h, tip, *pid in items:
            item = QListWidgetItem(caption)
            item.setToolTip(tip)
            item.setData(Qt.UserRole, tip)
            item.setData(CaptionRole, caption)
            item.setData(IdRole, pid[0] if pid else None)
            item.setData(HashRole, h)
            pix = self.thumbs.get(h)
            if pix is not None:
                item.setIcon(QIcon(pix))
            if h:
                self._hashes.setdefault(h, []).append(item)
            self.addItem(item)
        self.refresh_marks()

    def _photo_id(self, item) -> int | None:
        """The photo the cell shows: the one it was filled with, wherever its file is now (a
        trial: after a rename the cells decided whichever photo then had their file's name, and
        keys on a photo moved to another folder were dropped). None when that photo is gone or
        its file holds another picture now: never an identical copy in its place (a review)."""
        if self.catalog is None:
            return None
        pid, h = item.data(IdRole), item.data(HashRole)
        if pid is None:
            return self.catalog.photos.id_for_path(item.data(Qt.UserRole))
        row = self.catalog.photos.get(pid)
        if row is not None and row.get("status") == "ok" and (not h or row.get("content_hash") == h):
            self._follow(item, row["path"])
            return pid
        return None

    @staticmethod
    def _follow(item, path: str) -> None:
        """The cell's path (opened by Enter, shown as its tooltip) as the photo's now."""
        if item.data(Qt.UserRole) != path:
            item.setData(Qt.UserRole, path)
            item.setToolTip(path)

    def refresh_marks(self) -> None:
        """Each caption with the photo's marks under it (decisions made anywhere)."""
        if self.catalog is None:
            return
        states = self.catalog.decisions.states()
        for i in range(self.count()):
            item = self.item(i)
            pid = self._photo_id(item)
            marks = decision_marks(states[pid]) if pid in states else []
            caption = item.data(CaptionRole) or ""
            item.setText(caption + ("\n" + " ".join(marks) if marks else ""))

    def keyPressEvent(self, event) -> None:
        text = event.text().lower()
        current = self.currentItem()
        if (event.key() in (Qt.Key_Return, Qt.Key_Enter) or text == "f") and current is not None:
            self.open_photo.emit(current.data(Qt.UserRole))
            return
        if self.catalog is None:
            return super().keyPressEvent(event)
        redo = undo_request(event)
        found = [self._photo_id(item) for item in self.selectedItems()]
        pids = [pid for pid in found if pid is not None]
        if len(pids) < len(found) and redo is None:
            self.message.emit(f"{len(found) - len(pids)} of the selected photos went, or their files hold another "
                              "picture, since this list was made: not decided (search or show the person again)")
        # one label for the whole selection, as in the grid; no best here (these lists are not bursts)
        decision = decision_key(text, lambda: [self.catalog.decisions.state(pid).label for pid in pids], best=False)
        if redo is not None:
            undo(self.catalog, redo, own=True)
        elif decision is not None:                       # one key, one action (one undo) for the selection
            decide_many(self.catalog, [(pid, ()) for pid in pids], *decision)
        else:
            return super().keyPressEvent(event)
        self.refresh_marks()
        self.decided.emit()

    def _ready(self, h: str) -> None:
        for item in self._hashes.get(h, []):
            pix = self.thumbs.get(h)
            if pix is not None:
                item.setIcon(QIcon(pix))
