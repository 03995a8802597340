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
# raw formats PhotoTriage does not index but a name.xmp beside them may belong to (Lightroom
# writes sidecars for raw files): never taken for a JPEG's
OTHER_RAW = frozenset({".mos", ".dcr", ".mef", ".gpr", ".k25", ".raw", ".rwz", ".ari", ".bay", ".cap", ".eip",
                       ".fff", ".mdc", ".mfw", ".obm", ".ptx", ".pxn", ".cs1", ".dcs", ".drf"})


def extension(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def is_photo(path: str) -> bool:
    return extension(path) in PHOTO_EXTENSIONS


def is_raw(path: str) -> bool:
    return extension(path) in RAW


def looks_raw(path: str) -> bool:
    """A raw file, whether PhotoTriage reads its format or not."""
    return extension(path) in RAW or extension(path) in OTHER_RAW


def is_jpeg(path: str) -> bool:
    return extension(path) in JPEG
