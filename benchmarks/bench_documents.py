#!/usr/bin/env python
"""Directive documents and the activity log at national scale (issue 8, point 10).

    .venv/bin/python benchmarks/bench_documents.py --db sqlite
    .venv/bin/python benchmarks/bench_documents.py --db postgres
    .venv/bin/python benchmarks/bench_documents.py --quick      # a smoke run, small data

Builds its own fresh database (a temporary SQLite file, or the PostgreSQL database
giaoban_bench_docs, dropped and created again), migrates, loads the real 2025 tree of
units with the legacy one (`units import --legacy`, as bench_reports.py does: the ministry,
34 provinces and 3,321 communes today), then:

- 50,000 documents across the tree, bulk-created for set-up (the ministry's addressed to
  the provinces, a third of the provinces' to their communes, the communes' internal),
  with their recipients and what each recipient has done;
- one central document addressed to all 3,355 province and commune units, issued through
  `services.issue`, and its chain: the 34 provinces' implementing plans, each issued to
  its communes through `services.issue`; two thirds of the communes have disseminated;
- 1,000,000 activities of every kind over the last twelve months, bulk-inserted, then the
  tally recomputed with `giaoban.activities.tally.recompute` and written.

and measures what issue 8 sets targets for (see benchmarks/README.md). Nothing here is
asserted by the test suite: speed is measured, not tested.
"""

import argparse
import datetime
import os
import platform
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_steps import ImportSteps  # noqa: E402 — after the path it is found on
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

PG_DATABASE = "giaoban_bench_docs"
FULL = {"documents": 50_000, "activities": 1_000_000, "import": 50_000, "runs": 30, "issues": 5}
QUICK = {"documents": 2_000, "activities": 20_000, "import": 2_000, "runs": 20, "issues": 2}
TARGETS = {
    "detail": 150.0,  # ms p95
    "incoming": 100.0,
    "record": 50.0,
    "by_kind": 100.0,
    "import": 20_000,  # rows/s at least
    "issue": 2000.0,  # ms, each
}
PHASES = ["setup", "detail", "incoming", "record", "by_kind", "import", "issue"]
SEED = "bench-documents"


# ---------------------------------------------------------------------------- set-up


def rng(*parts):
    return random.Random("|".join([SEED, *map(str, parts)]))


class Tree:
    """The 2025 tree as the benchmark uses it."""

    def __init__(self, today):
        from giaoban.units.models import Unit

        current = Unit.objects.active_on(today).select_related("level")
        self.root = current.get(parent__isnull=True, level__code="bo")
        self.provinces = list(current.filter(level__code="tinh").order_by("code"))
        self.communes = list(current.filter(level__code="xa").order_by("code"))
        self.departments = list(current.filter(level__code="cuc").order_by("code"))
        self.by_parent = {}
        for c in self.communes:
            self.by_parent.setdefault(c.parent_id, []).append(c)
        self.units = [self.root, *self.departments, *self.provinces, *self.communes]


def issuing_bodies(tree):
    """A party body and a command for every unit, bulk-created: {(unit id, body): body}."""
    from giaoban.core.bulkwrite import insert_rows
    from giaoban.documents import numbering
    from giaoban.documents.models import PARTY, STATE, IssuingBody

    by_pk = {u.pk: u for u in tree.units}
    rows = []
    for unit in tree.units:
        parent = by_pk.get(unit.parent_id)
        for body in (PARTY, STATE):
            rows.append(
                IssuingBody(
                    unit=unit,
                    body=body,
                    name=numbering.default_name(unit, body),
                    superior=numbering.default_name(parent, body) if parent else "",
                    symbol=numbering.default_symbol(unit, body),
                    place=unit.short_name,
                )
            )
    insert_rows(IssuingBody, rows)
    return {(b.unit_id, b.body): b for b in IssuingBody.objects.all()}


SUBJECTS = [
    "Về tăng cường công tác giáo dục chính trị tư tưởng",
    "Triển khai thực hiện nghị quyết về xây dựng, chỉnh đốn Đảng",
    "Tổ chức hoạt động văn hóa, văn nghệ, thể thao",
    "Hướng dẫn sinh hoạt chi bộ chuyên đề",
    "Kiểm tra điều lệnh, lễ tiết, tác phong",
    "Đẩy mạnh công tác dân vận trong tình hình mới",
    "Báo cáo kết quả công tác đảng, công tác chính trị",
    "Phát động phong trào thi đua vì an ninh Tổ quốc",
]


