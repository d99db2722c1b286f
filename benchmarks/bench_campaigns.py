#!/usr/bin/env python
"""A political activity campaign's progress at national scale (issue 10, point 7).

    .venv/bin/python benchmarks/bench_campaigns.py --db sqlite
    .venv/bin/python benchmarks/bench_campaigns.py --db postgres
    .venv/bin/python benchmarks/bench_campaigns.py --quick      # a smoke run, small data

Builds its own fresh database (a temporary SQLite file, or the PostgreSQL database
giaoban_bench_campaigns, dropped and created again), migrates, loads the real trees of
units (`units import --legacy`, as the other scripts do: the ministry, 5 departments, 34
provinces and 3,321 communes today), then:

- 1,000,000 activities of every kind over the last twelve months, bulk-inserted with
  bench_documents.py's `bulk_activities` (a commune's share the largest; the tally
  recomputed) — none of them linked to the campaign;
- the seed's campaign at national scale, by the campaigns app's own demo loader
  (`giaoban.campaigns.demo.load`, through the real services): the ministry's plan issued
  through the register, the campaign with three phases (the first finished, the second
  running, the third to come) and requirements per level — each province a launch
  meeting and its own plan, each commune a thematic session, every unit its
  self-review, the ministry its summing-up — launched; the provinces' plans issued to
  their communes; the communes' sessions through the activity log's bulk path (most on
  time, some late, some never held); half of the units on track have sent their results.

and measures what issue 10 sets a target for: the campaign's progress for the ministry
over its whole subtree, p95 ≤ 100 ms — `progress.compute` alone, and with the per-province
summary and the lagging units (what the ministry's campaign page and the API's subtree
progress read) — beside the floor: the same standings and counts made from rows already in
memory. Also, with no target: a province's progress, and the campaign page through Django's
test client for the ministry's officer and for a province's. Nothing here is asserted by
the test suite: speed is measured, not tested.
"""

import datetime
import os
import platform
import sys
import time
from collections import Counter
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

PG_DATABASE = "giaoban_bench_campaigns"
FULL = {"activities": 1_000_000, "runs": 50}
QUICK = {"activities": 20_000, "runs": 20}
TARGET = 100.0  # ms p95: the campaign's progress for the ministry
PHASES = ["setup", "compute", "progress", "page"]


# ---------------------------------------------------------------------------- set-up


def seed_campaign(today):
    """The seed's campaign over the whole tree, by the campaigns app's demo loader."""
    from giaoban.campaigns import demo
    from giaoban.campaigns.models import Campaign
    from giaoban.shell.demo import find_units

    ctx = find_units(today, log=say)
    counts = demo.load(ctx, today=today, log=say)
    if not counts:
        raise SystemExit("the campaign was not loaded")
    return Campaign.objects.select_related("unit", "plan").get(unit=ctx.ministry, is_demo=True)


def describe(campaign, today):
    """What the campaign asks and where it stands at the ministry (printed, not timed)."""
    from giaoban.campaigns import progress
    from giaoban.core.due import LATE, ON_TIME, OVERDUE, PENDING

    result = progress.compute(campaign, today)
    say(
        f"campaign “{campaign.title[:60]}…”: {campaign.start:%d/%m/%Y}–{campaign.end:%d/%m/%Y}, "
        f"{campaign.phases.count()} phases, {len(result.requirements)} requirements, "
        f"{len(result.units):,} units concerned"
    )
    for r in result.requirements:
        counts = Counter(p.items[r.pk][0] for p in result.units.values() if r.pk in p.items)
        say(
            f"  phase {r.phase.number} (to {r.phase.end:%d/%m}), "
            f"{r.level.name if r.level_id else 'every unit'}: {r.title} — "
            f"{sum(counts.values()):,} units: on time {counts[ON_TIME]:,}, late "
            f"{counts[LATE]:,}, pending {counts[PENDING]:,}, overdue {counts[OVERDUE]:,}"
        )
    root = result.units[campaign.unit_id].path
    total, groups, _own = result.summary(root)
    statuses = Counter(p.status for p in result.units.values())
    say(
        f"  at the ministry: {len(groups)} rows below, {total.below:,} units with something to "
        f"do — complete {total.complete:,}, lagging {total.lagging:,}; by status "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items()))
    )
    return root


