"""Loupe: any photo of the library large, with a filmstrip in the grid's order (its filter and
sort), the keys of the cull view, and the facts beside the picture.

  Left/Right previous / next photo, P or Space pick, X reject, U unflag, 0-5 rating,
  6-9 colour label (red, yellow, green, blue; the same key again takes it off), B best of its
  burst, Z fit / 100 %, + / - zoom steps (fit, 50, 100, 200 %), a click zooms at the point,
  E the eyes of each face in turn at 100 %,
  J clipping shown on the picture, I info panel, F full screen, Esc / G / Enter back to the
  grid, Ctrl+Z / Ctrl+Shift+Z undo and redo.

After a decision the loupe moves on to the next photo when auto-advance is on (a setting, as
Lightroom's Caps Lock). The neighbours are decoded ahead, so the next photo is on screen at once."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QListView, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)

from app.core.culling import decide, undo
from app.core.library_grid import decision_marks
from app.core.photo_facts import photo_facts

from ..preview_cache import PreviewCache
from ..shortcuts import decision_key, undo_request
from .image_view import ImageView
from .info_panel import InfoPanel
from .marks_delegate import MarksDelegate
from .settings_view import qsettings

AUTO_ADVANCE = "loupe/auto_advance"


class LoupeView(QWidget):
    closed = Signal()                  # back to the grid, on the photo shown last
    decided = Signal()

    def __init__(self, session, model, workers, parent=None) -> None:
        super().__init__(parent)
        self.session, self.model_, self.workers = session, model, workers
        self.row = 0
        self._shown_id = None
        self._eyes: tuple[int | None, int] = (None, -1)     # (photo, face) the last E zoomed to
        self.eyes_note = ""
        self._side = QTimer(self, singleShot=True, interval=40)     # facts and histogram after the picture
        self._side.timeout.connect(self._update_side)
        self._long_side: dict[int, int] = {}        # the originals' long sides, for the zoom of a reduced picture
        self.previews = PreviewCache(workers, parent=self)
        self.previews.ready.connect(self._preview_ready)
        self.title = QLabel("")
        self.title.setStyleSheet("font-weight: bold; padding: 2px 6px;")
        self.title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)     # a long name never widens the window
        self.auto_advance = QCheckBox("Auto-advance")
        self.auto_advance.setToolTip("After a pick, reject, rating or label, go on to the next photo")
        self.auto_advance.setChecked(str(qsettings().value(AUTO_ADVANCE, "false")).lower() == "true")
        self.auto_advance.toggled.connect(lambda on: qsettings().setValue(AUTO_ADVANCE, "true" if on else "false"))
        self.auto_advance.setFocusPolicy(Qt.NoFocus)
        back = QPushButton("Grid (Esc)")
        back.setFocusPolicy(Qt.NoFocus)
        back.clicked.connect(self.close_loupe)
        self.info_button = QPushButton("Info (I)")
        self.info_button.setCheckable(True)
        self.info_button.setChecked(True)
        self.info_button.setFocusPolicy(Qt.NoFocus)
        self.info_button.toggled.connect(self._info_toggled)
        self.view = ImageView()
        self.view.zoom_changed.connect(lambda _z: self._zoom_changed())
        self.zoom_label = self.view.indicator          # the zoom, top right over the picture
        self.info = InfoPanel()
        self.strip = QListView()
        self.strip.setModel(model)
        self.strip.setViewMode(QListView.IconMode)
        self.strip.setFlow(QListView.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setUniformItemSizes(True)
        self.strip.setIconSize(QSize(120, 80))
        self.strip.setGridSize(QSize(136, 130))
        self.strip.setItemDelegate(MarksDelegate(QSize(134, 128), self.strip))
        self.strip.setFixedHeight(150)
        self.strip.setFocusPolicy(Qt.NoFocus)
        self.strip.setStyleSheet("QListView { background: #1c1c1c; }")
        self.strip.clicked.connect(lambda index: self.show_row(index.row()))
        bar = QHBoxLayout()
        bar.addWidget(back)
        bar.addWidget(self.title, 1)
        for w in (self.auto_advance, self.info_button):
            bar.addWidget(w)
        middle = QHBoxLayout()
        middle.setSpacing(0)
        middle.addWidget(self.view, 1)
        middle.addWidget(self.info)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(bar)
        lay.addLayout(middle, 1)
        lay.addWidget(self.strip)
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet("LoupeView { background: #262626; } LoupeView > QLabel, LoupeView > QCheckBox "
                           "{ color: #e0e0e0; padding: 2px 8px; }")
        self.setFocusPolicy(Qt.StrongFocus)
        model.modelReset.connect(self._model_reset)
        model.dataChanged.connect(lambda *_: self._update_title())

    # which photo ---------------------------------------------------------
    def current_row(self):
        n = self.model_.rowCount()
        return self.model_.row_at(self.row) if 0 <= self.row < n else None

    def open_row(self, row: int) -> None:
        self.show_row(row)
        self.setFocus()

    def show_row(self, row: int) -> None:
        n = self.model_.rowCount()
        if n == 0:
            self.view.set_image(None, "No photos in this view")
            self.title.setText("")
            return
        self.row = max(0, min(n - 1, row))
        if self.model_.row_at(self.row).photo_id != self._shown_id:
            self.eyes_note = ""
        self._shown_id = self.model_.row_at(self.row).photo_id
        index = self.model_.index(self.row, 0)
        self.strip.setCurrentIndex(index)
        self.strip.scrollTo(index, QListView.PositionAtCenter)
        r = self.current_row()
        # zoomed in, the next photo shows the same place (a detail compared across a burst)
        self.view.focus = self.view.visible_centre() if self.view.zoom is not None else (0.5, 0.5)
        if r.photo_id not in self._long_side:
            photo = self.session.catalog.photos.get(r.photo_id) or {}
            self._long_side[r.photo_id] = max(photo.get("width") or 0, photo.get("height") or 0) or None
        self._show_picture()
        self._update_title()
        self._preload()
        self._side.start()                      # the picture paints first; the panel follows

    def _full(self) -> bool:
        return self.view.zoom is not None

    def _show_picture(self) -> None:
        r = self.current_row()
        if r is None:
            return
        if r.status != "ok":
            self.view.set_image(None, f"{r.name}: {r.status}" + (f" ({r.reason})" if r.reason else ""))
            self._side.start()
            return
        full = self._full()
        image = self.previews.get(r.path, full)
        self.view.source_long = None
        if image is None and full:
            image = self.previews.get(r.path, False)       # the reduced picture meanwhile, at the zoom's size
        if image is not None and not (full and image is self.previews.get(r.path, True)):
            self.view.source_long = self._long_side.get(r.photo_id)
        if image is not None:
            if not full:
                self.view.offer_fitted(image, self.previews.fitted.get(r.path))
            self.view.set_image(image)
        else:
            failed = self.previews.failed.get((r.path, full))
            self.view.set_image(None, f"cannot show this photo: {failed}" if failed else "loading…")
        self._side.start()
        self._note_area()
        self.previews.request(r.path, full)

    def _note_area(self) -> None:
        area = self.view.viewport().size()
        self.previews.area = (area.width(), area.height())

    def _preload(self) -> None:
        """The neighbours, both ways, in the order the user is likely to go."""
        full = self._full()
        self._note_area()
        for step in (1, -1, 2) if not full else (1, -1):
            i = self.row + step
            if 0 <= i < self.model_.rowCount():
                r = self.model_.row_at(i)
                if r.status == "ok":
                    self.previews.request(r.path, full)

    def _preview_ready(self, path: str, full: bool) -> None:
        r = self.current_row()
        if r is not None and r.path == path and (full == self._full() or self.view.image().isNull()):
            self._show_picture()

    def _model_reset(self) -> None:
        """The grid reloaded (indexing found photos, bursts were ranked): the same photo stays."""
        if not self.isVisible():
            return
        pid = self._shown_id
        for i in range(self.model_.rowCount()):
            if self.model_.row_at(i).photo_id == pid:
                self.show_row(i)
                return
        self.show_row(min(self.row, self.model_.rowCount() - 1))

    def _update_title(self) -> None:
        r = self.current_row()
        if r is None:
            return
        marks = decision_marks(r.state, r.suggested)
        note = f"   ·   {self.eyes_note}" if self.eyes_note else ""
        self.title.setText(f"{r.name}   —   {self.row + 1} of {self.model_.rowCount()}   " + "  ".join(marks) + note)

    def _update_side(self) -> None:
        """The info panel for the photo on screen: its facts and the histogram of its picture."""
        r = self.current_row()
        if r is None or not self.info.isVisible():
            return
        if getattr(self, "_side_for", None) != r.photo_id:
            self._update_facts(r)
        self._side_for = r.photo_id
        image = self.previews.get(r.path, False) if r.status == "ok" else None
        if image is not None or self.info.histogram.hist is not None:
            self.info.set_image(image)

    def _update_facts(self, r) -> None:
        cat = self.session.catalog
        photo = cat.photos.get(r.photo_id) or {"path": r.path}
        quality = cat.features.quality([r.photo_id]).get(r.photo_id)
        reasons = None
        if r.suggested and self.model_.bursts:
            burst = next((b for b in self.model_.bursts if b.id == r.burst), None)
            reasons = list(burst.reasons) if burst is not None and burst.reasons else None
        facts = photo_facts(photo, quality, reasons)
        if r.status == "ok":
            from app.core.eye_state import frame_caption

            eyes = frame_caption(cat, r.photo_id)        # each prominent face's eyes, from the index
            if eyes:
                facts.append(("Eyes", eyes.removeprefix("eyes: ")))
        self.info.set_facts(facts)
        if photo.get("width") and photo.get("height"):
            self._long_side[r.photo_id] = max(photo["width"], photo["height"])

    def _info_toggled(self, on: bool) -> None:
        self.info.setVisible(on)
        self._side_for = None
        self._side.start()

    def _zoom_changed(self) -> None:
        self._show_picture()
        self._preload()

    # actions -------------------------------------------------------------
    def move(self, step: int) -> None:
        self.show_row(self.row + step)

    def record(self, kind: str, value: int | None = None, text: str | None = None) -> None:
        r = self.current_row()
        if r is None or r.status != "ok" or (kind == "best" and not r.can_be_best):
            return
        decide(self.session.catalog, r.photo_id, kind, value, text, burst=r.burst_ids)
        self.model_.refresh_states()
        self.decided.emit()
        if self.auto_advance.isChecked() and self.row < self.model_.rowCount() - 1:
            self.move(1)
        else:
            self._update_title()

    def zoom_in(self, zoom: float | None) -> None:
        """Z (to 100 %) or + (the next step); from fit it opens on the main face or the
        sharpest detail, as the cull view's loupe does."""
        r = self.current_row()
        if self.view.zoom is None and r is not None and r.status == "ok":
            from app.core.focus import focus_point

            self.view.focus = focus_point(self.session.catalog, r.photo_id)
        if zoom is None:
            self.view.step_zoom(1)
        else:
            self.view.set_zoom(zoom)

    def zoom_to_eyes(self) -> None:
        """E: 100 % on the eyes of the photo's largest face; again, the next face's (then the
        first again), as a photographer checks every face of a group for closed eyes."""
        from app.core.eye_zoom import eye_points

        r = self.current_row()
        if r is None or r.status != "ok":
            return
        points = eye_points(self.session.catalog, r.photo_id)
        if not points:
            self.eyes_note = "no faces found"
            self._update_title()
            return
        last_photo, last = self._eyes
        i = (last + 1) % len(points) if last_photo == r.photo_id and self.view.zoom == 1.0 else 0
        self._eyes = (r.photo_id, i)
        self.eyes_note = f"eyes of face {i + 1} of {len(points)} (E: next)"
        self.view.set_zoom(1.0, anchor=points[i])
        self.view.centre_on_focus()
        self._update_title()

    def undo(self, redo: bool = False) -> None:
        pid = undo(self.session.catalog, redo, own=True)
        self.model_.refresh_states()
        for i in range(self.model_.rowCount()):
            if self.model_.row_at(i).photo_id == pid:
                self.show_row(i)
                break
        self._update_title()
        self.decided.emit()

    def close_loupe(self) -> None:
        win = self.window()
        if win.isFullScreen():
            win.showNormal()
        self.closed.emit()

    def toggle_full_screen(self) -> None:
        win = self.window()
        win.showNormal() if win.isFullScreen() else win.showFullScreen()

    def keyPressEvent(self, event) -> None:
        key, text = event.key(), event.text().lower()
        redo = undo_request(event)
        if redo is not None:
            self.undo(redo)
            return
        keys = {Qt.Key_Left: lambda: self.move(-1), Qt.Key_Right: lambda: self.move(1),
                Qt.Key_Home: lambda: self.show_row(0), Qt.Key_End: lambda: self.show_row(self.model_.rowCount() - 1),
                Qt.Key_Space: lambda: self.record("pick", 1), Qt.Key_Escape: self.close_loupe,
                Qt.Key_Return: self.close_loupe, Qt.Key_Enter: self.close_loupe}
        letters = {"z": lambda: self.view.set_zoom(None) if self.view.zoom is not None else self.zoom_in(1.0),
                   "+": lambda: self.zoom_in(None), "=": lambda: self.zoom_in(None),
                   "-": lambda: self.view.step_zoom(-1), "j": lambda: self.view.set_clipping(not self.view.clipping),
                   "i": self.info_button.toggle, "e": self.zoom_to_eyes,
                   "f": self.toggle_full_screen, "g": self.close_loupe}
        row = self.current_row()
        decision = decision_key(text, lambda: [row.state.label] if row is not None else [])
        if key in keys:
            keys[key]()
        elif text in letters:
            letters[text]()
        elif decision is not None:
            self.record(*decision)
        else:
            super().keyPressEvent(event)
