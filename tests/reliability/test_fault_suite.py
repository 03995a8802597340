"""The bounded fault-injection run CI does (the long run: python -m tests.reliability.fault_suite)."""
import pytest

from tests.reliability.fault_suite import run_suite

pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def test_kills_at_random_moments_lose_nothing():
    report = run_suite(trials=5, seed=7)
    assert report["losses"] == 0, report["results"]
    assert report["killed_mid_run"] >= 2, "most kills should land while the process runs"
