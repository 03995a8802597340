"""When a test may skip (pytest hooks, imported by tests/conftest.py).

A test skips only for a reason a user can act on, and ``-ra`` lists every skip with it. Where
everything must run (``CI=true`` or ``PHOTOTRIAGE_REQUIRE_ALL=1``: ``.ci/run``), a skip is a
failure unless its reason is one of these:

- an optional extra is not installed: ``the [iqa] extra (pyiqa) is not installed``;
- a system tool is not installed (``Xvfb is not installed (Debian: xvfb)``), but only where
  ``PHOTOTRIAGE_REQUIRE_XVFB`` is unset: ``.ci/run`` sets it once it has installed the tools.
"""
from __future__ import annotations

import os
import re

import pytest

OPTIONAL_EXTRA = re.compile(r"^the \[\w+\] extra \(.+\) is not installed$")
SYSTEM_TOOL = re.compile(r"^\S+ is not installed \(Debian: .+\)$")


def everything_required(env=os.environ) -> bool:
    return env.get("CI", "").lower() in ("true", "1", "yes") or env.get("PHOTOTRIAGE_REQUIRE_ALL") == "1"


def refusal(reason: str, env=os.environ) -> str | None:
    """Why a skip for ``reason`` fails this run, or None where it may skip."""
    if not everything_required(env):
        return None
    if OPTIONAL_EXTRA.match(reason):
        return None
    if SYSTEM_TOOL.match(reason) and not env.get("PHOTOTRIAGE_REQUIRE_XVFB"):
        return None
    return f"skipped where every test must run (CI / PHOTOTRIAGE_REQUIRE_ALL=1): {reason}"


def skip_reason(report) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return text.removeprefix("Skipped: ")


def _enforce(report) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        why = refusal(skip_reason(report))
        if why:
            report.outcome = "failed"
            report.longrepr = why


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _enforce(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _enforce(outcome.get_result())
