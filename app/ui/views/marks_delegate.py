"""Thumbnail cells with the marks a photographer reads at a glance, as in Lightroom's grid:
the colour label as the cell's border and tint, the pick flag (white) or reject mark (red ✕,
picture dimmed) top left, the best frame (✔) and the ranker's suggestion (◆, its own mark,
not a star) beside it, the burst size top right, stars at the bottom and the name (with its
folder where names repeat) below. Used by the library grid and the loupe's filmstrip."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from ..library_model import RowRole

LABEL_COLOURS = {"red": "#d23c3c", "yellow": "#e0c030", "green": "#3faa4a", "blue": "#3c78d8", "purple": "#9b59b6"}
CELL, CELL_SELECTED = QColor("#2e2e2e"), QColor("#5a5a5a")


def label_colour(label: str | None) -> QColor | None:
    colour = LABEL_COLOURS.get((label or "").strip().lower())
    return QColor(colour) if colour else None


class MarksDelegate(QStyledItemDelegate):
    def __init__(self, cell: QSize, parent=None) -> None:
        super().__init__(parent)
        self.cell = cell

    def sizeHint(self, option, index) -> QSize:
        return self.cell

    def paint(self, p: QPainter, option, index) -> None:
        row = index.data(RowRole)
        rect = option.rect.adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.State_Selected)
        p.save()
        p.setRenderHint(QPainter.Antialiasing, True)
        colour = label_colour(row.state.label) if row is not None else None
        bg = CELL_SELECTED if selected else CELL
        if colour is not None:                       # a tint of the label colour, as Lightroom does
            bg = QColor((bg.red() * 3 + colour.red()) // 4, (bg.green() * 3 + colour.green()) // 4,
                        (bg.blue() * 3 + colour.blue()) // 4)
        p.fillRect(rect, bg)
        if colour is not None:
            p.setPen(QPen(colour, 4))
            p.drawRect(rect.adjusted(2, 2, -2, -2))
        elif selected:
            p.setPen(QPen(QColor("#ddd"), 1))
            p.drawRect(rect.adjusted(0, 0, -1, -1))
        caption_h = 34
        pic_area = rect.adjusted(8, 22, -8, -caption_h)
        icon = index.data(Qt.DecorationRole)
        if isinstance(icon, QIcon) and not icon.isNull():
            pix = icon.pixmap(pic_area.size())
            size = pix.size().scaled(pic_area.size(), Qt.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(pic_area.center())
            p.drawPixmap(target, pix)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.9))
        p.setFont(small)
        if row is None:
            p.restore()
            return
        if row.status != "ok":
            p.setPen(QColor("#f0a040"))
            p.drawText(pic_area, Qt.AlignCenter | Qt.TextWordWrap, f"⚠ {row.status}")
        self._marks(p, rect, row)
        p.setPen(QColor("#888") if row.state.pick == -1 else QColor("#e8e8e8"))
        name_rect = QRect(rect.left() + 4, rect.bottom() - 16, rect.width() - 8, 15)
        p.drawText(name_rect, Qt.AlignCenter, p.fontMetrics().elidedText(row.name, Qt.ElideMiddle, name_rect.width()))
        p.restore()

    def _marks(self, p: QPainter, rect: QRect, row) -> None:
        st = row.state
        x, top = rect.left() + 6, rect.top() + 3
        chips = []
        if st.pick == 1:
            chips.append(("⚑", QColor("#ffffff"), QColor("#202020")))
        elif st.pick == -1:
            chips.append(("✕", QColor("#ff5050"), QColor("#101010")))
        if st.best:
            chips.append(("✔ best", QColor("#7be07b"), QColor("#103010")))
        elif row.suggested:
            chips.append(("◆ suggested", QColor("#ffc04d"), QColor("#3a2a00")))
        if st.imported:
            chips.append(("⇣ XMP", QColor("#bbb"), QColor("#202020")))
        fm = p.fontMetrics()
        for text, fg, bg in chips:
            w = fm.horizontalAdvance(text) + 8
            box = QRect(x, top, w, 17)
            p.setPen(Qt.NoPen)
            p.setBrush(bg)
            p.drawRoundedRect(box, 3, 3)
            p.setPen(fg)
            p.drawText(box, Qt.AlignCenter, text)
            x += w + 3
        if row.burst:
            text = row.set_badge()
            w = fm.horizontalAdvance(text) + 8
            box = QRect(rect.right() - 6 - w, top, w, 17)
            p.setPen(QColor("#9cc8ff"))
            p.drawText(box, Qt.AlignCenter, text)
        stars = QRect(rect.left() + 4, rect.bottom() - 33, rect.width() - 8, 16)
        if st.rating:
            p.setPen(QColor("#f5d142"))
            p.drawText(stars, Qt.AlignCenter, "★" * st.rating + "·" * (5 - st.rating))
        else:
            p.setPen(QColor("#666"))
            p.drawText(stars, Qt.AlignCenter, "· · · · ·")
