"""Large pictures for the loupe, decoded off the GUI thread and kept in a bounded cache: the
photo on screen and its neighbours (preloaded), reduced for fit and at full size for zoom.
Images are handed over as QImage in a format the painter draws without converting."""
from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from .previews import load_preview


def _load(path: str, full: bool, area: tuple[int, int] | None):
    """The picture, and (for fit) a copy scaled to the size the loupe paints it at."""
    from PySide6.QtCore import Qt

    from .views.image_view import fitted_size

    image = load_preview(path, full).convertToFormat(QImage.Format_RGB32)
    fitted = None
    if area is not None and not full:
        w, h = fitted_size(image.width(), image.height(), *area)
        fitted = image.scaled(w, h, Qt.IgnoreAspectRatio, Qt.SmoothTransformation)
    return image, fitted


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

    def get(self, path: str, full: bool = False) -> QImage | None:
        cache = self._images[full]
        image = cache.get(path)
        if image is not None:
            cache.move_to_end(path)
        return image

    def request(self, path: str, full: bool = False) -> None:
        """Decode ``path`` unless it is cached or on its way; ``ready`` says when it is here."""
        key = (path, full)
        if path in self._images[full] or key in self._pending or key in self.failed:
            return                                  # (a file that failed is said, not tried again and again)
        self._pending.add(key)
        area = self.area
        self.workers.start(lambda cancel: _load(path, full, area), pool="thumbs",
                           on_result=lambda image, k=key: self._loaded(k, image),
                           on_error=lambda message, k=key: self._failed(k, message))

    def _loaded(self, key, result) -> None:
        self._pending.discard(key)
        image, fitted = result
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
        self.failed[key] = message.splitlines()[0]
        self.ready.emit(*key)
