#!/usr/bin/env python
"""Periodic reports at national legacy scale: import, accept, roll-up, dashboard, memory.

    .venv/bin/python benchmarks/bench_reports.py --db sqlite
    .venv/bin/python benchmarks/bench_reports.py --db postgres

Builds its own fresh database (a temporary SQLite file, or the PostgreSQL database
gb_bench_run, dropped and created again), migrates, loads the real trees of units
(`units import --legacy`: the 2025 tree and the legacy one, 14,155 units), creates a
benchmark form with 63 numeric indicators (the demo form's 43 plus 20 generated), and
loads four 6-month periods of the legacy tree (2023-H1 … 2024-H2, when 63 provinces,
696 districts and 10,035 communes reported: 10,799 units a period with the ministry's
departments) through `bulk.import_values`, the path of the API and of Excel uploads.
Then it prints the figures that docs/benchmarks.md records. Nothing here is asserted
by the test suite: speed is measured, not tested. See benchmarks/README.md.
"""

import argparse
import datetime
import gc
import os
import platform
import random
import resource
import shutil
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import (  # noqa: E402 — after the path it is found on
    Clock,
    Samples,
    code_version,
    configure,
    db_version,
    drop_postgres,
    machine,
    make_user,
    profiled,
    say,
    timed,
)

PG_DATABASE = "gb_bench_run"
FORM_CODE = "BENCH-63"
PERIODS = ["2023-H1", "2023-H2", "2024-H1", "2024-H2"]
# Two more periods for the widest nodes: in 2025-H1 the legacy communes sat directly under
# their 63 provinces (up to 579 under one), and 2025-H2 is on the 2025 tree, where a
# province's "same period last year" goes through lineage. Not in the import rate.
EXTRA_PERIODS = ["2025-H1", "2025-H2"]
CURRENT_TREE_PERIOD = EXTRA_PERIODS[-1]
EXTRA_INDICATORS = 20
TARGETS = {
    "import": 20_000,  # values per second, at least
    "accept": 50.0,  # ms, p95, at most
    "rollup": 50.0,
    "dashboard": 300.0,
    "memory": 500.0,  # MB
}


# ---------------------------------------------------------------------------- set-up


def forget_figures():
    """Empty the roll-up's process memos (bucket text → figures, text → Decimal)."""
    from giaoban.reports import buckets, rollup

    rollup._text_totals.cache_clear()
    rollup._text_counts.cache_clear()
    buckets.shared_decimal.cache_clear()


# ---------------------------------------------------------------------------- data


def build_form(root):
    from giaoban.reports import demo_form
    from giaoban.reports.models import FormDeadline, FormVersion, ReportForm
    from giaoban.units.models import Level

    form = ReportForm.objects.create(
        code=FORM_CODE,
        name="Mẫu đo hiệu năng (63 chỉ tiêu)",
        period_type="half_year",
        cutoff_day=15,
        owner=root,
    )
    levels = Level.objects.filter(code__in=demo_form.DEADLINES)
    form.levels.set(levels)
    for level in levels:
        FormDeadline.objects.create(
            form=form, level=level, days_after_end=demo_form.DEADLINES[level.code]
        )
    version = FormVersion.objects.create(form=form, number=1, note="Đo hiệu năng")
    extra = (
        "VII",
        "Chỉ tiêu bổ sung (đo hiệu năng)",
        [
            (f"BX{i:02d}", f"Chỉ tiêu bổ sung {i:02d}", "lần", "int", "sum", False)
            for i in range(1, EXTRA_INDICATORS + 1)
        ],
    )
    demo_form.build_version(
        version, [*demo_form.SECTIONS, extra], demo_form.NARRATIVES, demo_form.COMPARISONS
    )
    return form


def expected_units(form, period, provinces=0):
    from giaoban.units.models import Unit

    units = list(
        Unit.objects.active_on(period.end)
        .filter(level__in=form.levels.all())
        .select_related("level")
        .order_by("code")
    )
    if provinces:  # a trial run: the first N provinces of the tree of the day, nothing else
        tops = sorted({u.path.split("/")[1] for u in units if u.level.code == "tinh"})[:provinces]
        units = [u for u in units if u.path.split("/")[1] in tops]
    return units


