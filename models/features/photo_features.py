"""Every feature block of one photo, computed the same way at index time and in training:
photo embedding, named quality features and face features (the ranker's inputs)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from ..face.detection import FACE_FEATURES, Face, FaceAnalyzer, face_vector
from .embedding import PhotoEmbedder
from .quality import RANKER_QUALITY_FEATURES, quality_features, quality_vector

FEATURES_VERSION = 4     # bump when a feature's definition changes: stored features are recomputed


@dataclass
class PhotoFeatures:
    embedding: np.ndarray
    quality: dict[str, float]
    faces: list[Face] = field(default_factory=list)

    def blocks(self) -> dict[str, np.ndarray]:
        return {"embedding": self.embedding, "quality": quality_vector(self.quality),
                "face": face_vector(self.faces)}


BLOCK_NAMES = {"quality": RANKER_QUALITY_FEATURES, "face": FACE_FEATURES}


class PhotoFeatureExtractor:
    def __init__(self, embedder: PhotoEmbedder | None = None, faces: FaceAnalyzer | None = None) -> None:
        self.embedder = embedder or PhotoEmbedder()
        self.faces = faces

    @property
    def id(self) -> str:
        return (f"{self.embedder.name}@{self.embedder.size}/features-v{FEATURES_VERSION}"
                f"/faces-{'yunet-sface' if self.faces else 'off'}")

    def extract(self, images: list[Image.Image], block_periods: list[int] | None = None) -> list[PhotoFeatures]:
        periods = block_periods or [8] * len(images)
        vectors = self.embedder.embed(images)
        out = []
        for image, vec, period in zip(images, vectors, periods):
            faces = self.faces.analyze(np.asarray(image.convert("RGB"))) if self.faces else []
            out.append(PhotoFeatures(vec, quality_features(image, period), faces))
        return out
