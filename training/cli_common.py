"""What every ``python -m training.<pipeline>`` command shares: arguments, progress on
stderr, one JSON summary on stdout."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable

from .trainer import Trainer, TrainEvent, TrainResult


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--config", required=True, help="YAML config (a path, or a name under training/configs/)")
    p.add_argument("--quick", type=float, default=None, metavar="F",
                   help="smoke run: use this fraction of the data and at most 3 epochs")
    p.add_argument("--out", default=None, help="checkpoint path (overrides the config's output.checkpoint)")
    return p


def print_progress(event: TrainEvent) -> None:
    if event.kind == "epoch":
        metrics = " ".join(f"{k}={v:.4f}" for k, v in event.metrics.items())
        print(f"epoch {event.epoch + 1}: {metrics}", file=sys.stderr, flush=True)


def run_main(run: Callable[[dict, argparse.Namespace], dict[str, Any]], description: str,
             defaults: dict, argv: list[str] | None = None) -> int:
    from .config import load_config

    args = parser(description).parse_args(argv)
    cfg = load_config(args.config, defaults, args.quick)
    if args.out:
        cfg.setdefault("output", {})["checkpoint"] = args.out
    real_stdout, sys.stdout = sys.stdout, sys.stderr     # library chatter goes to stderr
    try:
        summary = run(cfg, args)
    finally:
        sys.stdout = real_stdout
    print(to_json(summary))
    return 0


def to_json(report) -> str:
    """Strict JSON: NaN (an empty split has no accuracy) becomes null."""
    import math

    def clean(x):
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        if hasattr(x, "item") and not isinstance(x, (str, bytes)):
            x = x.item()
        return None if isinstance(x, float) and math.isnan(x) else x
    return json.dumps(clean(report), indent=2, default=float)


def finish(job) -> TrainResult:
    """Run a training generator to its end (its events go to the hooks) and return its result."""
    try:
        while True:
            next(job)
    except StopIteration as stop:
        return stop.value


def train_from_config(model, optimizer, step, batches, evaluate, cfg: dict, hooks=(), cancel=None,
                      metadata: dict | None = None) -> TrainResult:
    """The entry points' common run: epochs and patience from ``cfg["train"]``, the checkpoint
    at ``cfg["output"]["checkpoint"]``, progress printed, then the caller's hooks."""
    t = cfg["train"]
    return finish(Trainer(model, optimizer, step, batches, evaluate, epochs=t["epochs"], patience=t["patience"],
                          hooks=[print_progress, *hooks], cancel=cancel,
                          checkpoint=str(cfg["output"]["checkpoint"]), metadata=metadata).run())
