"""The load benchmark's accounting and summary (benchmarks/load.py): the CPU of the server's
process tree and of PostgreSQL's backends (from /proc), the machine's, and the printed
figures. No Django here."""

import os
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

from measure import processor, say

TICK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------- /proc


def _stat(pid):
    """(parent pid, own CPU seconds, reaped children's CPU seconds) of a process, or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / TICK
    children = (int(fields[13]) + int(fields[14])) / TICK
    return int(fields[1]), own, children


def tree(root):
    """{pid: (own CPU, children's CPU)} of `root` and every process below it."""
    parents, cpu = {}, {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            got = _stat(entry.name)
            if got is not None:
                parents[int(entry.name)] = got[0]
                cpu[int(entry.name)] = got[1:]
    members, changed = {root}, True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in members and pid not in members:
                members.add(pid)
                changed = True
    return {pid: cpu[pid] for pid in members if pid in cpu}


def tree_cpu(root):
    """CPU seconds of the tree so far: every live process's own, plus what the root has
    reaped of children that ended (a worker replaced during the run counts whole)."""
    members = tree(root)
    own = sum(c[0] for c in members.values())
    return own + (members[root][1] if root in members else 0.0), len(members)


def machine_ticks():
    """(busy, total) jiffies of the whole machine (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


class Accounting:
    """What the server used between begin() and end(): its process tree's CPU, and for
    PostgreSQL that of the backends connected to the benchmark's database (sampled every
    second from /proc: a backend that ends between two samples loses at most its last
    second). The machine's busy share over the same time, every process included."""

    def __init__(self, server_pid, database_url, database):
        self.root = server_pid
        self.database_url, self.database = database_url, database
        self.backends = {}  # pid → [CPU at first sight or at begin, CPU at last sight]
        self.most_processes = 0
        self.stop = threading.Event()
        self.sampler = None

    def begin(self, at):
        """Start counting at `at` (epoch: after the warm-up)."""

        def run():
            pause = at - time.time()
            if pause > 0:
                self.stop.wait(pause)
            self.wall = time.time()
            self.server, n = tree_cpu(self.root)
            self.most_processes = n
            self.ticks = machine_ticks()
            self.sample(first=True)
            while not self.stop.wait(1.0):
                self.most_processes = max(self.most_processes, tree_cpu(self.root)[1])
                self.sample()

        self.sampler = threading.Thread(target=run, daemon=True)
        self.sampler.start()

    def sample(self, first=False):
        if not self.database:
            return
        import psycopg

        try:
            with psycopg.connect(self.database_url, connect_timeout=5) as conn:
                pids = [
                    row[0]
                    for row in conn.execute(
                        "select pid from pg_stat_activity where datname = %s "
                        "and pid <> pg_backend_pid()",
                        [self.database],
                    )
                ]
        except psycopg.Error:
            return
        for pid in pids:
            got = _stat(pid)
            if got is None:
                continue
            if pid in self.backends:
                self.backends[pid][1] = got[1]
            else:  # seen at the start: counted from now; born during the run: whole
                self.backends[pid] = [got[1] if first else 0.0, got[1]]

    def end(self):
        self.stop.set()
        if self.sampler is not None:
            self.sampler.join()
        self.sample()
        self.seconds = time.time() - self.wall
        server, n = tree_cpu(self.root)
        self.most_processes = max(self.most_processes, n)
        self.server = server - self.server
        busy, total = machine_ticks()
        self.machine = (busy - self.ticks[0]) / max(1, total - self.ticks[1])
        self.postgres = sum(last - first for first, last in self.backends.values())


# ---------------------------------------------------------------------------- the summary


def _pct(ordered, q):
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[q - 1]


def _row(kind, latency, outcomes, total):
    ordered = sorted(latency)
    errors = sum(n for o, n in outcomes.items() if o not in ("ok", "time-out"))
    timeouts = outcomes.get("time-out", 0)
    return (
        f"{kind:<19}{len(ordered):>7,}{len(ordered) / total:>7.1%}"
        f"{statistics.median(ordered):>9.0f}{_pct(ordered, 95):>9.0f}{_pct(ordered, 99):>9.0f}"
        f"{ordered[-1]:>9.0f}{errors:>8}{timeouts:>10}"
    )


def merge(results):
    latency, outcomes, examples = {}, {}, {}
    for r in results:
        for kind, values in r["latency"].items():
            latency.setdefault(kind, []).extend(values)
        for kind, counts in r["outcomes"].items():
            outcomes.setdefault(kind, Counter()).update(counts)
        for kind, texts in r["examples"].items():
            examples.setdefault(kind, []).extend(texts)
    firsts = [r["first"] for r in results if r["first"] is not None]
    lasts = [r["last"] for r in results if r["last"] is not None]
    return latency, outcomes, examples, (min(firsts) if firsts else None), max(lasts or [0])


def report(args, facts, plan, server, logins, results, measured_from, acct, load_before):
    """Print the figures; returns the number of errors and time-outs."""
    cpus = os.cpu_count() or 1
    say("")
    mix = "" if args.mode == "logins" else f", --mix {args.mix}"
    say(f"=== giaoban load: --db {args.db}{mix}, {_mode(args)} ===")
    say(f"Machine: {processor()}, {cpus} CPU; load average before {_load(load_before)}")
    say(f"Server: {server.description()}")
    command = " ".join([Path(server.command[0]).name, *server.command[1:]])
    say(f"  command: {command}; {acct.most_processes} process(es) in its tree")
    say(f"Database: {facts['db']}; {facts['size']}")
    say(f"Code: {facts['code']}")
    _logins_before(plan, logins)
    latency, outcomes, examples, _first, last = merge(results)
    total = sum(len(v) for v in latency.values())
    elapsed = max(1e-9, last - measured_from)
    say(
        f"Measured: {total:,} requests in {elapsed:.1f} s → {total / elapsed:.1f} requests/s "
        f"(after a warm-up of {args.warmup:.0f} s, not counted)"
    )
    if args.mode == "open":
        threads = max(r.get("busy_max", 0) for r in results)
        late = max(r.get("late_max", 0) for r in results)
        say(
            f"Open loop at {args.rate:g}/s: at most {threads} requests in flight at once; "
            f"arrivals sent at most {late * 1000:.0f} ms late"
        )
    say("")
    say(
        f"{'kind':<19}{'n':>7}{'share':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'errors':>8}{'time-outs':>10}"
    )
    for kind in sorted(latency, key=lambda k: -len(latency[k])):
        say(_row(kind, latency[kind], outcomes[kind], max(1, total)))
    every = [v for values in latency.values() for v in values]
    if every:
        say(_row("all", every, sum(outcomes.values(), Counter()), max(1, total)))
    failed = 0
    for kind, counts in sorted(outcomes.items()):
        bad = {o: n for o, n in counts.items() if o != "ok"}
        if bad:
            failed += sum(bad.values())
            say(f"  {kind}: " + ", ".join(f"{o} ×{n}" for o, n in bad.items()))
            for text in examples.get(kind, [])[:3]:
                say(f"    e.g. {text}")
    _missing(args, plan, latency)
    _cpu(acct, results, cpus, total)
    say(f"Load average after {_load(os.getloadavg())}")
    if args.mode == "logins":
        _logins_verdict(latency, outcomes, args)
    if args.quick:
        say("--quick: a small tree and a short run — a smoke run, not figures to record.")
    return failed


def _mode(args):
    bound = f"{args.seconds:g} s" + (f" or {args.requests:,} requests" if args.requests else "")
    if args.mode == "logins":
        window = f"over {args.login_window:g} s" if args.login_window else "all at once"
        return f"{args.logins} logins {window}"
    if args.mode == "open":
        return f"open loop {args.rate:g} requests/s, {bound}, {args.procs} client process(es)"
    return f"closed loop, {args.clients} clients, {bound}, {args.procs} client process(es)"


def _load(values):
    return " ".join(f"{v:.2f}" for v in values)


def _logins_before(plan, logins):
    times = [t for _i, (got, _f) in logins for t in got]
    failures = [f for _i, (_got, fails) in logins for f in fails]
    if not plan["clients"]:
        return
    roles = Counter(spec["role"] for spec in plan["clients"])
    units = len({spec["unit"] for spec in plan["clients"]})
    say(
        f"Clients: {len(plan['clients'])} sessions of "
        f"{len({s['username'] for s in plan['clients']})} users on {units} units ("
        + ", ".join(f"{role} {n}" for role, n in sorted(roles.items()))
        + f"); {len(plan['desks'])} reports going round the workflow"
    )
    if times:
        posts = sorted(t[1] * 1000 for t in times)
        say(
            f"Signed in before the run: {len(times)}, login p50 {statistics.median(posts):.0f} ms,"
            f" max {posts[-1]:.0f} ms" + (f"; FAILED {len(failures)}" if failures else "")
        )
    for text in failures[:5]:
        say(f"  login failed: {text}")


def _missing(args, plan, latency):
    """The kinds of the mix that were not sent: none of this cast's clients can (no task
    open to them, every province a cell…), or none came up in this run."""
    if args.mode == "logins" or args.mix != "full":
        return
    import load_drive

    kinds = set().union(*(set(m) for m in load_drive.MENUS.values()))
    if not plan.get("national"):
        kinds = {k for k in kinds if not k.endswith("-national")}
    offered = set()
    for spec in plan["clients"]:
        offered |= set(load_drive.Client(spec, None, None).menu)
    absent = kinds - set(latency)
    if not absent:
        say("Every kind of request was exercised.")
    if absent & offered:
        say(f"Kinds not exercised in this run: {', '.join(sorted(absent & offered))}")
    if absent - offered:
        say(f"Kinds no client of this cast can send: {', '.join(sorted(absent - offered))}")


def _cpu(acct, results, cpus, requests):
    seconds = max(1e-9, acct.seconds)
    server = acct.server
    say(
        f"Server CPU (user+sys of its process tree): {server:.1f} s over {seconds:.1f} s = "
        f"{server / seconds:.2f} cores, {server / seconds / cpus:.0%} of the machine; "
        f"{server * 1000 / max(1, requests):.0f} ms a request"
    )
    if acct.database:
        say(
            f"PostgreSQL backends of this database: {acct.postgres:.1f} s = "
            f"{acct.postgres / seconds:.2f} cores, {acct.postgres / seconds / cpus:.0%} of the "
            f"machine ({len(acct.backends)} backends seen); "
            f"{acct.postgres * 1000 / max(1, requests):.0f} ms a request"
        )
    client = sum(r["cpu"] for r in results)
    busiest = max((r["cpu"] for r in results), default=0.0)
    say(
        f"Client CPU: {client:.1f} s in {len(results)} process(es) = {client / seconds:.2f} "
        f"cores; the busiest process {busiest / seconds:.0%} of one core"
        + (" — the client may be a bottleneck: use more --procs" if busiest / seconds > 0.7 else "")
    )
    say(f"Machine busy over the run (every process, /proc/stat): {acct.machine:.0%}")


def _logins_verdict(latency, outcomes, args):
    posts = sorted(latency.get("login", []))
    ok = outcomes.get("login", Counter()).get("ok", 0)
    if not posts:
        return
    say(
        f"Logins: {ok} of {args.logins} succeeded; login (the form posted) p95 "
        f"{_pct(posts, 95):.0f} ms, max {posts[-1]:.0f} ms; "
        f"{sum(1 for p in posts if p > 5000)} over 5 s"
    )