def item_for(unit, period):
    """One unit's figures: the demo generator's 43 (they pass the form's rules) plus 20."""
    from giaoban.reports import demo_data

    values = demo_data.figures(
        unit.code, unit.level.code, period, closed=unit.active_to is not None
    )
    rng = random.Random(f"bench|{unit.code}|{period.key}")
    for i in range(1, EXTRA_INDICATORS + 1):
        values[f"BX{i:02d}"] = rng.randint(0, 40)
    texts = {"KQ": f"{demo_data.LABEL} Đo hiệu năng.", "PH": f"{demo_data.LABEL} Đo hiệu năng."}
    return {"unit": unit.code, "values": values, "texts": texts}


# ---------------------------------------------------------------------------- phases


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--sample", type=int, default=240, help="commune reports accepted")
    parser.add_argument("--reads", type=int, default=50, help="reads per roll-up/dashboard")
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        choices=["import", "accept", "rollup", "dashboard"],
        help="print a cProfile of this phase (repeatable)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--provinces",
        type=int,
        default=0,
        help="only the first N legacy provinces report (a quick trial; figures not comparable)",
    )
    args = parser.parse_args()
    data_dir = configure(args.db, args.pg, PG_DATABASE)
    try:
        run(args)
    finally:
        if not args.keep:
            if args.db == "postgres":
                drop_postgres(args.pg, PG_DATABASE)
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            say(f"Database kept: {os.environ.get('DATABASE_URL') or data_dir}")


