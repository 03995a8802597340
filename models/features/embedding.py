"""Photo embeddings from a pretrained CNN trunk: letterboxed to a square, averaged with
the mirror image (so a mirrored copy gets the same vector), L2-normalised."""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from ..backbones import ImageTrunk

DEFAULT_SIZE = 192      # measured: 2x cheaper than 224 on CPU, same retrieval on the test set
CHUNK = 4               # images per forward pass (x2 with the mirror): small batches are fastest on CPU


def letterbox(image: Image.Image, size: int) -> np.ndarray:
    """RGB float32 (size, size, 3) in [0, 1]: long side = size, centred on mid grey."""
    image = image.convert("RGB")
    scale = size / max(image.size)
    w, h = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    canvas = np.full((size, size, 3), 0.5, np.float32)
    resized = np.asarray(image.resize((w, h), Image.Resampling.BILINEAR, reducing_gap=2.0), np.float32) / 255
    y, x = (size - h) // 2, (size - w) // 2
    canvas[y:y + h, x:x + w] = resized
    return canvas


class PhotoEmbedder:
    """``embed([PIL images]) -> (N, D) float32`` unit vectors. Thread-safe for inference."""

    def __init__(self, backbone: str = "efficientnet_lite0", size: int = DEFAULT_SIZE,
                 trunk: ImageTrunk | None = None) -> None:
        self.name, self.size = backbone, size
        self.trunk = (trunk or ImageTrunk(backbone, pretrained=True)).eval()
        self.trunk = self.trunk.to(memory_format=torch.channels_last)
        self.dim = self.trunk.channels

    def preprocess(self, images: list[Image.Image]) -> torch.Tensor:
        return torch.from_numpy(np.stack([letterbox(im, self.size) for im in images])).permute(0, 3, 1, 2)

    @torch.inference_mode()
    def embed_tensor(self, batch: torch.Tensor) -> torch.Tensor:
        out = []
        for part in batch.split(CHUNK):
            both = torch.cat([part, part.flip(3)]).contiguous(memory_format=torch.channels_last)
            feats = self.trunk(both)
            out.append(feats[:part.shape[0]] + feats[part.shape[0]:])
        return torch.nn.functional.normalize(torch.cat(out), dim=1)

    def embed(self, images: list[Image.Image]) -> np.ndarray:
        if not images:
            return np.zeros((0, self.dim), np.float32)
        return self.embed_tensor(self.preprocess(images)).numpy().astype(np.float32)