# ---------------------------------------------------------------------------- measures


def measure_progress(args, n, campaign, root, province, today):
    from giaoban.campaigns import progress
    from giaoban.units import history

    def compute():
        return progress.compute(campaign, today, within=root)

    def with_summary():
        result = progress.compute(campaign, today, within=root)
        return result, result.summary(root), result.lagging(root)

    out = {}
    with profiled("compute", args.profile):
        samples, result = timed(compute, n["runs"])
    say(f"progress.compute, the ministry ({len(result.units):,} units): {samples.text()}")
    out["compute"] = ("progress.compute, the ministry", samples, TARGET)
    with profiled("progress", args.profile):
        samples, (_result, (total, groups, _own), lagging) = timed(with_summary, n["runs"])
    say(
        f"progress.compute + summary + lagging, the ministry ({len(groups)} rows, "
        f"{total.complete:,} complete, {len(lagging):,} lagging): {samples.text()}"
    )
    out["progress"] = ("the ministry's progress, per-province rows, lagging", samples, TARGET)
    history.invalidate()
    clock = Clock()
    with clock():
        compute()
    say(
        f"  once after a change of the tree of units (units.history rebuilt): "
        f"{clock.wall * 1000:.0f} ms wall, {(clock.cpu + clock.server) * 1000:.0f} ms CPU"
    )
    path = history.paths_on(campaign.start)[province.pk]
    samples, result = timed(
        lambda: progress.compute(campaign, today, within=path).summary(path), n["runs"]
    )
    say(f"progress of {province.name} ({len(result[1])} communes): {samples.text()}")
    out["province"] = (f"progress of a province ({province.code})", samples, None)
    return out


def floor(campaign, root, today, runs):
    """The same per-unit standings and per-child counts as `compute` + `summary`, from rows
    already in memory (the units, the requirements, the days they were met): the cost of
    the arithmetic alone. Checks its counts against `summary`'s."""
    from giaoban.campaigns import progress
    from giaoban.core.due import LATE, ON_TIME, OVERDUE
    from giaoban.core.paths import PATH_SEP

    requirements = list(campaign.requirements.select_related("phase"))
    units = progress.concerned(campaign, root)
    met = progress.met_dates(campaign, requirements, None, today)
    reqs = [(r.pk, r.level_id, r.phase.end) for r in requirements]
    depth = root.count(PATH_SEP)
    rows = [
        (pk, path, level, path.split(PATH_SEP)[depth] if path != root else None)
        for pk, (path, level) in units.items()
    ]

    def once():
        groups = {}
        for pk, _path, level, head in rows:
            done = overdue = applicable = 0
            for r, r_level, deadline in reqs:
                if r_level is None or r_level == level:
                    applicable += 1
                    day = met.get((r, pk))
                    if day is not None:
                        done += 1
                    elif today > deadline:
                        overdue += 1
            if head is None or not applicable:
                continue
            g = groups.setdefault(head, [0, 0, 0])
            g[0] += 1
            g[1] += done == applicable
            g[2] += overdue > 0
        return groups

    samples, groups = timed(once, runs)
    result = progress.compute(campaign, today, within=root)
    total, _groups, _own = result.summary(root)
    mine = [sum(g[i] for g in groups.values()) for i in range(3)]
    if mine != [total.below, total.complete, total.lagging]:
        raise SystemExit(f"the floor counts {mine}, progress.summary {total}")
    standings = Counter(s for p in result.units.values() for s, _m in p.items.values())
    say(
        f"floor: {len(rows):,} units × {len(reqs)} requirements from memory "
        f"({standings[ON_TIME] + standings[LATE]:,} met, {standings[OVERDUE]:,} overdue): "
        f"{samples.text()}"
    )
    return samples


