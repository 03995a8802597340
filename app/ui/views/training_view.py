"""Training: how many decisions there are, fine-tuning in the background (start/cancel), a
live plot of the loss and of the held-out agreement per fold, the comparison of the new
ranker with the current one, rollback, and the version history."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from app.core import learning


class Plot(QWidget):
    """Two panels: the training loss per epoch (one line per cross-validation fold, the final
    fit in blue) and the held-out agreement per fold (current ranker grey, new one green)."""

    FOLD, FINAL, CURRENT, NEW = QColor("#9ecae1"), QColor("#1f77b4"), QColor("#999999"), QColor("#2ca02c")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(220)
        self.runs: dict[str, list[float]] = {}              # phase -> loss per epoch
        self.agreement: list[tuple[float, float]] = []      # (current, new) per fold

    @property
    def loss(self) -> list[float]:
        return [v for run in self.runs.values() for v in run]

    def add_loss(self, phase: str, value: float) -> None:
        self.runs.setdefault(phase, []).append(value)

    def clear(self) -> None:
        self.runs, self.agreement = {}, []
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#fafafa"))
        half = self.height() // 2
        self._loss_panel(p, QRectF(50, 22, self.width() - 70, half - 44))
        self._agreement_panel(p, QRectF(50, half + 22, self.width() - 70, half - 44))
        p.end()

    @staticmethod
    def _axes(p: QPainter, r: QRectF, title: str, top_label: str, bottom_label: str) -> None:
        p.setPen(QColor("#444"))
        p.drawText(QPointF(r.left(), r.top() - 6), title)
        p.setPen(QColor("#bbb"))
        p.drawRect(r)
        p.setPen(QColor("#666"))
        p.drawText(QRectF(0, r.top() - 7, r.left() - 6, 14), Qt.AlignRight | Qt.AlignVCenter, top_label)
        p.drawText(QRectF(0, r.bottom() - 7, r.left() - 6, 14), Qt.AlignRight | Qt.AlignVCenter, bottom_label)

    @staticmethod
    def _line(p: QPainter, points: list[QPointF], colour: QColor, width: int = 2) -> None:
        pen = QPen(colour)
        pen.setWidth(width)
        p.setPen(pen)
        for a, b in zip(points, points[1:]):
            p.drawLine(a, b)
        for pt in points:
            p.drawEllipse(pt, 2.5, 2.5)

    def _loss_panel(self, p: QPainter, r: QRectF) -> None:
        top = max(self.loss, default=1.0) or 1.0
        self._axes(p, r, "training loss per epoch — cross-validation folds (light), final fit (blue)",
                   f"{top:.2f}", "0")
        longest = max((len(v) for v in self.runs.values()), default=1)
        for phase, values in self.runs.items():
            pts = [QPointF(r.left() + r.width() * i / max(1, longest - 1), r.bottom() - r.height() * v / top)
                   for i, v in enumerate(values)]
            final = "fold" not in phase
            self._line(p, pts, self.FINAL if final else self.FOLD, 2 if final else 1)

    def _agreement_panel(self, p: QPainter, r: QRectF) -> None:
        self._axes(p, r, "agreement with your held-out choices per fold — current ranker (grey), new (green)",
                   "100%", "0%")
        p.setPen(QPen(QColor("#ddd"), 1, Qt.DashLine))
        p.drawLine(QPointF(r.left(), r.center().y()), QPointF(r.right(), r.center().y()))
        n = len(self.agreement)
        if not n:
            return
        xs = [r.left() + r.width() * (i + 0.5) / n for i in range(n)]
        for k, colour in ((0, self.CURRENT), (1, self.NEW)):
            self._line(p, [QPointF(x, r.bottom() - r.height() * a[k]) for x, a in zip(xs, self.agreement)], colour)
        p.setPen(QColor("#666"))
        for i, x in enumerate(xs):
            p.drawText(QRectF(x - 30, r.bottom() + 2, 60, 14), Qt.AlignCenter, f"fold {i + 1}")


def outcome_text(o) -> str:
    """A training result in words: what was compared on how many held-out choices, the margin
    the new ranker had to beat, and what happens next."""
    if o.current_agreement is None or o.new_agreement is None:
        return o.message
    gain = 100 * (o.new_agreement - o.current_agreement)
    need = 100 * learning.ADOPT_MARGIN
    held = f"{o.pairs} held-out choice{'s' if o.pairs != 1 else ''} (each pair of frames you preferred one of, " \
           f"tested by a ranker that had not seen it)"
    if o.adopted:
        return (f"Adopted {o.version}: it agreed with {o.new_agreement:.1%} of your {held}, the current ranker "
                f"({o.current}) with {o.current_agreement:.1%}: {gain:+.1f} points, more than the {need:.1f} it "
                f"had to gain. The Cull view's suggestions now come from {o.version}; Roll back returns to "
                f"{o.current}.")
    return (f"Kept {o.current}: the new ranker agreed with {o.new_agreement:.1%} of your {held}, the current one "
            f"with {o.current_agreement:.1%}: {gain:+.1f} points, and it had to gain at least {need:.1f}. "
            f"Nothing changed. Decide more bursts (best frames, rejects) and train again.")


class TrainingView(QWidget):
    ranker_changed = Signal()       # a rollback here (on the window's own connection: no watch sees it)

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
        n = cat.decisions.photos_with_decisions()
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
            self.phase.setText(f"{e.phase} ({e.done} of {e.total})" if e.total else e.phase)
            if e.metrics and "loss" in e.metrics:
                self.plot.add_loss(e.phase, e.metrics["loss"])
            if e.metrics and "new_agreement" in e.metrics:
                self.plot.agreement.append((e.metrics["current_agreement"], e.metrics["new_agreement"]))
        self.plot.update()

    def _done(self, outcome) -> None:
        self.last_outcome = outcome
        self.phase.setText("not started: more decisions needed" if getattr(outcome, "needed", 0)
                           else "finished")                   # never a stale "train: preparing"
        self.result.setText(outcome_text(outcome))
        self.result.setWordWrap(True)
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
            self.ranker_changed.emit()
        except ValueError as exc:
            self.result.setText(str(exc))
        self.refresh()