def run(args):
    from django.core.management import call_command

    from giaoban.audit.context import acting_as
    from giaoban.units import importers
    from giaoban.units.models import Unit

    started = time.perf_counter()
    say(f"giaoban benchmark — {datetime.datetime.now():%d/%m/%Y %H:%M}, --db {args.db}")
    say(f"Machine: {machine()}; load average at start {os.getloadavg()[0]:.1f}")
    say(f"{db_version()}, Python {platform.python_version()}")
    say(f"Code: {code_version(('giaoban/reports', 'giaoban/units'))}")

    clock = Clock()
    with clock():
        call_command("migrate", verbosity=0)
    say(f"migrate: {clock.wall:.1f} s")
    clock = Clock()
    with clock():
        summary = importers.import_legacy(progress=False)
    say(
        f"units import --legacy: {Unit.objects.count():,} units, "
        f"{summary.lineage_created:,} lineage records in {clock.wall:.1f} s wall, "
        f"{clock.cpu:.1f} s CPU"
    )

    root = Unit.objects.get(code="BCA")
    form = build_form(root)
    version = form.current_version()
    say(f"form {FORM_CODE}: {version.indicators.count()} numeric indicators")
    admin = make_user("bench_admin", root, [(root, "admin")])
    results = {}
    with acting_as(user=admin, label="benchmark"):
        results.update(load_periods(args, form, admin))
        results.update(accept_sample(args, form))
    results.update(read_rollups(args, form))
    results.update(render_dashboard(args, form, root))
    results["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["db"] = args.db
    report(results, time.perf_counter() - started)


def load_periods(args, form, admin):
    """Four legacy periods, accepted, for every reporting unit; the sample as drafts."""
    from giaoban.reports import bulk

    out = {"import": []}
    for index, key in enumerate([*PERIODS, *EXTRA_PERIODS]):
        period = form.period(key)
        units = expected_units(form, period, args.provinces)
        sample = pick_sample(units, args.sample) if key == PERIODS[-1] else []
        chosen = {u.pk for u in sample}
        # One call per province (the ministry with its departments as one more), as an
        # office would send them: an API request holds at most 10 MB, about 1,500 units.
        # Each call is all-or-nothing and adds into the roll-up rows earlier calls made.
        chunks = defaultdict(list)
        for unit in units:
            if unit.pk not in chosen:
                chunks[unit.path.split("/")[1]].append(unit)
        gc.collect()
        # Tracing memory slows Python down several times: trace only the smaller last
        # import (2025-H2), and leave it out of the rate; ru_maxrss gives the peak of the
        # whole run.
        trace = key == CURRENT_TREE_PERIOD
        if trace:
            tracemalloc.start()
        clock, reports, written = Clock(), 0, 0
        with profiled("import", args.profile if index == 0 else ()):
            for chunk in chunks.values():
                items = [item_for(u, period) for u in chunk]  # not timed: the client's work
                with clock():
                    result = bulk.import_values(form, key, items, admin, accept_history=True)
                reports += len(items)
                written += result.values_written
        if trace:
            out["traced_peak"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        rate = written / clock.wall
        if key in PERIODS:
            out["import"].append((key, reports, written, clock, trace))
        server = f" + {clock.server:.1f} s server CPU" if clock.pid else ""
        say(
            f"import {key}: {reports:,} reports in {len(chunks)} calls, {written:,} values in "
            f"{clock.wall:.1f} s wall / {clock.cpu:.1f} s CPU{server} → {rate:,.0f} values/s"
            + (" (memory traced)" if trace else "")
        )
        if sample:
            items = [item_for(u, period) for u in sample]
            clock = Clock()
            with clock():
                result = bulk.import_values(form, key, items, admin)
            say(
                f"import {key}, drafts for the accept sample: {len(items)} reports, "
                f"{result.values_written:,} values in {clock.wall:.2f} s "
                f"→ {result.values_written / clock.wall:,.0f} values/s"
            )
    return out


def pick_sample(units, size):
    communes = [u for u in units if u.level.code == "xa"]
    step = max(1, len(communes) // size)
    return communes[::step][:size]


def accept_sample(args, form):
    """Submit (untimed) then accept (timed) each sample commune report of the last period.

    The bench leader holds a leader role at every sample commune (to submit) and at its
    parent on the period's end date, the district (to accept).
    """
    from giaoban.core import paths
    from giaoban.reports import workflow
    from giaoban.reports.models import Report, Rollup
    from giaoban.units import history
    from giaoban.units.models import Unit

    key = PERIODS[-1]
    period = form.period(key)
    reports = list(
        Report.objects.filter(form=form, period_key=key, status="draft").select_related("unit")
    )
    parents = history.parents_on(period.end)
    parent_ids = sorted({parents[r.unit_id] for r in reports})
    roles = [(r.unit, "leader") for r in reports]
    roles += [(u, "leader") for u in Unit.objects.filter(pk__in=parent_ids)]
    leader = make_user("bench_leader", reports[0].unit, roles)
    for report in reports:
        workflow.submit(report, leader)
    before = _root_total(Rollup, form, key)
    samples = Samples()
    with profiled("accept", args.profile):
        for report in reports:
            with samples.one():
                workflow.accept(report, leader)
    after = _root_total(Rollup, form, key)
    depth = len(paths.codes(reports[0].path))
    say(
        f"accept one commune report ({len(reports)} reports of {key}, {depth} roll-up rows "
        f"each): {samples.text()}; ministry total of GD01 {before} → {after}"
    )
    return {"accept": samples}


def _root_total(Rollup, form, key):
    row = Rollup.objects.get(node__code="BCA", form=form, period_key=key)
    return row.accepted.get("GD01", [None])[0]


PAGE = 50  # children on one page of the roll-up page (and the API's default page)


def page_read(node, form, period, size=PAGE):
    """What the roll-up page computes: every total and comparison, and the figures of the
    children on its first page (rows further down are read when their page is opened)."""
    from giaoban.reports import services

    view = services.rollup_view(node, form, period)
    for child in view.children[:size]:
        child.values  # noqa: B018 — the figures are made when first read
    return view


def full_read(node, form, period):
    """The whole per-child table, every indicator of every child (the Excel export)."""
    return page_read(node, form, period, size=None)


def read_rollups(args, form):
    """Roll-up reads as the page makes them, and of the whole table, warm and cold, each
    beside the numpy floor of the same node and period."""
    from giaoban.units.models import Unit

    key = PERIODS[-1]
    province = Unit.objects.get(code="LT01")  # Hà Nội before 2025
    district = (
        Unit.objects.filter(level__code="huyen", path__startswith=province.path)
        .order_by("code")
        .first()
    )
    cases = [
        ("the ministry (root)", Unit.objects.get(code="BCA"), key),
        (f"a legacy province ({province.code})", province, key),
        (f"a district ({district.code}, legacy only)", district, key),
        (
            "a 2025 province (T01), last year through lineage",
            Unit.objects.get(code="T01"),
            CURRENT_TREE_PERIOD,
        ),
        (
            "the widest 2025 province (T79)",
            Unit.objects.get(code="T79"),
            CURRENT_TREE_PERIOD,
        ),
        (
            "a legacy province after the districts closed (LT01)",
            province,
            EXTRA_PERIODS[0],
        ),
    ]
    out = {"rollup": [], "floors": {}}
    for label, node, pkey in cases:
        p = form.period(pkey)
        floor = numpy_floor(form, node, pkey, args.reads)
        out["floors"][(node.code, pkey)] = floor
        for name, read in (("page", page_read), ("full table", full_read)):
            with profiled("rollup", args.profile if node.code == "BCA" else ()):
                warm, view = timed(lambda n=node, p=p, r=read: r(n, form, p), args.reads)
            # Cold: the first read of rows whose contents changed since (or of a fresh
            # process): every bucket decoded and every figure made again.
            cold, _view = timed(
                lambda n=node, p=p, r=read: r(n, form, p), args.reads, forget_figures
            )
            ratios = _ratios(warm, cold, floor)
            say(
                f"roll-up {label}, {pkey}, {name}: warm {warm.text()}; cold {cold.text()}; "
                f"{ratios} ({len(view.indicators)} indicators, {len(view.children)} child "
                f"rows, {view.covered:,}/{view.expected:,} units covered)"
            )
            out["rollup"].append((f"roll-up {label}, {pkey} — {name}", warm, cold, floor))
    return out


def _ratios(warm, cold, floor):
    p50 = floor[0]
    return (
        f"× floor (p50 {p50:.2f} ms): warm {warm.figures()['wall'][0] / p50:.1f}×, "
        f"cold {cold.figures()['wall'][0] / p50:.1f}×"
    )


def render_dashboard(args, form, root):
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(
            "reports:dashboard", kwargs={"form": form.code, "period": PERIODS[-1], "code": "BCA"}
        )
    except NoReverseMatch:
        say("dashboard: reports:dashboard does not exist yet — not measured")
        return {}
    viewer = make_user("bench_viewer", root, [(root, "leader")])
    client = Client()
    client.force_login(viewer)

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"dashboard {url}: HTTP {response.status_code}")
        return response

    with profiled("dashboard", args.profile):
        samples, response = timed(get, args.reads)
    say(f"dashboard of the ministry {url}: {samples.text()} ({len(response.content):,} bytes)")
    return {"dashboard": samples}


def numpy_floor(form, node, key, reads):
    """The node's roll-up (every indicator's total and the per-child table) summed by
    numpy over an in-memory array of the same accepted values: the floor for any design.
    Returns (p50, p95) in ms."""
    import numpy as np

    from giaoban.core.paths import PATH_SEP, subtree_q
    from giaoban.reports.models import Report, ReportValue
    from giaoban.units import history

    period = form.period(key)
    base = history.path_on(node, period.end)
    codes = list(form.current_version().indicators.values_list("code", flat=True))
    column = {c: i for i, c in enumerate(codes)}
    reports = dict(
        Report.objects.filter(
            subtree_q(base, "path"), form=form, period_key=key, status="accepted"
        ).values_list("id", "path")
    )
    row_of = {rid: i for i, rid in enumerate(sorted(reports, key=reports.get))}
    matrix = np.zeros((max(1, len(row_of)), len(codes)))
    for rid, code, value in (
        ReportValue.objects.filter(report_id__in=list(row_of))
        .values_list("report_id", "indicator__code", "value")
        .iterator(chunk_size=20000)
    ):
        matrix[row_of[rid], column[code]] = float(value)
    # Rows are sorted by path, so each child of the node is one contiguous block.
    depth = base.count(PATH_SEP)
    child_of_row = [
        reports[rid].split(PATH_SEP)[depth] if reports[rid] != base else ""
        for rid in sorted(row_of, key=row_of.get)
    ] or [""]
    starts = np.array(
        [0] + [i for i in range(1, len(child_of_row)) if child_of_row[i] != child_of_row[i - 1]]
    )

    def floor():
        return matrix.sum(axis=0), np.add.reduceat(matrix, starts, axis=0)

    samples, (_total, per_child) = timed(floor, max(reads, 200))
    p50, p95 = samples.figures()["wall"]
    say(
        f"numpy floor, {node.code} {key}: {len(row_of):,} reports × {matrix.shape[1]} "
        f"indicators, {per_child.shape[0]} child rows: p50 {p50:.3f} ms, p95 {p95:.3f} ms"
    )
    return p50, p95


def report(results, elapsed):
    """One line per target: the wall-clock verdict, and the CPU one (ours + the server's)."""
    say("\n=== Summary (targets from issue 3, point 9, and issue 7, point 9) ===")
    imports = results["import"]
    values = sum(row[2] for row in imports)
    wall = sum(row[3].wall for row in imports)
    cpu = sum(row[3].cpu + row[3].server for row in imports)
    lines = [
        (
            "bulk import (4 legacy periods)",
            f"{values / wall:,.0f} values/s wall, {values / cpu:,.0f} values/s of CPU",
            f"≥ {TARGETS['import']:,}",
            values / wall >= TARGETS["import"],
            values / cpu >= TARGETS["import"],
        ),
    ]
    timed_rows = [
        (f"accept ({results['accept'].figures()['n']} communes)", results["accept"], "accept")
    ]
    for label, warm, cold, _floor in results["rollup"]:
        timed_rows += [(label, warm, "rollup"), ("  cold, every bucket decoded", cold, "rollup")]
    if "dashboard" in results:
        timed_rows.append(("dashboard of the ministry", results["dashboard"], "dashboard"))
    for label, samples, target in timed_rows:
        f = samples.figures()
        cpu95 = f["cpu"][1] + (f["server"] or 0)
        lines.append(
            (
                label,
                f"p95 {f['wall'][1]:.1f} ms wall, {cpu95:.1f} ms CPU (p50 {f['wall'][0]:.1f} ms)",
                f"p95 ≤ {TARGETS[target]:.0f} ms",
                f["wall"][1] <= TARGETS[target],
                cpu95 <= TARGETS[target],
            )
        )
    peak = results.get("traced_peak", 0)
    ok = max(peak, results["rss"]) <= TARGETS["memory"]
    lines.append(
        (
            "peak memory",
            f"ru_maxrss {results['rss']:,.0f} MB (whole run), tracemalloc {peak:,.0f} MB "
            f"(import of {CURRENT_TREE_PERIOD})",
            f"≤ {TARGETS['memory']:.0f} MB",
            ok,
            ok,
        )
    )
    lines += _floor_lines(results, args_db=results.get("db"))
    width = max(len(row[0]) for row in lines)
    for name, figure, target, wall_ok, cpu_ok in lines:
        verdict = "" if wall_ok is None else f"wall {_verdict(wall_ok)}, CPU {_verdict(cpu_ok)}"
        say(f"{name.ljust(width)}  {figure}  [{target}] {verdict}")
    say(
        "CPU = this process's CPU time (+ the PostgreSQL server process's, for a call's p95 "
        "its mean); on a busy machine it is the steadier figure."
    )
    say(f"Total run time {elapsed / 60:.1f} min; load average at end {os.getloadavg()[0]:.1f}")


FLOOR_TARGET = {"sqlite": 5, "postgres": 10}  # the ministry's roll-up, × the numpy floor


def _floor_lines(results, args_db):
    """The ministry's page read against its numpy floor (issue 7, point 9)."""
    out = []
    for label, warm, cold, floor in results["rollup"]:
        if "ministry" not in label or "page" not in label:
            continue
        limit = FLOOR_TARGET.get(args_db, 10)
        warm_x = warm.figures()["wall"][0] / floor[0]
        cold_x = cold.figures()["wall"][0] / floor[0]
        out.append(
            (
                "the ministry's roll-up against the numpy floor",
                f"p50 warm {warm_x:.1f}×, cold {cold_x:.1f}× (floor p50 {floor[0]:.3f} ms)",
                f"≤ {limit}× warm",
                warm_x <= limit,
                warm_x <= limit,
            )
        )
    return out


def _verdict(ok):
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    main()
