"""kill -9 at every step of the commands that move files or decisions, then the command again:
nothing lost, nothing doubled, every decision kept, ``check`` clean.

    python -m tests.safety.kill_table [--every K] [--json FILE]

For each command, a library of real photos with sidecars and decisions is made; a counting
run tells how many steps (file operations and catalog commits) the command takes; then, for
each step n (every K-th with --every), a fresh copy of the library runs the command in a child
process that SIGKILLs itself at step n (tests/safety/kill_child.py), the command runs again to
the end, and the invariants are checked. Prints one table row per command."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.safety.kills import NEUTRAL_SIDECAR

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo"
PICKS, REJECTS, RATED = (0, 2, 4, 6), (1, 5, 8), (3, 9)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Library:
    """A folder with lib/, catalog.db, DEST/, home/ (its own trash) that a child runs in."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lib, self.dest, self.db, self.home = root / "lib", root / "DEST", root / "catalog.db", root / "home"

    def env(self) -> dict:
        home = str(self.home)
        return {**os.environ, "HOME": home, "XDG_DATA_HOME": f"{home}/.local/share",
                "XDG_CONFIG_HOME": f"{home}/.config", "XDG_CACHE_HOME": f"{home}/.cache",
                "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

    def run(self, nth: int, *argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tests.safety.kill_child", str(nth), *argv, "--db", str(self.db)],
                              cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=300)

    def trash(self) -> Path:
        return self.home / ".local" / "share" / "Trash"


def make_base(root: Path) -> tuple[Library, dict]:
    """Twelve photos in two folders, each with a sidecar; picks, rejects, ratings, a best."""
    lib = Library(root)
    sources = sorted(DEMO.rglob("*.jpg"))
    for i, src in enumerate(sources[:10]):
        dest = lib.lib / ("a" if i % 2 else "b") / f"p{i:02}.jpg"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
        Path(f"{dest}.xmp").write_text(NEUTRAL_SIDECAR.format(title=f"photo {i}"))
    lib.home.mkdir()
    assert lib.run(0, "index", str(lib.lib), "--no-features").returncode == 0
    files = sorted(lib.lib.rglob("*.jpg"))
    for i in PICKS:
        lib.run(0, "pick", str(files[i]), "--accept")
    for i in REJECTS:
        lib.run(0, "pick", str(files[i]), "--reject")
    for i in RATED:
        lib.run(0, "pick", str(files[i]), "--rating", "4")
    decisions = decisions_by_digest(lib)
    return lib, decisions


def decisions_by_digest(lib: Library) -> dict[str, tuple]:
    from app.core.catalog import Catalog

    out = {}
    with Catalog(lib.db, readonly=True) as cat:
        for pid, path, _h, status, _t, _r in cat.photos.grid():
            if status == "ok" and os.path.exists(path):
                s = cat.decisions.state(pid)
                out[digest(Path(path))] = (s.pick, s.rating or 0, s.best)
    return out


def _files(folder: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    if folder.exists():
        for f in folder.rglob("*"):
            if f.is_file() and f.suffix.lower() == ".jpg":
                out.setdefault(digest(f), []).append(f)
    return out


def problems(lib: Library, before: dict, command: str) -> list[str]:
    """What is wrong after the killed run and the run after it."""
    bad = []
    where = {"lib": _files(lib.lib), "dest": _files(lib.dest), "trash": _files(lib.trash())}
    for d, state in before.items():
        places = {k: v.get(d, []) for k, v in where.items()}
        moved = command.startswith("export") and "--move" in command
        count = len(places["lib"]) + len(places["trash"]) + (len(places["dest"]) if moved else 0)
        if count != 1:
            bad.append(f"{state}: {count} places {places}")
            continue
        for kind, found in places.items():
            for f in found:
                if kind != "trash" and not (kind == "dest" and not moved) and not Path(f"{f}.xmp").exists():
                    bad.append(f"no sidecar beside {f}")
    trash_sidecars = list((lib.trash() / "files").glob("*.xmp")) if lib.trash().exists() else []
    trashed_photos = [f for f in (lib.trash() / "files").glob("*.jpg")] if lib.trash().exists() else []
    if len(trash_sidecars) != len(trashed_photos):
        bad.append(f"trash holds {len(trashed_photos)} photos and {len(trash_sidecars)} sidecars")
    after = decisions_by_digest(lib)
    for d, state in after.items():
        if d in before and before[d] != state and command.split()[0] != "pick":
            bad.append(f"decision changed: {before[d]} -> {state}")
    check = lib.run(0, "check", "--json")
    if check.returncode != 0:
        bad.append(f"check: {check.stdout.strip()[:300]}")
    return bad


COMMANDS = {
    "export copy": lambda lib: ["export", "--picks", str(lib.dest)],
    "export --move": lambda lib: ["export", "--picks", str(lib.dest), "--move"],
    "export --flat": lambda lib: ["export", "--picks", str(lib.dest), "--flat"],
    "trash --rejected": lambda lib: ["trash", "--rejected"],
    "trash --undo": lambda lib: ["trash", "--undo"],
    "xmp write": lambda lib: ["xmp", "write"],
    "index (after renames)": lambda lib: ["index", str(lib.lib), "--no-features"],
}


def prepare(lib: Library, name: str) -> None:
    """The state a command starts from (beyond the base library)."""
    if name == "trash --undo":
        assert lib.run(0, "trash", "--rejected").returncode == 0
    if name.startswith("index"):
        files = sorted(lib.lib.rglob("*.jpg"))
        for f in files[:3]:
            target = lib.lib / "renamed" / f.name
            target.parent.mkdir(exist_ok=True)
            f.rename(target)
            Path(f"{f}.xmp").rename(f"{target}.xmp")


def table(every: int = 1, out=sys.stdout, commands=None) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="pt-kills-") as tmp:
        work, pristine = Path(tmp) / "work", Path(tmp) / "pristine"     # the catalog keeps absolute paths
        base, before = make_base(work)
        shutil.copytree(work, pristine)

        def fresh(name: str) -> Library:
            shutil.rmtree(work)
            shutil.copytree(pristine, work)
            prepare(base, name)
            return base

        for name in commands or COMMANDS:
            lib = fresh(name)
            counted = lib.run(0, *COMMANDS[name](lib))
            steps = int(counted.stderr.rsplit("steps=", 1)[1].split()[0])
            tries, failures, lost, examples = 0, 0, 0, []
            for nth in range(1, steps + 1, every):
                lib = fresh(name)
                killed = lib.run(nth, *COMMANDS[name](lib))
                again = lib.run(0, *COMMANDS[name](lib))
                bad = problems(lib, before, " ".join(COMMANDS[name](lib)))
                if again.returncode != 0:
                    bad.append(f"the run after the kill exited {again.returncode}: {again.stderr.strip()[-300:]}")
                tries += 1
                failures += bool(bad)
                lost += sum("places" in b for b in bad)
                if bad and len(examples) < 3:
                    examples.append({"step": nth, "killed_rc": killed.returncode, "problems": bad[:4]})
            row = {"command": name, "steps": steps, "tries": tries, "failures": failures, "pictures_lost_or_doubled": lost,
                   "examples": examples}
            rows.append(row)
            print(f"| {name} | {steps} | {tries} | {failures} | {lost} |", file=out, flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--every", type=int, default=1, help="try every K-th step")
    ap.add_argument("--json", help="write the rows with examples of failures here")
    args = ap.parse_args()
    print("| command | steps | kill points tried | failures | pictures lost or doubled |\n|---|---|---|---|---|")
    rows = table(args.every)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
