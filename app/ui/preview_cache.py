"""Large pictures for the loupe, decoded off the GUI thread and kept in a bounded cache: the
photo on screen and its neighbours (preloaded), reduced for fit and at full size for zoom.
Images are handed over as QImage in a format the painter draws without converting."""
from __future__ import annotations

import os
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from app.core.recent import Recent

from .previews import load_preview


def stamp(path: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of the file now; None when it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _load(path: str, full: bool, area: tuple[int, int] | None):
    """The picture, (for fit) a copy scaled to the size the loupe paints it at, and the
    file's stamp taken before it was read (a file replaced meanwhile is read again)."""
    from PySide6.QtCore import Qt

    from .views.image_view import fitted_size

    before = stamp(path)
    image = load_preview(path, full).convertToFormat(QImage.Format_RGB32)
    fitted = None
    if area is not None and not full:
        w, h = fitted_size(image.width(), image.height(), *area)
        fitted = image.scaled(w, h, Qt.IgnoreAspectRatio, Qt.SmoothTransformation)
    return image, fitted, before


class PreviewCache(QObject):
    """Keyed by path. A file saved over since it was decoded (an edit, a copy under the same
    name) is noticed when it is next asked for (:meth:`request`, at most every
    ``FRESH_EVERY_S`` per file: a stat on the GUI thread, and a network share can be slow),
    and decoded again; a file that failed is tried again once it has changed."""

    ready = Signal(str, bool)               # path, full
    FRESH_EVERY_S = 0.5

    def __init__(self, workers, fit_capacity: int = 16, full_capacity: int = 4, parent=None) -> None:
        super().__init__(parent)
        self.workers = workers
        self._images: dict[bool, Recent] = {False: Recent(fit_capacity), True: Recent(full_capacity)}
        self._pending: set[tuple[str, bool]] = set()
        self.fitted: Recent = Recent(fit_capacity)     # path -> QImage scaled ahead for the loupe's size
        self.area: tuple[int, int] | None = None                    # the loupe's picture area
        self.failed: dict[tuple[str, bool], str] = {}
        # the file as it was before it was read, for each picture or failure held
        self._stamps: dict[tuple[str, bool], tuple[int, int] | None] = {}
        self._asked: dict[tuple[str, bool], tuple[int, int] | None] = {}    # stamps of reads under way
        self._checked: dict[str, float] = {}

    def _fresh(self, path: str) -> None:
        """Forget what is held of ``path`` if the file has changed since it was read."""
        t = time.monotonic()
        if t - self._checked.get(path, -1e9) < self.FRESH_EVERY_S:
            return
        self._checked[path] = t
        keys = [(path, full) for full in (False, True) if (path, full) in self._stamps]
        now = stamp(path) if keys else None
        for key in keys:
            if self._stamps[key] != now:
                self._forget(key)

    def _forget(self, key: tuple[str, bool]) -> None:
        path, full = key
        self._stamps.pop(key, None)
        self._images[full].pop(path, None)
        self.failed.pop(key, None)
        if not full:
            self.fitted.pop(path, None)

    def get(self, path: str, full: bool = False) -> QImage | None:
        return self._images[full].recall(path)

    def request(self, path: str, full: bool = False) -> None:
        """Decode ``path`` unless it is cached (and unchanged) or on its way; ``ready`` says
        when it is here."""
        key = (path, full)
        self._fresh(path)
        if path in self._images[full] or key in self._pending or key in self.failed:
            return                                  # (a file that failed is said, not tried again and again)
        self._pending.add(key)
        self._asked[key] = stamp(path)
        area = self.area
        self.workers.start(lambda cancel: _load(path, full, area), pool="thumbs",
                           on_result=lambda image, k=key: self._loaded(k, image),
                           on_error=lambda message, k=key: self._failed(k, message))

    def _loaded(self, key, result) -> None:
        self._pending.discard(key)
        self._asked.pop(key, None)
        image, fitted, self._stamps[key] = result
        path, full = key
        if fitted is not None:
            self.fitted.keep(path, fitted)
        for gone in self._images[full].keep(path, image):
            if (gone, full) not in self.failed:
                self._stamps.pop((gone, full), None)
        self.ready.emit(path, full)

    def _failed(self, key, message: str) -> None:
        self._pending.discard(key)
        self._stamps[key] = self._asked.pop(key, None)        # taken before the read began
        self.failed[key] = message.splitlines()[0]
        self.ready.emit(*key)
