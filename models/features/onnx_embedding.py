"""A photo embedder running an exported trunk through OpenCV's DNN module: the same vectors
as :class:`~models.features.embedding.PhotoEmbedder` without importing torch (which alone
takes over a second), so a one-off search starts fast."""
from __future__ import annotations

import threading

import numpy as np

from .letterbox import letterbox_batch

CHUNK = 4


class OnnxEmbedder:
    text = False

    def __init__(self, name: str, path: str, size: int, dim: int) -> None:
        import cv2

        self.name, self.size, self.dim, self._path = name, size, dim, path
        self._cv2 = cv2
        self._local = threading.local()
        self._net()     # fail now, not on first use, when the file is unreadable

    def _net(self):
        net = getattr(self._local, "net", None)
        if net is None:
            net = self._local.net = self._cv2.dnn.readNetFromONNX(self._path)
        return net

    def embed(self, images) -> np.ndarray:
        if not images:
            return np.zeros((0, self.dim), np.float32)
        batch = letterbox_batch(images, self.size)
        out = []
        net = self._net()
        for i in range(0, len(batch), CHUNK):
            part = batch[i:i + CHUNK]
            net.setInput(np.ascontiguousarray(part), "data")
            out.append(net.forward())
        vecs = np.concatenate(out).astype(np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