def bulk_documents(tree, bodies, author, n, today):
    """`n` documents (2 % the ministry's, 30 % the provinces', the rest the communes'),
    their number counters, and the recipients of those addressed below. Returns the number
    of recipient rows."""
    from django.db import connection
    from django.utils import timezone

    from giaoban.core.bulkwrite import insert_rows, insert_values
    from giaoban.core.text import fold
    from giaoban.documents import numbering
    from giaoban.documents.models import (
        PARTY,
        STATE,
        Document,
        DocumentKind,
        NumberCounter,
        Recipient,
    )

    S = Document.Status
    kinds = {
        body: [k for k in DocumentKind.objects.filter(body=body) if k.abbreviation]
        for body in (PARTY, STATE)
    }
    r = rng("documents")
    counters = {}
    docs, addressed = [], []
    start = datetime.date(2025, 7, 1)
    span = (today - start).days
    now = timezone.now()
    for i in range(n):
        share = r.random()
        if share < 0.02:
            unit, to = tree.root, tree.provinces
        elif share < 0.32:
            unit = tree.provinces[r.randrange(len(tree.provinces))]
            to = tree.by_parent.get(unit.pk, []) if r.random() < 1 / 3 else []
        else:
            unit, to = tree.communes[r.randrange(len(tree.communes))], []
        body = PARTY if r.random() < 0.4 else STATE
        kind = r.choice(kinds[body])
        issuer = bodies[(unit.pk, body)]
        roll = r.random()
        status = (
            S.DRAFT
            if roll < 0.03
            else S.REVIEW
            if roll < 0.04
            else S.REPLACED
            if roll < 0.08
            else S.REPEALED
            if roll < 0.10
            else S.ISSUED
        )
        day = start + datetime.timedelta(days=r.randint(0, span))
        d = Document(
            issuer=issuer,
            unit=unit,
            path=unit.path,
            kind=kind,
            subject=f"{r.choice(SUBJECTS)} ({i})",
            body_text="Nội dung văn bản đo hiệu năng. " * 20,
            place=issuer.place,
            status=status,
            recipient_rule=Document.Rule.CHILDREN,
            created_by=author,
        )
        if status not in (S.DRAFT, S.REVIEW):
            key = (issuer.pk, kind.pk, str(day.year))
            counters[key] = counters.get(key, 0) + 1
            d.number, d.span_key, d.issue_date = counters[key], str(day.year), day
            d.symbol = numbering.compose(issuer, kind, d.number)
            d.issued_at, d.issued_by = now, author
            if to and r.random() < 0.7:
                d.disseminate_by = min(today, day + datetime.timedelta(days=r.randint(10, 30)))
                d.plan_by = d.disseminate_by + datetime.timedelta(days=15)
                d.report_by = d.plan_by + datetime.timedelta(days=60)
        d.search_text = fold(" ".join([d.symbol, d.subject, d.body_text]))
        docs.append(d)
        addressed.append(to if d.issue_date else [])
    before = Document.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    insert_rows(Document, docs)
    ids = list(Document.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))
    insert_values(
        NumberCounter,
        [NumberCounter._meta.get_field(f) for f in ("issuer", "kind", "span_key", "last")],
        ([i, k, s, last] for (i, k, s), last in counters.items()),
        prepare=False,
    )
    adapt_date = connection.ops.adapt_datefield_value
    stamp = connection.ops.adapt_datetimefield_value(now)
    fields = [
        Recipient._meta.get_field(f)
        for f in ("document", "unit", "path", "received_at", "disseminated_on", "sessions")
        + ("plan_on", "results_text", "results_on")
    ]

    def recipient_rows():
        for pk, d, to in zip(ids, docs, addressed, strict=True):
            for u in to:
                on = None
                if d.disseminate_by and r.random() < 0.75:
                    on = min(today, d.issue_date + datetime.timedelta(days=r.randint(0, 40)))
                plan_on = on if on and r.random() < 0.5 else None
                yield [pk, u.pk, u.path, stamp, adapt_date(on), 1 if on else 0]
                yield [adapt_date(plan_on), "", None]

    def merged():
        it = recipient_rows()
        for head in it:
            yield head + next(it)

    count = sum(len(to) for to in addressed)
    insert_values(Recipient, fields, merged(), prepare=False)
    return count


