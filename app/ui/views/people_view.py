"""People: face clusters as rows of face crops. Name a person, merge two clusters, split
selected faces off, and click a cluster to see that person's photos."""
from __future__ import annotations

import os

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QHBoxLayout, QInputDialog, QLabel, QListView, QListWidget, QListWidgetItem,
                               QPushButton, QSplitter, QVBoxLayout, QWidget)

from app.core import paths
from app.core.library_grid import display_names
from app.core.people import assign, people
from app.core.text import plural

from .photo_grid import PhotoGrid


class PeopleView(QWidget):
    named = Signal()                   # names changed: the grid's person filter follows at once

    def __init__(self, session, workers, thumbs, parent=None) -> None:
        super().__init__(parent)
        self.session, self.workers, self.thumbs = session, workers, thumbs
        self.clusters = []
        self.list = QListWidget()
        self.list.setIconSize(QSize(48, 48))
        self.list.setSelectionMode(QListWidget.ExtendedSelection)
        self.list.currentRowChanged.connect(self._show_cluster)
        self.faces = QListWidget()
        self.faces.setViewMode(QListView.IconMode)
        self.faces.setIconSize(QSize(96, 96))
        self.faces.setSelectionMode(QListWidget.ExtendedSelection)
        self.photos = PhotoGrid(thumbs, QSize(120, 90))
        buttons = QHBoxLayout()
        for text, slot in (("Refresh", self.reload), ("Name…", self.name_person), ("Merge selected", self.merge),
                           ("Split selected faces off", self.split)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.status = QLabel("")
        right = QSplitter(Qt.Vertical)
        right.addWidget(self.faces)
        right.addWidget(self.photos)
        body = QSplitter()
        body.addWidget(self.list)
        body.addWidget(right)
        body.setSizes([250, 750])
        lay = QVBoxLayout(self)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        lay.addWidget(body, 1)
        thumbs.ready.connect(self._thumb_ready)

    def _thumb_ready(self, _hash: str) -> None:
        self._list_icons()
        self._show_cluster(self.list.currentRow())

    def _list_icons(self) -> None:
        """Each person shown by a face, not only a name and a count."""
        for row, c in enumerate(self.clusters):
            item = self.list.item(row)
            if item is not None and item.icon().isNull() and c.faces:
                crop = self._crop(c.faces[0])
                if crop is not None:
                    item.setIcon(QIcon(crop))

    def reload(self) -> None:
        self.workers.start(self.session.run_in_worker(lambda cat, cancel: people(cat)), on_result=self._loaded)

    def _loaded(self, clusters) -> None:
        self.clusters = clusters or []
        row = max(0, self.list.currentRow())
        self.list.clear()
        for c in self.clusters:
            self.list.addItem(f"{c.label} — {plural(len(c.faces), 'face')}")
        self._list_icons()
        named = sum(1 for c in self.clusters if c.label != "unknown")
        self.status.setText(f"{named} people, {len(self.clusters) - named} unmatched faces")
        if self.clusters:
            self.list.setCurrentRow(min(row, len(self.clusters) - 1))

    def _crop(self, face: dict):
        photo = self.session.catalog.photos.get(face["photo_id"])
        pix = self.thumbs.get(photo["content_hash"]) if photo else None
        if pix is None or not photo["width"]:
            return None
        s = pix.width() / photo["width"]
        pad = 0.25 * face["w"]
        rect = QRect(int((face["x"] - pad) * s), int((face["y"] - pad) * s), int((face["w"] + 2 * pad) * s),
                     int((face["h"] + 2 * pad) * s)).intersected(pix.rect())
        return pix.copy(rect)

    def _show_cluster(self, row: int) -> None:
        if not 0 <= row < len(self.clusters):
            return
        c = self.clusters[row]
        self.faces.clear()
        for f, name in zip(c.faces, display_names([paths.display(f["path"]) for f in c.faces])):
            item = QListWidgetItem(name)
            item.setData(Qt.UserRole, f["id"])
            crop = self._crop(f)
            if crop is not None:
                item.setIcon(QIcon(crop))
            self.faces.addItem(item)
        seen, faces, hashes = set(), [], []
        for f in c.faces:
            photo = self.session.catalog.photos.get(f["photo_id"])
            if f["photo_id"] not in seen and photo is not None:      # (a photo gone since the faces were grouped)
                seen.add(f["photo_id"])
                faces.append(f)
                hashes.append(photo["content_hash"])
        names = display_names([paths.display(f["path"]) for f in faces])     # the folder where names repeat
        items = [(name, h, f["path"], f["photo_id"]) for f, name, h in zip(faces, names, hashes)]
        self.photos.set_items(items)

    def _selected_clusters(self):
        return [self.clusters[i.row()] for i in self.list.selectedIndexes()]

    def name_person(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.clusters):
            return
        c = self.clusters[row]
        name, ok = QInputDialog.getText(self, "Name this person", "Name:", text="" if c.person_id is None else c.label)
        if ok and name.strip():
            assign(self.session.catalog, [f["id"] for f in c.faces], name.strip(), c.person_id)
            self.reload()
            self.named.emit()

    def merge(self) -> None:
        chosen = self._selected_clusters()
        if len(chosen) < 2:
            self.status.setText("select two or more clusters to merge (Ctrl-click)")
            return
        target = next((c for c in chosen if c.person_id is not None), chosen[0])
        faces = [f["id"] for c in chosen for f in c.faces]
        assign(self.session.catalog, faces, None if target.person_id else target.label, target.person_id)
        self.reload()
        self.named.emit()

    def split(self) -> None:
        ids = [i.data(Qt.UserRole) for i in self.faces.selectedItems()]
        if ids:
            assign(self.session.catalog, ids, None)
            self.reload()
            self.named.emit()
