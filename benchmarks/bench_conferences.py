#!/usr/bin/env python
"""The consolidated report and follow-up tasks at national scale (issue 9, point 8).

    .venv/bin/python benchmarks/bench_conferences.py --db sqlite
    .venv/bin/python benchmarks/bench_conferences.py --db postgres
    .venv/bin/python benchmarks/bench_conferences.py --quick      # a smoke run, small data

Builds its own fresh database (a temporary SQLite file, or the PostgreSQL database
giaoban_bench_conf, dropped and created again), migrates, loads the real trees of units
(`units import --legacy`: 34 provinces and 3,321 communes today, the 63 provinces and
their districts and communes before 2025, with lineage), then:

- the demo form's reports (45 indicators, six narrative parts) of 2026-H1 and 2025-H2 for
  every reporting unit of today's tree, and of 2025-H1 on the legacy tree (so that the
  same period last year goes through lineage), accepted, through `bulk.import_values`;
- records for the sections other apps compile: 20,000 documents with their recipients
  and 300,000 activities with their tally (bench_documents.py's set-up);
- the ministry's consolidated report of 2026-H1 with its own words and excerpts of its
  children's texts in every narrative part, and the same for the province with the most
  communes (168 on today's tree);
- 10,000 follow-up tasks across the tree: the ministry's conference gives three
  conclusions to its 34 provinces, each province's conference three to its communes;
  every standing of the matrix present.

and measures what issue 9 sets targets for: compiling and exporting each consolidated
report (`consolidation.export`: the consistent snapshot, recorded, and the .docx with
the annexes of every child and the sources), p95 ≤ 2 s each; the ministry's task list
page (`conferences:tasks`) over the 10,000 tasks, p95 ≤ 100 ms. Speed is measured here,
never asserted by the test suite.
"""