def bulk_activities(tree, author, n, today):
    """`n` activities over the last twelve months, every kind, spread over every unit (a
    commune's share the largest); then the tally from `tally.recompute`."""
    from django.db import connection
    from django.utils import timezone

    from giaoban.activities import tally
    from giaoban.activities.bulk import COLUMNS
    from giaoban.activities.models import Activity, ActivityKind, ActivityTally
    from giaoban.core.bulkwrite import insert_values
    from giaoban.core.text import fold

    kinds = list(ActivityKind.objects.values_list("pk", flat=True))
    units = [*tree.communes] * 9 + [*tree.provinces] * 30 + [tree.root, *tree.departments] * 10
    adapt_date = connection.ops.adapt_datefield_value
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    r = rng("activities")
    first = today - datetime.timedelta(days=364)

    def rows():
        for i in range(n):
            unit = units[r.randrange(len(units))]
            day = first + datetime.timedelta(days=r.randrange(365))
            title = f"Hoạt động đo hiệu năng {i}"
            yield [
                unit.pk,
                unit.path,
                adapt_date(day),
                kinds[r.randrange(len(kinds))],
                title,
                "direct",
                r.randint(5, 40),
                r.randint(0, 15),
                r.randint(0, 5),
                "",
                None,
                author.pk,
                stamp,
                stamp,
                False,
                fold(title),
            ]

    fields = [Activity._meta.get_field(c) for c in COLUMNS]
    insert_values(Activity, fields, rows(), batch=10_000, prepare=False)
    clock = Clock()
    with clock():
        computed = tally.recompute()
    tally_fields = [
        ActivityTally._meta.get_field(f)
        for f in ("node", "kind", "bucket", "activities", "party_members", "officers", "others")
    ]
    insert_values(
        ActivityTally,
        tally_fields,
        ([node, kind, adapt_date(bucket), *v] for (node, kind, bucket), v in computed.items()),
        batch=10_000,
        prepare=False,
    )
    return len(computed), clock.wall


def central_chain(tree, officer, leader, today, province_leader):
    """The central document to every province and commune, and the 34 provinces' plans."""
    from giaoban.documents import services
    from giaoban.documents.models import STATE, Document, DocumentKind, DocumentLink, Recipient

    kind = DocumentKind.objects.get(body=STATE, abbreviation="KH")
    issued_on = today - datetime.timedelta(days=40)

    def deadlines(base, d1, d2, d3):
        return {
            "disseminate_by": base + datetime.timedelta(days=d1),
            "plan_by": base + datetime.timedelta(days=d2),
            "report_by": base + datetime.timedelta(days=d3),
        }

    central = services.create_draft(
        officer,
        tree.root,
        STATE,
        kind=kind,
        subject="Kế hoạch quán triệt, triển khai nghị quyết (đo hiệu năng)",
        body_text="Nội dung kế hoạch.",
        recipient_rule=Document.Rule.EXPLICIT,
        **deadlines(issued_on, 30, 20, 60),
    )
    services.send_for_review(central, officer)
    clock = Clock()
    with clock():
        central, _w = services.issue(
            central, leader, issued_on, explicit_units=[*tree.provinces, *tree.communes]
        )
    say(
        f"central document {central.symbol}: {central.recipients.count():,} recipients, "
        f"issued in {clock.wall * 1000:.0f} ms"
    )
    clock = Clock()
    with clock():
        for i, province in enumerate(tree.provinces):
            day = issued_on + datetime.timedelta(days=2 + i % 15)
            plan = services.create_draft(
                province_leader,
                province,
                STATE,
                kind=kind,
                subject=f"Kế hoạch triển khai của {province.name} (đo hiệu năng)",
                body_text="Nội dung kế hoạch của tỉnh.",
                recipient_rule=Document.Rule.CHILDREN,
                **deadlines(issued_on, 25, 20, 55),
            )
            services.add_link(plan, central, DocumentLink.Kind.IMPLEMENTS, province_leader)
            services.send_for_review(plan, province_leader)
            services.issue(plan, province_leader, day)
    say(f"34 provincial plans issued through services.issue in {clock.wall:.1f} s")
    # Two thirds of the communes have disseminated (set-up: set directly).
    r = rng("disseminated")
    done = [c.pk for c in tree.communes if r.random() < 2 / 3]
    for i in range(0, len(done), 900):
        Recipient.objects.filter(document=central, unit_id__in=done[i : i + 900]).update(
            disseminated_on=issued_on + datetime.timedelta(days=10), sessions=1
        )
    return central


