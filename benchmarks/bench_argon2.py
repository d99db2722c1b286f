#!/usr/bin/env python
"""Argon2 on this machine: what hashing and checking a password cost (issue 11, point 2).

    .venv/bin/python benchmarks/bench_argon2.py              # 50 runs of everything
    .venv/bin/python benchmarks/bench_argon2.py --runs 10    # a quicker look
    .venv/bin/python benchmarks/bench_argon2.py --quick      # a smoke run (giaoban's only)

For the hasher giaoban uses (the first of settings.PASSWORD_HASHERS: Django's
Argon2PasswordHasher and its time cost, memory cost and parallelism) and for a few other
parameter sets, it measures:

- hashing a password (a new user, a changed password) and checking one (every login),
  one at a time: wall and CPU time (CPU of every thread: Argon2 runs its lanes in
  threads), p50 and p95 over --runs;
- checking with every processor busy: --runs checks from as many threads as the machine
  has processors (argon2-cffi releases the GIL, as the server's threads and workers
  would run them): checks per second;

then whether 500 logins within one minute fit on this machine: a login costs one check;
arriving evenly (8.3 a second) they need that many checks a second, and if all 500
arrived at once, the last would wait for all the others.

It prints the processor (lscpu's model name). Nothing here touches a database.
"""

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import ROOT, percentiles, processor, say  # noqa: E402 — after the path

LOGINS, WINDOW = 500, 60.0  # the target: 500 logins within a minute (none over 5 s)
PASSWORD = "Mat-khau-do-thu-2026!"  # noqa: S105 — a benchmark's own

# (name, time_cost, memory_cost in KiB, parallelism), measured beside giaoban's own (a set
# equal to giaoban's is left out).
ALTERNATIVES = [
    ("Django's default (t=2, 100 MiB, p=8)", 2, 102400, 8),
    ("RFC 9106, second choice (t=3, 64 MiB, p=4)", 3, 65536, 4),
    ("OWASP (t=1, 46 MiB, p=1)", 1, 47104, 1),
    ("OWASP (t=2, 19 MiB, p=1)", 2, 19456, 1),
]


def cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def setup():
    """giaoban's settings as production has them (demo mode only for the built-in key)."""
    os.environ.update(
        GIAOBAN_DATA_DIR=tempfile.mkdtemp(prefix="gb_bench_argon2_"),
        GIAOBAN_DEMO="1",
        DJANGO_SETTINGS_MODULE="giaoban.settings",
    )
    for name in ("GIAOBAN_TESTING", "GIAOBAN_DEBUG"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def hasher_with(base, time_cost, memory_cost, parallelism):
    return type(
        "Measured",
        (base,),
        {"time_cost": time_cost, "memory_cost": memory_cost, "parallelism": parallelism},
    )()


def one_at_a_time(fn, runs):
    fn()  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return percentiles(wall), percentiles(cpu)


def all_processors_busy(fn, runs, threads):
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda _: fn(), range(threads)))  # warm-up
        started = time.perf_counter()
        list(pool.map(lambda _: fn(), range(runs)))
        return runs / (time.perf_counter() - started)


def measure(name, hasher, runs, threads):
    encoded = hasher.encode(PASSWORD, hasher.salt())
    assert hasher.verify(PASSWORD, encoded)
    hashed = one_at_a_time(lambda: hasher.encode(PASSWORD, hasher.salt()), runs)
    checked = one_at_a_time(lambda: hasher.verify(PASSWORD, encoded), runs)
    rate = all_processors_busy(lambda: hasher.verify(PASSWORD, encoded), runs, threads)
    say(
        f"\n{name}: time cost {hasher.time_cost}, memory {hasher.memory_cost // 1024} MiB, "
        f"parallelism {hasher.parallelism}"
    )
    for what, ((w50, w95), (c50, c95)) in (("hash", hashed), ("check", checked)):
        say(
            f"  {what:5}  p50 {w50:6.1f} ms, p95 {w95:6.1f} ms wall; "
            f"CPU p50 {c50:6.1f} ms, p95 {c95:6.1f} ms  (n={runs})"
        )
    # On a machine doing nothing else, the processors give cpus / CPU-per-check a second.
    idle = threads * 1000 / checked[1][0]
    say(
        f"  checks with all {threads} processors busy: {rate:.1f} a second measured; "
        f"{idle:.1f} a second on an idle machine (from the CPU time)"
    )
    say(
        f"  500 logins within a minute (8.3 a second) take {LOGINS / WINDOW / idle:.0%} "
        f"of an idle machine for their checks; 500 at once would take {LOGINS / idle:.1f} s; "
        f"memory while {threads} run at once: {threads * hasher.memory_cost // 1024} MiB"
    )
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: giaoban's hasher only, 3 runs"
    )
    args = parser.parse_args()
    if args.quick:
        args.runs = 3
    setup()
    from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher

    current = get_hasher("default")
    assert isinstance(current, Argon2PasswordHasher), type(current)
    from importlib.metadata import version

    threads = cpus()
    say(
        f"Processor: {processor()}; {threads} CPU available; load average "
        f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    say(f"argon2-cffi {version('argon2-cffi')}, Python {sys.version.split()[0]}, {args.runs} runs")
    measure(f"giaoban's hasher ({type(current).__name__})", current, args.runs, threads)
    for name, t, m, p in [] if args.quick else ALTERNATIVES:
        if (t, m, p) == (current.time_cost, current.memory_cost, current.parallelism):
            continue
        measure(name, hasher_with(Argon2PasswordHasher, t, m, p), args.runs, threads)
    say(f"\nLoad average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
