"""A model-checked decision store: hypothesis drives the real commands (the CLI's ``main``,
in this process, so that a kill can be placed at any file operation) and a process holding
the catalog open as the window does, through random sequences of decisions, undo/redo, file
manager work (rename, move, delete, replace, re-save, touch), index, export (copy, move,
flat), trash and undo, and kills in the middle of a command followed by the command again.
After every step, against a small model of what the user did:

- each picture's bytes exist exactly once among library, DEST (a move) and trash (copies the
  user asked for aside), with its sidecar beside it; after ``xmp write`` the sidecar says the
  decision, and an editor's rating or reject in it comes back through ``xmp read`` or ``index``;
- no decision differs from the model, read by a third connection;
- at most one best per burst; ``check`` finds nothing; no command fails.

PHOTOTRIAGE_MACHINE_EXAMPLES sets the number of sequences (the closing note's long run)."""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.safety.kills import NEUTRAL_SIDECAR, Killed

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo"
FILE_CALLS = ("link", "unlink", "rename", "replace")
WRITTEN = "<written by PhotoTriage>"       # a sidecar whose text the model does not follow
EXAMPLES = int(os.environ.get("PHOTOTRIAGE_MACHINE_EXAMPLES", "12"))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Pic:
    path: str
    digest: str
    sidecar: str | None            # the sidecar's text (None: the picture has none)
    loc: str = "lib"               # lib | dest | trash | gone
    dirty: bool = False            # changed on disk since the last index
    pick: int = 0
    rating: int = 0
    best: bool = False
    before_trash: str = "lib"
    synced: bool = True            # the sidecar says what the catalog says (nothing decided since the last sync)

    def state(self) -> tuple[int, int, bool]:
        return self.pick, self.rating, self.best


@dataclass
class Action:
    changes: dict[int, tuple[tuple, tuple]] = field(default_factory=dict)   # pic -> (before, after)
    by_window: bool = True          # the window's Ctrl+Z takes back only its own actions


class Window:
    """The window's process: one connection for its whole life."""

    def __init__(self, db: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.safety.window_process", str(db)], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert json.loads(self.proc.stdout.readline()) == {"ready": True}

    def ask(self, request: dict) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        assert answer["ok"], answer
        return answer

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.stdin.write(json.dumps({"quit": True}) + "\n")
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _set_trash(folder: bytes | None, saved: dict | None = None) -> dict:
    import send2trash.plat_other as plat

    old = {k: getattr(plat, k) for k in ("XDG_DATA_HOME", "HOMETRASH_B", "HOMETRASH")}
    if saved is not None:
        for k, v in saved.items():
            setattr(plat, k, v)
    else:
        plat.XDG_DATA_HOME = folder
        plat.HOMETRASH_B = os.path.join(folder, b"Trash")
        plat.HOMETRASH = os.fsdecode(plat.HOMETRASH_B)
    return old


class DecisionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="pt-machine-"))
        self.lib, self.dest, self.db = self.tmp / "lib", self.tmp / "DEST", self.tmp / "catalog.db"
        self.share = self.tmp / "share"
        self.saved_trash = _set_trash(os.fsencode(self.share))
        self.pics: list[Pic] = []
        self.undo_stack: list[Action] = []
        self.redo_stack: list[Action] = []
        self.batches: list[list[int]] = []
        self.window: Window | None = None
        self.fresh = 0

    # -- set-up and tear-down --------------------------------------------------------------
    @initialize(with_sidecars=st.sets(st.integers(0, 6), max_size=7))
    def make_library(self, with_sidecars):
        sources = sorted((DEMO / "tree-burst").glob("*.jpg"))[:4] + sorted(DEMO.glob("*.jpg"))[:3]
        for i, src in enumerate(sources):
            dest = self.lib / ("burst" if "tree" in str(src) else "singles") / src.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
            sidecar = NEUTRAL_SIDECAR.format(title=f"photo {i}") if i in with_sidecars else None
            if sidecar:
                Path(f"{dest}.xmp").write_text(sidecar)
            self.pics.append(Pic(str(dest), _digest(dest.read_bytes()), sidecar))
        self.cli("index", str(self.lib), "--no-features")
        self.window = Window(self.db)

    def teardown(self) -> None:
        try:
            if self.window is not None:
                self.window.close()
                if self.pics:
                    self.check_decisions()          # every decision still there once all have closed
        finally:
            _set_trash(None, self.saved_trash)
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- running commands --------------------------------------------------------------------
    def cli(self, *argv: str, expect: int = 0) -> str:
        from app.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*argv, "--db", str(self.db)])
        assert code == expect, (argv, code, out.getvalue(), err.getvalue())
        return out.getvalue()

    def cli_killed(self, nth: int, *argv: str) -> None:
        """The command, killed at its nth file operation (if it gets that far), then run again."""
        real = {name: getattr(os, name) for name in FILE_CALLS}
        seen = [0]

        def make(name):
            def call(*a, **k):
                seen[0] += 1
                if seen[0] == nth:
                    raise Killed(name)
                return real[name](*a, **k)
            return call

        try:
            for name in FILE_CALLS:
                setattr(os, name, make(name))
            try:
                self.cli(*argv)
                event(f"{argv[0]}: ended before the kill point")
            except Killed:
                event(f"{argv[0]}: killed")
        finally:
            for name, fn in real.items():
                setattr(os, name, fn)
        self.cli(*argv)

    def present(self) -> list[int]:
        return [i for i, p in enumerate(self.pics) if p.loc in ("lib", "dest") and not p.dirty]

    def in_lib(self) -> list[int]:
        return [i for i, p in enumerate(self.pics) if p.loc == "lib"]

    def clean(self) -> bool:
        return not any(p.dirty for p in self.pics if p.loc != "gone")

    def forget_undo(self) -> None:
        self.undo_stack.clear()
        self.redo_stack.clear()

    # -- the model of a decision -------------------------------------------------------------
    def burst(self, i: int) -> list[int]:
        from app.core.catalog import Catalog
        from app.core.culling import burst_of

        with Catalog(self.db, readonly=True) as cat:
            ids = burst_of(cat, cat.photos.id_for_path(self.pics[i].path))
            members = {cat.photos.get(pid)["path"] for pid in ids}
        return [j for j, p in enumerate(self.pics) if p.path in members and p.loc in ("lib", "dest")]

    def model_decide(self, i: int, kind: str, value: int, by_window: bool = True) -> None:
        self.unsync([i])
        action = Action(by_window=by_window)
        touched = {i: self.pics[i].state()}
        p = self.pics[i]
        if kind == "pick":
            p.pick, p.best = value, p.best and value == 1
        elif kind == "rating":
            p.rating = value
        else:
            for j in self.burst(i):
                if j != i and self.pics[j].best:
                    touched[j] = self.pics[j].state()
                    self.pics[j].best = False
            p.best, p.pick = True, 1
        action.changes = {j: (before, self.pics[j].state()) for j, before in touched.items()}
        self.unsync(touched)
        self.undo_stack.append(action)
        self.redo_stack.clear()

    def unsync(self, ids) -> None:
        for j in ids:
            self.pics[j].synced = False

    def restore(self, action: Action, which: int) -> None:
        self.unsync(action.changes)
        for j, states in action.changes.items():
            self.pics[j].pick, self.pics[j].rating, self.pics[j].best = states[which]

    # -- rules: decisions ------------------------------------------------------------------
    DECISIONS = st.sampled_from([("pick", 1), ("pick", -1), ("pick", 0), ("rating", 0), ("rating", 3),
                                 ("rating", 5), ("best", 1)])

    @precondition(lambda self: self.present())
    @rule(data=st.data(), decision=DECISIONS, by_window=st.booleans())
    def decide(self, data, decision, by_window):
        i = data.draw(st.sampled_from(self.present()))
        kind, value = decision
        if kind == "best" and not self.burst(i):     # best is a burst's frame: a single photo has none
            if not by_window:
                self.cli("pick", self.pics[i].path, "--best", expect=1)
            return
        if by_window:
            self.window.ask({"decide": [self.pics[i].path, kind, value]})
        else:
            flag = {("pick", 1): ["--accept"], ("pick", -1): ["--reject"], ("pick", 0): ["--clear"],
                    ("best", 1): ["--best"]}.get(decision, ["--rating", str(value)])
            self.cli("pick", self.pics[i].path, *flag)
        self.model_decide(i, kind, value, by_window)
        self.check_decisions()                   # readable by a third connection at once

    @precondition(lambda self: self.undo_stack)
    @rule()
    def undo(self):
        self.window.ask({"undo": True})
        if not self.undo_stack[-1].by_window:
            return                       # the latest action was the command line's: the window takes back nothing
        action = self.undo_stack.pop()
        self.restore(action, 0)
        self.redo_stack.append(action)

    @precondition(lambda self: self.redo_stack)
    @rule()
    def redo(self):
        self.window.ask({"redo": True})
        action = self.redo_stack.pop()
        self.restore(action, 1)
        self.undo_stack.append(action)

    # -- rules: a file manager -------------------------------------------------------------
    def _move_with_sidecar(self, p: Pic, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(p.path, target)
        if p.sidecar is not None:
            os.rename(f"{p.path}.xmp", f"{target}.xmp")
        p.path, p.dirty = str(target), True
        self.forget_undo()

    @precondition(lambda self: self.in_lib())
    @rule(data=st.data(), folder=st.sampled_from(["burst", "singles", "renamed"]))
    def rename(self, data, folder):
        p = self.pics[data.draw(st.sampled_from(self.in_lib()))]
        self.fresh += 1
        target = self.lib / folder / f"r{self.fresh}_{Path(p.path).name}"
        self._move_with_sidecar(p, target)

    @precondition(lambda self: self.in_lib())
    @rule(data=st.data())
    def delete(self, data):
        p = self.pics[data.draw(st.sampled_from(self.in_lib()))]
        os.unlink(p.path)
        if p.sidecar is not None:
            os.unlink(f"{p.path}.xmp")
        p.loc = "gone"
        self.forget_undo()

    @precondition(lambda self: self.in_lib())
    @rule(data=st.data(), seed=st.integers(0, 10**6))
    def replace(self, data, seed):
        """Another picture saved over the file's name (its sidecar stays, now the new one's)."""
        from PIL import Image

        p = self.pics[data.draw(st.sampled_from(self.in_lib()))]
        rng = random.Random(seed)
        self.fresh += 1
        img = Image.new("RGB", (64, 48), tuple(rng.randrange(256) for _ in range(3)))
        for k in range(self.fresh):                  # every new picture differs from the ones before
            img.putpixel((k % 64, k // 64), (255 - k % 256, k % 256, 0))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=90)
        Path(p.path).write_bytes(buf.getvalue())
        if p.sidecar is not None:               # the tool that saved over the picture takes its sidecar away
            os.unlink(f"{p.path}.xmp")
        p.loc = "gone"
        self.pics.append(Pic(p.path, _digest(buf.getvalue()), None, dirty=True))
        self.forget_undo()

    @precondition(lambda self: self.in_lib())
    @rule(data=st.data())
    def touch(self, data):
        p = self.pics[data.draw(st.sampled_from(self.in_lib()))]
        later = time.time() + 5
        os.utime(p.path, (later, later))
        p.dirty = True
        self.forget_undo()

    # -- rules: commands -------------------------------------------------------------------
    @rule(kill=st.none() | st.integers(1, 6))
    def index(self, kill):
        if kill is None:
            self.cli("index", str(self.lib), "--no-features")
        else:
            self.cli_killed(kill, "index", str(self.lib), "--no-features")
        for p in self.pics:
            p.dirty = False
        self.forget_undo()

    @precondition(lambda self: self.clean())
    @rule(how=st.sampled_from(["copy", "move", "flat", "flat-move"]), kill=st.none() | st.integers(1, 6))
    def export(self, how, kill):
        argv = ["export", "--picks", str(self.dest)] + (["--move"] if "move" in how else []) + \
            (["--flat"] if "flat" in how else [])
        if kill is None:
            self.cli(*argv)
        else:
            self.cli_killed(kill, *argv)
        if "move" in how:
            for p in self.pics:
                if p.loc == "lib" and (p.pick == 1 or p.best):
                    p.loc, p.path = "dest", self._catalog_path_in(self.dest, p.digest)
        self.forget_undo()

    def _catalog_path_in(self, folder: Path, digest: str) -> str:
        """Where in ``folder`` the catalog says the picture is (copies beside it aside)."""
        from app.core.catalog import Catalog

        found = [str(f) for f in folder.rglob("*") if f.is_file() and not f.name.endswith(".xmp")
                 and _digest(f.read_bytes()) == digest]
        with Catalog(self.db, readonly=True) as cat:
            known = [f for f in found if cat.photos.id_for_path(f) is not None]
        assert len(known) == 1, (digest, found)
        return known[0]

    @precondition(lambda self: self.clean())
    @rule(kill=st.none() | st.integers(1, 6))
    def trash(self, kill):
        if kill is None:
            self.cli("trash", "--rejected")
        else:
            self.cli_killed(kill, "trash", "--rejected")
        batch = [i for i, p in enumerate(self.pics) if p.loc in ("lib", "dest") and p.pick == -1]
        for i in batch:
            self.pics[i].before_trash, self.pics[i].loc = self.pics[i].loc, "trash"
        if batch:
            self.batches.append(batch)
        self.forget_undo()

    @precondition(lambda self: self.clean() and self.batches)
    @rule(kill=st.none() | st.integers(1, 6))
    def undo_trash(self, kill):
        if kill is None:
            self.cli("trash", "--undo")
        else:
            self.cli_killed(kill, "trash", "--undo")
        for i in self.batches.pop():
            self.pics[i].loc = self.pics[i].before_trash
        self.forget_undo()

    # -- rules: XMP with the user's editor ---------------------------------------------------
    @precondition(lambda self: self.clean())
    @rule(kill=st.none() | st.integers(1, 6))
    def xmp_write(self, kill):
        if kill is None:
            self.cli("xmp", "write")
        else:
            self.cli_killed(kill, "xmp", "write")
        for p in self.pics:
            if p.loc in ("lib", "dest"):
                if p.sidecar is not None or p.pick or p.rating or p.best:
                    p.sidecar = WRITTEN
                p.synced = True
        self.forget_undo()
        self.check_sidecar_fields()

    def sidecar_rating(self, p: Pic) -> int | None:
        m = re.search(r'xmp:Rating="(-?\d)"', Path(f"{p.path}.xmp").read_text())
        return int(m.group(1)) if m else None

    def synced_with_sidecar(self) -> list[int]:
        return [i for i in self.present() if self.pics[i].synced and self.pics[i].sidecar is not None]

    @precondition(lambda self: self.clean() and self.synced_with_sidecar())
    @rule(data=st.data(), rating=st.sampled_from([-1, 0, 1, 3, 5]), then=st.sampled_from(["xmp read", "index"]))
    def editor_sets_rating(self, data, rating, then):
        """darktable, Lightroom or Bridge rate (or reject: -1) the photo in its sidecar."""
        i = data.draw(st.sampled_from(self.synced_with_sidecar()))
        p = self.pics[i]
        side = Path(f"{p.path}.xmp")
        text, was = side.read_text(), self.sidecar_rating(p)
        if was == rating:
            return
        if was is None:
            text = text.replace('<rdf:Description rdf:about=""',
                                f'<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
                                f'xmp:Rating="{rating}"', 1)
        else:
            text = re.sub(r'xmp:Rating="-?\d"', f'xmp:Rating="{rating}"', text, count=1)
        side.write_text(text)
        later = time.time() + 2
        os.utime(side, (later, later))
        if p.sidecar is not WRITTEN:
            p.sidecar = text
        self.cli(*then.split(), *([str(self.lib), "--no-features"] if then == "index" else []))
        if rating == -1:
            p.pick, p.best = -1, False
        elif was == -1:
            p.pick, p.rating = 0, rating                    # un-rejected in the editor, rated
        else:
            p.rating = rating
        for q in self.pics:
            q.dirty = False if then == "index" else q.dirty
        self.forget_undo()

    def check_sidecar_fields(self):
        for p in self.pics:
            if p.loc in ("lib", "dest") and p.sidecar is WRITTEN:
                got = self.sidecar_rating(p)
                if p.pick == -1:
                    assert got == -1, (p, got)
                elif p.rating:
                    assert got == p.rating, (p, got)

    # -- invariants --------------------------------------------------------------------------
    def files(self, folder: Path) -> dict[str, list[Path]]:
        out: dict[str, list[Path]] = {}
        if folder.exists():
            for f in folder.rglob("*"):
                if f.is_file() and not f.name.endswith((".xmp", ".trashinfo")):
                    out.setdefault(_digest(f.read_bytes()), []).append(f)
        return out

    @invariant()
    def each_picture_once_with_its_sidecar(self):
        if not self.pics:
            return
        lib, dest, trash = self.files(self.lib), self.files(self.dest), self.files(self.share)
        trashed_sidecars = [f.read_text() for f in self.share.rglob("*.xmp")] if self.share.exists() else []
        for p in self.pics:
            where = {"lib": lib.get(p.digest, []), "dest": dest.get(p.digest, []), "trash": trash.get(p.digest, [])}
            if p.loc == "gone":
                continue
            assert len(where["trash"]) == (p.loc == "trash"), (p, where)
            assert len(where["lib"]) == (p.loc == "lib"), (p, where)
            if p.loc in ("lib", "dest"):
                assert str(Path(p.path)) in {str(f) for f in where[p.loc]}, (p, where)
                if p.sidecar is WRITTEN:
                    assert Path(f"{p.path}.xmp").is_file(), p
                elif p.sidecar is not None:
                    assert Path(f"{p.path}.xmp").read_text() == p.sidecar, p
            elif p.sidecar is not None and p.sidecar is not WRITTEN:
                assert p.sidecar in trashed_sidecars, p

    def check_decisions(self):
        from app.core.catalog import Catalog
        from app.core.culling import burst_of

        with Catalog(self.db, readonly=True) as cat:
            bests = []
            for i in self.present():
                p = self.pics[i]
                pid = cat.photos.id_for_path(p.path)
                assert pid is not None, p
                s = cat.decisions.state(pid)
                assert (s.pick, s.rating or 0, s.best) == p.state(), (p, s)
                if s.best:
                    bests.append(pid)
            for pid in bests:
                assert not (set(burst_of(cat, pid)) - {pid}) & set(bests), "two bests in one burst"

    @invariant()
    def decisions_match_the_model(self):
        if self.pics and self.window is not None:
            self.check_decisions()

    @invariant()
    def check_finds_nothing(self):
        if not self.pics or not self.clean():
            return
        out = json.loads(self.cli("check", "--json"))
        assert out["consistent"], out


DecisionMachine.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
test_decision_machine = DecisionMachine.TestCase


@pytest.fixture(autouse=True)
def _quiet_home(isolated_home):
    yield
