"""Which embedding model a catalog uses (a setting; the default from the registry) and the
feature pipeline for it."""
from __future__ import annotations

from .features.embedders import default_embedding_model

SETTING = "embedding_model"


def embedding_model(catalog) -> str:
    return catalog.settings.get(SETTING) or default_embedding_model()


def set_embedding_model(catalog, name: str) -> None:
    """Switch models: the next index run re-embeds every photo (features carry the model id)."""
    from .models import registry

    registry()[name]    # unknown names fail here
    catalog.settings.set({SETTING: name})


def feature_pipeline(catalog, faces: bool = True, allow_download: bool = False):
    from .features.compute import FeaturePipeline

    return FeaturePipeline(embedding_model(catalog), faces=faces, allow_download=allow_download)
