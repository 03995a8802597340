"""Duplicates: each group side by side with the suggested keeper (higher resolution, sharper,
richer metadata) and one action that rejects the others (a decision, never a deletion)."""
from __future__ import annotations

import os

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.core import paths
from app.core.culling import keep_one
from app.core.duplicates import CANDIDATE_SIMILARITY, find_duplicates
from app.core.text import plural, size_text

from .photo_grid import PhotoGrid


def short_name(path: str) -> str:
    """``folder/file.jpg``: burst frames in different folders often share a file name."""
    parts = paths.display(path).rsplit("/", 2)
    return "/".join(parts[-2:])


class DuplicatesView(QWidget):
    decided = Signal()                 # keep-one: every view shows it at once

    def __init__(self, session, workers, thumbs, parent=None) -> None:
        super().__init__(parent)
        self.session, self.workers = session, workers
        self.groups = []
        self.status = QLabel("Press “Find duplicates” after indexing.")
        find = QPushButton("Find duplicates")
        find.clicked.connect(self.reload)
        self.reject_button = QPushButton("Keep the suggested photo, reject the others")
        self.reject_button.clicked.connect(self.reject_others)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show_group)
        self.list.setTextElideMode(Qt.ElideMiddle)
        self.grid = PhotoGrid(thumbs, QSize(240, 180))
        top = QHBoxLayout()
        top.addWidget(find)
        top.addWidget(self.reject_button)
        top.addStretch(1)
        body = QSplitter()
        body.addWidget(self.list)
        body.addWidget(self.grid)
        body.setSizes([380, 1000])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.status)
        lay.addWidget(body, 1)

    def reload(self) -> None:
        from .settings_view import qsettings

        threshold = float(qsettings().value("duplicates/threshold", CANDIDATE_SIMILARITY))
        self.status.setText("Looking for duplicates…")
        self.workers.start(self.session.run_in_worker(
                               lambda cat, cancel: find_duplicates(cat, threshold=threshold, cancel=cancel)),
                           on_result=self._loaded, on_error=lambda m: self.status.setText(m.splitlines()[0]))

    def _loaded(self, groups) -> None:
        self.groups = groups or []
        self.list.clear()
        for g in self.groups:
            self.list.addItem(f"{g.kind}: {len(g.photo_ids)} photos — {short_name(g.paths[g.photo_ids.index(g.keeper)])}")
        self.status.setText(f"{len(self.groups)} groups")
        if self.groups:
            self.list.setCurrentRow(0)

    def _show_group(self, row: int) -> None:
        if not 0 <= row < len(self.groups):
            return
        g = self.groups[row]
        cat = self.session.catalog
        items = []
        order = [g.keeper] + [pid for pid in g.photo_ids if pid != g.keeper]
        for pid in order:
            path = g.paths[g.photo_ids.index(pid)]
            p = cat.photos.get(pid)
            keep = "✔ keep (suggested)  " if pid == g.keeper else ""
            items.append((f"{keep}{short_name(path)}\n{p['width']}×{p['height']}, {size_text(p['size'])}",
                          p["content_hash"], path, pid))
        self.grid.set_items(items)
        self.status.setText(f"{plural(len(self.groups), 'group')} — suggested keeper first (higher resolution, then sharper, "
                            "then richer metadata)")

    def reject_others(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.groups):
            g = self.groups[row]
            done = keep_one(self.session.catalog, g.keeper, [pid for pid in g.photo_ids if pid != g.keeper])
            self.decided.emit()
            name = os.path.basename(self.session.catalog.photos.get(done.keeper)["path"])
            spared = f"; {len(done.spared)} left as they are (your best, or a raw + JPEG partner)" if done.spared else ""
            self.status.setText(f"kept {name}{' (your best)' if done.keeper != g.keeper else ''}, rejected "
                                f"{len(done.rejected)}{spared} (one undo step: Ctrl+Z in the grid or the cull view)")
