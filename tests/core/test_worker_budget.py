"""While the index runs: Pillow keeps freed blocks (and lets them go after), and torch is told
its share of the cores only when something already loaded it."""
import sys

import pytest
from PIL import Image

from app.core.worker_budget import BLOCKS_PER_WORKER, worker_budget


def test_pillow_blocks_are_kept_while_indexing_and_given_back_after():
    before = Image.core.get_blocks_max()
    with worker_budget(True, 2):
        assert Image.core.get_blocks_max() == max(before, 2 * BLOCKS_PER_WORKER)
    assert Image.core.get_blocks_max() == before
    with pytest.raises(RuntimeError):
        with worker_budget(True, 3):
            raise RuntimeError("a worker failed")
    assert Image.core.get_blocks_max() == before               # given back on a failure too
    with worker_budget(False, 2):
        assert Image.core.get_blocks_max() == before


def test_torch_is_not_imported_to_be_told_anything(monkeypatch):
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    with worker_budget(True, 2):
        assert "torch" not in sys.modules
    assert "torch" not in sys.modules


def test_a_loaded_torch_gets_each_workers_share_then_its_own_again(monkeypatch):
    class _Torch:
        threads = 8

        def get_num_threads(self):
            return self.threads

        def set_num_threads(self, n):
            self.threads = n

    fake = _Torch()
    monkeypatch.setitem(sys.modules, "torch", fake)
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    with worker_budget(True, 4):
        assert fake.threads == 2
    assert fake.threads == 8
