#!/usr/bin/env python
"""Report indicators computed from the records at national scale (issue 10, point 7).

    .venv/bin/python benchmarks/bench_indicators.py --db sqlite
    .venv/bin/python benchmarks/bench_indicators.py --db postgres
    .venv/bin/python benchmarks/bench_indicators.py --quick      # a smoke run, small data

Builds its own fresh database (a temporary SQLite file, or the PostgreSQL database
giaoban_bench_indicators, dropped and created again), migrates, loads the real 2025 tree of
units with the legacy one (as bench_documents.py does: the ministry, 34 provinces and 3,321
communes today), then:

- the demo form with its dissemination indicators computed from the activity log
  (`demo_form.ensure_computed`: GD01 counts the unit's own sessions of the kind "quán
  triệt", GD02 their party members and officers);
- 1,000,000 activities of every kind over the last twelve months, bulk-inserted with
  bench_documents.py's `bulk_activities` (a commune's share the largest; the tally
  recomputed), plus a known number of sessions for the measured commune;
- draft reports for the current period of one commune and of one province (opened and
  saved through the workflow).

and measures what issue 10 sets targets for (see benchmarks/README.md): computing a
draft's record-based indicators (`computed.current_values`: its stored figures and the
records' values now) for the commune and for the province, p95 ≤ 50 ms; and the fill-in
page with its computed values through Django's test client, p95 ≤ 300 ms. Nothing here is
asserted by the test suite: speed is measured, not tested.
"""

import datetime
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_documents import Tree, bulk_activities  # noqa: E402 — after the path
from measure import (  # noqa: E402
    Clock,
    code_version,
    db_version,
    machine,
    main,
    make_user,
    profiled,
    say,
    summary,
    timed,
)

PG_DATABASE = "giaoban_bench_indicators"
FULL = {"activities": 1_000_000, "runs": 50}
QUICK = {"activities": 20_000, "runs": 20}
TARGETS = {"compute": 50.0, "page": 300.0}  # ms p95
PHASES = ["compute", "page"]
SESSIONS = 12  # sessions of the measured commune in the window, on top of the bulk ones


def drafts(form, period, units, officer):
    """A draft of each unit for the period, opened and saved as an officer would."""
    from giaoban.reports import workflow

    figures = {"XD01": 3, "XD02": 40, "GD09": "95,5"}
    texts = {"KQ": "Kết quả (số liệu đo hiệu năng).", "PH": "Phương hướng."}
    out = {}
    for unit in units:
        report = workflow.open_report(form, unit, period.key, officer)
        workflow.save_entries(report, officer, figures, texts)
        out[unit.pk] = report
    return out


def commune_sessions(commune, officer, period, today):
    """SESSIONS sessions of the commune in the window, through the activity log's service."""
    from giaoban.activities import services

    last = min(period.end, today)
    for i in range(SESSIONS):
        services.record(
            officer,
            commune,
            date=last - datetime.timedelta(days=i),
            kind="quan-triet",
            title=f"Hội nghị quán triệt (đo hiệu năng) {i}",
            form="direct",
            party_members=10 + i,
            officers=3,
            others=0,
            notes="",
        )


def measure_compute(args, n, reports, labels):
    """computed.current_values of each draft: its stored figures and the records' now."""
    from giaoban.reports import computed
    from giaoban.reports.models import Report

    out = {}
    for unit_id, report in reports.items():
        report = Report.objects.select_related("version", "unit").get(pk=report.pk)
        with profiled("compute", args.profile):
            samples, values = timed(lambda r=report: computed.current_values(r), n["runs"])
        label = labels[unit_id]
        say(
            f"record-based indicators of the {label}'s draft (GD01 = {values['GD01']}, "
            f"GD02 = {values['GD02']}): {samples.text()}"
        )
        out[f"compute {label}"] = (f"compute a {label}'s draft indicators", samples, "compute")
    return out


def measure_pages(args, n, form, period, units, users, labels):
    """The fill-in page (GET) with its computed values, as the unit's own officer."""
    from django.test import Client
    from django.urls import reverse

    out = {}
    for unit in units:
        client = Client()
        client.force_login(users[unit.pk])
        url = reverse(
            "reports:fill", kwargs={"form": form.code, "period": period.key, "code": unit.code}
        )

        def get(c=client, u=url):
            response = c.get(u)
            if response.status_code != 200:
                raise SystemExit(f"{u}: HTTP {response.status_code}")
            return response

        with profiled("page", args.profile):
            samples, response = timed(get, n["runs"])
        body = response.content.decode()
        if 'data-live-for="GD01"' not in body:
            raise SystemExit(f"{url}: no computed value on the page")
        label = labels[unit.pk]
        say(f"fill-in page {url} ({len(response.content):,} B): {samples.text()}")
        out[f"page {label}"] = (f"fill-in page of a {label}", samples, "page")
    return out


