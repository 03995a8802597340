"""The Library view's folder tree: the library's folders with their photo counts
(app/core/folder_tree.py); choosing one shows only its photos (and its subfolders'), combined
with the grid's other filters."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from app.core import paths
from app.core.folder_tree import FolderNode, folder_tree

FolderRole = Qt.UserRole + 1


class FolderPanel(QTreeWidget):
    chosen = Signal(object)              # a folder, or None for the whole library

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Folders"])
        self.setToolTip("Show the photos of one folder (and its subfolders); the filters above still apply")
        self.setStyleSheet("QTreeWidget { background: #232323; color: #ddd; }")
        self._shape: tuple | None = None
        self._folder: str | None = None
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)

    def fill(self, photo_paths: list[str], root: str | None) -> None:
        """The tree for these photos; kept as it is (expanded folders, scroll) when unchanged."""
        tree = folder_tree(photo_paths, root)
        shape = tuple((n.path, n.count) for n in tree.walk())
        if shape == self._shape:
            return
        self._shape = shape
        self.blockSignals(True)
        self.clear()
        top = self._item(tree, f"Whole library  ({tree.count})", None)
        self.addTopLevelItem(top)
        self._add_children(top, tree)
        top.setExpanded(True)
        self.blockSignals(False)
        self.show_folder(self._folder)

    def _item(self, node: FolderNode, text: str, folder: str | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text])
        item.setData(0, FolderRole, folder)
        item.setToolTip(0, paths.display(node.path))
        return item

    def _add_children(self, item: QTreeWidgetItem, node: FolderNode) -> None:
        for child in node.children:
            sub = self._item(child, f"{child.name}  ({child.count})", child.path)
            item.addChild(sub)
            self._add_children(sub, child)

    def show_folder(self, folder: str | None) -> None:
        """Highlight ``folder``'s item (None: the whole library) without emitting ``chosen``."""
        self._folder = folder
        for item in self._items():
            if item.data(0, FolderRole) == folder:
                self.blockSignals(True)
                self.setCurrentItem(item)
                self.blockSignals(False)
                parent = item.parent()
                while parent is not None:
                    parent.setExpanded(True)
                    parent = parent.parent()
                return

    def item_for(self, folder: str | None) -> QTreeWidgetItem | None:
        return next((i for i in self._items() if i.data(0, FolderRole) == folder), None)

    def _items(self):
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            yield item
            stack.extend(item.child(i) for i in range(item.childCount()))

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        folder = item.data(0, FolderRole)
        if folder != self._folder:
            self._folder = folder
            self.chosen.emit(folder)
