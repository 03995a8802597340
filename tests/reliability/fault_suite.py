"""Fault injection: SIGKILL at random moments of real `phototriage` processes, then the next
run, compared with a clean run from the same starting state.

    python -m tests.reliability.fault_suite --trials 24        # the long run (about 10 minutes)

CI runs a bounded version (tests/reliability/test_fault_suite.py). Each trial checks the
catalog's integrity, the photos, the decisions on each picture, search answers and that
`check` finds the derived stores consistent; a kill during `train` must leave the kept
ranker versions usable and no debris. Every library and catalog lives in a temp folder;
the originals are compared byte for byte before and after."""
from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import sample, tree_hashes
from tests.reliability.harness import cli, cli_json, make_library, snapshot, start

KINDS = ("first index", "re-index after changes", "picks during index", "two at once", "train")


@dataclass
class Trial:
    kind: str
    delay: float
    killed: bool = False
    losses: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"kind": self.kind, "delay_s": round(self.delay, 2), "killed_mid_run": self.killed,
                "losses": self.losses}


def _kill_after(proc, delay: float) -> bool:
    """SIGKILL ``proc`` after ``delay`` s; True when it was still running (a real fault)."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    return True


def _copy_catalog(src_db: Path, dest_dir: Path) -> Path:
    shutil.copytree(src_db.parent, dest_dir)
    return dest_dir / src_db.name


def _mutate(lib: Path) -> None:
    """What users do between two indexes: rename, replace with another picture, delete, add."""
    s = lib / "set0"
    (s / "opencv-doc_fruits.jpg").rename(s / "fruits-renamed.jpg")
    shutil.copyfile(sample("photos/scikit-image_coffee.jpg"), s / "opencv-doc_fruits.jpg")
    (s / "opencv-doc_box.jpg").unlink()
    shutil.copy2(sample("photos/tuxpaint-data_rocks.jpg"), s / "new-rocks.jpg")


DECISIONS = [("set0/opencv-doc_fruits.jpg", "--reject"), ("set0/tuxpaint-data_cliff.jpg", "--accept"),
             ("set0/opencv-doc_box.jpg", "--reject"), ("set0/hamilton/f02.jpg", "--best")]


def _decide(lib: Path, db: Path) -> None:
    for rel, flag in DECISIONS:
        cli("pick", lib / rel, flag, "--db", db)


class Suite:
    def __init__(self, work: Path, seed: int = 0) -> None:
        self.work, self.rng = work, random.Random(seed)
        self.lib = make_library(work / "lib")
        self.originals = tree_hashes(self.lib)
        self.queries = [self.lib / "set0" / "scikit-image_chelsea.jpg", self.lib / "set0" / "hamilton" / "f03.jpg"]
        t0 = time.monotonic()
        self.base_db = work / "base" / "C.db"
        cli("index", self.lib, "--db", self.base_db)
        self.index_s = time.monotonic() - t0
        _decide(self.lib, self.base_db)
        self.reference = snapshot(self.base_db, self.lib, self.queries)
        # a second library indexed and decided, then changed: the clean re-index is the reference
        self.changed = work / "changed-lib"
        shutil.copytree(self.lib, self.changed)
        self.changed_db_start = work / "changed-start"
        cli("index", self.changed, "--db", self.changed_db_start / "C.db")
        _decide(self.changed, self.changed_db_start / "C.db")
        _mutate(self.changed)
        db = _copy_catalog(self.changed_db_start / "C.db", work / "changed-clean")
        cli("index", self.changed, "--db", db)
        self.changed_reference = snapshot(db, self.changed, self._changed_queries())

    def _changed_queries(self) -> list[Path]:
        return [self.changed / q.relative_to(self.lib) for q in self.queries]

    def _compare(self, trial: Trial, got: dict, want: dict) -> None:
        for key in ("integrity", "photos", "decisions", "search", "consistent"):
            if got[key] != want[key]:
                trial.losses.append(f"{key}: {got[key]!r} != {want[key]!r}"[:400])

    def run(self, kind: str, n: int) -> Trial:
        folder = self.work / f"t{n}"
        folder.mkdir()
        if kind == "first index":
            trial = Trial(kind, self.rng.uniform(0.3, self.index_s))
            db = folder / "C.db"
            trial.killed = _kill_after(start("index", self.lib, "--db", db), trial.delay)
            cli("index", self.lib, "--db", db)
            _decide(self.lib, db)
            self._compare(trial, snapshot(db, self.lib, self.queries), self.reference)
        elif kind == "re-index after changes":
            trial = Trial(kind, self.rng.uniform(0.3, self.index_s * 0.7))
            db = _copy_catalog(self.changed_db_start / "C.db", folder / "cat")
            lib = self.changed
            trial.killed = _kill_after(start("index", lib, "--db", db), trial.delay)
            cli("index", lib, "--db", db)
            self._compare(trial, snapshot(db, lib, self._changed_queries()), self.changed_reference)
        elif kind == "picks during index":
            trial = Trial(kind, self.rng.uniform(0.3, self.index_s * 0.7))
            db = _copy_catalog(self.changed_db_start / "C.db", folder / "cat")
            lib = self.changed
            proc = start("index", lib, "--db", db)
            extra = {"set0/pillow_fujifilm.jpg": "--accept", "set0/opencv-doc_baboon.jpg": "--reject"}
            picker = threading.Thread(target=lambda: [cli("pick", lib / rel, flag, "--db", db)
                                                      for rel, flag in extra.items()])
            picker.start()
            trial.killed = _kill_after(proc, trial.delay)
            picker.join()
            cli("index", lib, "--db", db)
            want = json.loads(json.dumps(self.changed_reference))
            want["decisions"].update({"set0/pillow_fujifilm.jpg": [1, None, False],
                                      "set0/opencv-doc_baboon.jpg": [-1, None, False]})
            got = json.loads(json.dumps(snapshot(db, lib, self._changed_queries())))
            self._compare(trial, got, want)
        elif kind == "two at once":
            trial = Trial(kind, self.rng.uniform(0.3, self.index_s))
            db = folder / "C.db"
            procs = [start("index", self.lib, "--db", db) for _ in range(2)]
            victim = self.rng.randrange(2)
            trial.killed = _kill_after(procs[victim], trial.delay)
            out, err = procs[1 - victim].communicate(timeout=600)
            if procs[1 - victim].returncode != 0:
                trial.losses.append(f"the other index failed: {err.strip()[-300:]}")
            cli("index", self.lib, "--db", db)
            _decide(self.lib, db)
            self._compare(trial, snapshot(db, self.lib, self.queries), self.reference)
        elif kind == "train":
            trial = self._train(folder)
        else:
            raise ValueError(kind)
        if tree_hashes(self.lib) != self.originals:
            trial.losses.append("an original changed")
        return trial

    def _train(self, folder: Path) -> Trial:
        """Enough picks in five bursts to train; kill the training at a random moment."""
        if not hasattr(self, "train_db"):
            lib = self.work / "train-lib"
            lib.mkdir()
            for name in ("hamilton-burst01_t1s", "hamilton-burst02_t5s", "tree-burst01_frame60",
                         "visp-cube-burst02_from0040", "ocv-rubberwhale"):
                shutil.copytree(sample(f"bursts/{name}"), lib / name)
            self.train_db = self.work / "train-base" / "C.db"
            cli("index", lib, "--db", self.train_db)
            for burst in sorted(p for p in lib.iterdir() if p.is_dir()):
                frames = sorted(burst.glob("*.jpg"))
                cli("pick", frames[0], "--best", "--db", self.train_db)
                for f in frames[1:]:
                    cli("pick", f, "--reject", "--db", self.train_db)
            t0 = time.monotonic()
            cli("train", "--db", _copy_catalog(self.train_db, self.work / "train-timing"))
            self.train_s = time.monotonic() - t0
        trial = Trial("train", self.rng.uniform(0.5, self.train_s))
        db = _copy_catalog(self.train_db, folder / "cat")
        trial.killed = _kill_after(start("train", "--db", db), trial.delay)
        status = cli_json("train", "--status", "--db", db)          # opening cleans the debris
        debris = [p.name for p in db.parent.rglob(".*") if p.is_file()]
        if debris:
            trial.losses.append(f"debris left: {debris}")
        if not any(v["current"] for v in status["versions"]):
            trial.losses.append("no ranker version in use")
        bursts = cli("bursts", "--db", db, "--json", check=False)
        if bursts.returncode != 0:
            trial.losses.append(f"bursts fails after the kill: {bursts.stderr.strip()[-200:]}")
        from tests.reliability.harness import integrity

        if integrity(db) != "ok":
            trial.losses.append("catalog integrity")
        return trial


def run_suite(trials: int, seed: int = 0, kinds=KINDS, work: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="pt-faults-") as tmp:
        suite = Suite(Path(work or tmp), seed)
        results = []
        for i in range(trials):
            kind = kinds[i % len(kinds)]
            try:
                results.append(suite.run(kind, i))
            except Exception as exc:    # a command that failed after the fault is a loss, not the end
                results.append(Trial(kind, 0.0, losses=[f"failed: {exc}"[:400]]))
    return {"trials": len(results), "killed_mid_run": sum(t.killed for t in results),
            "losses": sum(len(t.losses) for t in results),
            "by_kind": {k: {"trials": sum(t.kind == k for t in results),
                            "killed": sum(t.killed for t in results if t.kind == k),
                            "losses": sum(len(t.losses) for t in results if t.kind == k)} for k in kinds},
            "results": [t.to_json() for t in results]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report = run_suite(args.trials, args.seed)
    print(json.dumps(report, indent=2))
    raise SystemExit(1 if report["losses"] else 0)


if __name__ == "__main__":
    main()
