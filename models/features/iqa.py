"""Optional quality metrics from pyiqa (IQA-PyTorch), used only when the ``[iqa]`` extra is
installed (``pip install 'phototriage[iqa]'``).

pyiqa is licensed PolyForm Noncommercial 1.0.0 (with the NTU S-Lab licence for some parts), so
it is never part of the default install: commercial users leave the extra out and lose only
these columns. The metrics used here need no downloaded weights, so they work offline:

- ``piqe``: PIQE (Venkatanath et al., 2015), a no-reference, opinion-unaware score of block
  distortion and noise, 0 (best) to 100 (worst), measured on the analysis-size copy.

Set ``PHOTOTRIAGE_IQA=0`` to leave the metrics off even where pyiqa is installed."""
from __future__ import annotations

import importlib.util
import os
import threading

import numpy as np

IQA_FEATURES = ("piqe",)
IQA_LICENCE = "PolyForm-Noncommercial-1.0.0 (pyiqa)"


def iqa_available() -> bool:
    """pyiqa is installed and not turned off."""
    if os.environ.get("PHOTOTRIAGE_IQA", "1").strip().lower() in {"0", "off", "false", "no"}:
        return False
    return importlib.util.find_spec("pyiqa") is not None


class IqaScorer:
    """pyiqa's metrics, created on first use (importing pyiqa takes seconds); safe to call from
    several index threads (the metric objects are shared, one call at a time each)."""

    id = "iqa-piqe"

    def __init__(self) -> None:
        self._metrics: dict[str, object] | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict[str, object]:
        if self._metrics is None:
            import pyiqa

            self._metrics = {name: pyiqa.create_metric(name, device="cpu") for name in IQA_FEATURES}
        return self._metrics

    def score(self, rgb: np.ndarray) -> dict[str, float]:
        """The metrics of one RGB uint8 picture (H, W, 3)."""
        import torch

        x = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1)[None].float() / 255.0
        with self._lock, torch.inference_mode():
            return {name: float(metric(x)) for name, metric in self._load().items()}


def default_iqa() -> IqaScorer | None:
    return IqaScorer() if iqa_available() else None
