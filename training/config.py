"""YAML training configs: defaults, ``${TESTDATA}``/relative path resolution, ``--quick``."""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / "training" / "configs"


TESTDATA = REPO / "tests" / "data"      # the public test photos in the repository (MANIFEST.tsv)


def testdata_root() -> Path:
    """``${TESTDATA}``: the repository's test photos, or the folder ``PHOTOTRIAGE_TESTDATA``
    names (a larger library of the same layout: photos/, bursts/, faces/)."""
    return Path(os.environ.get("PHOTOTRIAGE_TESTDATA") or TESTDATA)


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def resolve_path(value: str | os.PathLike) -> Path:
    text = str(value).replace("${TESTDATA}", str(testdata_root())).replace("${REPO}", str(REPO))
    path = Path(os.path.expanduser(text))
    return path if path.is_absolute() else (REPO / path)


def load_config(path: str | os.PathLike, defaults: dict[str, Any] | None = None,
                quick: float | None = None) -> dict[str, Any]:
    """Config = defaults <- YAML file; ``quick`` (0-1] keeps that fraction of the data and
    at most 3 epochs, for smoke runs."""
    path = Path(path)
    if not path.exists() and (CONFIGS / path).exists():
        path = CONFIGS / path
    with open(path, encoding="utf-8") as fh:
        cfg = _merge(defaults or {}, yaml.safe_load(fh) or {})
    cfg["config_path"] = str(path)
    if quick is not None:
        if not 0 < quick <= 1:
            raise ValueError("--quick takes a fraction in (0, 1]")
        cfg.setdefault("data", {})["fraction"] = quick
        cfg.setdefault("train", {})["epochs"] = min(3, cfg.get("train", {}).get("epochs", 3))
    return cfg