def measure_typed_in(args, n, form, period, unit, user):
    """For comparison, no target: the commune's page with GD01 and GD02 typed in (their
    sources blanked for the measure, then put back)."""
    from django.test import Client
    from django.urls import reverse

    from giaoban.reports.models import Indicator

    computed_rows = Indicator.objects.filter(version__form=form).exclude(source="")
    saved = list(computed_rows.values_list("pk", "source"))
    computed_rows.update(source="")
    try:
        client = Client()
        client.force_login(user)
        url = reverse(
            "reports:fill", kwargs={"form": form.code, "period": period.key, "code": unit.code}
        )
        samples, _response = timed(lambda: client.get(url), n["runs"])
    finally:
        for pk, source in saved:
            Indicator.objects.filter(pk=pk).update(source=source)
    say(f"for comparison, the same page with every figure typed in: {samples.text()}")
    return {"typed": ("for comparison: the commune's page, figures typed in", samples, None)}


# ---------------------------------------------------------------------------- main


def run(args):
    from django.core.management import call_command
    from django.utils import timezone

    from giaoban.activities.models import Activity
    from giaoban.audit.context import acting_as
    from giaoban.core import periods
    from giaoban.reports.demo_form import ensure_computed, ensure_demo_form
    from giaoban.units import importers
    from giaoban.units.models import Unit

    n = QUICK if args.quick else FULL
    started = time.perf_counter()
    today = timezone.localdate()
    say(
        f"giaoban computed indicators benchmark — {datetime.datetime.now():%d/%m/%Y %H:%M}, "
        f"--db {args.db}" + (" --quick" if args.quick else "")
    )
    say(f"Machine: {machine()}; load average at start {os.getloadavg()[0]:.1f}")
    say(f"{db_version()}, Python {platform.python_version()}")
    say(f"Code: {code_version(('giaoban/reports', 'giaoban/activities', 'giaoban/core'))}")
    clock = Clock()
    with clock():
        call_command("migrate", verbosity=0)
        importers.import_legacy(progress=False)
    tree = Tree(today)
    say(
        f"migrate + units import --legacy: {Unit.objects.count():,} units; today's tree: the "
        f"ministry, {len(tree.provinces)} provinces, {len(tree.communes):,} communes "
        f"({clock.wall:.1f} s)"
    )
    root = tree.root
    province = tree.provinces[0]
    commune = tree.by_parent[province.pk][0]
    officer = make_user("bench_officer", root, [(root, "officer")])
    users = {
        province.pk: make_user("bench_province", province, [(province, "officer")]),
        commune.pk: make_user("bench_commune", commune, [(commune, "officer")]),
    }
    labels = {commune.pk: "commune", province.pk: "province"}
    with acting_as(user=officer, label="benchmark"):
        form = ensure_computed(ensure_demo_form())
        period = periods.containing(today, form.period_type, form.cutoff_day)
        clock = Clock()
        with clock():
            tally_rows, recompute_s = bulk_activities(tree, officer, n["activities"], today)
        say(
            f"set-up: {n['activities']:,} activities bulk-inserted, tally.recompute in "
            f"{recompute_s:.1f} s → {tally_rows:,} tally rows; {clock.wall:.1f} s in all"
        )
        commune_sessions(commune, officer, period, today)
        reports = drafts(form, period, [commune, province], officer)
    window = Activity.objects.filter(date__gte=period.start, date__lte=period.end)
    for unit in (commune, province):
        own = window.filter(unit=unit)
        say(
            f"{labels[unit.pk]} {unit.code}: {own.count():,} own activities in {period.label} "
            f"({own.filter(kind__code='quan-triet').count():,} of the kind quán triệt)"
        )
    say(f"activities in the database: {Activity.objects.count():,}")
    results = {}
    results.update(measure_compute(args, n, reports, labels))
    results.update(measure_pages(args, n, form, period, [commune, province], users, labels))
    results.update(measure_typed_in(args, n, form, period, commune, users[commune.pk]))
    report(results, time.perf_counter() - started, args)


def report(results, elapsed, args):
    rows = [(label, samples, TARGETS.get(target)) for label, samples, target in results.values()]
    summary("targets from issue 10, point 7", rows, elapsed, args.quick)


if __name__ == "__main__":
    main(__doc__, PG_DATABASE, PHASES, run)
