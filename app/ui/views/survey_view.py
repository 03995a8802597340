"""Survey: 2 to 12 photos chosen in the grid side by side, each as large as the window allows
(Lightroom's Survey, N). One is active (a white frame): the keys act on it, Left/Right move the
activity, a click makes a photo active; a rejected photo is dimmed, and X on the active one
with "drop rejects" takes it off the survey. Esc, G or N goes back to the grid."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.culling import decide, undo
from app.core.library_grid import decision_marks

from ..preview_cache import PreviewCache
from ..shortcuts import decision_key, undo_request
from .image_view import ImageView

MIN_SURVEY, MAX_SURVEY = 2, 12


def survey_grid(n: int, width: int = 1200, height: int = 700, aspect: float = 1.5) -> tuple[int, int]:
    """Rows and columns for ``n`` photos of ``aspect`` in a width x height area: the layout
    that shows each photo largest."""
    def size(cols: int) -> float:
        rows = math.ceil(n / cols)
        return min(width / cols / aspect, height / rows)
    cols = max(range(1, max(1, n) + 1), key=size)
    return math.ceil(n / cols), cols


class _Cell(QWidget):
    clicked = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.view = ImageView()
        self.view.show_indicator = False
        self.view.canvas.mouseReleaseEvent = lambda e: self.clicked.emit(self)    # a click chooses, never zooms
        self.caption = QLabel("")
        self.caption.setStyleSheet("color: #ddd; padding: 2px 4px;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(3, 3, 3, 3)
        lay.setSpacing(0)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.caption)
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.row = None

    def set_active(self, on: bool) -> None:
        self.setStyleSheet("_Cell { background: #e8e8e8; }" if on else "_Cell { background: #262626; }")
        self.caption.setStyleSheet(f"color: {'#111' if on else '#ddd'}; padding: 2px 4px;")


class SurveyView(QWidget):
    closed = Signal()
    decided = Signal()

    def __init__(self, session, workers, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.previews = PreviewCache(workers, fit_capacity=MAX_SURVEY + 4, parent=self)
        self.previews.ready.connect(lambda *_: self._pictures())
        self.rows: list = []
        self.active = 0
        self.cells = [_Cell() for _ in range(MAX_SURVEY)]
        for cell in self.cells:
            cell.clicked.connect(lambda c: self._activate(self.cells.index(c)))
        self.title = QLabel("")
        self.title.setStyleSheet("color: #e0e0e0; font-weight: bold; padding: 2px 8px;")
        back = QPushButton("Grid (Esc)")
        back.setFocusPolicy(Qt.NoFocus)
        back.clicked.connect(self.closed)
        bar = QHBoxLayout()
        bar.addWidget(back)
        bar.addWidget(self.title, 1)
        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addLayout(self.grid, 1)
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet("SurveyView { background: #1c1c1c; }")
        self.setFocusPolicy(Qt.StrongFocus)

    def show_rows(self, rows: list) -> None:
        """Survey these grid rows (library_grid.GridRow), the first one active."""
        self.rows = [r for r in rows if r.status == "ok"][:MAX_SURVEY]
        self.active = 0
        self._place()
        self.setFocus()

    def _place(self) -> None:
        for cell in self.cells:
            self.grid.removeWidget(cell)
            cell.hide()
        n = len(self.rows)
        if not n:
            self.title.setText("Nothing to survey: select 2 to 12 photos in the grid, then N")
            return
        _, cols = survey_grid(n, self.width(), max(1, self.height() - 60))
        for i, row in enumerate(self.rows):
            cell = self.cells[i]
            cell.row = row
            self.grid.addWidget(cell, i // cols, i % cols)
            cell.show()
        self._pictures()
        self._marks()

    def _pictures(self) -> None:
        for cell, row in zip(self.cells, self.rows):
            image = self.previews.get(row.path)
            if image is None:
                self.previews.request(row.path)
            if image is not cell.view.image():
                cell.view.set_image(image, "loading…")

    def _marks(self) -> None:
        states = self.session.catalog.decisions.states()
        for i, (cell, row) in enumerate(zip(self.cells, self.rows)):
            row.state = states.get(row.photo_id, row.state.__class__())
            marks = decision_marks(row.state, row.suggested)
            cell.caption.setText(f"{row.name}   " + "  ".join(marks))
            cell.set_active(i == self.active)
            cell.view.set_dimmed(row.state.pick == -1)        # a reject is dimmed, as in the grid
        if self.rows:
            self.title.setText(f"Survey of {len(self.rows)} — the keys act on {self.rows[self.active].name}")

    def _activate(self, i: int) -> None:
        if 0 <= i < len(self.rows):
            self.active = i
            self._marks()

    def record(self, kind: str, value: int | None, text: str | None = None) -> None:
        if not self.rows:
            return
        row = self.rows[self.active]
        if kind == "best" and not row.can_be_best:
            return
        decide(self.session.catalog, row.photo_id, kind, value, text, burst=row.burst_ids)
        self._marks()
        self.decided.emit()

    def keyPressEvent(self, event) -> None:
        key, text = event.key(), event.text().lower()
        redo = undo_request(event)
        if redo is not None:
            undo(self.session.catalog, redo, own=True)
            self._marks()
            self.decided.emit()
            return
        decision = decision_key(text, lambda: [self.rows[self.active].state.label] if self.rows else [])
        if key in (Qt.Key_Escape, Qt.Key_Return, Qt.Key_Enter) or text in ("g", "n"):
            self.closed.emit()
        elif key in (Qt.Key_Left, Qt.Key_Right):
            self._activate((self.active + (1 if key == Qt.Key_Right else -1)) % max(1, len(self.rows)))
        elif decision is not None:
            self.record(*decision)
        else:
            super().keyPressEvent(event)
