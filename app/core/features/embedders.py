"""Photo embedders by registry name: CNN trunks offline, OpenCLIP when its weights are here."""
from __future__ import annotations

import threading

from ..models import ModelUnavailable, registry

_lock = threading.Lock()
_loaded: dict[str, object] = {}


def default_embedding_model() -> str:
    return registry().defaults["photo_embedding"]


def load_embedder(name: str | None = None, allow_download: bool = False):
    """A shared embedder instance (``embed(images) -> (N, D)``, ``.name``, ``.dim``)."""
    name = name or default_embedding_model()
    with _lock:
        if name in _loaded:
            return _loaded[name]
        spec = registry()[name]
        if spec.kind != "photo_embedding":
            raise ModelUnavailable(f"{name} is a {spec.kind} model, not a photo embedding")
        path = registry().path(name, allow_download=allow_download)
        if "open_clip" in spec.extra:
            from models.features.clip_embedding import ClipEmbedder

            oc = spec.extra["open_clip"]
            embedder = ClipEmbedder(name, oc["model"], str(path), quick_gelu=oc.get("quick_gelu", False))
        else:
            from models.backbones import BackboneUnavailable
            from models.features.embedding import PhotoEmbedder

            try:
                embedder = PhotoEmbedder(name, size=spec.preprocess.get("size", 192))
            except BackboneUnavailable as exc:
                raise ModelUnavailable(str(exc)) from exc
            _export_for_queries(embedder)
        _loaded[name] = embedder
        return embedder


def onnx_path(name: str, size: int):
    from ..models.registry import cache_dir

    return cache_dir() / "onnx" / f"{name}-{size}-v1.onnx"


def _export_for_queries(embedder) -> None:
    """Keep an ONNX copy of a CNN embedder so searches need not import torch (best effort).
    The export runs in a child process: torch's exporter holds the interpreter lock for most
    of a second, which would freeze the window of a GUI indexing in a worker thread. Until the
    copy exists, searches use torch."""
    import os
    import subprocess
    import sys
    import time

    path = onnx_path(embedder.name, embedder.size)
    if path.exists():
        return
    busy = path.with_name(path.name + ".exporting")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if busy.exists() and time.time() - busy.stat().st_mtime < 600:
            return                                  # another process is exporting it
        busy.write_text(str(os.getpid()))
        subprocess.Popen([sys.executable, "-m", "app.core.features.onnx_export", embedder.name, str(embedder.size),
                          str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:        # read-only cache, no interpreter to start: searches use torch instead
        return


def load_query_embedder(name: str | None = None, allow_download: bool = False):
    """The cheapest embedder producing the library's vectors: the ONNX copy through OpenCV
    when it exists (no torch import, and about 15 ms a photo on one core against torch's 23;
    the vectors agree to 1e-6), else the torch model. Searches and the index both use it."""
    name = name or default_embedding_model()
    spec = registry()[name]
    if "open_clip" not in spec.extra:
        size = spec.preprocess.get("size", 192)
        path = onnx_path(name, size)
        if path.exists():
            from models.features.onnx_embedding import OnnxEmbedder

            try:
                return OnnxEmbedder(name, str(path), size, spec.dim)
            except Exception:
                pass
    return load_embedder(name, allow_download)
