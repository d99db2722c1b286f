"""Run a benchmark script's smoke run (--quick: small data, SQLite) in a clean environment,
as a person would from a checkout: the test settings' variables are not passed on."""

import os
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def run_quick(script, timeout=900):
    """The script's standard output; fails the test with its last output if it fails."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIAOBAN_", "DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
    }
    done = subprocess.run(  # noqa: S603 — our own script
        [sys.executable, str(BENCHMARKS / script), "--quick", "--db", "sqlite"],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout
