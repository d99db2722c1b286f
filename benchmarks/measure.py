"""What every benchmark script needs: a throw-away database, clocks, percentiles, the
machine's description. Scripts import it (`from measure import …`), run from anywhere:
they put this folder and the repository on sys.path themselves."""

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def configure(db, server, database):
    """Environment for a throw-away database (a temporary SQLite file, or the PostgreSQL
    database `database` on `server`, dropped and created again), then django.setup().
    Returns the temporary data directory."""
    data_dir = Path(tempfile.mkdtemp(prefix="gb_bench_"))
    (data_dir / "static").mkdir()  # whitenoise warns about a missing STATIC_ROOT otherwise
    os.environ.update(
        GIAOBAN_DATA_DIR=str(data_dir),
        GIAOBAN_TESTING="1",  # the built-in secret key, plain HTTP; DEBUG stays off
        GIAOBAN_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        GIAOBAN_HTTPS="0",
        GIAOBAN_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="giaoban.settings",
    )
    for name in ("GIAOBAN_DEBUG", "GIAOBAN_DEMO"):
        os.environ.pop(name, None)
    if db == "postgres":
        os.environ["DATABASE_URL"] = fresh_postgres(server, database)
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return data_dir


def fresh_postgres(server, database):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database}")
        conn.execute(f"CREATE DATABASE {database}")
    return f"{server}/{database}"


def drop_postgres(server, database):
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database}")


# ---------------------------------------------------------------------------- measuring


def backend_pid():
    """The PostgreSQL server process of this connection (same machine), or None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        return cursor.fetchone()[0]


def backend_cpu(pid):
    """CPU seconds the server process has used so far (from /proc), or 0."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Clock:
    """Wall and CPU time of a block. On a shared machine CPU time is the steadier figure:
    ours, and for PostgreSQL the server process's too (read from /proc)."""

    def __init__(self):
        self.wall = self.cpu = self.server = 0.0
        self.pid = backend_pid()

    @contextmanager
    def __call__(self):
        wall, cpu, server = time.perf_counter(), time.process_time(), backend_cpu(self.pid)
        try:
            yield self
        finally:
            self.wall += time.perf_counter() - wall
            self.cpu += time.process_time() - cpu
            self.server += backend_cpu(self.pid) - server


def percentiles(samples_ms):
    ordered = sorted(samples_ms)
    p95 = statistics.quantiles(ordered, n=100, method="inclusive")[94]
    return statistics.median(ordered), p95


class Samples:
    """Per-operation wall and CPU times, and the server's CPU over all of them (PostgreSQL)."""

    def __init__(self):
        self.wall, self.cpu = [], []
        self.pid = backend_pid()
        self.server = 0.0

    @contextmanager
    def one(self):
        wall, cpu, server = time.perf_counter(), time.process_time(), backend_cpu(self.pid)
        try:
            yield
        finally:
            self.wall.append((time.perf_counter() - wall) * 1000)
            self.cpu.append((time.process_time() - cpu) * 1000)
            self.server += backend_cpu(self.pid) - server

    def figures(self):
        """{wall: (p50, p95), cpu: (p50, p95), server: mean ms per op or None, n}."""
        return {
            "wall": percentiles(self.wall),
            "cpu": percentiles(self.cpu),
            "server": self.server * 1000 / len(self.wall) if self.pid else None,
            "n": len(self.wall),
        }

    def text(self):
        f = self.figures()
        out = (
            f"p50 {f['wall'][0]:.1f} ms, p95 {f['wall'][1]:.1f} ms wall; "
            f"CPU p50 {f['cpu'][0]:.1f} ms, p95 {f['cpu'][1]:.1f} ms"
        )
        if f["server"] is not None:
            out += f" + server CPU {f['server']:.1f} ms a call on average"
        return out


def timed(fn, repeat, before=None):
    """fn() `repeat` times after one warm-up call: (Samples, the last result).

    `before()`, if given, runs ahead of each timed call, outside the timing."""
    result = fn()
    samples = Samples()
    for _ in range(repeat):
        if before is not None:
            before()
        with samples.one():
            result = fn()
    return samples, result


