"""Photo embeddings from a pretrained CNN trunk: letterboxed to a square, one forward pass,
L2-normalised. A mirrored copy gets a different vector (cosine about 0.9 to the original):
searches and duplicate passes add a mirrored query view instead of paying a second pass for
every indexed photo (measured: the pass is half of the index pipeline's model time)."""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from ..backbones import ImageTrunk
from .letterbox import letterbox_batch

DEFAULT_SIZE = 192      # measured: 2x cheaper than 224 on CPU, same retrieval on the test set
CHUNK = 8               # images per forward pass: small batches are fastest on CPU


class PhotoEmbedder:
    """``embed([PIL images]) -> (N, D) float32`` unit vectors. Thread-safe for inference."""

    def __init__(self, backbone: str = "efficientnet_lite0", size: int = DEFAULT_SIZE,
                 trunk: ImageTrunk | None = None) -> None:
        self.name, self.size = backbone, size
        self.trunk = (trunk or ImageTrunk(backbone, pretrained=True)).eval()
        self.trunk = self.trunk.to(memory_format=torch.channels_last)
        self.dim = self.trunk.channels

    def preprocess(self, images: list[Image.Image]) -> torch.Tensor:
        return torch.from_numpy(letterbox_batch(images, self.size))

    @torch.inference_mode()
    def embed_tensor(self, batch: torch.Tensor) -> torch.Tensor:
        out = [self.trunk(part.contiguous(memory_format=torch.channels_last)) for part in batch.split(CHUNK)]
        return torch.nn.functional.normalize(torch.cat(out), dim=1)

    def export_onnx(self, path) -> None:
        """The trunk (normalisation and pooling included) as ONNX, for torch-free inference."""
        import os

        tmp = f"{path}.{os.getpid()}.tmp"
        torch.onnx.export(self.trunk, torch.rand(2, 3, self.size, self.size), tmp, input_names=["data"],
                          output_names=["features"], dynamic_axes={"data": {0: "n"}}, opset_version=17,
                          dynamo=False)
        os.replace(tmp, path)

    def embed(self, images: list[Image.Image]) -> np.ndarray:
        if not images:
            return np.zeros((0, self.dim), np.float32)
        return self.embed_tensor(self.preprocess(images)).numpy().astype(np.float32)
