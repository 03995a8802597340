"""A review: an index killed between its last commit and handing waiting decisions over stranded
them for good (the rows that got new content were known only in memory): the next index hands
them over."""
import os
import shutil

import pytest

from app.core import indexer
from app.core.catalog import Catalog
from app.core.catalog.decisions import DecisionStore
from app.core.culling import decide
from app.core.jobs import drive
from tests.helpers import sample


def _index(cat, root):
    return drive(indexer.index_library(cat, str(root), workers=1))


def test_swap_then_kill_before_reconcile(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    lib.mkdir()
    shutil.copy2(sample("photos/scikit-image_chelsea.jpg"), lib / "a.jpg")
    shutil.copy2(sample("photos/opencv-doc_fruits.jpg"), lib / "b.jpg")
    cat = Catalog(tmp_path / "c.db")
    _index(cat, lib)
    decide(cat, cat.photos.id_for_path(str(lib / "a.jpg")), "pick", -1)
    decide(cat, cat.photos.id_for_path(str(lib / "b.jpg")), "pick", 1)
    os.rename(lib / "a.jpg", lib / "t")
    os.rename(lib / "b.jpg", lib / "a.jpg")
    os.rename(lib / "t", lib / "b.jpg")
    real = DecisionStore.reconcile
    def boom(self, arrived=()):
        raise KeyboardInterrupt("killed")      # the process dies after the batches committed
    monkeypatch.setattr(DecisionStore, "reconcile", boom)
    with pytest.raises(KeyboardInterrupt):
        _index(cat, lib)
    monkeypatch.setattr(DecisionStore, "reconcile", real)
    _index(cat, lib)                             # the next, normal index
    st_a = cat.decisions.state(cat.photos.id_for_path(str(lib / "a.jpg")))
    st_b = cat.decisions.state(cat.photos.id_for_path(str(lib / "b.jpg")))
    assert (st_b.pick, st_a.pick) == (-1, 1), "decisions stranded after a kill mid-index"
    assert cat.decisions.waiting() == 0
    cat.close()
