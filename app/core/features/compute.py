"""Features of one decoded photo, computed in an index worker thread by the one extractor
that training uses too (``models.features.photo_features``): photo embedding, named quality
features (overview and native resolution), faces (box, landmarks, 128-D embedding, quality),
plus a hash of the decoded pixels (exact duplicates with different metadata) and the scene
layout. Boxes are in full-resolution, upright pixel coordinates."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

import numpy as np

from models.features.iqa import IqaScorer, default_iqa
from models.features.photo_features import FEATURES_VERSION, PhotoFeatureExtractor

from .embedders import default_embedding_model, load_query_embedder


@dataclass
class FaceRecord:
    box: tuple[float, float, float, float]
    score: float
    landmarks: np.ndarray
    embedding: np.ndarray
    quality: dict[str, float]
    eyes: tuple[float | None, float | None] = (None, None)     # openness, right and left eye (eye_state.py)


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
    """Names its models at once but loads them only when there is a photo to analyse (a rescan
    of an unchanged library loads none); ``compute`` is safe to call from several threads."""

    def __init__(self, embedding_model: str | None = None, faces: bool = True, allow_download: bool = False,
                 iqa: IqaScorer | None | bool = True) -> None:
        """``iqa``: pyiqa's metrics when the extra is installed (True), never (False/None), or
        the scorer given."""
        self.model = embedding_model or default_embedding_model()
        self.faces_on, self.allow_download = faces, allow_download
        self.iqa = default_iqa() if iqa is True else (iqa or None)
        self._extractor: PhotoFeatureExtractor | None = None
        self._lock = threading.Lock()

    def prepare(self) -> PhotoFeatureExtractor:
        """Load the models (once); raises ModelUnavailable when one is missing."""
        with self._lock:
            if self._extractor is None:
                faces = None
                if self.faces_on:
                    from models.face.detection import FaceAnalyzer

                    faces = FaceAnalyzer()
                self._extractor = PhotoFeatureExtractor(load_query_embedder(self.model, self.allow_download), faces,
                                                        self.iqa)
            return self._extractor

    @property
    def loaded(self) -> bool:
        return self._extractor is not None

    @property
    def id(self) -> str:
        iqa = f"/{self.iqa.id}" if self.iqa else ""
        return f"{self.model}/features-v{FEATURES_VERSION}/faces-{'on' if self.faces_on else 'off'}{iqa}"

    def compute(self, decoded) -> FeatureRecord:
        """``decoded.native_view`` (the full-resolution picture, seen upright: no copy) is
        analysed where the decoder kept it; otherwise the reduced image stands in for it."""
        image = decoded.image
        scale = decoded.width / image.width if image.width else 1.0
        period = int(round(8 / scale)) if scale > 0 else 8
        native = decoded.native_view if decoded.native_view is not None else image
        feats = self.prepare().extract_one(native, image, block_period=period)
        faces = [FaceRecord(tuple(v * scale for v in f.box), f.score, f.landmarks * scale, f.embedding, f.quality,
                            f.eyes)
                 for f in feats.faces]
        return FeatureRecord(self.model, feats.embedding, feats.quality, faces, pixel_hash(image), layout_vector(image))
