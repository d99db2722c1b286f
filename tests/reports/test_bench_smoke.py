"""benchmarks/bench_indicators.py still runs end to end (--quick: small data, SQLite).

A smoke run only: it checks that the script builds its data, measures every target and
prints its summary — never a speed (speed is measured by the script, not tested).
"""

import re

import pytest

from tests.bench_run import run_quick

# The script makes its own SQLite database: the PostgreSQL run would repeat it as is.
pytestmark = pytest.mark.one_run


def test_the_computed_indicators_benchmark_runs_quick_on_sqlite():
    out = run_quick("bench_indicators.py")
    assert "=== Summary (targets from issue 10, point 7) ===" in out
    for line in (
        "compute a commune's draft indicators",
        "compute a province's draft indicators",
        "fill-in page of a commune",
        "fill-in page of a province",
    ):
        assert re.search(re.escape(line) + r" +p95 [\d.]+ ms wall.*\[p95 ≤ \d+ ms\]", out), line
    # The commune's own sessions in the window are counted (12 recorded, and the bulk's).
    sessions = re.search(r"commune's draft \(GD01 = (\d+)", out)
    assert sessions and int(sessions.group(1)) >= 12