@contextmanager
def profiled(name, wanted):
    if name not in wanted:
        yield
        return
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    try:
        yield
    finally:
        prof.disable()
        print(f"\n--- cProfile: {name} (timings of this phase are inflated by the profiler)")
        pstats.Stats(prof, stream=sys.stdout).sort_stats("cumulative").print_stats(30)


def say(text):
    print(text, flush=True)


def processor():
    """The processor's model name, as lscpu gives it (what docs/benchmarks.md records)."""
    try:
        out = subprocess.run(  # noqa: S603 — fixed arguments
            ["lscpu"],  # noqa: S607 — from PATH
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "?"


def machine():
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} CPU ({cpu}), {mem:.0f} GB RAM, {platform.platform()}"


def code_version(paths=("giaoban",)):
    """The commit measured, and whether the code under measure (`paths`) differs from it."""
    import subprocess

    def git(*args):
        try:
            done = subprocess.run(  # noqa: S603 — fixed arguments
                ["git", "-C", str(ROOT), *args],  # noqa: S607 — git from PATH
                capture_output=True,
                text=True,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.rstrip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown (not a git checkout)"
    changed = git("status", "--porcelain", "--", *paths)
    return f"commit {commit}" + (", with local changes in:\n" + changed if changed else "")


def db_version():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def make_user(username, unit, roles):
    from giaoban.accounts.models import RoleAssignment, User

    user = User.objects.create(username=username, full_name=username, unit=unit)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, unit=u, role=role) for u, role in roles]
    )
    return User.objects.get(pk=user.pk)


# ---------------------------------------------------------------------------- a script's frame


def main(doc, database, phases, run):
    """A script's command line (--db, --pg, --quick, --profile, --keep) around `run(args)`,
    on a throw-away database: a temporary SQLite file, or `database` on the PostgreSQL
    server, dropped at the end unless --keep."""
    import argparse
    import shutil

    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--quick", action="store_true", help="small data: a smoke run")
    parser.add_argument("--profile", action="append", default=[], choices=phases)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    data_dir = configure(args.db, args.pg, database)
    try:
        run(args)
    finally:
        if not args.keep:
            if args.db == "postgres":
                drop_postgres(args.pg, database)
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            say(f"Database kept: {os.environ.get('DATABASE_URL') or data_dir}")


def summary(title, rows, elapsed, quick, notes=()):
    """The lines a script ends with. `rows`: (label, Samples, p95 limit in ms, or None for a
    figure with no target), each verdict by wall time and by CPU time (this process's, plus
    the PostgreSQL server process's mean per call); `notes`: (label, text) lines printed
    after them as they are (a floor, a ratio)."""
    say(f"\n=== Summary ({title}) ===")
    lines = []
    for label, samples, limit in rows:
        f = samples.figures()
        cpu95 = f["cpu"][1] + (f["server"] or 0)
        figure = (
            f"p95 {f['wall'][1]:.1f} ms wall, {cpu95:.1f} ms CPU (p50 {f['wall'][0]:.1f} ms, "
            f"n={f['n']})"
        )
        if limit is None:
            lines.append((label, f"{figure}  [no target]"))
        else:
            wall_ok, cpu_ok = f["wall"][1] <= limit, cpu95 <= limit
            lines.append(
                (
                    label,
                    f"{figure}  [p95 ≤ {limit:.0f} ms] wall {_verdict(wall_ok)}, "
                    f"CPU {_verdict(cpu_ok)}",
                )
            )
    lines.extend(notes)
    width = max(len(label) for label, _text in lines)
    for label, text in lines:
        say(f"{label.ljust(width)}  {text}")
    say(
        "CPU = this process's CPU time (+ the PostgreSQL server process's, for a call's p95 "
        "its mean); on a busy machine it is the steadier figure."
    )
    if quick:
        say("--quick: small data, a smoke run — these figures are not the ones to record.")
    say(f"Total run time {elapsed / 60:.1f} min; load average at end {os.getloadavg()[0]:.1f}")


def _verdict(ok):
    return "met" if ok else "MISSED"
