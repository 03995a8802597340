"""How one frame sits on the next: a similarity transform (translation, rotation, scale) found
with ORB keypoints and RANSAC on the stored thumbnails (``near_duplicate.Prepared``), and how
well the overlap matches once aligned. A panorama step moves the view by a good part of the
frame and the overlap matches (the scene stood still); a burst frame barely moves; a panning
burst moves, but its subject moved against the background, so the overlap does not match."""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ..near_duplicate import Prepared

MIN_INLIERS = 15
VERSION = 1           # of the method: stored steps (catalog.frame_steps) of another version are measured again


@dataclass(frozen=True)
class Step:
    dx: float             # translation as a share of the frame's width / height (b onto a)
    dy: float
    rotation_deg: float
    scale: float
    inliers: int
    overlap: float        # share of a covered by b
    residual: float       # mean absolute difference of the contrast-normalised overlap, 0..1

    @property
    def shift(self) -> float:
        return math.hypot(self.dx, self.dy)


def register(a: Prepared, b: Prepared) -> Step | None:
    ka, da, kb, db = a.points, a.descriptors, b.points, b.descriptors
    if da is None or db is None or len(ka) < 8 or len(kb) < 8:
        return None
    matches = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(da, db)
    if len(matches) < MIN_INLIERS:
        return None
    src = kb[[m.trainIdx for m in matches]]
    dst = ka[[m.queryIdx for m in matches]]
    m, inl = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=3.0, maxIters=2000)
    if m is None or int(inl.sum()) < MIN_INLIERS:
        return None
    scale = float(math.hypot(m[0, 0], m[1, 0]))
    rotation = float(math.degrees(math.atan2(m[1, 0], m[0, 0])))
    h, w = a.gray.shape
    warped = cv2.warpAffine(b.gray.astype(np.float32) / 255, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=-1)
    mask = cv2.erode((warped >= 0).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    overlap = float(mask.mean())
    residual = 1.0
    if mask.sum() >= 256:
        fa, fb = a.gray.astype(np.float32)[mask] / 255, warped[mask]
        (la, ha), (lb, hb) = np.percentile(fa, (2, 98)), np.percentile(fb, (2, 98))
        fa, fb = (fa - la) / max(ha - la, 1e-3), (fb - lb) / max(hb - lb, 1e-3)
        residual = float(np.abs(np.clip(fa, 0, 1) - np.clip(fb, 0, 1)).mean())
    return Step(float(m[0, 2]) / w, float(m[1, 2]) / h, rotation, scale, int(inl.sum()), overlap, residual)
