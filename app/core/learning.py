"""Learning from the user's picks: preference pairs from decisions inside bursts, a
fine-tuned ranker head, k-fold cross-validation on the user's own decisions against the
ranker in use, adoption only when measurably better, every version kept, rollback.

Versions live beside the catalog in ``<catalog>.rankers/vN.pt``; the setting
``ranker.current`` names the one in use ("default" is the shipped ranker)."""
from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from models.rankers.preferences import Verdict, pairs_from_decisions

from .bursts import find_bursts, settings_from_catalog
from .jobs import CancelToken, Job, Progress

if TYPE_CHECKING:      # torch loads when a ranker is used or trained, not when the GUI starts
    import torch

    from .ranking import BurstRanker

MIN_PAIRS = 20
MIN_BURSTS = 4
FOLDS = 5
ADOPT_MARGIN = 0.02          # new agreement must beat the current one by this much
SETTING = "ranker.current"
TRAIN = dict(epochs=40, batch_size=32, lr=3e-3, weight_decay=1e-3, margin=1.0, replay_weight=1.0, seed=0)


@dataclass
class TrainOutcome:
    pairs: int
    bursts: int
    needed: int = 0                     # more pairs needed before training can start
    current: str = "default"
    current_agreement: float | None = None
    new_agreement: float | None = None
    adopted: bool = False
    version: str | None = None
    message: str = ""
    history: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def versions_dir(catalog) -> Path:
    return catalog.path.parent / f"{catalog.path.stem}.rankers"


def current_version(catalog) -> str:
    return catalog.settings.get(SETTING, "default")


def _set_current(catalog, version: str) -> None:
    catalog.settings.set({SETTING: version})


def version_path(catalog, version: str) -> Path | None:
    return None if version == "default" else versions_dir(catalog) / f"{version}.pt"


def load_current_ranker(catalog) -> BurstRanker:
    from .ranking import BurstRanker

    return BurstRanker(version_path(catalog, current_version(catalog)))


def prepare_ranker(catalog) -> bool:
    """Make the NumPy twin of the library's current ranker where PyTorch is loaded anyway (the
    index process), so the window ranks bursts without loading it. Best effort."""
    from .models import ModelUnavailable

    try:
        load_current_ranker(catalog)
        return True
    except (ModelUnavailable, OSError, RuntimeError, ValueError):
        return False


def list_versions(catalog) -> list[dict]:
    out = [{"version": "default", "current": current_version(catalog) == "default"}]
    folder = versions_dir(catalog)
    for path in sorted(folder.glob("v*.pt"), key=lambda p: int(p.stem[1:])) if folder.exists() else []:
        from models.checkpoints import load_checkpoint      # torch: only once the user has trained

        meta = load_checkpoint(path)["metadata"]
        out.append({"version": path.stem, "current": current_version(catalog) == path.stem,
                    **{k: meta.get(k) for k in ("created_from", "pairs", "agreement", "previous_agreement")}})
    return out


def verdicts(catalog, bursts) -> list[Verdict]:
    out = []
    for burst in bursts:
        for pid in burst.photo_ids:
            st = catalog.decisions.state(pid)
            kind = "best" if st.best else {1: "accepted", -1: "rejected"}.get(st.pick, "undecided")
            out.append(Verdict(pid, burst.id, kind, st.rating))
    return out


def _agreement(model, x: torch.Tensor, pairs, index: dict[int, int]) -> float:
    """Weighted share of the user's pairs the model orders the user's way."""
    import torch

    if not pairs:
        return float("nan")
    with torch.no_grad():
        s = model(x)
    good = sum(p.weight for p in pairs if s[index[p.better]] > s[index[p.worse]])
    return good / sum(p.weight for p in pairs)


def _fine_tune(ranker, x, pairs, index, cancel, phase: str, history: list[dict] | None = None):
    """Generator: Progress per epoch (with the loss, also kept in ``history`` when given); returns
    the tuned model. The ranker's own quality pairs are rehearsed at every step
    (see models/rankers/finetune.py)."""
    import torch

    from models.rankers.finetune import FineTuneSettings, fine_tune

    settings = FineTuneSettings(**TRAIN)
    better = x[[index[p.better] for p in pairs]]
    worse = x[[index[p.worse] for p in pairs]]
    weight = torch.tensor([p.weight for p in pairs], dtype=torch.float32)
    job = fine_tune(ranker.model, better, worse, weight, ranker.replay, settings, cancelled=lambda: cancel.cancelled)
    try:
        while True:
            epoch, loss = next(job)
            if history is not None:
                history.append({"epoch": epoch, "loss": loss})
            yield Progress(phase, epoch + 1, settings.epochs, metrics={"loss": loss})
    except StopIteration as stop:
        return stop.value


def _replay(ranker) -> dict | None:
    """The quality pairs travel with every version, so a later fine-tune rehearses them too."""
    r = ranker.replay
    return None if r is None else {"replay": {"better": r.better, "worse": r.worse}}


