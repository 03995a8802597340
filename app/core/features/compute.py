"""Features of one decoded photo, computed in an index worker thread: photo embedding,
named quality features, faces (box, landmarks, 128-D embedding, quality) and a hash of the
decoded pixels (exact duplicates with different metadata). Boxes are in full-resolution,
upright pixel coordinates."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from models.features.photo_features import FEATURES_VERSION
from models.features.quality import quality_features

from .embedders import load_embedder


@dataclass
class FaceRecord:
    box: tuple[float, float, float, float]
    score: float
    landmarks: np.ndarray
    embedding: np.ndarray
    quality: dict[str, float]


@dataclass
class FeatureRecord:
    model: str
    embedding: np.ndarray
    quality: dict[str, float]
    faces: list[FaceRecord] = field(default_factory=list)
    pixel_hash: str = ""
    layout: np.ndarray | None = None      # 16x16 standardised gray: scene layout, blind to exposure/noise/blur


LAYOUT_MODEL = "layout16"


def layout_vector(image, n: int = 16) -> np.ndarray:
    import cv2

    gray = np.asarray(image.convert("L"), np.float32)
    v = cv2.resize(gray, (n, n), interpolation=cv2.INTER_AREA).ravel()
    v -= v.mean()
    return (v / max(float(np.linalg.norm(v)), 1e-6)).astype(np.float32)


def pixel_hash(image) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{image.width}x{image.height}".encode())
    h.update(image.tobytes())
    return h.hexdigest()


class FeaturePipeline:
    """Loads its models once; ``compute`` is safe to call from several threads."""

    def __init__(self, embedding_model: str | None = None, faces: bool = True, allow_download: bool = False) -> None:
        self.embedder = load_embedder(embedding_model, allow_download)
        self.faces = None
        if faces:
            from models.face.detection import FaceAnalyzer

            self.faces = FaceAnalyzer()

    @property
    def model(self) -> str:
        return self.embedder.name

    @property
    def id(self) -> str:
        return f"{self.model}/features-v{FEATURES_VERSION}/faces-{'on' if self.faces else 'off'}"

    def compute(self, decoded) -> FeatureRecord:
        image = decoded.image
        scale = decoded.width / image.width if image.width else 1.0
        period = int(round(8 / scale)) if scale > 0 else 8
        quality = quality_features(image, block_period=period)
        faces = []
        if self.faces is not None:
            for f in self.faces.analyze(np.asarray(image)):
                x, y, w, h = f.box
                faces.append(FaceRecord((x * scale, y * scale, w * scale, h * scale), f.score,
                                        f.landmarks * scale, f.embedding, f.quality))
        embedding = self.embedder.embed([image])[0]
        return FeatureRecord(self.model, embedding, quality, faces, pixel_hash(image), layout_vector(image))
