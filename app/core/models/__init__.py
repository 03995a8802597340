"""The model registry (resources/models.json) and the loaders built on it."""
from .registry import ModelSpec, ModelUnavailable, Registry, registry

__all__ = ["ModelSpec", "ModelUnavailable", "Registry", "registry"]
