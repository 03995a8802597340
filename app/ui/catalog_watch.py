"""Changes to the open catalog made elsewhere (the CLI in another process, a second window, a
worker thread's connection), seen within a second (app/core/catalog/changes.py tells whether
and what changed)."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.catalog.changes import catalog_stamp, data_version


class CatalogWatch(QObject):
    decisions_changed = Signal()        # decisions only: new marks everywhere
    photos_changed = Signal()           # photos trashed, brought back, found or lost: views reload

    def __init__(self, parent=None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self.catalog = None
        self._version = None
        self._stamp = None
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.check)

    def watch(self, catalog) -> None:
        self.catalog = catalog
        self._version, self._stamp = None, catalog_stamp(catalog.conn)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.catalog = None

    def resync(self) -> None:
        """What the window itself just reloaded is not a change to report."""
        if self.catalog is not None:
            self._stamp = catalog_stamp(self.catalog.conn)

    def check(self) -> None:
        if self.catalog is None:
            return
        try:
            version = data_version(self.catalog.conn)
            if version == self._version:
                return
            stamp = catalog_stamp(self.catalog.conn)
        except Exception:                       # a closed or busy catalog: the next tick (the version
            return                              # is kept only once its stamp was read, or the change is lost)
        self._version = version
        if stamp == self._stamp:
            return
        photos, decisions = stamp[1] != self._stamp[1], stamp[0] != self._stamp[0]
        self._stamp = stamp
        if photos:
            self.photos_changed.emit()
        if decisions:                           # also when photos changed in the same tick: marks everywhere
            self.decisions_changed.emit()
