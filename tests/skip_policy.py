"""Which tests run, and when a test may skip (pytest hooks, imported by tests/conftest.py).

The slow end-to-end tests (``@pytest.mark.slow``: bundle build, Ray, long training, fault
injection) run only when a marker expression is given: ``./test.sh -m slow`` runs them, CI
runs them in a step of their own; a plain ``./test.sh`` lists how many it left out.

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


_REFUSED_MODULES: list[str] = []     # whole modules skipped where they had to run


def _refused(report) -> str | None:
    if report.skipped and not hasattr(report, "wasxfail"):
        return refusal(skip_reason(report))
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    why = _refused(report)
    if why:
        report.outcome, report.longrepr = "failed", why


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A module skipped as a whole stays listed as skipped (a collection error would stop the
    run); the run fails at its end, which names the module."""
    outcome = yield
    report = outcome.get_result()
    why = _refused(report)
    if why:
        _REFUSED_MODULES.append(f"{report.nodeid}: {why}")


_SLOW_LEFT_OUT: list[int] = []


def pytest_collection_modifyitems(config, items):
    if config.option.markexpr:
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]
        _SLOW_LEFT_OUT.append(len(slow))


def pytest_terminal_summary(terminalreporter):
    if _SLOW_LEFT_OUT:
        terminalreporter.line(f"{sum(_SLOW_LEFT_OUT)} slow end-to-end tests deselected: "
                              "./test.sh -m slow runs them (CI runs both)")
    if _REFUSED_MODULES:
        terminalreporter.section("modules skipped where every test must run", sep="=", red=True)
        for line in _REFUSED_MODULES:
            terminalreporter.line(line)


def pytest_sessionfinish(session):
    if _REFUSED_MODULES and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
