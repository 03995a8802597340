"""Per-file work done in worker threads: read once, hash, decode at reduced size,
metadata, thumbnail. Pure function of the file; the catalog is not touched here."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .decode import WORK_SIZE, DecodeError, Scratch, decode
from .fileio import ReadError, Vanished, read_original, sample_hash, sample_hash_of
from .scanner import FileEntry
from .text import reason
from .thumbnails import gray_thumbnail, thumb_path, thumbnail_size, write_thumbnail

INDEXED, TOUCHED, MOVED, SKIPPED, VANISHED = "indexed", "touched", "moved", "skipped", "vanished"
# Each worker thread's decode buffer. It lives as long as the thread; what a decode made with it
# holds is valid until that thread's next decode: analyze_file keeps nothing of it (the overview,
# thumbnail and features are copies and measures).
_thread = threading.local()


def _scratch() -> Scratch:
    if not hasattr(_thread, "scratch"):
        _thread.scratch = Scratch()
    return _thread.scratch


@dataclass
class FileResult:
    entry: FileEntry
    outcome: str
    content_hash: str | None = None
    columns: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    thumb_size: tuple[int, int] | None = None
    features: Any = None                   # a FeatureRecord when features were computed
    features_error: str | None = None
    sample_hash: str | None = None
    edit_of_previous: bool = False         # new content, but an edited copy of the picture it replaced


def photo_columns(entry: FileEntry, content_hash: str, decoded) -> dict[str, Any]:
    meta = decoded.meta.columns()
    if meta["captured_ts"] is None:
        meta["captured_ts"] = entry.mtime_ns / 1e9
        time_source = "file"
    else:
        time_source = "exif"
    return {
        "size": entry.size, "mtime_ns": entry.mtime_ns, "content_hash": content_hash,
        "status": "ok", "status_reason": None, "width": decoded.width, "height": decoded.height,
        "format": decoded.format, "frames": decoded.frames, "time_source": time_source, **meta,
    }


def analyze_file(entry: FileEntry, thumbs_dir: Path, expected_hash: str | None = None,
                 movable_hashes: frozenset[str] = frozenset(), work_size: int = WORK_SIZE,
                 features=None) -> FileResult:
    """``features`` (a FeaturePipeline) adds embedding, quality and faces to indexed files."""
    try:
        data, digest = read_original(entry.path, entry.size)
    except Vanished as exc:
        return FileResult(entry, VANISHED, reason=str(exc))
    except ReadError as exc:
        return FileResult(entry, SKIPPED, reason=str(exc))
    try:
        sample = sample_hash_of(data) if data is not None else sample_hash(entry.path)
    except ReadError as exc:
        return FileResult(entry, SKIPPED, reason=str(exc))
    if digest == expected_hash:
        return FileResult(entry, TOUCHED, digest, sample_hash=sample)
    if digest in movable_hashes:
        return FileResult(entry, MOVED, digest, sample_hash=sample)
    try:
        decoded = decode(data, entry.path, work_size=work_size, native=features is not None, scratch=_scratch())
    except DecodeError as exc:
        return FileResult(entry, SKIPPED, digest, reason=str(exc))
    dest = thumb_path(thumbs_dir, digest)
    # a thumbnail already there (a copy, or written just before a kill) still gets its row
    thumb_size = thumbnail_size(dest) if dest.exists() else None
    if thumb_size is None:
        thumb_size = write_thumbnail(decoded.image, dest)
    columns = {**photo_columns(entry, digest, decoded), "sample_hash": sample}
    result = FileResult(entry, INDEXED, digest, columns, thumb_size=thumb_size, sample_hash=sample)
    if expected_hash is not None:
        result.edit_of_previous = _edited_copy(thumbs_dir, expected_hash, decoded.image)
    if features is not None:
        try:
            result.features = features.compute(decoded)
        except Exception as exc:  # a model failing on one odd image must not stop the scan
            result.features_error = f"features failed: {type(exc).__name__}: {reason(exc)}"
    return result


def _edited_copy(thumbs_dir: Path, previous_hash: str, image) -> bool:
    """Is the file's new content (``image``, already decoded) an edit of the picture it held
    before (same pixels with new metadata, a re-save, a crop, a flip), judged by geometric
    verification against the old thumbnail? A different photo, even the next frame of a burst,
    is not."""
    import numpy as np

    from .near_duplicate import compare

    old = gray_thumbnail(thumbs_dir, previous_hash)
    if old is None:
        return False
    return compare(old, np.asarray(image.convert("L"))).duplicate
