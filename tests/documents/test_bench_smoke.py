"""benchmarks/bench_documents.py still runs end to end (--quick: small data, SQLite).

A smoke run only: it checks that the script builds its data, measures every target and
prints its summary — never a speed (speed is measured by the script, not tested).
"""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_documents.py"


def test_the_documents_benchmark_runs_quick_on_sqlite():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIAOBAN_", "DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
    }
    done = subprocess.run(  # noqa: S603 — our own script
        [sys.executable, str(SCRIPT), "--quick", "--db", "sqlite"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
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
