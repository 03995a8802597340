"""Thumbnails for item models: QImages decoded in the thumbnail pool, turned into pixmaps
in the GUI thread and kept in a bounded LRU cache. Callers get a placeholder at once and a
``ready(content_hash)`` signal when the real image arrives."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

from app.core.recent import Recent
from app.core.thumbnails import thumb_path


def dimmed(pix: QPixmap) -> QPixmap:
    """A rejected photo's thumbnail: faded into the dark background."""
    out = QPixmap(pix.size())
    out.fill(QColor("#202020"))
    p = QPainter(out)
    p.setOpacity(0.3)
    p.drawPixmap(0, 0, pix)
    p.end()
    return out


class _Signals(QObject):
    loaded = Signal(str, QImage)


class _Load(QRunnable):
    def __init__(self, key: str, path: Path, signals: _Signals) -> None:
        super().__init__()
        self.key, self.path, self.signals = key, path, signals

    def run(self) -> None:
        self.signals.loaded.emit(self.key, QImage(str(self.path)))     # QImage is safe off the GUI thread


class ThumbnailCache(QObject):
    ready = Signal(str)

    def __init__(self, thumbs_dir: Path, capacity: int = 800, parent=None) -> None:
        super().__init__(parent)
        self.thumbs_dir = Path(thumbs_dir)
        self._pixmaps: Recent = Recent(capacity)       # content hash -> QPixmap
        self._pending: set[str] = set()
        self._signals = _Signals()
        self._signals.loaded.connect(self._on_loaded)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self.closed = False

    def get(self, content_hash: str | None) -> QPixmap | None:
        """The cached pixmap, or None (and a load is queued)."""
        if not content_hash or self.closed:
            return None
        pix = self._pixmaps.recall(content_hash)
        if pix is not None:
            return pix
        if content_hash not in self._pending:
            self._pending.add(content_hash)
            self.pool.start(_Load(content_hash, thumb_path(self.thumbs_dir, content_hash), self._signals))
        return None

    @Slot(str, QImage)
    def _on_loaded(self, key: str, image: QImage) -> None:
        self._pending.discard(key)
        if image.isNull() or self.closed:      # (a load that finished after its library closed)
            return
        self._pixmaps.keep(key, QPixmap.fromImage(image))
        self.ready.emit(key)

    def shutdown(self) -> None:
        """The library closes: no more loads, and none that is still queued reaches a view (its
        catalog is closed)."""
        self.closed = True
        self.pool.clear()
        self.pool.waitForDone(5000)
