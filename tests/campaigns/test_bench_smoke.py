"""benchmarks/bench_campaigns.py still runs end to end (--quick: small data, SQLite).

A smoke run only: it checks that the script builds its campaign, measures every figure and
prints its summary — never a speed (speed is measured by the script, not tested).
"""

import re

import pytest

from tests.bench_run import run_quick

# The script makes its own SQLite database: the PostgreSQL run would repeat it as is.
pytestmark = pytest.mark.one_run


def test_the_campaigns_benchmark_runs_quick_on_sqlite():
    out = run_quick("bench_campaigns.py")
    assert "=== Summary (targets from issue 10, point 7) ===" in out
    for line in (
        "progress.compute, the ministry",
        "the ministry's progress, per-province rows, lagging",
    ):
        assert re.search(re.escape(line) + r" +p95 [\d.]+ ms wall.*\[p95 ≤ 100 ms\]", out), line
    for line in (
        "progress of a province",
        "the campaign page, the ministry's officer",
        "the campaign page, the officer of",
        "the ministry's progress against the floor",
    ):
        assert line in out, line
    # The whole tree is concerned, and the progress is realistic: most communes held their
    # session, some late, some not at all.
    assert re.search(r"3,3\d\d units concerned", out)
    sessions = re.search(
        r"chuyên đề.*— ([\d,]+) units: on time ([\d,]+), late ([\d,]+), "
        r"pending [\d,]+, overdue ([\d,]+)",
        out,
    )
    assert sessions, out[-3000:]
    units, on_time, late, overdue = (int(g.replace(",", "")) for g in sessions.groups())
    assert units > 3000 and on_time > units / 2 and late > 0 and overdue > 0
