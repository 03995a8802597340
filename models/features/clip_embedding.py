"""OpenCLIP photo and text embeddings from a local weights file (never downloads here)."""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image


class ClipEmbedder:
    text = True

    def __init__(self, name: str, model: str, weights: str, quick_gelu: bool = False) -> None:
        import open_clip

        self.name = name
        self.model, _, self.transform = open_clip.create_model_and_transforms(
            model, pretrained=str(weights), quick_gelu=quick_gelu, device="cpu")
        self.model.eval()
        self.tokenizer = open_clip.get_tokenizer(model)
        self.size = self.transform.transforms[0].size if hasattr(self.transform.transforms[0], "size") else 224
        self.dim = int(self.model.text_projection.shape[1]) if getattr(self.model, "text_projection", None) is not None \
            else int(self.model.encode_text(self.tokenizer(["x"])).shape[1])

    @torch.inference_mode()
    def embed(self, images: list[Image.Image]) -> np.ndarray:
        if not images:
            return np.zeros((0, self.dim), np.float32)
        batch = torch.stack([self.transform(im.convert("RGB")) for im in images])
        feats = self.model.encode_image(batch)
        return torch.nn.functional.normalize(feats, dim=1).numpy().astype(np.float32)

    @torch.inference_mode()
    def embed_text(self, texts: list[str]) -> np.ndarray:
        feats = self.model.encode_text(self.tokenizer(texts))
        return torch.nn.functional.normalize(feats, dim=1).numpy().astype(np.float32)
