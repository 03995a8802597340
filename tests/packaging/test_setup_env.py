"""packaging/setup_env.sh (the README's set-up step) prefers PyTorch's CPU-only wheels and
falls back to the package source's default build; run against a stand-in Python that records
what it is asked to do, so nothing is installed."""
from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAKE_PYTHON = r"""#!/usr/bin/env bash
echo "$*" >> "$FAKE_LOG"
case "$*" in
  "-m venv "*) mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0 ;;
  *"import torch"*) exit 1 ;;
  *"--index-url"*) exit "${FAKE_CPU_RC:-0}" ;;
  *) exit 0 ;;
esac
"""


def _run(tmp_path: Path, **env) -> tuple[list[str], str]:
    fake = tmp_path / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "calls.log"
    full = {**os.environ, "PYTHON": str(fake), "PHOTOTRIAGE_VENV": str(tmp_path / "venv"),
            "FAKE_LOG": str(log), **env}
    proc = subprocess.run(["bash", "-c", f"source {ROOT / 'packaging/setup_env.sh'}"], env=full,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return log.read_text().splitlines(), proc.stderr


def _pins() -> list[str]:
    return re.findall(r'"(torch(?:vision)?==[^"]+)"', (ROOT / "pyproject.toml").read_text())


def test_cpu_wheels_are_tried_first_with_the_project_pins(tmp_path):
    calls, err = _run(tmp_path)
    cpu = [i for i, c in enumerate(calls) if "--index-url https://download.pytorch.org/whl/cpu" in c]
    project = [i for i, c in enumerate(calls) if re.search(r"pip install --quiet -e \S+\[test\]", c)]
    assert cpu and project and cpu[0] < project[0], calls
    assert set(_pins()) == {"torch==2.14.1", "torchvision==0.29.1"}
    assert all(p in calls[cpu[0]].split() for p in _pins())
    assert "Installed:" in err and str(tmp_path / "venv") in err      # the size is reported
    assert list((tmp_path / "venv").glob(".installed-*"))      # stamped: the next run installs nothing


def test_unreachable_cpu_index_falls_back_to_the_default_build(tmp_path):
    calls, err = _run(tmp_path, FAKE_CPU_RC="1")
    assert "no CPU-only build there" in err
    assert any(re.search(r"pip install --quiet -e \S+\[test\]", c) for c in calls)


def test_cpu_index_can_be_turned_off(tmp_path):
    calls, _ = _run(tmp_path, PHOTOTRIAGE_TORCH_INDEX="")
    assert not any("--index-url" in c for c in calls)
    assert any(re.search(r"pip install --quiet -e \S+\[test\]", c) for c in calls)
