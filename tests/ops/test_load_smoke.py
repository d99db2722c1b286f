"""benchmarks/load.py still runs end to end (--quick: a small tree of units, a short run).

A smoke run only: the real server started as production runs it, users of every role
signed in through the login form, every kind of request of the mix sent, none refused,
none timed out, and the figures printed — never a speed (speed is measured by the script,
not tested). On the test run's engine: SQLite, or the PostgreSQL server of DATABASE_URL
(the script makes and drops a database of its own there).
"""

import os
import re
import subprocess
import sys

from tests.bench_run import BENCHMARKS

from .support import vendor

KINDS = [
    "home", "fill", "save", "autosave", "submit", "accept", "return", "reopen", "inbox",
    "rollup", "dashboard", "progress", "units", "register", "document", "conference",
    "task-update", "campaign", "activities", "api-values",
]  # fmt: skip


def run_load(*args, timeout=600):
    """The script's standard output, run as a person would from a checkout: none of the
    test settings' variables passed on; fails the test with its output if it fails."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIAOBAN_", "DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
    }
    engine = ["--db", "sqlite"]
    if vendor() == "postgresql":
        engine = ["--db", "postgres", "--pg", os.environ["DATABASE_URL"].rsplit("/", 1)[0]]
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "load.py"), "--quick", "--strict", *engine, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done.stdout


def test_the_load_benchmark_drives_every_kind_of_request_without_an_error():
    out = run_load()
    assert "Every kind of request was exercised." in out, out[-3000:]
    # The server as production runs it, described by its own first line.
    assert re.search(r"^Server: giaoban đang chạy tại http://127\.0\.0\.1:\d+/", out, re.M)
    assert re.search(r"^Signed in before the run: 8, login p50 \d+ ms", out, re.M), out[-3000:]
    assert "FAILED" not in out
    rows = {}
    for kind in [*KINDS, "all"]:
        row = re.search(
            rf"^{re.escape(kind)} +(\d+) +[\d.]+% +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)$",
            out,
            re.M,
        )
        assert row, f"no row for {kind}:\n{out[-3000:]}"
        rows[kind] = [int(g) for g in row.groups()]
        n, _p50, _p95, _p99, _max, errors, timeouts = rows[kind]
        assert n >= 1 and errors == 0 and timeouts == 0, (kind, rows[kind])
    assert rows["all"][0] == sum(rows[k][0] for k in KINDS)
    assert re.search(r"^Measured: [\d,]+ requests in [\d.]+ s → [\d.]+ requests/s", out, re.M)
    assert re.search(r"^Server CPU \(user\+sys of its process tree\): [\d.]+ s", out, re.M)
    assert re.search(r"^Client CPU: [\d.]+ s in 1 process", out, re.M)
    assert re.search(r"^Machine: .+, \d+ CPU; load average before", out, re.M)
    if vendor() == "postgresql":
        assert re.search(r"^PostgreSQL backends of this database: [\d.]+ s", out, re.M)


def test_the_load_benchmark_refuses_an_address_off_this_machine():
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "load.py"), "--quick", "--host", "192.0.2.1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "loopback addresses only" in done.stderr