# ---------------------------------------------------------------------------- measures


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return response


def measure_pages(args, n, central, users):
    from django.urls import reverse

    out = {}
    url = reverse("documents:detail", kwargs={"pk": central.pk})
    client = client_for(users["ministry_officer"])
    with profiled("detail", args.profile):
        samples, response = timed(lambda: get(client, url), n["runs"])
    say(f"document page {url} as the ministry: {samples.text()} ({len(response.content):,} B)")
    out["detail"] = ("the central document's page (ministry)", samples, "detail")
    incoming = reverse("documents:incoming")
    for who, label in (("commune_officer", "a commune"), ("province_officer", "a province")):
        client = client_for(users[who])
        with profiled("incoming", args.profile):
            samples, response = timed(lambda c=client: get(c, incoming), n["runs"])
        count = users[who].received_count
        say(f"incoming of {label} ({count:,} documents received): {samples.text()}")
        out[f"incoming {who}"] = (f"incoming register of {label}", samples, "incoming")
    return out


def measure_record(args, n, tree, central, users):
    """Record a session of a commune that has not disseminated yet, then the ministry's
    summary of the central document."""
    from giaoban.activities import services as activities
    from giaoban.documents import obligations
    from giaoban.documents.models import Recipient

    waiting = list(
        Recipient.objects.filter(
            document=central, unit__level__code="xa", disseminated_on__isnull=True
        )
        .select_related("unit")
        .order_by("path")[: n["runs"] + 1]
    )
    recorder = users["ministry_officer"]
    units = iter([r.unit for r in waiting])
    seen = []

    def once():
        unit = next(units)
        activities.record(
            recorder,
            unit,
            date=central.issue_date + datetime.timedelta(days=5),
            kind="quan-triet",
            title="Quán triệt kế hoạch (đo hiệu năng)",
            form="direct",
            party_members=20,
            officers=5,
            others=0,
            notes="",
            document=central.pk,
        )
        total, groups = obligations.summary(central, tree.root.path)
        seen.append(total.done(obligations.DISSEMINATE))
        return total, groups

    with profiled("record", args.profile):
        samples, _result = timed(once, min(n["runs"], len(waiting) - 1))
    grew = seen[-1] - seen[0] == len(seen) - 1
    say(
        f"record a session + the ministry's summary ({len(groups_of(_result))} province rows): "
        f"{samples.text()}; disseminated {seen[0]:,} → {seen[-1]:,} "
        f"({'one more each time' if grew else 'NOT one more each time'})"
    )
    return {"record": ("record a session and read the ministry's summary", samples, "record")}


def groups_of(result):
    return result[1]


def measure_by_kind(args, n, tree, today):
    from giaoban.activities import tally

    out = {}
    # The last whole 6-month window of Decree 09 (15th to 14th) ending before today.
    end = today.replace(day=14) if today.day > 14 else last_month_14th(today)
    start = bucket_months_back(end, 6)
    cases = [
        (f"aligned halves {start:%d/%m/%Y}–{end:%d/%m/%Y}", start, end),
        (
            "days at both edges",
            start + datetime.timedelta(days=3),
            end - datetime.timedelta(days=3),
        ),
    ]
    for label, low, high in cases:
        with profiled("by_kind", args.profile):
            samples, result = timed(lambda a=low, b=high: tally.by_kind(tree.root, a, b), n["runs"])
        activities = sum(t.activities for t in result.values())
        say(
            f"tally.by_kind, ministry, 6 months ({label}): {samples.text()}; "
            f"{activities:,} activities"
        )
        out[f"by_kind {label}"] = (
            f"totals per kind, ministry, 6 months, {label}",
            samples,
            "by_kind",
        )
    return out


def last_month_14th(day):
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=14)


