"""A large photo view: fit to the window or 100% (zoom) centred on a focus point (the main
face, else the sharpest detail), scrollable, in an optional group of views that pan together
(compare of N frames: the same place in every frame)."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea


class ImageView(QScrollArea):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.label = QLabel(alignment=Qt.AlignCenter)
        self.label.setStyleSheet("background: #202020; color: #aaa;")
        self.setWidget(self.label)
        self.setAlignment(Qt.AlignCenter)
        self.setWidgetResizable(True)
        self._image = QImage()
        self.actual_size = False
        self.focus = (0.5, 0.5)             # where 100 % opens, as fractions of the image
        self._group: list[ImageView] = []
        self._syncing = False
        self.setFocusPolicy(Qt.NoFocus)

    def set_image(self, image: QImage | None, text: str = "") -> None:
        self._image = image if image is not None else QImage()
        if self._image.isNull():
            self.label.setPixmap(QPixmap())
            self.label.setText(text or "loading…")
        else:
            self.label.setText("")
            self._render()

    def set_actual_size(self, on: bool) -> None:
        self.actual_size = on
        self.setWidgetResizable(not on)
        self._render()

    def _render(self) -> None:
        if self._image.isNull():
            return
        pix = QPixmap.fromImage(self._image)
        if not self.actual_size:
            pix = pix.scaled(self.viewport().size() * 0.98, Qt.KeepAspectRatio, Qt.SmoothTransformation)
        self.label.setPixmap(pix)
        if self.actual_size:
            self.label.resize(pix.size())
            self.centre_on_focus()
            QTimer.singleShot(0, self.centre_on_focus)      # again once the scroll bars took their room

    def centre_on_focus(self) -> None:
        """Scroll a 100 % view so that the focus point sits in the middle of the viewport."""
        size = self.label.size()
        for bar, extent, frac, span in ((self.horizontalScrollBar(), size.width(), self.focus[0],
                                         self.viewport().width()),
                                        (self.verticalScrollBar(), size.height(), self.focus[1],
                                         self.viewport().height())):
            bar.setRange(0, max(0, extent - span))
            bar.setValue(int(round(frac * extent - span / 2)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self.actual_size:
            self._render()

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
