"""Skips: every one is listed with its reason, and where everything must run (CI) a skip for
any reason but an optional extra or (before .ci/run installed them) a system tool fails."""
import os
import subprocess
import sys

import pytest

from tests.helpers import REPO
from tests.skip_policy import everything_required, refusal

EXTRA = "the [iqa] extra (pyiqa) is not installed"
TOOL = "Xvfb is not installed (Debian: apt-get install xvfb)"


def test_a_developer_run_lets_every_skip_pass():
    assert not everything_required({})
    assert refusal("whatever", {}) is None


@pytest.mark.parametrize("env", [{"CI": "true"}, {"PHOTOTRIAGE_REQUIRE_ALL": "1"}])
def test_ci_allows_only_optional_extras_and_tools_it_could_not_install(env):
    assert everything_required(env)
    assert refusal(EXTRA, env) is None
    assert refusal(TOOL, env) is None
    assert "apt-get install xvfb" in refusal(TOOL, {**env, "PHOTOTRIAGE_REQUIRE_XVFB": "1"})
    assert "could not import 'ray'" in refusal("could not import 'ray': No module named 'ray'", env)
    assert refusal("public test data not found", env)


SUITE = {
    "conftest.py": "from tests.skip_policy import *  # noqa\n",
    "test_extra.py": f"import pytest\n\n@pytest.mark.skipif(True, reason={EXTRA!r})\ndef test_a():\n    pass\n",
    "test_import.py": "import pytest\npytest.importorskip('no_such_module_here')\n\ndef test_b():\n    pass\n",
    "test_runtime.py": "import pytest\n\ndef test_c():\n    pytest.skip('the author did not feel like it')\n",
    "test_xfail.py": "import pytest\n\n@pytest.mark.xfail(reason='known')\ndef test_d():\n    assert False\n",
    "test_slow.py": "import pytest\n\n@pytest.mark.slow\ndef test_e():\n    pass\n",
    "pytest.ini": "[pytest]\nmarkers = slow: end to end\n",
}


def _run(tmp_path, *args, **env):
    for name, text in SUITE.items():
        (tmp_path / name).write_text(text)
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "PHOTOTRIAGE_REQUIRE_ALL", "PHOTOTRIAGE_REQUIRE_XVFB")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-ra", "-p", "no:cacheprovider", *args, str(tmp_path)],
                          cwd=tmp_path, env={**base, "PYTHONPATH": str(REPO), **env},
                          capture_output=True, text=True, timeout=120)


def test_skips_are_listed_with_their_reasons(tmp_path):
    out = _run(tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    for reason in (EXTRA, "could not import 'no_such_module_here'", "the author did not feel like it"):
        assert reason in out.stdout
    assert "3 skipped, 1 deselected, 1 xfailed" in out.stdout
    assert "1 slow end-to-end tests deselected: ./test.sh -m slow runs them" in out.stdout


def test_the_slow_tests_run_when_asked_for(tmp_path):
    out = _run(tmp_path, "-m", "slow")
    assert out.returncode == 0 and "1 passed, 1 skipped, 3 deselected" in out.stdout, out.stdout + out.stderr


def test_a_required_run_fails_on_a_skip_that_is_not_allowed(tmp_path):
    out = _run(tmp_path, PHOTOTRIAGE_REQUIRE_ALL="1")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "FAILED test_runtime.py::test_c - skipped where every test must run" in out.stdout
    assert "test_import.py: skipped where every test must run" in out.stdout    # the module, named at the end
    assert "SKIPPED [1] test_extra.py" in out.stdout and "1 xfailed" in out.stdout
