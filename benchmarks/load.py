#!/usr/bin/env python
"""Load on the real server: many signed-in users of every role, a realistic mix.

    .venv/bin/python benchmarks/load.py --clients 10 --seconds 60          # closed loop
    .venv/bin/python benchmarks/load.py --rate 20 --seconds 60             # open loop
    .venv/bin/python benchmarks/load.py --mix baseline --clients 1         # the issue's mix
    .venv/bin/python benchmarks/load.py --logins 500                       # logins in a minute
    .venv/bin/python benchmarks/load.py --db postgres --national …

Builds a fresh database holding the demo (`giaoban demo --no-serve`; with --national
bench_reports.py's national-scale periods too), on SQLite (a file in a temporary directory)
or PostgreSQL (a database of its own, created and dropped), starts `giaoban serve` on a
free loopback port as production runs it (DEBUG off, a secret key of its own), signs in
users of every role across many units — one session per client — and drives the mix from
client processes of its own. It prints throughput, p50/p95/p99 per kind of request, errors
and time-outs, and the CPU of the server, of PostgreSQL's backends and of the clients.
Nothing is asserted (speed is measured, not tested); exit status 1 on errors or time-outs
only with --strict. See benchmarks/README.md.
"""

import argparse
import datetime
import hashlib
import ipaddress
import math
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_report  # noqa: E402
from measure import ROOT, say  # noqa: E402 — after the path it is found on


