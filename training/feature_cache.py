"""Feature caching for the frozen pipeline: features of every (image, variant) are computed
once per extractor and kept in one ``.npz`` file per extractor, written atomically."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

import numpy as np


class FeatureCache:
    def __init__(self, folder: str | os.PathLike, extractor_id: str) -> None:
        digest = hashlib.sha1(extractor_id.encode()).hexdigest()[:12]
        self.path = Path(folder) / f"features-{digest}.npz"
        self.extractor_id = extractor_id
        self._data: dict[str, dict[str, np.ndarray]] = {}
        self._dirty = False
        if self.path.exists():
            with np.load(self.path) as npz:
                for flat in npz.files:
                    key, _, block = flat.rpartition("::")
                    self._data.setdefault(key, {})[block] = npz[flat]

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: str, compute: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
        """Feature blocks for ``key`` (``{block: vector}``), computed on a miss."""
        if key not in self._data:
            self._data[key] = {name: np.asarray(vec, np.float32) for name, vec in compute().items()}
            self._dirty = True
        return self._data[key]

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **{f"{key}::{name}": vec for key, blocks in self._data.items()
                           for name, vec in blocks.items()})
        os.replace(tmp, self.path)
        self._dirty = False
