"""An index run in a child process (``phototriage index FOLDER --db CATALOG``), driven as a job:
its progress lines become Progress events, cancelling sends it Ctrl-C (it finishes the files
in flight, as on a terminal), its JSON summary becomes the IndexSummary.

The window indexes this way: the models (torch, ONNX Runtime through OpenCV, the face models)
load and run in the child, so their imports and long native calls, which hold the Python
interpreter lock for a quarter of a second at a time, never freeze the window; and a crash
in native code costs the index run, not the window."""
from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from .jobs import CancelToken, Job, Progress

PROGRESS_MARK = "PT-PROGRESS "          # before each progress line the child writes (app/cli_common.py)
REPO = Path(__file__).resolve().parents[2]


class IndexFailed(RuntimeError):
    pass


def cli_command(*args: str) -> list[str]:
    """The ``phototriage`` command line as a child process of this one (the frozen bundle is
    its own interpreter: packaging/bundle/entry.py)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "cli", *args]
    return [sys.executable, "-m", "app.cli", *args]


def _pump(stream, out: queue.Queue) -> None:
    for line in stream:
        out.put(line)
    out.put(None)


def index_in_child(catalog_path: str | os.PathLike, folder: str, workers: int | None = None,
                   cancel: CancelToken | None = None, extra: tuple[str, ...] = ()) -> Job:
    args = ["index", str(folder), "--db", str(catalog_path), "--json", "--progress-lines", *extra]
    if workers:
        args += ["--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(cli_command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, env=env, cwd=str(REPO) if not getattr(sys, "frozen", False)
                            else None)
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=_pump, args=(proc.stderr, lines), daemon=True)
    reader.start()
    errors: list[str] = []
    interrupted = False
    try:
        while True:
            if cancel is not None and cancel.cancelled and not interrupted:
                proc.send_signal(signal.SIGINT)          # a cooperative stop: the files in flight finish
                interrupted = True
            try:
                line = lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                break
            if line.startswith(PROGRESS_MARK):
                e = json.loads(line[len(PROGRESS_MARK):])
                yield Progress(e["phase"], e["done"], e["total"], current=e.get("current"), message=e.get("message"))
            elif line.strip():
                errors.append(line.strip())
        out = proc.stdout.read()
        code = proc.wait()
    except BaseException:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        raise
    finally:
        proc.stdout.close()
        proc.stderr.close()
    doc = _summary_document(out)
    # 1 with a summary: some files failed, listed in it; 130 with one: cancelled (it says so)
    if code != 0 and not (code in (1, 130) and doc is not None):
        reason = next((e.split("error: ", 1)[1] for e in reversed(errors) if "error: " in e), None)
        raise IndexFailed(reason or (errors[-1] if errors else f"the index process ended with code {code}"))
    from .indexer import IndexSummary

    return IndexSummary.from_json(doc)


def _summary_document(out: str) -> dict | None:
    """The child's index summary, or None when it printed an error instead (or nothing)."""
    try:
        doc = json.loads(out)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) and "root" in doc else None
