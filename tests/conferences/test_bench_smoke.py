"""benchmarks/bench_conferences.py still runs end to end (--quick: small data, SQLite).

A smoke run only: it checks that the script builds its data, measures every target and
prints its summary — never a speed (speed is measured by the script, not tested).
"""

import pytest

from tests.bench_run import run_quick

# The script makes its own SQLite database: the PostgreSQL run would repeat it as is.
pytestmark = pytest.mark.one_run


def test_the_conferences_benchmark_runs_quick_on_sqlite():
    out = run_quick("bench_conferences.py")
    assert "=== Summary (targets from issue 9, point 8) ===" in out
    for line in (
        "compile + export, Bộ Công an",
        "compile + export, Công an",
        "task list page, ministry",
        "task list page, ministry assigned",
        "task list page, province",
    ):
        assert line in out, line
