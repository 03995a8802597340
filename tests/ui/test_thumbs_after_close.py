"""A thumbnail load that finishes after its library closed reaches no view (the views would
read a closed catalog: 'Cannot operate on a closed database' in a slot)."""
from PySide6.QtGui import QImage

from app.ui.thumbs import ThumbnailCache


def test_no_ready_after_shutdown(qtbot, tmp_path):
    cache = ThumbnailCache(tmp_path)
    got = []
    cache.ready.connect(got.append)
    image = QImage(8, 8, QImage.Format_RGB32)
    image.fill(0xff808080)
    cache._on_loaded("a", image)
    assert got == ["a"]
    cache.shutdown()
    cache._on_loaded("b", image)               # queued before the shutdown, delivered after it
    assert got == ["a"] and cache.get("c") is None and "c" not in cache._pending
