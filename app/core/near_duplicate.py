"""Is photo B an edited copy of photo A? Geometric verification on small grayscale images:
ORB keypoints (rotation-invariant), a RANSAC similarity transform (crop, resize, rotation,
mirror), then the residual difference in the overlap after aligning and normalising
contrast (colour edits, grayscale, re-compression). Burst frames of the same scene align
too, but their subject moved: the residual separates them unless they are near-identical."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SIZE = 320
MIN_INLIERS = 20
MAX_RESIDUAL = 0.10      # mean absolute difference of contrast-normalised gray levels in [0, 1]
CHANGED_LEVEL = 0.25     # a pixel this different after alignment has changed content
MAX_CHANGED = 0.0015     # share of changed pixels allowed: edited copies stay below 0.002, moving subjects above
MIN_OVERLAP = 0.3        # of the smaller image's area


@dataclass
class Match:
    duplicate: bool
    inliers: int
    residual: float          # mean absolute difference after alignment
    overlap: float
    mirrored: bool
    changed: float = 1.0     # share of pixels whose content changed


def prepare(gray: np.ndarray) -> np.ndarray:
    """Long side SIZE (small copies are enlarged so both sides have comparable detail)."""
    scale = SIZE / max(gray.shape)
    if abs(scale - 1) > 1e-3:
        gray = cv2.resize(gray, (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale))),
                          interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    return gray



FEATURES = 800           # ORB keypoints kept per stored picture


def _features(gray: np.ndarray, n: int = FEATURES):
    orb = cv2.ORB_create(nfeatures=n, fastThreshold=10)
    return orb.detectAndCompute(gray, None)


def _normalise(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    vals = x[mask]
    if vals.size < 16:
        return x
    lo, hi = np.percentile(vals, [2, 98])
    return np.clip((x - lo) / max(hi - lo, 1e-3), 0, 1)


MIN_SIDE = 2 * 31 + 1     # ORB's border (edgeThreshold = patchSize = 31) on both sides of a keypoint


def _points(gray: np.ndarray, n: int = FEATURES) -> tuple[np.ndarray, np.ndarray | None]:
    """ORB keypoint positions (N, 2) and descriptors (N, 32), or None when there are none. A
    picture thinner than ORB's border (a 1000 x 2 strip) has none: OpenCV would fail on the
    empty levels of its pyramid."""
    if min(gray.shape[:2]) < MIN_SIDE:
        return np.empty((0, 2), np.float32), None
    keypoints, descriptors = _features(gray, n)
    return np.float32([k.pt for k in keypoints]).reshape(-1, 2), descriptors


@dataclass
class Prepared:
    """A thumbnail ready for comparison: its ORB features (and its mirror image's, made on
    first use) are computed once, however many pairs it takes part in; the catalog keeps
    them (app/core/local_features.py), so a search or a duplicates run reuses them."""
    gray: np.ndarray
    points: np.ndarray
    descriptors: np.ndarray | None
    _mirror: "Prepared | None" = None
    n: int = FEATURES

    @classmethod
    def of(cls, gray: np.ndarray, n: int = FEATURES) -> "Prepared":
        """``n``: keypoints kept (a search query needs fewer: matching costs n x FEATURES)."""
        g = prepare(gray)
        return cls(g, *_points(g, n), n=n)

    def mirror(self) -> "Prepared":
        if self._mirror is None:
            g = cv2.flip(self.gray, 1)
            self._mirror = Prepared(g, *_points(g, self.n), n=self.n)
        return self._mirror


def _try(a: Prepared, b: Prepared) -> Match | None:
    ka, da, kb, db = a.points, a.descriptors, b.points, b.descriptors
    if da is None or db is None or len(ka) < 8 or len(kb) < 8:
        return None
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True)
    matches = matcher.match(da, db)
    if len(matches) < MIN_INLIERS:
        return Match(False, len(matches), 1.0, 0.0, False)
    src = kb[[m.trainIdx for m in matches]]
    dst = ka[[m.queryIdx for m in matches]]
    M, inl = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=3.0, maxIters=2000)
    if M is None:
        return Match(False, 0, 1.0, 0.0, False)
    inliers = int(inl.sum())
    if inliers < MIN_INLIERS:
        return Match(False, inliers, 1.0, 0.0, False)
    a, b = a.gray, b.gray
    warped = cv2.warpAffine(b.astype(np.float32) / 255, M, (a.shape[1], a.shape[0]), flags=cv2.INTER_LINEAR,
                            borderValue=-1)
    mask = warped >= 0
    mask = cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    overlap = mask.sum() / min(a.size, b.size)
    if overlap < MIN_OVERLAP:
        return Match(False, inliers, 1.0, float(overlap), False)
    fa = _normalise(a.astype(np.float32) / 255, mask)
    fb = _normalise(warped, mask)
    # compare at a coarser scale: re-compression and resampling noise is fine detail
    fa, fb = cv2.GaussianBlur(fa, (0, 0), 1.5), cv2.GaussianBlur(fb, (0, 0), 1.5)
    diff = np.abs(fa - fb)[mask]
    residual = float(diff.mean())
    changed = float((diff > CHANGED_LEVEL).mean())
    ok = residual <= MAX_RESIDUAL and changed <= MAX_CHANGED
    return Match(ok, inliers, residual, float(overlap), False, changed)


STRONG_FIT = 2 * MIN_INLIERS    # inliers of a fit so clear that a search need not try the mirror image


def compare_prepared(a: Prepared, b: Prepared, quick: bool = False) -> Match:
    """The unmirrored comparison, then the mirrored one. ``quick`` (search re-ranking): not the
    mirrored one when the first aligned clearly. Duplicate verification tries both: a
    symmetric subject (a face) can align unmirrored with many inliers and still be the mirror
    copy (that cost 10 points of mirror recall in benchmarks/duplicates_speed.py)."""
    best = Match(False, 0, 1.0, 0.0, False)
    for mirrored in (False, True):
        m = _try(a, b.mirror() if mirrored else b)
        if m is None:
            continue
        m.mirrored = mirrored
        if m.duplicate:
            return m
        if m.residual < best.residual:
            best = m
        if quick and not mirrored and m.inliers >= STRONG_FIT and m.overlap >= MIN_OVERLAP:
            break
    return best


def compare(gray_a: np.ndarray, gray_b: np.ndarray) -> Match:
    return compare_prepared(Prepared.of(gray_a), Prepared.of(gray_b))
