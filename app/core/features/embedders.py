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
        _loaded[name] = embedder
        return embedder
