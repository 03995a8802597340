"""The burst ranker's forward pass in NumPy: the same MultiFeaturePairwiseRanker (standardise
-> LayerNorm -> Linear/activation tower -> score head), read from a twin of its checkpoint, so
the window ranks bursts without importing PyTorch (700 MB of memory, and a ~250 ms stall of
the interpreter lock while it loads). The twin is made from the checkpoint once, where PyTorch
is loaded anyway (the index child process, training), and kept per checkpoint content.

Scores agree with the PyTorch model to float32 rounding (tests/triage/test_portable_ranker.py)."""
from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path

import numpy as np

FORMAT = 1
LAYERNORM_EPS = 1e-5        # torch.nn.LayerNorm's default


def _gelu(x: np.ndarray) -> np.ndarray:
    erf = np.vectorize(math.erf, otypes=[np.float32])
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0.0),
    "gelu": _gelu,
    "swish": lambda x: x / (1.0 + np.exp(-x)),
    "silu": lambda x: x / (1.0 + np.exp(-x)),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.01 * x),
    "tanh": np.tanh,
}


class PortableRanker:
    """``arrays``: the model's state dict as float32 arrays; ``metadata``: the checkpoint's."""

    def __init__(self, arrays: dict[str, np.ndarray], metadata: dict) -> None:
        self.metadata = metadata
        self.blocks: list[str] = list(metadata["blocks"])
        config = metadata["architecture"]["config"]
        self.act = ACTIVATIONS[config["activation"]]
        self.mean, self.std = arrays["feature_mean"], arrays["feature_std"]
        self.norm = (arrays["norm.weight"], arrays["norm.bias"]) if config["use_layernorm"] else None
        linear = sorted({int(k.split(".")[1]) for k in arrays if k.startswith("siamese_tower.")})
        self.tower = [(arrays[f"siamese_tower.{i}.weight"], arrays[f"siamese_tower.{i}.bias"]) for i in linear]
        self.head = (arrays["comparison_head.weight"], arrays["comparison_head.bias"])

    def scores(self, x: np.ndarray) -> np.ndarray:
        """(N, input_dim) -> (N,) quality scores; higher is better."""
        h = (np.asarray(x, np.float32) - self.mean) / self.std
        if self.norm is not None:
            mu = h.mean(1, keepdims=True)
            var = ((h - mu) ** 2).mean(1, keepdims=True)
            h = (h - mu) / np.sqrt(var + LAYERNORM_EPS) * self.norm[0] + self.norm[1]
        for w, b in self.tower:
            h = self.act(h @ w.T + b)
        return (h @ self.head[0].T + self.head[1])[:, 0].astype(np.float32)


def win_rates(s: np.ndarray, offsets: np.ndarray | None = None) -> list[float]:
    """Each photo's mean probability of beating the others from its scores ``s`` (round robin,
    P = sigmoid(s_i - s_j + offsets_ij); ``offsets``: antisymmetric (N, N) evidence from
    outside the model)."""
    s = np.asarray(s, np.float32)
    logits = s[:, None] - s[None, :]
    if offsets is not None:
        logits = logits + offsets
    wins = 1.0 / (1.0 + np.exp(-logits))
    n = len(s)
    return ((wins.sum(1) - 0.5) / max(1, n - 1)).tolist()      # drop the self-comparison (0.5)


def content_key(checkpoint: Path) -> str:
    h = hashlib.sha256()
    with open(checkpoint, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:32]


def twin_path(checkpoint: Path, cache: Path) -> Path:
    """Where the twin of ``checkpoint`` lives: by the checkpoint's content, so a retrained or
    replaced checkpoint never meets an old twin."""
    return cache / f"{Path(checkpoint).stem}-{content_key(checkpoint)}.npz"


def save_twin(path: Path, arrays: dict[str, np.ndarray], metadata: dict) -> None:
    """Atomic: written to a temp file, then renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        np.savez(f, __metadata__=np.frombuffer(json.dumps({"format": FORMAT, **metadata}).encode(), np.uint8),
                 **{k: np.asarray(v, np.float32) for k, v in arrays.items()})
    os.replace(tmp, path)


def load_twin(path: Path) -> PortableRanker | None:
    """The twin, or None when it is missing, unreadable or of another format."""
    try:
        with np.load(path, allow_pickle=False) as z:
            metadata = json.loads(z["__metadata__"].tobytes())
            arrays = {k: z[k] for k in z.files if k != "__metadata__"}
        if metadata.pop("format", None) != FORMAT:
            return None
        return PortableRanker(arrays, metadata)
    except (OSError, ValueError, KeyError):
        return None
