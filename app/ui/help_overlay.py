"""The ``?`` overlay: every keyboard shortcut over the window, closed by any key or click."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from .shortcuts import help_html


class HelpOverlay(QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setStyleSheet("#helpOverlay { background: rgba(20, 24, 28, 225); border-radius: 10px; }"
                           "QLabel { color: #f0f0f0; font-size: 13px; }")
        self.setFocusPolicy(Qt.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 20)
        self.text = QLabel(help_html())
        self.text.setTextFormat(Qt.RichText)
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        parent.installEventFilter(self)
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
            return
        self.text.setFixedWidth(max(600, min(1150, self.parentWidget().width() - 100)))   # fits the window
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self.setFocus()

    def _place(self) -> None:
        p = self.parentWidget()
        self.move(max(0, (p.width() - self.width()) // 2), max(0, (p.height() - self.height()) // 2))

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Resize and self.isVisible():
            self._place()
        return False

    def keyPressEvent(self, event) -> None:
        self.hide()

    def mousePressEvent(self, event) -> None:
        self.hide()
