"""The Qt binding keeps Python's reference counts: PySide6 6.12.0 dropped a reference to None on
every call of a method returning void (repaint, update, processEvents), so a window aborted
("none_dealloc") after a few thousand paints. pyproject.toml excludes that release; this test
fails on any binding with the same defect."""
import sys


def test_void_calls_keep_the_reference_count_of_none(qapp):
    from PySide6.QtWidgets import QWidget

    w = QWidget()
    w.show()
    before = sys.getrefcount(None)
    for _ in range(500):
        w.update()
        w.repaint()
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 50
    w.close()