import argparse
import datetime
import os
import platform
import random
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_documents import Tree, bulk_activities, bulk_documents, issuing_bodies  # noqa: E402
from measure import (  # noqa: E402 — after the path it is found on
    Clock,
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

PG_DATABASE = "giaoban_bench_conf"
FULL = {"documents": 20_000, "activities": 300_000, "runs": 20, "provinces": 0}
QUICK = {"documents": 1_000, "activities": 10_000, "runs": 5, "provinces": 3}
TARGETS = {"export": 2000.0, "tasks": 100.0}  # ms p95
PHASES = ["setup", "compile", "render", "export", "tasks"]
PERIODS = ["2025-H1", "2025-H2", "2026-H1"]
KEY = "2026-H1"
EXCERPTS_PER_SECTION = {"ministry": 20, "province": 12}
SEED = "bench-conferences"


def rng(*parts):
    return random.Random("|".join([SEED, *map(str, parts)]))


# ---------------------------------------------------------------------------- set-up


def load_reports(form, admin, provinces):
    """Accepted reports of PERIODS for every unit expected on each period's tree."""
    from giaoban.reports import bulk, demo_data
    from giaoban.units.models import Unit

    fields = [code for code, _title, _required in demo_data_narratives()]
    for key in PERIODS:
        period = form.period(key)
        units = list(
            Unit.objects.active_on(period.end)
            .filter(level__in=form.levels.all())
            .select_related("level")
            .order_by("code")
        )
        if provinces:
            tops = sorted({u.path.split("/")[1] for u in units if u.level.code == "tinh"})
            keep = set(tops[:provinces]) | {
                u.path.split("/")[1] for u in units if u.level.code == "cuc"
            }
            units = [u for u in units if u.path.split("/")[1] in keep]
        chunks = defaultdict(list)
        for unit in units:
            chunks[unit.path.split("/")[1]].append(unit)
        clock = Clock()
        for chunk in chunks.values():
            items = []
            for unit in chunk:
                values = demo_data.figures(unit.code, unit.level.code, period)
                texts = {
                    code: " ".join(
                        demo_data.texts(
                            unit.code + suffix, unit.level.code, period, values, [code]
                        )[code]
                        for suffix in ("", "-2", "-3")
                    )
                    for code in fields
                }
                items.append({"unit": unit.code, "values": values, "texts": texts})
            with clock():
                bulk.import_values(form, key, items, admin, accept_history=True)
        say(f"reports {key}: {len(units):,} accepted, imported in {clock.wall:.1f} s")


def demo_data_narratives():
    from giaoban.reports import demo_form

    return demo_form.NARRATIVES


def consolidation_of(unit, form, officer, per_section):
    """The unit's draft of 2026-H1: own words and `per_section` excerpts in every part."""
    from giaoban.conferences import consolidation
    from giaoban.conferences.models import PARTY
    from giaoban.reports import public as reports

    draft = consolidation.open_draft(officer, unit, PARTY, form, KEY)
    consolidation.add_own(officer, draft, "", "Mở đầu báo cáo (đo hiệu năng).")
    sent = [s for s in reports.submissions(unit, form, form.period(KEY)) if s.sent]
    for code, _title, _required in demo_data_narratives():
        consolidation.add_own(officer, draft, code, f"Lời dẫn phần {code} (đo hiệu năng).")
        chosen = rng(unit.code, code).sample(sent, min(per_section, len(sent)))
        for n, s in enumerate(chosen):
            part = consolidation.add_excerpt(officer, draft, code, s.report_id, code)
            if n % 3 == 0 and len(part.fragments) > 1:
                consolidation.shorten(officer, part, part.fragments[:1])
    return draft


def bulk_tasks(tree, form, author, today):
    """Conferences of 2026-H1: the ministry's to its provinces, each province's to its
    communes, three conclusions each, one task per unit and conclusion, bulk-created with
    statuses spread over the matrix. Returns the number of tasks."""
    from giaoban.conferences.models import Conclusion, Conference, Task
    from giaoban.core.bulkwrite import insert_rows

    date = form.period(KEY).end + datetime.timedelta(days=8)
    hosts = [(tree.root, tree.provinces)] + [
        (p, tree.by_parent.get(p.pk, [])) for p in tree.provinces
    ]
    conferences = [
        Conference(
            unit=host,
            path=host.path,
            title=f"Hội nghị giao ban 6 tháng đầu năm 2026 — {host.name}",
            form=form,
            period_key=KEY,
            date=date,
            status=Conference.Status.CLOSED,
            created_by=author,
        )
        for host, _below in hosts
    ]
    insert_rows(Conference, conferences)
    by_unit = {c.unit_id: c for c in Conference.objects.all()}
    conclusions = [
        Conclusion(conference=by_unit[host.pk], number=n, text=f"Kết luận {n} (đo hiệu năng).")
        for host, _below in hosts
        for n in (1, 2, 3)
    ]
    insert_rows(Conclusion, conclusions)
    found = {
        (c.conference.unit_id, c.number): c for c in Conclusion.objects.select_related("conference")
    }
    tasks = []
    for host, below in hosts:
        for n in (1, 2, 3):
            conclusion = found[(host.pk, n)]
            deadline = date + datetime.timedelta(days=40 * n + 60)
            for unit in below:
                r = rng(unit.code, n).random()
                status, done = Task.Status.OPEN, None
                if r < 0.45:
                    status = Task.Status.ACCEPTED if r < 0.3 else Task.Status.DONE
                    done = deadline + datetime.timedelta(days=(-10 if r < 0.35 else 12))
                elif r < 0.5:
                    status = Task.Status.RETURNED
                tasks.append(
                    Task(
                        conclusion=conclusion,
                        assigner=host,
                        assigner_path=host.path,
                        unit=unit,
                        path=unit.path,
                        title=f"Nhiệm vụ theo kết luận {n} (đo hiệu năng)",
                        deadline=deadline,
                        status=status,
                        done_on=min(done, today) if done else None,
                    )
                )
    insert_rows(Task, tasks)
    return len(tasks)


# ---------------------------------------------------------------------------- measures


def measure_reports(args, n, drafts, officer):
    from giaoban.conferences import compile as compiled
    from giaoban.conferences import consolidation, layout

    out = {}
    for name, draft in drafts.items():
        label = f"{draft.unit.name} ({len(compiled.compile_report(draft)['children'])} children)"
        with profiled("compile", args.profile):
            samples, snapshot = timed(lambda d=draft: compiled.compile_report(d), n["runs"])
        say(f"compile {label}: {samples.text()}")
        with profiled("render", args.profile):
            rendered, data = timed(lambda d=draft, s=snapshot: layout.render(d, s), n["runs"])
        say(f"render .docx {label}: {rendered.text()}, {len(data) / 1024:,.0f} KiB")
        with profiled("export", args.profile):
            exported, _result = timed(lambda d=draft: consolidation.export(officer, d), n["runs"])
        say(f"export (compile, record, .docx) {label}: {exported.text()}")
        out[f"export_{name}"] = (f"compile + export, {label}", exported, "export")
    return out


def measure_tasks(args, n, users):
    from django.test import Client
    from django.urls import reverse

    out = {}
    for name, user, query in (
        ("ministry", users["ministry_officer"], ""),
        ("ministry_assigned", users["ministry_officer"], "?tab=assigned"),
        ("province", users["province_officer"], ""),
    ):
        client = Client()
        client.force_login(user)
        url = reverse("conferences:tasks") + query

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        with profiled("tasks", args.profile):
            samples, _response = timed(get, n["runs"] + 10)
        say(f"task list {name} {query}: {samples.text()}")
        out[f"tasks_{name}"] = (f"task list page, {name.replace('_', ' ')}", samples, "tasks")
    return out


# ---------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--quick", action="store_true", help="small data: a smoke run")
    parser.add_argument("--profile", action="append", default=[], choices=PHASES)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
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
    from django.utils import timezone

    from giaoban.audit.context import acting_as
    from giaoban.conferences.models import Task
    from giaoban.reports.demo_form import ensure_demo_form
    from giaoban.units import importers
    from giaoban.units.models import Unit

    n = QUICK if args.quick else FULL
    started = time.perf_counter()
    today = timezone.localdate()
    say(
        f"giaoban conferences benchmark — {datetime.datetime.now():%d/%m/%Y %H:%M}, "
        f"--db {args.db}" + (" --quick" if args.quick else "")
    )
    say(f"Machine: {machine()}; load average at start {os.getloadavg()[0]:.1f}")
    say(f"{db_version()}, Python {platform.python_version()}")
    say(f"Code: {code_version(('giaoban/conferences', 'giaoban/exports', 'giaoban/reports'))}")
    clock = Clock()
    with clock():
        call_command("migrate", verbosity=0)
        importers.import_legacy(progress=False)
    tree = Tree(today)
    if n["provinces"]:
        tree.provinces = tree.provinces[: n["provinces"]]
        tree.communes = [c for p in tree.provinces for c in tree.by_parent.get(p.pk, [])]
        tree.units = [tree.root, *tree.departments, *tree.provinces, *tree.communes]
    say(f"migrate + units import --legacy: {Unit.objects.count():,} units ({clock.wall:.1f} s)")
    root = tree.root
    widest = max(tree.provinces, key=lambda p: len(tree.by_parent.get(p.pk, [])))
    admin = make_user("bench_admin", root, [(root, "admin")])
    users = {
        "ministry_officer": make_user("bench_officer", root, [(root, "officer")]),
        "province_officer": make_user("bench_province", widest, [(widest, "officer")]),
    }
    form = ensure_demo_form()
    with acting_as(user=admin, label="benchmark"):
        clock = Clock()
        with profiled("setup", args.profile), clock():
            load_reports(form, admin, n["provinces"])
            bodies = issuing_bodies(tree)
            bulk_documents(tree, bodies, admin, n["documents"], today)
            bulk_activities(tree, admin, n["activities"], today)
        say(
            f"set-up: reports, {n['documents']:,} documents, {n['activities']:,} activities "
            f"({clock.wall:.1f} s)"
        )
        clock = Clock()
        with clock():
            drafts = {
                "ministry": consolidation_of(
                    root, form, users["ministry_officer"], EXCERPTS_PER_SECTION["ministry"]
                ),
                "province": consolidation_of(
                    widest, form, users["province_officer"], EXCERPTS_PER_SECTION["province"]
                ),
            }
            tasks = bulk_tasks(tree, form, admin, today)
        say(
            f"set-up: two consolidated reports with their excerpts; {tasks:,} tasks "
            f"({Task.objects.count():,} in the database) ({clock.wall:.1f} s); widest province "
            f"{widest.name} with {len(tree.by_parent.get(widest.pk, []))} communes"
        )
        results = {}
        results.update(measure_reports(args, n, drafts, users["ministry_officer"]))
        results.update(measure_tasks(args, n, users))
    report(results, time.perf_counter() - started, args)


def report(results, elapsed, args):
    say("\n=== Summary (targets from issue 9, point 8) ===")
    lines = []
    for label, samples, target in results.values():
        f = samples.figures()
        cpu95 = f["cpu"][1] + (f["server"] or 0)
        limit = TARGETS[target]
        lines.append(
            (
                label,
                f"p95 {f['wall'][1]:.1f} ms wall, {cpu95:.1f} ms CPU (p50 {f['wall'][0]:.1f} ms, "
                f"n={f['n']})",
                f"p95 ≤ {limit:.0f} ms",
                f["wall"][1] <= limit,
                cpu95 <= limit,
            )
        )
    width = max(len(row[0]) for row in lines)
    for name, figure, target, wall_ok, cpu_ok in lines:
        say(f"{name.ljust(width)}  {figure}  [{target}] wall {_v(wall_ok)}, CPU {_v(cpu_ok)}")
    say(
        "CPU = this process's CPU time (+ the PostgreSQL server process's mean per call); on a "
        "busy machine it is the steadier figure."
    )
    if args.quick:
        say("--quick: small data, a smoke run — these figures are not the ones to record.")
    say(f"Total run time {elapsed / 60:.1f} min; load average at end {os.getloadavg()[0]:.1f}")


def _v(ok):
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    main()
