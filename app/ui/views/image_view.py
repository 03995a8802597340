"""A large photo view: fit to the window or a zoom step (50, 100, 200 %) centred on a focus
point (the main face, else the sharpest detail), scrollable and draggable, on a dark surround
at every zoom, with the zoom shown in a corner; a click zooms to 100 % at the point clicked
(and back to fit). Optionally the clipped highlights (red) and shadows (blue) painted over the
picture. Views can pan together (compare of N frames: the same place in every frame).

Only the visible part of a zoomed picture is painted, and the fitted picture is scaled once
per size, so moving to the next photo costs one paint."""
from __future__ import annotations

import time

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

SURROUND = QColor("#1c1c1c")


def fitted_size(w: int, h: int, area_w: int, area_h: int) -> tuple[int, int]:
    """The size a w x h picture is painted at, fitted into an area (a margin around it)."""
    s = 0.98 * min(area_w / max(1, w), area_h / max(1, h))
    return max(1, int(w * s)), max(1, int(h * s))
ZOOM_STEPS = (None, 0.5, 1.0, 2.0)          # None: fit


def zoom_text(zoom: float | None, fit_scale: float | None = None) -> str:
    if zoom is None:
        return f"Fit {round(100 * fit_scale)} %" if fit_scale else "Fit"
    return f"{round(100 * zoom)} %"


class _Canvas(QWidget):
    def __init__(self, view: "ImageView") -> None:
        super().__init__()
        self.view = view
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setMouseTracking(False)
        self.painted_key: int | None = None        # cacheKey of the picture painted last
        self.painted_at = 0.0
        self._press: QPoint | None = None
        self._dragged = False

    def paintEvent(self, event) -> None:
        v = self.view
        p = QPainter(self)
        p.fillRect(event.rect(), SURROUND)
        image = v._image
        if image.isNull():
            p.setPen(QColor("#aaa"))
            p.drawText(self.rect(), Qt.AlignCenter, v._text)
            self.painted_key = None
        else:
            target = v.image_rect()
            if v.zoom is None:
                scaled = v._fitted(target.size())
                p.drawImage(target.topLeft(), scaled)
                if v.clipping and v._mask is not None:
                    p.drawImage(QRectF(target), v._mask)
            else:
                p.setRenderHint(QPainter.SmoothPixmapTransform, v.zoom < 1.0)
                p.setClipRect(event.rect())
                p.drawImage(QRectF(target), image)
                if v.clipping and v._mask is not None:
                    p.drawImage(QRectF(target), v._mask)
            if v.dimmed:
                p.fillRect(target, QColor(28, 28, 28, 170))
            self.painted_key = image.cacheKey()
        self.painted_at = time.perf_counter()
        p.end()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._press, self._dragged = event.position().toPoint(), False
            self._bars = (self.view.horizontalScrollBar().value(), self.view.verticalScrollBar().value())
            self._global = event.globalPosition().toPoint()

    def mouseMoveEvent(self, event) -> None:
        if self._press is None or self.view.zoom is None:
            return
        delta = event.globalPosition().toPoint() - self._global
        if delta.manhattanLength() > 4:
            self._dragged = True
            self.view.horizontalScrollBar().setValue(self._bars[0] - delta.x())
            self.view.verticalScrollBar().setValue(self._bars[1] - delta.y())

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and self._press is not None and not self._dragged:
            self.view.click_zoom(event.position())
        self._press = None