def options(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--db", choices=["sqlite", "postgres"], default="sqlite")
    add("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    add("--national", action="store_true", help="bench_reports.py's national data as well")
    add("--mix", choices=["full", "baseline"], default="full")
    add("--clients", type=int, help="closed loop: clients without pause (default 10)")
    add("--rate", type=float, help="open loop: arrivals per second, on a fixed schedule")
    add("--requests", type=int, help="stop after this many measured requests")
    add("--seconds", type=float, help="stop after this long (default 60 s)")
    add("--warmup", type=float, help="seconds first run and not counted (default 5)")
    add("--timeout", type=float, default=60.0, help="per request, seconds (default 60)")
    add("--logins", type=int, help="N logins, spread over --login-window seconds")
    add("--login-window", type=float, default=60.0, help="0: all at once, --clients at a time")
    add("--procs", type=int, help="client processes (default: one per 50 clients or 50/s)")
    add("--pool", type=int, default=500, help="open loop: threads at most per process")
    add("--api-items", type=int, default=10, help="units in one bulk values request")
    add("--workers", type=int, help="passed to `giaoban serve --workers` (if given)")
    add("--threads", type=int, help="passed to `giaoban serve --threads` (if given)")
    add("--host", default="127.0.0.1", help="loopback address the server listens on")
    add("--quick", action="store_true", help="a small tree, a short run: the smoke test")
    add("--strict", action="store_true", help="exit 1 on any error or time-out")
    add("--keep", action="store_true", help="keep the data directory and database")
    add(
        "--base",
        type=Path,
        help="a folder keeping a copy of the freshly built database: later runs of a sitting "
        "start from a copy of it instead of building the demo again",
    )
    args = parser.parse_args(argv)
    defaults(args, parser)
    return args


def defaults(args, parser):
    if args.logins is not None and (args.rate or args.mix != "full"):
        parser.error("--logins is a mode of its own (no --rate, no --mix)")
    if args.clients is None:
        args.clients = 8 if args.quick else 10
    if args.seconds is None:
        args.seconds = 20.0 if args.quick else 60.0 if not args.requests else 3600.0
    if args.requests is None and args.quick:
        args.requests = 120
    if args.warmup is None:
        args.warmup = 0.0 if args.quick or args.logins else 5.0
    for name in ("clients", "requests", "logins", "procs", "api_items", "workers", "threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    args.mode = "logins" if args.logins else "open" if args.rate else "closed"
    if args.procs is None:
        load = args.rate if args.mode == "open" else args.clients
        args.procs = 1 if args.mode == "logins" else max(1, math.ceil(load / 50))
    try:
        address = ipaddress.ip_address(socket.gethostbyname(args.host))
        pg_host = args.pg.split("@")[-1].split("/")[0].rsplit(":", 1)[0].strip("[]")
        pg = ipaddress.ip_address(socket.gethostbyname(pg_host or "127.0.0.1"))
    except (OSError, ValueError) as exc:
        parser.error(f"not an address: {exc}")
    if not address.is_loopback or (args.db == "postgres" and not pg.is_loopback):
        parser.error("loopback addresses only: the load stays on this machine")


# ---------------------------------------------------------------------------- environment


def environment(args, data_dir, database_url):
    """The server's settings as production runs them: DEBUG off, no demo mode, a secret key
    of its own; plain HTTP (GIAOBAN_HTTPS=0), as behind the TLS terminator on loopback."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIAOBAN_", "DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
    }
    env.update(
        GIAOBAN_DATA_DIR=str(data_dir),
        GIAOBAN_SECRET_KEY=secrets.token_urlsafe(50),
        GIAOBAN_HTTPS="0",
        GIAOBAN_ALLOWED_HOSTS=f"{args.host},localhost",
        GIAOBAN_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="giaoban.settings",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def postgres_database(args, name=None, template=None):
    import psycopg

    name = name or f"gb_bench_load_{os.getpid()}"
    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return name, f"{args.pg}/{name}"


def analyze(url):
    """Planner statistics for the data just built, as autovacuum would gather them on a
    production server after a load (this machine's PostgreSQL runs without autovacuum):
    without them a page's plan is a guess."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    say(f"ANALYZE after the build: {time.perf_counter() - started:.1f} s")


# ---------------------------------------------------------------------------- --base


def base_key(args):
    """What a kept copy must match: the database, the data asked for, and the schema (every
    migration file's content) — a copy made by other code is built again."""
    digest = hashlib.sha256(f"{args.db}|{args.national}|{args.quick}".encode())
    for path in sorted(ROOT.glob("giaoban/*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def restore_base(args, data_dir):
    """Copy the kept database into `data_dir` (and PostgreSQL's into a new database):
    (pg_name, url), or None when there is no copy of this key."""
    key = base_key(args)
    kept = args.base / key
    if not (kept / "done").is_file():
        return None
    shutil.copytree(kept / "data", data_dir, dirs_exist_ok=True)
    if args.db == "postgres":
        return postgres_database(args, template=f"gb_load_base_{key}")
    return None, None


def save_base(args, data_dir, pg_name):
    """Keep a copy of the database just built (the data folder, and PostgreSQL's database
    as a template) under --base, for the sitting's next runs."""
    key = base_key(args)
    kept = args.base / key
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(data_dir, kept / "data", ignore=shutil.ignore_patterns("*.log"))
    if pg_name:
        postgres_database(args, name=f"gb_load_base_{key}", template=pg_name)
    (kept / "done").write_text(datetime.datetime.now().isoformat(), encoding="utf-8")
    say(f"Kept a copy of the fresh database for later runs: {kept}")


def drop_postgres(args, name):
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# ---------------------------------------------------------------------------- the server


class Server:
    """`giaoban serve` in a process group of its own; its output kept in server.log."""

    def __init__(self, args, env, data_dir):
        self.host = args.host
        with socket.socket() as probe:
            probe.bind((args.host, 0))
            self.port = probe.getsockname()[1]
        script = Path(sys.executable).with_name("giaoban")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "giaoban.cli"]
        command += ["serve", "--host", args.host, "--port", str(self.port)]
        for name in ("workers", "threads"):
            if getattr(args, name):
                command += [f"--{name}", str(getattr(args, name))]
        self.command = command
        self.log_path = data_dir / "server.log"
        self.lines = []
        self.proc = subprocess.Popen(  # noqa: S603 — our own command
            command,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self):
        with open(self.log_path, "w", encoding="utf-8") as log:
            for line in self.proc.stdout:
                self.lines.append(line.rstrip())
                log.write(line)
                log.flush()

    def wait_ready(self, login_url, timeout=300):
        import http.client

        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
                conn.request("GET", login_url)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        tail = "\n".join(self.lines[-40:])
        raise SystemExit(f"The server did not answer ({' '.join(self.command)}):\n{tail}")

    def description(self):
        """The server's own first line about itself (the one with its address)."""
        for line in self.lines:
            if "http://" in line:
                return line.strip()
        return self.lines[0].strip() if self.lines else "?"

    def stop(self):
        """SIGTERM, as systemd stops it; what is left after a few seconds is killed (the
        data are thrown away: a graceful end is not waited for)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group this script started
        except ProcessLookupError:
            pass
        self.proc.wait(20)
        self.reader.join(5)


# ---------------------------------------------------------------------------- the run


def split(plan, args):
    """The clients over the processes: a workflow cell (a province leader, its communes'
    officers and leaders, their reports) always in one process; then the others."""
    n = args.procs
    shares = [{"clients": [], "desks": {}} for _ in range(n)]
    cells = {}
    for spec in plan["clients"]:
        cells.setdefault(spec.get("cell") or f"solo{spec['index']}", []).append(spec)
    for _key, group in sorted(cells.items(), key=lambda kv: -len(kv[1])):
        share = min(shares, key=lambda s: len(s["clients"]))
        share["clients"].extend(group)
        for spec in group:
            if spec.get("desk"):
                share["desks"][spec["desk"]] = plan["desks"][spec["desk"]]
    if args.requests:
        total = sum(len(s["clients"]) for s in shares) or 1
        given = 0
        for i, share in enumerate(shares):
            quota = round(args.requests * len(share["clients"]) / total)
            share["quota"] = args.requests - given if i == n - 1 else quota
            given += share["quota"]
    if args.mode == "logins":
        for i, share in enumerate(shares):
            share["logins"] = plan["logins"][i::n]
    return shares


def arrivals(args):
    if args.mode == "logins":
        return args.logins
    total = int((args.warmup + args.seconds) * args.rate)
    if args.requests:
        total = min(total, int(args.warmup * args.rate) + args.requests)
    return total


def drive(args, plan, server, accounting):
    """Start the client processes, sign in, run, and return what each measured."""
    import load_drive

    ctx = multiprocessing.get_context("spawn")
    shares = split(plan, args)
    rate = args.rate
    if args.mode == "logins":
        rate = args.logins / args.login_window if args.login_window > 0 else None
    settings = {
        "host": server.host,
        "port": server.port,
        "timeout": args.timeout,
        "login_url": plan["login_url"],
        "mode": args.mode,
        "quick": args.quick,
        "warmup": args.warmup,
        "seconds": args.seconds,
        "rate": rate,
        "arrivals": arrivals(args) if rate else 0,
        "processes": args.procs,
        "pool": args.pool,
        "concurrency": max(1, args.clients // args.procs),
    }
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    start_at = ctx.Value("d", 0.0)
    procs = [
        ctx.Process(
            target=load_drive.process_main,
            args=(i, share, settings, ready, go, start_at, results),
            daemon=True,
        )
        for i, share in enumerate(shares)
    ]
    for p in procs:
        p.start()
    began = time.perf_counter()
    logins = [ready.get(timeout=600) for _ in procs]
    say(f"Clients signed in in {time.perf_counter() - began:.0f} s")
    start = time.time() + 1.0
    start_at.value = start
    accounting.begin(start + args.warmup)
    go.set()
    out = []
    for _ in procs:
        out.append(results.get(timeout=args.warmup + args.seconds + 3 * args.timeout + 600))
    accounting.end()
    for p in procs:
        p.join(30)
    return logins, out, start + args.warmup


def main(argv=None):
    args = options(argv)
    started = time.perf_counter()
    data_dir = Path(tempfile.mkdtemp(prefix="gb_load_"))
    (data_dir / "static").mkdir()
    pg_name = database_url = None
    server = None
    before = os.getloadavg()
    try:
        restored = restore_base(args, data_dir) if args.base else None
        if restored is not None:
            pg_name, database_url = restored
        elif args.db == "postgres":
            pg_name, database_url = postgres_database(args)
        env = environment(args, data_dir, database_url)
        os.environ.update(env)
        sys.path.append(str(ROOT))  # after PYTHONPATH: another checkout there is measured
        import load_data

        if restored is not None:
            say(
                f"giaoban load — {datetime.datetime.now():%d/%m/%Y %H:%M}; a copy of the "
                f"database built fresh earlier in this sitting ({args.base})"
            )
            load_data.settle()
        else:
            say(f"giaoban load — {datetime.datetime.now():%d/%m/%Y %H:%M}; building the database")
            load_data.build(args, env, data_dir / "build.log")
            if database_url:
                analyze(database_url)
            if args.base:
                load_data.close_connections()
                save_base(args, data_dir, pg_name)
        facts = load_data.facts(args)
        plan = load_data.cast(args)
        began = time.perf_counter()
        server = Server(args, env, data_dir)
        server.wait_ready(plan["login_url"])
        say(f"Server ready in {time.perf_counter() - began:.0f} s")
        accounting = load_report.Accounting(server.proc.pid, database_url, pg_name)
        logins, results, measured_from = drive(args, plan, server, accounting)
        failed = load_report.report(
            args, facts, plan, server, logins, results, measured_from, accounting, before
        )
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            say(f"Kept: {data_dir}" + (f", database {pg_name}" if pg_name else ""))
        else:
            if pg_name:
                drop_postgres(args, pg_name)
            shutil.rmtree(data_dir, ignore_errors=True)
    say(f"Total run time {(time.perf_counter() - started) / 60:.1f} min")
    if failed and args.strict:
        sys.exit(1)


if __name__ == "__main__":
    main()
