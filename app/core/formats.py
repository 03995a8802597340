"""Which files are photos, and how each family is decoded."""
from __future__ import annotations

import os

JPEG = frozenset({".jpg", ".jpeg", ".jpe", ".jfif"})
RASTER = frozenset({".png", ".tif", ".tiff", ".webp", ".bmp", ".gif"})
HEIF = frozenset({".heic", ".heif", ".hif", ".avif"})
RAW = frozenset({
    ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".dng", ".raf",
    ".orf", ".rw2", ".pef", ".srw", ".x3f", ".3fr", ".iiq", ".rwl", ".erf", ".kdc", ".mrw",
})
PHOTO_EXTENSIONS = JPEG | RASTER | HEIF | RAW


def extension(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def is_photo(path: str) -> bool:
    return extension(path) in PHOTO_EXTENSIONS


def is_raw(path: str) -> bool:
    return extension(path) in RAW


def is_jpeg(path: str) -> bool:
    return extension(path) in JPEG
