"""Changes to the open catalog made elsewhere (the CLI in another process, a second window, a
worker thread's connection), seen within a second: SQLite's ``data_version`` moves when another
connection commits; a cheap stamp of the decisions, photo states and trash journal then tells
what changed."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal


def catalog_stamp(conn) -> tuple:
    return (conn.execute("SELECT COUNT(*), MAX(id), SUM(undone) FROM decisions").fetchone(),
            conn.execute("SELECT status, COUNT(*) FROM photos GROUP BY status").fetchall()
            + conn.execute("SELECT COUNT(*), COUNT(restored_at) FROM trash_journal").fetchall())


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
            version = self.catalog.conn.execute("PRAGMA data_version").fetchone()[0]
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