class ImageView(QScrollArea):
    zoom_changed = Signal(object)           # the zoom (None: fit)
    clicked_zoom = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.canvas = _Canvas(self)
        self.setWidget(self.canvas)
        self.setAlignment(Qt.AlignCenter)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.NoFrame)
        for w in (self, self.viewport()):
            pal = w.palette()
            pal.setColor(QPalette.Window, SURROUND)
            pal.setColor(QPalette.Base, SURROUND)
            w.setPalette(pal)
            w.setAutoFillBackground(True)
        self._image = QImage()
        self._text = ""
        self._fit_cache: tuple[int, int, int, QImage] | None = None
        self._mask: QImage | None = None
        self.zoom: float | None = None
        self.source_long: int | None = None   # the original's long side when the picture shown is reduced
        self.clipping = False
        self.dimmed = False                 # a rejected photo, faded into the surround
        self.show_indicator = True
        self.focus = (0.5, 0.5)             # where a zoom opens, as fractions of the image
        self._group: list[ImageView] = []
        self._syncing = False
        self.setFocusPolicy(Qt.NoFocus)
        self.indicator = QLabel(self.viewport())        # the zoom, top right, over the picture
        self.indicator.setStyleSheet("background: rgba(0, 0, 0, 160); color: #eee; padding: 2px 8px;")
        self.indicator.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.indicator.hide()

    def _update_indicator(self) -> None:
        if self._image.isNull() or not self.show_indicator:
            self.indicator.hide()
            return
        self.indicator.setText(zoom_text(self.zoom, self.fit_scale()) + ("  ·  clipping (J)" if self.clipping else ""))
        self.indicator.adjustSize()
        self.indicator.move(self.viewport().width() - self.indicator.width() - 8, 8)
        self.indicator.show()
        self.indicator.raise_()

    # state -----------------------------------------------------------------
    @property
    def actual_size(self) -> bool:
        """Zoomed in (a full decode is shown), as against fitted into the window."""
        return self.zoom is not None

    @property
    def label(self):                      # the painting widget (older callers called it the label)
        return self.canvas

    def set_image(self, image: QImage | None, text: str = "") -> None:
        self._image = image if image is not None else QImage()
        self._text = text or "loading…"
        self._mask = None
        if self.clipping and not self._image.isNull():
            self._mask = clipping_mask(self._image)
        self._layout()

    def image(self) -> QImage:
        return self._image

    def set_actual_size(self, on: bool) -> None:
        self.set_zoom(1.0 if on else None)

    def set_zoom(self, zoom: float | None, anchor: tuple[float, float] | None = None) -> None:
        if anchor is not None:
            self.focus = anchor
        self.zoom = zoom
        self._layout()
        self.zoom_changed.emit(zoom)

    def step_zoom(self, step: int) -> float | None:
        """The next (or previous) zoom step: fit, 50, 100, 200 %."""
        i = ZOOM_STEPS.index(self.zoom) if self.zoom in ZOOM_STEPS else 0
        self.set_zoom(ZOOM_STEPS[max(0, min(len(ZOOM_STEPS) - 1, i + step))])
        return self.zoom

    def set_dimmed(self, on: bool) -> None:
        if on != self.dimmed:
            self.dimmed = on
            self.canvas.update()

    def set_clipping(self, on: bool) -> None:
        self.clipping = on
        self._mask = clipping_mask(self._image) if on and not self._image.isNull() else None
        self._update_indicator()
        self.canvas.update()

    def click_zoom(self, pos: QPointF) -> None:
        """A click: from fit to 100 % centred on the point clicked; zoomed, back to fit."""
        if self.zoom is None and not self._image.isNull():
            r = self.image_rect()
            fx = min(1.0, max(0.0, (pos.x() - r.x()) / max(1, r.width())))
            fy = min(1.0, max(0.0, (pos.y() - r.y()) / max(1, r.height())))
            self.set_zoom(1.0, anchor=(fx, fy))
        else:
            self.set_zoom(None)
        self.clicked_zoom.emit()

    def fit_scale(self) -> float | None:
        """The fitted picture's scale against the original's pixels."""
        if self._image.isNull():
            return None
        if self.zoom is not None:
            return self.zoom
        r = self.image_rect()
        return max(r.width(), r.height()) / max(1, self.source_long or max(self._image.width(), self._image.height()))

    # geometry --------------------------------------------------------------
    def image_rect(self) -> QRect:
        """Where the picture is painted on the canvas."""
        w, h = self._image.width(), self._image.height()
        if self.zoom is None:
            area = self.viewport().size()
            tw, th = fitted_size(w, h, area.width(), area.height())
            return QRect((self.canvas.width() - tw) // 2, (self.canvas.height() - th) // 2, tw, th)
        scale = self.zoom * (self.source_long / max(w, h) if self.source_long else 1.0)
        return QRect(0, 0, max(1, int(w * scale)), max(1, int(h * scale)))

    def offer_fitted(self, image: QImage, fitted: QImage) -> None:
        """A fitted copy of ``image`` scaled ahead (off the GUI thread): painted as it is when
        it has the size the view paints at."""
        if image is not None and fitted is not None and not fitted.isNull():
            self._fit_cache = (image.cacheKey(), fitted.width(), fitted.height(), fitted)

    def _fitted(self, size) -> QImage:
        key = (self._image.cacheKey(), size.width(), size.height())
        if self._fit_cache is None or self._fit_cache[:3] != key:
            scaled = self._image.scaled(size, Qt.IgnoreAspectRatio, Qt.SmoothTransformation)
            self._fit_cache = (*key, scaled)
        return self._fit_cache[3]

    def _layout(self) -> None:
        self._update_indicator()
        if self.zoom is None or self._image.isNull():
            self.setWidgetResizable(True)
            self.canvas.update()
            return
        self.setWidgetResizable(False)
        r = self.image_rect()
        self.canvas.resize(r.size())
        self.canvas.update()
        self.centre_on_focus()
        QTimer.singleShot(0, self.centre_on_focus)      # again once the scroll bars took their room

    def visible_centre(self) -> tuple[float, float]:
        """The point in the middle of a zoomed view, as fractions of the picture."""
        size = self.canvas.size()
        return ((self.horizontalScrollBar().value() + self.viewport().width() / 2) / max(1, size.width()),
                (self.verticalScrollBar().value() + self.viewport().height() / 2) / max(1, size.height()))

    def centre_on_focus(self) -> None:
        """Scroll a zoomed view so that the focus point sits in the middle of the viewport."""
        if self.zoom is None:
            return
        size = self.canvas.size()
        for bar, extent, frac, span in ((self.horizontalScrollBar(), size.width(), self.focus[0],
                                         self.viewport().width()),
                                        (self.verticalScrollBar(), size.height(), self.focus[1],
                                         self.viewport().height())):
            bar.setRange(0, max(0, extent - span))
            bar.setValue(int(round(frac * extent - span / 2)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_indicator()
        self.canvas.update()

    def link(self, *others: "ImageView") -> None:
        """Pan together with ``others`` (compare mode): moving one view's scroll bars moves the
        others' to the same place, as a fraction of each image."""
        group = [self, *others]
        for view in group:
            view._group = group
        for view in group:
            for bar_name in ("horizontalScrollBar", "verticalScrollBar"):
                getattr(view, bar_name)().valueChanged.connect(
                    lambda _v, v=view, name=bar_name: v._mirror(name))

    def _mirror(self, bar_name: str) -> None:
        if self._syncing:
            return
        bar = getattr(self, bar_name)()
        frac = bar.value() / bar.maximum() if bar.maximum() > 0 else 0.5
        for view in getattr(self, "_group", ()):
            if view is self or not view.isVisible():
                continue
            other = getattr(view, bar_name)()
            view._syncing = True
            other.setValue(int(round(frac * other.maximum())))
            view._syncing = False


def image_array(image: QImage):
    """The picture's pixels as an (h, w, 3) uint8 array (a copy)."""
    import numpy as np

    img = image.convertToFormat(QImage.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    return arr[:, :img.width() * 3].reshape(img.height(), img.width(), 3).copy()


def clipping_mask(image: QImage) -> QImage:
    """An overlay: clipped highlights red, clipped shadows blue, elsewhere transparent."""
    from app.core.histogram import clipping_overlay

    small = image if image.width() <= 2400 else image.scaledToWidth(2400, Qt.FastTransformation)
    rgba = clipping_overlay(image_array(small))
    h, w = rgba.shape[:2]
    return QImage(rgba.tobytes(), w, h, 4 * w, QImage.Format_RGBA8888).copy()