def measure_pages(args, n, campaign, users):
    from django.test import Client
    from django.urls import reverse

    url = reverse("campaigns:campaign", kwargs={"pk": campaign.pk})
    out = {}
    for key, (user, label) in users.items():
        client = Client()
        client.force_login(user)

        def get(c=client, who=label):
            response = c.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} as {who}: HTTP {response.status_code}")
            return response

        with profiled("page", args.profile):
            samples, response = timed(get, n["runs"])
        body = response.content.decode()
        if 'id="children"' not in body or 'id="lagging"' not in body:
            raise SystemExit(f"{url} as {label}: no table of the units below, or no lagging")
        say(f"campaign page {url} as {label} ({len(response.content):,} B): {samples.text()}")
        out[f"page {key}"] = (f"the campaign page, {label}", samples, None)
    return out


# ---------------------------------------------------------------------------- main


def run(args):
    from django.core.management import call_command
    from django.utils import timezone

    from giaoban.activities.models import Activity
    from giaoban.audit.context import acting_as
    from giaoban.units import importers
    from giaoban.units.models import Unit

    n = QUICK if args.quick else FULL
    started = time.perf_counter()
    today = timezone.localdate()
    say(
        f"giaoban campaigns benchmark — {datetime.datetime.now():%d/%m/%Y %H:%M}, "
        f"--db {args.db}" + (" --quick" if args.quick else "")
    )
    say(f"Machine: {machine()}; load average at start {os.getloadavg()[0]:.1f}")
    say(f"{db_version()}, Python {platform.python_version()}")
    say(f"Code: {code_version(('giaoban/campaigns', 'giaoban/activities', 'giaoban/documents'))}")
    clock = Clock()
    with clock():
        call_command("migrate", verbosity=0)
        # --quick: today's tree only, without the units before 2025 (a smoke run's time).
        (importers.import_current if args.quick else importers.import_legacy)(progress=False)
    tree = Tree(today)
    say(
        f"migrate + units import{'' if args.quick else ' --legacy'}: "
        f"{Unit.objects.count():,} units; today's tree: the "
        f"ministry, {len(tree.departments)} departments, {len(tree.provinces)} provinces, "
        f"{len(tree.communes):,} communes ({clock.wall:.1f} s)"
    )
    root = tree.root
    officer = make_user("bench_officer", root, [(root, "officer")])
    with acting_as(user=officer, label="benchmark"):
        clock = Clock()
        with profiled("setup", args.profile), clock():
            tally_rows, recompute_s = bulk_activities(tree, officer, n["activities"], today)
        say(
            f"set-up: {n['activities']:,} activities bulk-inserted, tally.recompute in "
            f"{recompute_s:.1f} s → {tally_rows:,} tally rows; {clock.wall:.1f} s in all"
        )
    clock = Clock()
    with profiled("setup", args.profile), clock():
        campaign = seed_campaign(today)
    say(f"set-up: the campaign through the demo loader in {clock.wall:.1f} s")
    say(f"activities in the database: {Activity.objects.count():,}")
    root_path = describe(campaign, today)
    province = max(tree.provinces, key=lambda p: len(tree.by_parent.get(p.pk, [])))
    users = {
        "ministry": (officer, "the ministry's officer"),
        "province": (
            make_user("bench_province", province, [(province, "officer")]),
            f"the officer of {province.code} ({len(tree.by_parent[province.pk])} communes)",
        ),
    }
    results = measure_progress(args, n, campaign, root_path, province, today)
    floor_samples = floor(campaign, root_path, today, max(n["runs"], 200))
    results.update(measure_pages(args, n, campaign, users))
    mine, low = results["progress"][1].figures(), floor_samples.figures()
    notes = [
        (
            "the ministry's progress against the floor",
            f"p50 {mine['wall'][0] / low['wall'][0]:.1f}× wall, "
            f"{(mine['cpu'][0] + (mine['server'] or 0)) / low['cpu'][0]:.1f}× CPU "
            f"(floor p50 {low['wall'][0]:.2f} ms wall, {low['cpu'][0]:.2f} ms CPU)  [no target]",
        )
    ]
    summary(
        "targets from issue 10, point 7",
        list(results.values()),
        time.perf_counter() - started,
        args.quick,
        notes,
    )


if __name__ == "__main__":
    main(__doc__, PG_DATABASE, PHASES, run)
