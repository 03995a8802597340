"""Search: drop an image (or choose a file, or "find similar" on any photo); results with
their similarity; a text box when the library's embedding model understands text."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.core import paths
from app.core.library_grid import display_names

from .photo_grid import PhotoGrid

QUERY_SIZE = 110


class SearchView(QWidget):
    def __init__(self, session, workers, thumbs, parent=None) -> None:
        super().__init__(parent)
        self.session, self.workers = session, workers
        self.setAcceptDrops(True)
        self.status = QLabel("Drop a photo here, choose one, or use “Find similar” in the library.")
        choose = QPushButton("Choose image…")
        choose.clicked.connect(self._choose)
        self.text = QLineEdit(placeholderText="Describe a photo (needs an OpenCLIP model)")
        self.text.returnPressed.connect(lambda: self.search_text(self.text.text()))
        self.results = PhotoGrid(thumbs)
        self.query = QLabel()                       # the example photo, beside the results
        self.query.setFixedSize(QUERY_SIZE + 8, QUERY_SIZE + 8)
        self.query.setAlignment(Qt.AlignCenter)
        top = QHBoxLayout()
        top.addWidget(choose)
        top.addWidget(self.text, 1)
        head = QHBoxLayout()
        head.addWidget(self.query)
        head.addWidget(self.status, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(head)
        lay.addWidget(self.results, 1)
        self.last_results = []
        self.query_label = ""
        self.refresh_text_support()

    def refresh_text_support(self) -> None:
        from app.core.library_models import embedding_model
        from app.core.models import registry

        model = embedding_model(self.session.catalog)
        self.text.setEnabled(registry()[model].text)
        if not self.text.isEnabled():
            self.text.setPlaceholderText(f"Text search needs an OpenCLIP model (in use: {model})")

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Find photos like…", "", "Images (*.jpg *.jpeg *.png *.heic *.tif *.tiff *.webp)")
        if path:
            self.search_image(path)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls and os.path.isfile(urls[0]):
            self.search_image(urls[0])

    def search_image(self, path: str) -> None:
        from app.core.search import search_by_example

        from ..previews import load_preview

        self.status.setText(f"Searching for photos like {paths.display(path)}…")
        self.query_path = os.path.abspath(path)
        self.query_label = os.path.basename(paths.display(path))
        self.workers.start(self.session.run_in_worker(lambda cat, cancel: search_by_example(cat, path, 40)),
                           on_result=self._show, on_error=self._error)
        self.workers.start(lambda cancel: load_preview(path, size=QUERY_SIZE), on_result=self._show_query,
                           pool="thumbs")

    def _show_query(self, image: QImage) -> None:
        self.query.setPixmap(QPixmap.fromImage(image).scaled(QUERY_SIZE, QUERY_SIZE, Qt.KeepAspectRatio,
                                                             Qt.SmoothTransformation))

    def search_text(self, text: str) -> None:
        from app.core.search import search_by_text

        if text.strip():
            self.query.clear()
            self.query_path = None
            self.query_label = f"“{text.strip()}”"
            self.workers.start(self.session.run_in_worker(lambda cat, cancel: search_by_text(cat, text, 40)),
                               on_result=self._show, on_error=self._error)

    def _error(self, message: str) -> None:
        self.status.setText(message.splitlines()[0])

    def _show(self, results) -> None:
        query = getattr(self, "query_path", None)        # the photo searched with is not its own result
        results = sorted((r for r in results if query is None or os.path.abspath(r.path) != query),
                         key=lambda r: -r.similarity)
        self.last_results = results
        cat = self.session.catalog
        items = []
        names = display_names([paths.display(r.path) for r in results])
        for r, name in zip(results, names):
            row = cat.photos.get(r.photo_id)
            mark = "  ✔ copy" if r.verified else ""
            items.append((f"{r.similarity:.2f}  {name}{mark}", row and row["content_hash"], r.path, r.photo_id))
        self.results.set_items(items)
        copies = sum(1 for r in results if r.verified)
        self.status.setText(f"{len(results)} results for {self.query_label}: "
                            + "the most similar first (cosine similarity)"
                            + (f"; ✔ marks {copies} verified {'copy' if copies == 1 else 'copies'} of it (checked on "
                               "local features)" if copies else ""))
