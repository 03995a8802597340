"""What the index's worker threads share while they run.

- **Cores**: a model library that runs its own thread pool (torch, when an embedder uses it)
  gets each worker's share of the cores, so two workers do not each start one thread per
  core. torch is only told when it is already loaded: importing it to set a number costs
  more than a second and the default embedders (ONNX through OpenCV) never need it.
- **Memory**: Pillow keeps the memory blocks of freed images for the next image instead of
  returning them to the system. Every 12-MP decode otherwise maps 36 MB afresh and the
  kernel zero-fills it page by page, about a fifth of the decode's time on a virtual machine.
  The blocks go back to the system when indexing ends.
"""
from __future__ import annotations

import os
import sys

from PIL import Image

BLOCKS_PER_WORKER = 6       # a 12-MP RGB picture is three 16-MB blocks; its overview and crops take more


class worker_budget:
    """``with worker_budget(active, workers):`` around the index's per-file work."""

    def __init__(self, active: bool, workers: int | None) -> None:
        self.active = active
        self.workers = workers or min(4, os.cpu_count() or 1)
        self._torch_threads: int | None = None
        self._blocks: int | None = None

    def __enter__(self) -> "worker_budget":
        if not self.active:
            return self
        torch = sys.modules.get("torch")
        if torch is not None:
            self._torch_threads = torch.get_num_threads()
            torch.set_num_threads(max(1, (os.cpu_count() or 1) // self.workers))
        self._blocks = Image.core.get_blocks_max()
        Image.core.set_blocks_max(max(self._blocks, BLOCKS_PER_WORKER * self.workers))
        return self

    def __exit__(self, *exc) -> None:
        if self._torch_threads is not None and "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(self._torch_threads)
        if self._blocks is not None:
            Image.core.set_blocks_max(self._blocks)          # frees the blocks kept beyond it
        self._torch_threads = self._blocks = None
