import pytest

pytest.importorskip("pytestqt")

from app.core.catalog import Catalog  # noqa: E402
from app.core.indexer import index_library  # noqa: E402
from app.core.jobs import drive  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from tests.helpers import REPO  # noqa: E402


def test_library_grid_shows_the_indexed_demo_photos(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "qsettings"))
    db = tmp_path / "catalog.db"
    with Catalog(db) as cat:
        drive(index_library(cat, str(REPO / "resources" / "demo")))
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_library(None, str(db), index=False)
    window.show()
    qtbot.waitExposed(window)
    model = window.library.model_
    assert model.rowCount() == 10
    model.data(model.index(0, 0), 1)          # DecorationRole: queues the thumbnail load
    qtbot.waitUntil(lambda: model.data(model.index(0, 0), 1) is not None, timeout=10_000)
    assert "10 photos" in window.statusBar().currentMessage()
    window.grab().save(str(tmp_path / "library.png"))
    assert (tmp_path / "library.png").stat().st_size > 10_000
    window.close()
