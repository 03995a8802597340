"""Large pictures for the loupe, decoded off the GUI thread and kept in a bounded cache: the
photo on screen and its neighbours (preloaded), reduced for fit and at full size for zoom.
Images are handed over as QImage in a format the painter draws without converting."""
from __future__ import annotations

import os
from collections import OrderedDict

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

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
    ready = Signal(str, bool)               # path, full

    def __init__(self, workers, fit_capacity: int = 16, full_capacity: int = 4, parent=None) -> None:
        super().__init__(parent)
        self.workers = workers
        self.capacity = {False: fit_capacity, True: full_capacity}
        self._images: dict[bool, OrderedDict[str, QImage]] = {False: OrderedDict(), True: OrderedDict()}
        self._pending: set[tuple[str, bool]] = set()
        self.fitted: OrderedDict[str, QImage] = OrderedDict()     # scaled ahead for the loupe's size
        self.area: tuple[int, int] | None = None                    # the loupe's picture area
        self.failed: dict[tuple[str, bool], str] = {}
        self._stamps: dict[tuple[str, bool], tuple[int, int] | None] = {}   # the file as it was when decoded

    def _fresh(self, path: str) -> None:
        """Forget what was decoded of ``path`` if the file has changed since (an edit saved
        over it, a copy under the same name): the cache is keyed by path, the picture is not."""
        now = None
        for full in (False, True):
            key = (path, full)
            if key not in self._stamps:
                continue
            now = stamp(path) if now is None else now
            if self._stamps[key] != now:
                del self._stamps[key]
                self._images[full].pop(path, None)
                self.failed.pop(key, None)
                if not full:
                    self.fitted.pop(path, None)

    def get(self, path: str, full: bool = False) -> QImage | None:
        self._fresh(path)
        cache = self._images[full]
        image = cache.get(path)
        if image is not None:
            cache.move_to_end(path)
        return image

    def request(self, path: str, full: bool = False) -> None:
        """Decode ``path`` unless it is cached or on its way; ``ready`` says when it is here."""
        key = (path, full)
        self._fresh(path)
        if path in self._images[full] or key in self._pending or key in self.failed:
            return                                  # (a file that failed is said, not tried again and again)
        self._pending.add(key)
        area = self.area
        self.workers.start(lambda cancel: _load(path, full, area), pool="thumbs",
                           on_result=lambda image, k=key: self._loaded(k, image),
                           on_error=lambda message, k=key: self._failed(k, message))

    def _loaded(self, key, result) -> None:
        self._pending.discard(key)
        image, fitted, self._stamps[key] = result
        path, full = key
        if fitted is not None:
            self.fitted[path] = fitted
            while len(self.fitted) > self.capacity[False]:
                self.fitted.popitem(last=False)
        cache = self._images[full]
        cache[path] = image
        while len(cache) > self.capacity[full]:
            cache.popitem(last=False)
        self.ready.emit(path, full)

    def _failed(self, key, message: str) -> None:
        self._pending.discard(key)
        self._stamps[key] = stamp(key[0])
        self.failed[key] = message.splitlines()[0]
        self.ready.emit(*key)