def _folds(pairs, k: int, seed: int = 0) -> list[list]:
    groups = sorted({p.group for p in pairs}, key=str)
    random.Random(seed).shuffle(groups)
    assignment = {g: i % k for i, g in enumerate(groups)}
    return [[p for p in pairs if assignment[p.group] == i] for i in range(k)]


def train_job(catalog, cancel: CancelToken | None = None, folds: int = FOLDS) -> Job[TrainOutcome]:
    cancel = cancel or CancelToken()
    yield Progress("train: preparing", 0, None)
    # a bracket, a panorama or a stack is kept whole: its frames are not better or worse shots
    bursts = [b for b in find_bursts(catalog, settings_from_catalog(catalog)) if not b.kept_whole]
    pairs = pairs_from_decisions(verdicts(catalog, bursts))
    groups = {p.group for p in pairs}
    outcome = TrainOutcome(len(pairs), len(groups), current=current_version(catalog))
    if len(pairs) < MIN_PAIRS or len(groups) < MIN_BURSTS:
        outcome.needed = max(MIN_PAIRS - len(pairs), 0)
        outcome.message = (f"not enough picks yet: {len(pairs)} preference pairs in {len(groups)} bursts; "
                           f"training needs {MIN_PAIRS} pairs from {MIN_BURSTS} bursts (accept, reject or mark "
                           f"the best frame in a few more bursts)")
        return outcome
    import torch

    ranker = load_current_ranker(catalog)
    photo_ids = sorted({p.better for p in pairs} | {p.worse for p in pairs})
    x = torch.from_numpy(ranker.features(catalog, photo_ids)[0])
    index = {pid: i for i, pid in enumerate(photo_ids)}
    k = min(folds, len(groups))
    parts = _folds(pairs, k)
    cur_num = new_num = den = 0.0
    for i, held in enumerate(parts):
        if cancel.cancelled:
            outcome.message = "cancelled"
            return outcome
        train = [p for j, part in enumerate(parts) if j != i for p in part]
        if not held or not train:
            continue
        tuned = yield from _fine_tune(ranker, x, train, index, cancel, f"train: fold {i + 1} of {k}")
        w = sum(p.weight for p in held)
        current, new = _agreement(ranker.model, x, held, index), _agreement(tuned, x, held, index)
        cur_num += current * w
        new_num += new * w
        den += w
        yield Progress("train: cross-validation", i + 1, k,
                       metrics={"fold": i + 1, "current_agreement": current, "new_agreement": new})
    outcome.current_agreement, outcome.new_agreement = cur_num / den, new_num / den
    if outcome.new_agreement < outcome.current_agreement + ADOPT_MARGIN:
        outcome.message = (f"kept {outcome.current}: the fine-tuned ranker agreed with {outcome.new_agreement:.1%} "
                           f"of your held-out choices, the current one with {outcome.current_agreement:.1%}")
        return outcome
    history: list[dict] = []
    final = yield from _fine_tune(ranker, x, pairs, index, cancel, "train: final model", history)
    if cancel.cancelled:
        outcome.message = "cancelled"
        return outcome
    folder = versions_dir(catalog)
    existing = [int(p.stem[1:]) for p in folder.glob("v*.pt")] if folder.exists() else []
    version = f"v{max(existing, default=0) + 1}"
    meta = {**ranker.metadata, "created_from": outcome.current, "pairs": len(pairs),
            "agreement": outcome.new_agreement, "previous_agreement": outcome.current_agreement,
            "history": history, "pipeline": "user_finetune"}
    from models.checkpoints import save_checkpoint

    save_checkpoint(folder / f"{version}.pt", final, json.loads(json.dumps(meta, default=float)), extra=_replay(ranker))
    _set_current(catalog, version)
    outcome.adopted, outcome.version = True, version
    outcome.history = history
    outcome.message = (f"adopted {version}: agreement with your held-out choices {outcome.new_agreement:.1%} "
                       f"(was {outcome.current_agreement:.1%} with {outcome.current})")
    yield Progress("train: done", 1, 1)
    return outcome


def use_version(catalog, version: str) -> str:
    """Switch to any kept version ("default" or vN), e.g. back to a newer one after a rollback."""
    path = version_path(catalog, version)
    if path is not None and not path.exists():
        kept = ", ".join(v["version"] for v in list_versions(catalog))
        raise ValueError(f"no ranker version {version!r} (kept: {kept})")
    _set_current(catalog, version)
    return version


def rollback(catalog) -> str:
    """Go back to the version the current one was trained from; returns it."""
    current = current_version(catalog)
    if current == "default":
        raise ValueError("already using the shipped default ranker: nothing to roll back")
    from models.checkpoints import load_checkpoint

    meta = load_checkpoint(version_path(catalog, current))["metadata"]
    previous = meta.get("created_from", "default")
    if previous != "default" and not version_path(catalog, previous).exists():
        previous = "default"
    _set_current(catalog, previous)
    return previous
