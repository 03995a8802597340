"""Training: how many decisions there are, fine-tuning in the background (start/cancel), a
live plot of the loss and of the held-out agreement per fold, the comparison of the new
ranker with the current one, rollback, and the version history."""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from app.core import learning


class Plot(QWidget):
    """Two series in [0, max]: loss (blue) and agreement (green)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(180)
        self.loss: list[float] = []
        self.agreement: list[tuple[float, float]] = []      # (current, new) per fold

    def clear(self) -> None:
        self.loss, self.agreement = [], []
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#fafafa"))
        w, h = self.width() - 20, self.height() - 30
        p.setPen(QColor("#666"))
        p.drawText(10, 15, "loss (blue, per epoch) — held-out agreement per fold: current (grey), new (green)")
        def draw(values, colour, top):
            if len(values) < 1:
                return
            pen = QPen(QColor(colour))
            pen.setWidth(2)
            p.setPen(pen)
            pts = [QPointF(10 + w * i / max(1, len(values) - 1), 25 + h * (1 - v / top)) for i, v in enumerate(values)]
            for a, b in zip(pts, pts[1:]):
                p.drawLine(a, b)
            for pt in pts[-1:]:
                p.drawEllipse(pt, 3, 3)
        if self.loss:
            draw(self.loss, "#1f77b4", max(self.loss) or 1.0)
        if self.agreement:
            draw([a for a, _ in self.agreement], "#999999", 1.0)
            draw([b for _, b in self.agreement], "#2ca02c", 1.0)
        p.end()


class TrainingView(QWidget):
    def __init__(self, session, workers, parent=None) -> None:
        super().__init__(parent)
        self.session, self.workers = session, workers
        self.worker = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.start_button = QPushButton("Fine-tune from my decisions")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.rollback_button = QPushButton("Roll back to the previous ranker")
        self.rollback_button.clicked.connect(self.rollback)
        self.phase = QLabel("")
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.plot = Plot()
        self.history = QListWidget()
        buttons = QHBoxLayout()
        for b in (self.start_button, self.cancel_button, self.rollback_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addLayout(buttons)
        lay.addWidget(self.phase)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.result)
        lay.addWidget(QLabel("Ranker versions (the current one is marked):"))
        lay.addWidget(self.history)
        self.last_outcome = None
        self.refresh()

    def refresh(self) -> None:
        cat = self.session.catalog
        n = cat.conn.execute("SELECT COUNT(DISTINCT photo_id) FROM decisions WHERE undone = 0").fetchone()[0]
        self.summary.setText(f"{n} photos with decisions. The ranker learns from bursts where you marked the best "
                             f"frame, accepted or rejected frames (at least {learning.MIN_PAIRS} preference pairs "
                             f"from {learning.MIN_BURSTS} bursts). It is adopted only when it agrees better with "
                             f"your held-out choices.")
        self.history.clear()
        for v in learning.list_versions(cat):
            extra = f" — agreement {v['agreement']:.1%} (was {v['previous_agreement']:.1%})" if v.get("agreement") else ""
            self.history.addItem(("▶ " if v["current"] else "   ") + v["version"] + extra)
        self.rollback_button.setEnabled(learning.current_version(cat) != "default")

    def start(self) -> None:
        self.plot.clear()
        self.result.setText("")
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.worker = self.workers.start(self.session.run_in_worker(lambda cat, cancel: learning.train_job(cat, cancel)),
                                         on_progress=self._progress, on_result=self._done, on_error=self._error,
                                         on_finished=self._finished)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _progress(self, events) -> None:
        for e in events:
            self.phase.setText(f"{e.phase} ({e.done}/{e.total})" if e.total else e.phase)
            if e.metrics and "loss" in e.metrics:
                self.plot.loss.append(e.metrics["loss"])
            if e.metrics and "new_agreement" in e.metrics:
                self.plot.agreement.append((e.metrics["current_agreement"], e.metrics["new_agreement"]))
        self.plot.update()

    def _done(self, outcome) -> None:
        self.last_outcome = outcome
        self.result.setText(outcome.message)
        self.refresh()

    def _error(self, message: str) -> None:
        self.result.setText(message.splitlines()[0])

    def _finished(self) -> None:
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.worker = None

    def rollback(self) -> None:
        try:
            version = learning.rollback(self.session.catalog)
            self.result.setText(f"now using {version}")
        except ValueError as exc:
            self.result.setText(str(exc))
        self.refresh()
