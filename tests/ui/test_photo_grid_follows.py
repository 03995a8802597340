"""The People, Search and Duplicates grids decide the photo each cell shows, wherever its file
is now (a trial: after a file manager swapped two names and moved a third photo, an index later
the cells decided whichever photo then had their file's name, and keys on the moved photo were
dropped without a word); a cell whose photo went, or whose file holds another picture now,
decides nothing and says so (never an identical copy in its place: a review)."""
import os
import shutil

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal  # noqa: E402

from app.core.catalog import Catalog  # noqa: E402
from app.core.indexer import index_library  # noqa: E402
from app.core.jobs import drive  # noqa: E402
from app.ui.views.photo_grid import PhotoGrid  # noqa: E402
from tests.decisions.helpers import DEMO  # noqa: E402


class _Thumbs(QObject):
    ready = Signal(str)

    def get(self, _h):
        return None


def test_a_cell_decides_its_picture_after_renames(qtbot, tmp_path):
    lib = tmp_path / "lib"
    for i, src in enumerate(sorted(DEMO.rglob("*.jpg"))[:3]):
        (lib / "kit").mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, lib / "kit" / f"p{i}.jpg")
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(lib)))
        rows = {os.path.basename(p): (pid, h) for pid, p, h, *_ in cat.photos.grid()}
        grid = PhotoGrid(_Thumbs())
        qtbot.addWidget(grid)
        grid.set_items([(name, h, str(lib / "kit" / name), pid) for name, (pid, h) in sorted(rows.items())])
        grid.enable_decisions(cat)
        kit = lib / "kit"
        os.rename(kit / "p0.jpg", kit / "x.jpg")                 # p0 and p1 swap names
        os.rename(kit / "p1.jpg", kit / "p0.jpg")
        os.rename(kit / "x.jpg", kit / "p1.jpg")
        (lib / "kit2").mkdir()
        os.rename(kit / "p2.jpg", lib / "kit2" / "p2.jpg")      # p2 to another folder
        drive(index_library(cat, str(lib)))

        def press(cell: int, key) -> None:
            grid.setCurrentItem(grid.item(cell), QItemSelectionModel.ClearAndSelect)
            qtbot.keyClick(grid, key)

        said = []
        grid.message.connect(said.append)
        press(0, Qt.Key_X)                                          # p0's file holds p1's picture now
        assert said and "not decided" in said[0]
        press(2, Qt.Key_3)                                          # the moved photo's cell
        holder = {h: pid for pid, _p, h, *_ in cat.photos.grid()}
        assert all(not cat.decisions.state(pid).decided for pid in holder.values() if pid != rows["p2.jpg"][0])
        assert cat.decisions.state(rows["p2.jpg"][0]).rating == 3
        assert grid.item(2).data(Qt.UserRole) == str(lib / "kit2" / "p2.jpg")     # Enter opens it where it is
        assert grid.item(2).text() == "p2.jpg\n★★★" and grid.item(0).text() == "p0.jpg"   # no marks of another


def test_a_cell_never_decides_an_identical_copy_in_its_place(qtbot, tmp_path):
    """A review: copies a.jpg and b.jpg in the grid, b picked, a trashed: the a.jpg cell showed
    b's "picked", and X on it rejected b.jpg."""
    lib = tmp_path / "lib"
    lib.mkdir()
    src = sorted(DEMO.rglob("*.jpg"))[0]
    for name in ("a.jpg", "b.jpg"):
        shutil.copy2(src, lib / name)
    with Catalog(tmp_path / "c.db") as cat:
        drive(index_library(cat, str(lib)))
        rows = {os.path.basename(p): (pid, h) for pid, p, h, *_ in cat.photos.grid()}
        grid = PhotoGrid(_Thumbs())
        qtbot.addWidget(grid)
        grid.set_items([(name, h, str(lib / name), pid) for name, (pid, h) in sorted(rows.items())])
        grid.enable_decisions(cat)
        from app.core.culling import decide

        decide(cat, rows["b.jpg"][0], "pick", 1)
        (lib / "a.jpg").unlink()
        drive(index_library(cat, str(lib)))                       # a.jpg missing now
        grid.refresh_marks()
        assert grid.item(0).text() == "a.jpg"
        grid.setCurrentItem(grid.item(0), QItemSelectionModel.ClearAndSelect)
        qtbot.keyClick(grid, Qt.Key_X)
        assert cat.decisions.state(rows["b.jpg"][0]).pick == 1
