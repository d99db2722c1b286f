#!/usr/bin/env python
"""The pages of the load's baseline mix, one by one, in process: server CPU per request.

    .venv/bin/python benchmarks/bench_pages.py --data-dir /tmp/gb_pages            # SQLite
    .venv/bin/python benchmarks/bench_pages.py --data-dir /tmp/gb_pages_pg \\
        --database postgres://postgres@127.0.0.1:5432/gb_pages                    # PostgreSQL

The issue's page mix (`load.py --mix baseline`: the home page, the reports index, the
roll-up, dashboard, unit page and progress page of a province and of the ministry, as a
ministry leader, officer and administrator in turn) requested through Django's test client,
with the server's production settings (DEBUG off, no demo mode, the cached template loader,
the manifest static storage), so that what is measured is the server's own work per request
without the HTTP server and the load client. Per page it prints process CPU
(time.process_time) p50/p95, wall p50, queries per request, the response's size and, on
PostgreSQL, the server process's CPU per request (read from /proc).

The demo is built once (`giaoban demo --no-serve`, a few minutes) into --data-dir (and the
PostgreSQL database of --database) and kept there: later runs reuse it. The users of the
mix are those of load_data.py (made once, kept).

--save DIR writes each page's HTML (CSRF tokens and the print time blanked) into DIR;
--compare DIR compares this run's HTML with it byte for byte (the proof that a change kept
the pages the same).
--profile PAGE prints a cProfile of that page's reads (repeatable; its timings are then
inflated). Nothing is asserted: speed is measured, not tested. See benchmarks/README.md.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import ROOT, backend_cpu, backend_pid, machine, percentiles, say  # noqa: E402

CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
PRINTED = re.compile(rb"(In l\xc3\xbac )\d\d/\d\d/\d{4} \d\d:\d\d")  # the print time


def normal(body):
    """The page without what changes on every request: CSRF tokens, the time printed."""
    return PRINTED.sub(rb"\1", CSRF.sub(rb"\1\2", body))


def options(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--data-dir", required=True, help="the kept data directory (built if empty)")
    add("--database", help="a PostgreSQL URL (default: SQLite in --data-dir)")
    add("--reads", type=int, default=30, help="requests per page and user (default 30)")
    add("--profile", action="append", default=[], help="a page to profile (repeatable; all)")
    add("--save", help="write each page's HTML into this directory")
    add("--compare", help="compare each page's HTML with those saved in this directory")
    add("--only", action="append", default=[], help="measure only these pages")
    add("--queries", action="append", default=[], help="print the SQL of one read of a page")
    return parser.parse_args(argv)


def environment(args):
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in [k for k in os.environ if k.startswith("GIAOBAN_")]:
        os.environ.pop(name)
    os.environ.update(
        GIAOBAN_DATA_DIR=str(data_dir),
        GIAOBAN_SECRET_KEY="bench-pages-" + "x" * 50,
        GIAOBAN_HTTPS="0",
        GIAOBAN_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        GIAOBAN_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="giaoban.settings",
    )
    if args.database:
        os.environ["DATABASE_URL"] = args.database
    else:
        os.environ.pop("DATABASE_URL", None)
    return data_dir


def build(data_dir):
    """The demo, once: `giaoban demo --no-serve` in demo mode, as load.py builds it."""
    marker = data_dir / ".bench_pages_built"
    if marker.exists():
        return
    say(f"Building the demo into {data_dir} (a few minutes)…")
    started = time.perf_counter()
    script = Path(sys.executable).with_name("giaoban")
    subprocess.run(  # noqa: S603 — our own command
        [str(script), "demo", "--no-serve"],
        env={**os.environ, "GIAOBAN_DEMO": "1"},
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    marker.write_text("built\n", encoding="utf-8")
    say(f"Demo built: {time.perf_counter() - started:.0f} s")


def setup():
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    static = Path(settings.STATIC_ROOT)
    if not (static / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)


def cast():
    """The baseline clients of load_data.py: (username, [(kind, url), …]) for 3 users."""
    from load_data import Cast

    from giaoban.accounts.models import User

    c = Cast()
    clients = c.clients(3, 0, baseline=True)
    users = [User.objects.get(username=spec["username"]) for spec in clients]
    pages = {}
    for kind, url in clients[0]["cycle"]:
        label = kind if kind in ("home", "reports") else f"{kind} {url.rstrip('/').split('/')[-1]}"
        pages[label] = url
    return users, pages


def read_pages(args, users, pages):
    from django.db import connection, reset_queries
    from django.test import Client

    connection.force_debug_cursor = True  # queries counted with DEBUG off
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    pid = backend_pid()
    saved = Path(args.save) if args.save else None
    compared = Path(args.compare) if args.compare else None
    differ = []
    rows = []
    for label, url in pages.items():
        if args.only and label not in args.only:
            continue
        cpu, wall, server, queries, size = [], [], 0.0, [], 0
        for i, client in enumerate(clients):  # each user's first read: warm-up and the HTML
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{label} ({url}) as {users[i].username}: {response.status_code}")
            body = normal(response.content)
            name = f"{label.replace(' ', '_')}.{users[i].username}.html"
            if saved:
                saved.mkdir(parents=True, exist_ok=True)
                (saved / name).write_bytes(body)
            if compared and (compared / name).read_bytes() != body:
                differ.append(name)
        profile = None
        if label in args.profile or "all" in args.profile:
            import cProfile

            profile = cProfile.Profile()
        for n in range(args.reads * len(clients)):
            client = clients[n % len(clients)]
            reset_queries()
            w, c, s = time.perf_counter(), time.process_time(), backend_cpu(pid)
            if profile:
                profile.enable()
            response = client.get(url)
            if profile:
                profile.disable()
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
            server += backend_cpu(pid) - s
            queries.append(len(connection.queries))
            size = len(response.content)
        if label in args.queries:
            say(f"\n--- SQL of one read: {label}")
            for q in connection.queries:
                say(f"{q['time']}  {q['sql'][:400]}")
        rows.append((label, cpu, wall, server * 1000 / len(cpu) if pid else None, queries, size))
        if profile:
            import pstats

            say(f"\n--- cProfile: {label} (its timings are inflated by the profiler)")
            pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(25)
    connection.force_debug_cursor = False
    return rows, differ


def report(rows, differ, args):
    say("")
    head = f"{'page':<22} {'CPU p50':>8} {'CPU p95':>8} {'wall p50':>9} {'queries':>8} {'KiB':>6}"
    pg = any(r[3] is not None for r in rows)
    say(head + (f" {'PG CPU':>7}" if pg else ""))
    total_cpu = total_pg = 0.0
    for label, cpu, wall, server, queries, size in rows:
        p50, p95 = percentiles(cpu)
        total_cpu += sum(cpu) / len(cpu)
        total_pg += server or 0.0
        line = (
            f"{label:<22} {p50:8.1f} {p95:8.1f} {percentiles(wall)[0]:9.1f} "
            f"{max(queries):8d} {size / 1024:6.1f}"
        )
        say(line + (f" {server:7.1f}" if server is not None else ""))
    n = len(rows)
    mean = f"Mean over the pages: CPU {total_cpu / n:.1f} ms a request (mean of each page's mean)"
    if pg:
        mean += f" + PostgreSQL {total_pg / n:.1f} ms = {(total_cpu + total_pg) / n:.1f} ms"
    say(mean)
    say("CPU in ms: this process's (time.process_time), per request; PG CPU: the server")
    say("process's, mean per request. Wall times on a shared machine measure the neighbours too.")
    if args.compare:
        if differ:
            say(f"HTML DIFFERS from {args.compare}: {', '.join(differ)}")
        else:
            say(f"HTML identical to {args.compare} ({len(rows) * 3} pages).")


def main(argv=None):
    args = options(argv)
    data_dir = environment(args)
    build(data_dir)
    sys.path.insert(0, str(ROOT))
    setup()
    from measure import code_version, db_version

    say(f"{machine()}; {db_version()}; {code_version()}")
    say(f"Load average at start {os.getloadavg()[0]:.1f}; {args.reads} reads per page and user")
    users, pages = cast()
    rows, differ = read_pages(args, users, pages)
    report(rows, differ, args)
    say(f"Load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