def bucket_months_back(end, months):
    """The first day of the 6-month window ending on `end` (the 14th: Decree 09's cut-off)."""
    year, month = end.year, end.month - months
    while month <= 0:
        month += 12
        year -= 1
    return datetime.date(year, month, 15)


def measure_import(args, n, tree, central, users, today):
    from giaoban.activities import services as activities

    r = rng("import")
    kinds = ["gd-chinh-tri", "van-hoa", "the-thao", "dieu-lenh", "dan-van", "chi-bo"]
    rows = []
    for i in range(n["import"]):
        unit = tree.communes[r.randrange(len(tree.communes))]
        day = today - datetime.timedelta(days=r.randrange(30))
        rows.append(
            {
                "unit": unit.code,
                "date": day.strftime("%d/%m/%Y"),
                "kind": r.choice(kinds),
                "title": f"Hoạt động nhập từ tệp {i}",
                "form": "Trực tiếp",
                "party_members": str(r.randint(5, 40)),
                "officers": str(r.randint(0, 15)),
                "others": "0",
                "notes": "",
            }
        )
    # Sessions of the central document, as a province's file would carry them.
    waiting = central.recipients.filter(unit__level__code="xa", disseminated_on__isnull=True)
    for i, unit_code in enumerate(waiting.values_list("unit__code", flat=True)[:500]):
        rows[i]["unit"], rows[i]["kind"] = unit_code, "quan-triet"
        rows[i]["document"] = central.symbol
        rows[i]["date"] = (central.issue_date + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    clock = Clock()
    with ImportSteps() as steps, profiled("import", args.profile), clock():
        result = activities.import_rows(users["ministry_officer"], rows)
    rate = result.created / clock.wall
    say(
        f"import_rows: {result.created:,} rows ({result.sessions} sessions, {result.units:,} "
        f"units) in {clock.wall:.2f} s wall / {clock.cpu:.2f} s CPU"
        + (f" + {clock.server:.2f} s server CPU" if clock.pid else "")
        + f" → {rate:,.0f} rows/s"
    )
    for line in steps.lines(result.created):
        say(line)
    return {"import": (result.created, clock)}


def measure_issue(args, n, tree, users, today):
    """Issue a document to the whole subtree of the ministry (services.issue)."""
    from giaoban.documents import services
    from giaoban.documents.models import STATE, Document, DocumentKind

    kind = DocumentKind.objects.get(body=STATE, abbreviation="CT")
    officer, leader = users["ministry_officer"], users["ministry_leader"]
    drafts = []
    for i in range(n["issues"] + 1):
        d = services.create_draft(
            officer,
            tree.root,
            STATE,
            kind=kind,
            subject=f"Chỉ thị gửi toàn lực lượng (đo hiệu năng) {i}",
            body_text="Nội dung chỉ thị.",
            recipient_rule=Document.Rule.SUBTREE,
            disseminate_by=today + datetime.timedelta(days=20),
        )
        services.send_for_review(d, officer)
        drafts.append(d)
    samples = Samples()
    count = 0
    with profiled("issue", args.profile):
        services.issue(drafts[0], leader, today)  # the warm-up
        for d in drafts[1:]:
            with samples.one():
                d, _w = services.issue(d, leader, today)
            count = d.recipients.count()
    say(f"services.issue to the ministry's subtree ({count:,} recipients): {samples.text()}")
    return {"issue": (f"issue a document to {count:,} recipients (subtree)", samples, "issue")}


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
    from giaoban.documents.models import Document, Recipient
    from giaoban.units import importers
    from giaoban.units.models import Unit

    n = QUICK if args.quick else FULL
    started = time.perf_counter()
    today = timezone.localdate()
    say(
        f"giaoban documents benchmark — {datetime.datetime.now():%d/%m/%Y %H:%M}, --db {args.db}"
        + (" --quick" if args.quick else "")
    )
    say(f"Machine: {machine()}; load average at start {os.getloadavg()[0]:.1f}")
    say(f"{db_version()}, Python {platform.python_version()}")
    say(f"Code: {code_version(('giaoban/documents', 'giaoban/activities'))}")
    clock = Clock()
    with clock():
        call_command("migrate", verbosity=0)
        importers.import_legacy(progress=False)
    tree = Tree(today)
    say(
        f"migrate + units import --legacy: {Unit.objects.count():,} units; today's tree: the "
        f"ministry, {len(tree.departments)} departments, {len(tree.provinces)} provinces, "
        f"{len(tree.communes):,} communes ({clock.wall:.1f} s)"
    )
    root = tree.root
    province, commune = tree.provinces[0], tree.by_parent[tree.provinces[0].pk][0]
    users = {
        "ministry_officer": make_user("bench_officer", root, [(root, "officer")]),
        "ministry_leader": make_user("bench_leader", root, [(root, "leader")]),
        "province_officer": make_user("bench_province", province, [(province, "officer")]),
        "commune_officer": make_user("bench_commune", commune, [(commune, "officer")]),
    }
    province_leader = make_user(
        "bench_province_leader",
        root,
        [(p, role) for p in tree.provinces for role in ("officer", "leader")],
    )
    with acting_as(user=users["ministry_officer"], label="benchmark"):
        clock = Clock()
        with profiled("setup", args.profile), clock():
            bodies = issuing_bodies(tree)
            recipients = bulk_documents(
                tree, bodies, users["ministry_officer"], n["documents"], today
            )
        say(
            f"set-up: {n['documents']:,} documents, {recipients:,} recipient rows, "
            f"{len(bodies):,} issuing bodies, bulk in {clock.wall:.1f} s"
        )
        central = central_chain(
            tree, users["ministry_officer"], users["ministry_leader"], today, province_leader
        )
        clock = Clock()
        with clock():
            tally_rows, recompute_s = bulk_activities(
                tree, users["ministry_officer"], n["activities"], today
            )
        say(
            f"set-up: {n['activities']:,} activities bulk-inserted, tally.recompute in "
            f"{recompute_s:.1f} s → {tally_rows:,} tally rows; {clock.wall:.1f} s in all"
        )
        say(f"documents {Document.objects.count():,}, recipients {Recipient.objects.count():,}")
        for key in ("province_officer", "commune_officer"):
            users[key].received_count = Recipient.objects.filter(unit=users[key].unit).count()
        results = {}
        results.update(measure_pages(args, n, central, users))
        results.update(measure_record(args, n, tree, central, users))
        results.update(measure_by_kind(args, n, tree, today))
        results.update(measure_import(args, n, tree, central, users, today))
        results.update(measure_issue(args, n, tree, users, today))
    report(results, time.perf_counter() - started, args)


def report(results, elapsed, args):
    say("\n=== Summary (targets from issue 8, point 10) ===")
    lines = []
    for key, value in results.items():
        if key == "import":
            created, clock = value
            cpu = clock.cpu + clock.server
            lines.append(
                (
                    f"bulk activity import ({created:,} rows, import_rows)",
                    f"{created / clock.wall:,.0f} rows/s wall, {created / cpu:,.0f} rows/s of CPU",
                    f"≥ {TARGETS['import']:,}",
                    created / clock.wall >= TARGETS["import"],
                    created / cpu >= TARGETS["import"],
                )
            )
            continue
        label, samples, target = value
        f = samples.figures()
        cpu95 = f["cpu"][1] + (f["server"] or 0)
        limit = TARGETS[target]
        lines.append(
            (
                label,
                f"p95 {f['wall'][1]:.1f} ms wall, {cpu95:.1f} ms CPU (p50 {f['wall'][0]:.1f} ms, "
                f"n={f['n']})",
                f"{'each' if target == 'issue' else 'p95'} ≤ {limit:.0f} ms",
                f["wall"][1] <= limit,
                cpu95 <= limit,
            )
        )
    width = max(len(row[0]) for row in lines)
    for name, figure, target, wall_ok, cpu_ok in lines:
        say(f"{name.ljust(width)}  {figure}  [{target}] wall {_v(wall_ok)}, CPU {_v(cpu_ok)}")
    say(
        "CPU = this process's CPU time (+ the PostgreSQL server process's, for a call's p95 "
        "its mean); on a busy machine it is the steadier figure."
    )
    if args.quick:
        say("--quick: small data, a smoke run — these figures are not the ones to record.")
    say(f"Total run time {elapsed / 60:.1f} min; load average at end {os.getloadavg()[0]:.1f}")


def _v(ok):
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    main()
