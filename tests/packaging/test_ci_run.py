""".ci/run tests the committed tree in a bare clone: a file only the developer's checkout has,
missing test data or a skip CI does not allow fails it. Run on a copy of this repository with
a probe test committed (or not), on its first step only (``.ci/run PYTEST_ARGS``), with this
run's Python as the venv (a stand-in stamped as set up: nothing is installed)."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

GIT = ["git", "-c", "user.name=CI test", "-c", "user.email=ci@example.invalid", "-c", "advice.detachedHead=false"]
PROBE = "tests/test_ci_probe.py"


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A clone of this repository's HEAD, as a developer's checkout beside which nothing lies."""
    repo = tmp_path / "dev" / "phototriage"
    subprocess.run([*GIT, "clone", "--quiet", "--no-checkout", str(REPO), str(repo)], check=True)
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    subprocess.run([*GIT, "-C", str(repo), "checkout", "--quiet", "--detach", head], check=True)
    return repo


def _commit(repo: Path, message: str) -> None:
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "--quiet", "-m", message], check=True)


def _venv(tmp_path: Path, repo: Path) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    stamp = hashlib.sha1((repo / "pyproject.toml").read_bytes()).hexdigest()[:12]
    (venv / f".installed-{stamp}").touch()
    return venv


def _ci(tmp_path: Path, repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CI", "PYTHONPATH") and not k.startswith("PHOTOTRIAGE_")}
    env.update(PHOTOTRIAGE_CI_APT="0", PHOTOTRIAGE_VENV=str(_venv(tmp_path, repo)))
    return subprocess.run(["bash", str(repo / ".ci" / "run"), *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_committed_tree_passes_and_an_uncommitted_file_is_not_there(tmp_path, checkout):
    (checkout / PROBE).write_text("def test_probe():\n    assert True\n")
    out = _ci(tmp_path, checkout, PROBE)
    assert out.returncode != 0 and "file or directory not found: tests/test_ci_probe.py" in out.stderr, out.stdout + out.stderr
    _commit(checkout, "a probe")
    out = _ci(tmp_path, checkout, PROBE)
    assert out.returncode == 0 and "1 passed" in out.stdout, out.stdout + out.stderr
    clone = Path(re.search(r"in a bare clone at (\S+)", out.stderr).group(1))
    assert clone.parent != checkout.parent and not clone.exists()       # elsewhere, and removed after


def test_missing_test_data_fails_ci(tmp_path, checkout):
    (checkout / PROBE).write_text("def test_probe():\n    assert True\n")
    (checkout / "tests" / "data" / "photos" / "scikit-image_chelsea.jpg").unlink()
    _commit(checkout, "a probe, a photo lost")
    out = _ci(tmp_path, checkout, PROBE)
    assert out.returncode == pytest.ExitCode.USAGE_ERROR, out.stdout + out.stderr
    assert "test data missing" in out.stdout and "photos/scikit-image_chelsea.jpg" in out.stdout


def test_a_skip_ci_does_not_allow_fails_ci(tmp_path, checkout):
    (checkout / PROBE).write_text("import pytest\n\ndef test_probe():\n    pytest.skip('not today')\n")
    _commit(checkout, "a skipping probe")
    out = _ci(tmp_path, checkout, PROBE)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "skipped where every test must run (CI / PHOTOTRIAGE_REQUIRE_ALL=1): not today" in out.stdout
