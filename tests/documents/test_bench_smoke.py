"""benchmarks/bench_documents.py still runs end to end (--quick: small data, SQLite).

A smoke run only: it checks that the script builds its data, measures every target and
prints its summary — never a speed (speed is measured by the script, not tested).
"""

import pytest

from tests.bench_run import run_quick

# The script makes its own SQLite database: the PostgreSQL run would repeat it as is.
pytestmark = pytest.mark.one_run


def test_the_documents_benchmark_runs_quick_on_sqlite():
    out = run_quick("bench_documents.py")
    assert "=== Summary (targets from issue 8, point 10) ===" in out
    for line in (
        "the central document's page (ministry)",
        "incoming register of a commune",
        "incoming register of a province",
        "record a session and read the ministry's summary",
        "totals per kind, ministry, 6 months",
        "bulk activity import",
        "issue a document to 3,360 recipients (subtree)",
    ):
        assert line in out, line
    assert "central document 01/KH-BCA: 3,355 recipients" in out
    assert "(one more each time)" in out  # each recorded session shows in the summary
