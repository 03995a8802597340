"""What the exposure of a picture looks like: RGB and luminance histograms, the share of
clipped highlights and shadows, and an overlay marking the clipped pixels (Qt-free; the
loupe draws them). Clipped: a channel at 255 (highlights) or all channels at 0 (shadows),
as FastRawViewer and Lightroom mark them on the 8-bit rendering."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HIGH, LOW = 255, 0
LUMA = (0.2126, 0.7152, 0.0722)          # Rec. 709


@dataclass
class Histogram:
    red: np.ndarray                        # 256 counts each
    green: np.ndarray
    blue: np.ndarray
    luma: np.ndarray
    highlights: float                      # share of pixels with a channel at 255
    shadows: float                         # share of pixels black in every channel

    def warnings(self, at: float = 0.001) -> list[str]:
        """Words for the clipping a photographer should know of (over ``at`` of the picture)."""
        out = []
        if self.highlights > at:
            out.append(f"highlights clipped: {100 * self.highlights:.1f} % of the picture")
        if self.shadows > at:
            out.append(f"shadows clipped: {100 * self.shadows:.1f} % of the picture")
        return out


def _sample(rgb: np.ndarray, most: int = 1_000_000) -> np.ndarray:
    step = max(1, int(np.sqrt(rgb.shape[0] * rgb.shape[1] / most)))
    return rgb[::step, ::step]


def histogram(rgb: np.ndarray) -> Histogram:
    """Histograms of an (h, w, 3) uint8 picture (a large one is sampled)."""
    px = _sample(np.asarray(rgb, np.uint8)).reshape(-1, 3)
    n = max(1, len(px))
    luma = (px.astype(np.float32) @ np.asarray(LUMA, np.float32)).round().clip(0, 255).astype(np.uint8)
    counts = [np.bincount(px[:, c], minlength=256) for c in range(3)]
    return Histogram(*counts, np.bincount(luma, minlength=256),
                     highlights=float((px >= HIGH).any(axis=1).sum()) / n,
                     shadows=float((px <= LOW).all(axis=1).sum()) / n)


def clipping_overlay(rgb: np.ndarray) -> np.ndarray:
    """An (h, w, 4) RGBA overlay: clipped highlights opaque red, clipped shadows opaque blue,
    elsewhere transparent."""
    rgb = np.asarray(rgb, np.uint8)
    out = np.zeros(rgb.shape[:2] + (4,), np.uint8)
    high = (rgb >= HIGH).any(axis=2)
    low = (rgb <= LOW).all(axis=2)
    out[high] = (255, 0, 0, 255)
    out[low] = (0, 80, 255, 255)
    return out
