import pytest

pytest.importorskip("pytestqt")

from app.core.catalog import Catalog
from app.core.indexer import index_library
from app.core.jobs import drive
from app.ui.main import LibraryWindow
from tests.helpers import REPO


def test_library_window_shows_the_indexed_demo_photos(qtbot, tmp_path):
    db = tmp_path / "catalog.db"
    cat = Catalog(db)
    drive(index_library(cat, str(REPO / "resources" / "demo")))
    window = LibraryWindow(cat, "demo")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    model = window.model
    assert model.rowCount() == 10
    icon = model.data(model.index(0, 0), 1)  # DecorationRole
    assert not icon.isNull()
    assert "10 photos" in window.statusBar().currentMessage()
    window.grab().save(str(tmp_path / "library.png"))
    assert (tmp_path / "library.png").stat().st_size > 10_000
    window.close()
    cat.close()
