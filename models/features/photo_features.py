"""Every feature block of one photo, computed by one extractor at index time and in training:
photo embedding, named quality features (overview and native resolution) and face features
(the ranker's inputs).

The extractor takes the full-resolution picture (``native``) and its overview (``work``, the
decoder's reduced image; made here when not given). Faces and the overview measures are
found on the overview; sharpness, noise and compression are judged on native crops of the
subject (``native.py``)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from ..face.detection import FACE_FEATURES, Face, FaceAnalyzer, face_vector
from .iqa import IQA_FEATURES, IqaScorer
from .native import NATIVE_FEATURES, native_features
from .quality import QUALITY_FEATURES, TONE_FEATURES, analysis_image, luminance, quality_features
from .shrink import work_image
from .upright import UprightView


def _rgb(image: Image.Image) -> Image.Image:
    """``image`` as RGB; itself when it is (``convert`` to the same mode is a full copy)."""
    return image if image.mode == "RGB" else image.convert("RGB")

STORED_QUALITY_FEATURES = QUALITY_FEATURES + TONE_FEATURES + NATIVE_FEATURES + IQA_FEATURES     # the catalog's feature columns
# an angle explains, it does not rank; the optional pyiqa metrics are absent from most installs,
# so the shipped ranker never depends on them
RANKER_QUALITY_FEATURES = tuple(n for n in QUALITY_FEATURES + NATIVE_FEATURES if n != "blur_angle")
FEATURES_VERSION = 11    # bump when a feature's definition changes: stored features are recomputed
# 11: highlights_flat and highlights_spike (clipping that stays visible when a frame is darkened)
# 10: a JPEG's overview is area-reduced from libjpeg-turbo's array (app/core/decode.py), which
#     rounds 1 in 25 box means one level higher than Pillow's reduce: the same features to
#     float noise, but another pixel_hash (exact copies are matched within one version only)


def quality_vector(features: dict[str, float]) -> np.ndarray:
    """The ranker's quality block: :data:`RANKER_QUALITY_FEATURES` in fixed order."""
    return np.array([features.get(n, 0.0) for n in RANKER_QUALITY_FEATURES], np.float32)


@dataclass
class PhotoFeatures:
    embedding: np.ndarray | None
    quality: dict[str, float]
    faces: list[Face] = field(default_factory=list)     # boxes and landmarks in overview pixels

    def blocks(self) -> dict[str, np.ndarray]:
        out = {"quality": quality_vector(self.quality), "face": face_vector(self.faces)}
        if self.embedding is not None:
            out["embedding"] = self.embedding
        return out


BLOCK_NAMES = {"quality": RANKER_QUALITY_FEATURES, "face": FACE_FEATURES}


class PhotoFeatureExtractor:
    """``embedder`` (``embed(images) -> (N, D)``, ``.name``) and ``faces`` are optional: the
    burst ranker needs neither the embedding nor, without faces, the face block. ``iqa`` adds
    pyiqa's metrics (the ``[iqa]`` extra) to the quality features."""

    def __init__(self, embedder=None, faces: FaceAnalyzer | None = None, iqa: IqaScorer | None = None) -> None:
        self.embedder = embedder
        self.faces = faces
        self.iqa = iqa

    @property
    def id(self) -> str:
        emb = f"{self.embedder.name}@{getattr(self.embedder, 'size', '')}" if self.embedder else "no-embedding"
        iqa = f"/{self.iqa.id}" if self.iqa else ""
        return f"{emb}/features-v{FEATURES_VERSION}/faces-{'yunet-sface' if self.faces else 'off'}{iqa}"

    def extract_one(self, native: Image.Image | UprightView, work: Image.Image | None = None,
                    block_period: int | None = None) -> PhotoFeatures:
        """Features of one upright RGB photo (``native``: the image, or a view of it turned
        upright). ``block_period``: the JPEG grid in ``work`` pixels (default: 8 x the
        overview's scale). Nothing here copies the full-resolution picture."""
        native = _rgb(native) if isinstance(native, Image.Image) else native
        work = work_image(_rgb(native.upright() if isinstance(native, UprightView) else native)) \
            if work is None else _rgb(work)
        if block_period is None:
            block_period = int(round(8 * work.width / native.width))
        faces = self.faces.analyze(np.asarray(work), native=native) if self.faces else []
        rgb = analysis_image(work)
        quality = quality_features(work, block_period, rgb)
        eyes = faces[0].landmarks * (rgb.shape[1] / work.width) if faces else None     # in analysis pixels
        quality.update(native_features(native, luminance(rgb), eyes))
        if self.iqa is not None:
            quality.update(self.iqa.score(rgb))
        embedding = self.embedder.embed([work])[0] if self.embedder else None
        return PhotoFeatures(embedding, quality, faces)

    def extract(self, images: list[Image.Image]) -> list[PhotoFeatures]:
        """Features of full-resolution images (training renders)."""
        return [self.extract_one(image) for image in images]
