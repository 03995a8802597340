"""Beside the loupe's picture: an RGB and luminance histogram with clipping warnings
(triangles lit as in Lightroom, the share of the picture in words) and the photo's facts
(app/core/photo_facts.py)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPolygonF
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.core.histogram import Histogram, histogram

from .image_view import image_array


class HistogramView(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.hist: Histogram | None = None
        self.setMinimumSize(256, 120)

    def set_image(self, image) -> None:
        key = None if image is None or image.isNull() else image.cacheKey()
        if key is not None and key == getattr(self, "_key", None):
            return
        self._key = key
        if key is None:
            self.hist = None
        else:
            small = image if image.width() <= 800 else image.scaledToWidth(800, Qt.FastTransformation)
            self.hist = histogram(image_array(small))
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#161616"))
        h = self.hist
        if h is None:
            p.end()
            return
        r = QRectF(self.rect()).adjusted(4, 14, -4, -4)
        peak = max(1.0, float(np.percentile(np.concatenate([h.red, h.green, h.blue])[1:-1], 99.5)) * 1.1)
        p.setRenderHint(QPainter.Antialiasing, True)
        p.setCompositionMode(QPainter.CompositionMode_Plus)
        for counts, colour in ((h.red, QColor(200, 40, 40, 200)), (h.green, QColor(40, 180, 40, 200)),
                               (h.blue, QColor(50, 80, 220, 200))):
            p.fillPath(self._curve(counts, r, peak), colour)
        p.setCompositionMode(QPainter.CompositionMode_SourceOver)
        p.setPen(QColor(230, 230, 230, 220))
        p.drawPath(self._curve(h.luma, r, peak, closed=False))
        for on, x, colour in ((h.shadows > 0.001, r.left(), QColor("#4f8cff")),
                              (h.highlights > 0.001, r.right(), QColor("#ff4040"))):
            d = 9 if x == r.left() else -9
            tri = QPolygonF([QPointF(x, 2), QPointF(x + d, 2), QPointF(x, 11)])
            p.setPen(Qt.NoPen)
            p.setBrush(colour if on else QColor("#444"))
            p.drawPolygon(tri)
        p.end()

    @staticmethod
    def _curve(counts, r: QRectF, peak: float, closed: bool = True) -> QPainterPath:
        path = QPainterPath()
        path.moveTo(r.left(), r.bottom())
        for i, c in enumerate(counts):
            path.lineTo(r.left() + r.width() * i / 255, r.bottom() - r.height() * min(1.0, c / peak))
        if closed:
            path.lineTo(r.right(), r.bottom())
            path.closeSubpath()
        return path


class InfoPanel(QScrollArea):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFixedWidth(300)
        body = QWidget()
        lay = QVBoxLayout(body)
        self.histogram = HistogramView()
        self.clipping = QLabel("")
        self.clipping.setWordWrap(True)
        self.clipping.setStyleSheet("color: #ff8080;")
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignRight)
        lay.addWidget(self.histogram)
        lay.addWidget(self.clipping)
        lay.addLayout(self.form)
        lay.addStretch(1)
        self.setWidget(body)
        body.setStyleSheet("background: #232323; color: #ddd;")
        self.facts: list[tuple[str, str]] = []

    def set_facts(self, facts: list[tuple[str, str]]) -> None:
        self.facts = facts
        while self.form.rowCount():
            self.form.removeRow(0)
        for label, text in facts:
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            self.form.addRow(QLabel(f"<span style='color:#999'>{label}</span>"), value)

    def set_image(self, image) -> None:
        self.histogram.set_image(image)
        h = self.histogram.hist
        self.clipping.setText("\n".join(h.warnings()) if h is not None else "")
