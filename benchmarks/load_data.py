"""The load benchmark's database and its cast (benchmarks/load.py).

Runs in load.py's own process, Django set up on the benchmark's fresh database with the
server's (production) settings: the demo is built by `giaoban demo --no-serve` in a
process of its own (GIAOBAN_DEMO=1), the national-scale data by bench_reports.py's own
functions, then the cast — users on many units, each a client of the load, with the URLs
it requests, found through the project's URL names and the scope functions, never
guessed. The driver (load_drive.py) gets the cast as plain data and imports no Django.
"""

import subprocess
import sys
import time
from argparse import Namespace
from pathlib import Path

from measure import ROOT, make_user, say

# A client's role: its unit's level, and what it does (load_drive.MENUS).
COMMUNE_OFFICER, COMMUNE_LEADER = "xa.canbo", "xa.lanhdao"
PROVINCE_LEADER, PROVINCE_OFFICER = "tinh.lanhdao", "tinh.canbo"
MINISTRY = "bo"
# Who the clients are, in the order they are cast: any first k of them hold every role that
# the first k can. Per 20: 8 commune officers, 4 commune leaders (each of the commune of an
# officer), 2 province leaders (deciding on their communes' reports), 3 province officers
# (the API's bulk values, the tasks of a conference), 3 at the ministry.
PATTERN = [
    COMMUNE_OFFICER,
    COMMUNE_LEADER,
    PROVINCE_LEADER,
    PROVINCE_OFFICER,
    MINISTRY,
    COMMUNE_OFFICER,
    COMMUNE_OFFICER,
    MINISTRY,
    COMMUNE_OFFICER,
    PROVINCE_OFFICER,
    COMMUNE_OFFICER,
    COMMUNE_LEADER,
    PROVINCE_LEADER,
    COMMUNE_OFFICER,
    COMMUNE_LEADER,
    PROVINCE_OFFICER,
    COMMUNE_OFFICER,
    MINISTRY,
    COMMUNE_OFFICER,
    COMMUNE_LEADER,
]
RETURN_REASON = "[Đo tải] Đề nghị rà soát lại số liệu trước khi gửi lại."
REOPEN_REASON = "[Đo tải] Mở lại để bổ sung số liệu."
PROGRESS_TEXT = "[Đo tải] Đơn vị đã triển khai, đang tiếp tục thực hiện và sẽ báo cáo kết quả."
NATIONAL_FORM = "BENCH-63"


# ---------------------------------------------------------------------------- the database


def giaoban(args, env, log, timeout=3600):
    """Run `giaoban …` as its own process (the console script of this Python)."""
    script = Path(sys.executable).with_name("giaoban")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "giaoban.cli"]
    with open(log, "a", encoding="utf-8") as out:
        done = subprocess.run(  # noqa: S603 — our own command
            [*command, *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    if done.returncode != 0:
        tail = Path(log).read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"`giaoban {' '.join(args)}` failed ({done.returncode}):\n{tail}")


def build(options, env, log):
    """The demo on a fresh database; with --quick on a small tree of units instead of the
    real ones; with --national bench_reports.py's periods in addition."""
    import os

    import django

    started = time.perf_counter()
    if options.quick:
        # In this process (one start of Django, one migrate): the small tree, then the same
        # command, `giaoban demo --no-serve --no-import`, in demo mode as it must run.
        os.environ["GIAOBAN_DEMO"] = "1"
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        small_tree()
        with open(log, "w", encoding="utf-8") as out:
            call_command("demo", "--no-serve", "--no-import", stdout=out)
        close_connections()
        say(f"Demo on a small tree of units (--quick): {time.perf_counter() - started:.0f} s")
    else:
        giaoban(["demo", "--no-serve"], {**env, "GIAOBAN_DEMO": "1"}, log)
        say(f"Demo (`giaoban demo --no-serve`): {time.perf_counter() - started:.0f} s")
        django.setup()
    if options.national:
        started = time.perf_counter()
        national(options)
        say(f"National-scale data (bench_reports.py): {time.perf_counter() - started:.0f} s")


def settle():
    """Django set up on a database already built (load.py --base), as `build` leaves it."""
    import django

    django.setup()


def close_connections():
    from django.db import connections

    connections.close_all()


def small_tree():
    """The ministry, a department, two provinces and ten communes: the demo's own units
    (T19, T01) with room for a province leader's communes and a province officer's."""
    from giaoban.audit.context import acting_as
    from giaoban.units.models import Level, Unit

    def unit(code, name, level, parent=None):
        return Unit.objects.create(
            code=code,
            name=name,
            short_name=name.split(" ", 2)[-1],
            level=Level.objects.get(code=level),
            parent=parent,
            party_name=("Chi bộ " if level == "xa" else "Đảng ủy ") + name,
            command_name=name,
        )

    with acting_as(label="đo tải"):
        root = unit("BCA", "Bộ Công an", "bo")
        unit("CTDCT", "Cục Công tác đảng và công tác chính trị", "cuc", root)
        for code, name, communes in (
            ("T19", "Công an tỉnh Thái Nguyên", 6),
            ("T01", "Công an thành phố Hà Nội", 4),
        ):
            province = unit(code, name, "tinh", root)
            for i in range(1, communes + 1):
                unit(f"X{code[1:]}{i:03d}", f"Công an xã Minh Họa {code[1:]}-{i}", "xa", province)


def national(options):
    """bench_reports.py's form and periods, through its own functions (nothing copied)."""
    import bench_reports

    from giaoban.audit.context import acting_as
    from giaoban.units.models import Unit

    root = Unit.objects.get(code="BCA")
    form = bench_reports.build_form(root)
    admin = make_user("bench_admin", root, [(root, "admin")])
    with acting_as(user=admin, label="benchmark"):
        bench_reports.load_periods(Namespace(provinces=0, sample=240, profile=[]), form, admin)
    return form


def data_size():
    """What the database holds, in a line."""
    from django.db import connection

    from giaoban.activities.models import Activity
    from giaoban.documents.models import Document
    from giaoban.reports.models import Report, ReportValue
    from giaoban.units.models import Unit

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select page_count * page_size from pragma_page_count, pragma_page_size")
        else:
            cursor.execute("select pg_database_size(current_database())")
        size = cursor.fetchone()[0] / 2**20
    return (
        f"{Unit.objects.count():,} units, {Report.objects.count():,} reports, "
        f"{ReportValue.objects.count():,} report values, {Document.objects.count():,} documents, "
        f"{Activity.objects.count():,} activities; database {size:,.0f} MB"
    )


# ---------------------------------------------------------------------------- the cast


class Cast:
    """Users of the load on many units, each with the URLs it requests."""

    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from giaoban.core import periods
        from giaoban.reports.demo_form import FORM_CODE
        from giaoban.reports.models import ReportForm
        from giaoban.units.models import Unit

        self.form = ReportForm.objects.get(code=FORM_CODE)
        self.period = periods.containing(
            timezone.localdate(), self.form.period_type, self.form.cutoff_day
        )
        self.previous = periods.previous(self.period)
        self.version = self.form.current_version()
        self.root = Unit.objects.get(parent__isnull=True, level__code="bo")
        # Every user of the load signs in with the demo's password: its hash is copied from
        # a demo user (the same Argon2 parameters as production, hashed once).
        self.password_hash = get_user_model().objects.get(username="xa.canbo").password
        today = timezone.localdate()
        self.provinces = list(
            Unit.objects.active_on(today).filter(level__code="tinh").order_by("code")
        )
        self.today = today
        self.users = {}
        self.desks = {}
        self.national = ReportForm.objects.filter(code=NATIONAL_FORM).first()

    # ------------------------------------------------------------------ users

    def user(self, name, unit, role):
        from giaoban.accounts.models import User

        username = f"tai.{unit.code.lower()}.{name}"
        if username not in self.users:
            found = User.objects.filter(username=username).first()
            if found is None:
                found = make_user(username, unit, [(unit, role)])
                found.full_name = f"Cán bộ đo tải {unit.code}"
                found.password = self.password_hash
                found.save()
            self.users[username] = found
        return self.users[username]

    def login_users(self, n):
        """n users to sign in with (--logins): officers and leaders of communes, then of
        provinces; fewer units than that, and some sign in more than once."""
        from giaoban.audit.context import acting_as
        from giaoban.units.models import Unit

        units = list(
            Unit.objects.active_on(self.today)
            .filter(level__code__in=["xa", "tinh"])
            .order_by("-level__code", "code")[: max(1, (n + 1) // 2)]
        )
        names = []
        with acting_as(label="đo tải"):
            for unit in units:
                names.append(self.user("canbo", unit, "officer").username)
                names.append(self.user("lanhdao", unit, "leader").username)
        return [names[i % len(names)] for i in range(n)]

    # ------------------------------------------------------------------ clients

    def clients(self, n, api_items, baseline):
        from giaoban.audit.context import acting_as

        with acting_as(label="đo tải"):
            if baseline:
                out = [self.baseline_client(i) for i in range(n)]
            else:
                out = self.full_clients(n, api_items)
        for i, spec in enumerate(out):
            spec["index"] = i
        return out

    def baseline_client(self, i):
        """The issue's mix: the home page, the reports index, then the roll-up, dashboard,
        unit page and progress page of a province and of the ministry, as a ministry user
        (leader, officer, administrator in turn)."""
        from django.urls import reverse

        role = ("leader", "officer", "admin")[i % 3]
        user = self.user(f"bo{i % 3}", self.root, role)
        province = self.province("T19")
        cycle = [("home", reverse("home")), ("reports", reverse("reports:index"))]
        for kind, name in (
            ("rollup", "reports:rollup"),
            ("dashboard", "reports:dashboard"),
            ("unit", "units:detail"),
            ("progress", "reports:completeness"),
        ):
            for node in (province, self.root):
                cycle.append((kind, self.url(name, node)))
        return {
            "username": user.username,
            "role": "baseline",
            "unit": self.root.code,
            "cycle": cycle,
            "offset": i,
        }

    def province(self, code):
        return next((p for p in self.provinces if p.code == code), self.provinces[0])

    def url(self, name, unit, form=None, period=None):
        from django.urls import reverse

        if name.startswith("units:"):
            return reverse(name, kwargs={"code": unit.code})
        form = form or self.form
        period = period or self.period.key
        return reverse(name, kwargs={"form": form.code, "period": period, "code": unit.code})

    def full_clients(self, n, api_items):
        roles = [PATTERN[i % len(PATTERN)] for i in range(n)]
        cells, officer_pool = self.split_provinces(roles)
        out = []
        for i, role in enumerate(roles):
            if role == COMMUNE_OFFICER:
                spec = self.commune_officer(cells)
            elif role == COMMUNE_LEADER:
                spec = self.commune_leader(i, out)
            elif role == PROVINCE_LEADER:
                spec = self.province_leader(i, cells)
            elif role == PROVINCE_OFFICER:
                spec = self.province_officer(officer_pool, api_items)
            else:
                spec = self.ministry(i)
            spec.setdefault("pages", {})["home"] = [self._reverse("home")]
            out.append(spec)
        return out

    def split_provinces(self, roles):
        """Provinces whose communes' reports go round the workflow (a province leader of
        the load each, the cells), and provinces of the province officers: those with a
        conference task open to them first, none of the cells (the API's bulk values never
        write into a report a cell is working on)."""
        from giaoban.conferences.models import Task
        from giaoban.conferences.tasks import OPEN_STATES

        open_tasks = set(
            Task.objects.filter(status__in=OPEN_STATES, unit__level__code="tinh").values_list(
                "unit__code", flat=True
            )
        )
        n_cells = max(1, roles.count(PROVINCE_LEADER))
        demo_first = sorted(self.provinces, key=lambda p: (p.code != "T19", p.code))
        cells = [p for p in demo_first if p.code not in open_tasks][:n_cells]
        if len(cells) < n_cells:
            cells += [p for p in demo_first if p not in cells][: n_cells - len(cells)]
        rest = [p for p in self.provinces if p not in cells]
        officers = sorted(rest, key=lambda p: (p.code not in open_tasks, p.code))
        # With every province a cell (a small tree), the officers send no bulk values.
        pool = [{"province": p, "used": 0, "api": True} for p in officers]
        pool = pool or [{"province": p, "used": 0, "api": False} for p in cells]
        return [{"province": p, "communes": self.cell_communes(p), "used": 0} for p in cells], pool

    def cell_communes(self, province):
        from giaoban.units.models import Unit

        return list(
            Unit.objects.active_on(self.today)
            .filter(parent=province, level__code="xa")
            .select_related("level")
            .order_by("code")
        )

    def commune_officer(self, cells):
        """An officer typing in the commune's report; its desk (the report's state) is
        shared with the commune's leader and the province leader of the cell. The cells
        share the officers out evenly (as many cells as province leaders cast)."""
        cell = min(cells, key=lambda c: (c["used"] >= len(c["communes"]), c["used"]))
        commune = cell["communes"][cell["used"] % len(cell["communes"])]
        cell["used"] += 1
        user = self.user("canbo", commune, "officer")
        desk = self.desk(commune, cell["province"])
        spec = self.pages_for(user, commune)
        spec.update(role=COMMUNE_OFFICER, desk=desk, cell=cell["province"].code)
        spec["pages"]["fill"] = [self.url("reports:fill", commune)]
        return spec

    def commune_leader(self, i, done):
        """The leader of the commune of an officer without a leader yet (signs off)."""
        from giaoban.units.models import Unit

        taken = {s["desk"] for s in done if s.get("role") == COMMUNE_LEADER}
        officer = next(
            (s for s in done if s.get("role") == COMMUNE_OFFICER and s["desk"] not in taken), None
        )
        if officer is None:
            return self.ministry(i)
        commune = Unit.objects.get(code=officer["desk"])
        user = self.user("lanhdao", commune, "leader")
        spec = self.pages_for(user, commune)
        spec.update(role=COMMUNE_LEADER, desk=officer["desk"], cell=officer["cell"])
        spec["pages"]["fill"] = [self.url("reports:fill", commune)]
        return spec

    def province_leader(self, i, cells):
        cell = next((c for c in cells if not c.get("leader")), None)
        if cell is None:
            return self.ministry(i)
        cell["leader"] = True
        province = cell["province"]
        user = self.user("lanhdao", province, "leader")
        spec = self.pages_for(user, province)
        spec.update(role=PROVINCE_LEADER, cell=province.code)
        spec["pages"]["inbox"] = [self._reverse("reports:inbox")]
        self.node_pages(spec, [province])
        return spec

    def province_officer(self, pool, api_items):
        from giaoban.accounts.models import ApiToken

        entry = min(pool, key=lambda e: e["used"])
        entry["used"] += 1
        province = entry["province"]
        name = "canbo" if entry["used"] == 1 else f"canbo{entry['used']}"
        user = self.user(name, province, "officer")
        spec = self.pages_for(user, province)
        spec.update(role=PROVINCE_OFFICER)
        spec["pages"]["fill"] = [self.url("reports:fill", province)]
        spec["pages"]["rollup"] = [self.url("reports:rollup", province)]
        spec["pages"]["progress"] = [self.url("reports:completeness", province)]
        if entry["api"]:
            _token, key = ApiToken.issue(user, "đo tải")
            spec["api"] = self.api_bodies(province, key, api_items, entry["used"])
        return spec

    def ministry(self, i):
        role = ("leader", "officer", "viewer", "admin")[i % 4]
        user = self.user(f"{role}{i}", self.root, role)
        spec = self.pages_for(user, self.root)
        spec.update(role=MINISTRY)
        nodes = [self.root] * 3 + [p for p in self.provinces[i % 3 :: 3]][:3]
        self.node_pages(spec, nodes)
        return spec

    def node_pages(self, spec, nodes):
        pages = spec["pages"]
        pages["rollup"] = [self.url("reports:rollup", n) for n in nodes]
        pages["dashboard"] = [self.url("reports:dashboard", n) for n in nodes]
        pages["progress"] = [self.url("reports:completeness", n) for n in nodes]
        if self.national is not None:  # bench_reports.py's periods: legacy and 2025 trees
            legacy, current = "2024-H2", "2025-H2"
            for kind, name in (
                ("rollup-national", "reports:rollup"),
                ("dashboard-national", "reports:dashboard"),
                ("progress-national", "reports:completeness"),
            ):
                pages[kind] = [
                    self.url(name, n, self.national, legacy if n == self.root else current)
                    for n in nodes
                ]

    def _reverse(self, name, **kwargs):
        from django.urls import reverse

        return reverse(name, kwargs=kwargs or None)

    # ------------------------------------------------------------------ pages by scope

    def pages_for(self, user, unit):
        """The pages of every app this user may open: units, the register and a few of its
        documents, the conferences and a task open to the user's unit, the campaign, the
        activity log."""
        from giaoban.campaigns.models import Campaign
        from giaoban.conferences import tasks
        from giaoban.conferences.models import Conference, Task
        from giaoban.core import roles, scope
        from giaoban.documents.models import Document

        roles.forget(user)
        pages = {
            "units": [
                self._reverse("units:browser"),
                self._reverse("units:browser") + "?q=" + _quote(unit.short_name or unit.name),
                self.url("units:detail", unit),
            ],
            "register": [self._reverse("documents:incoming")],
            "activities": [self._reverse("activities:log")],
        }
        if unit.level.code != "xa":
            pages["register"].append(self._reverse("documents:register"))
        documents = (
            Document.objects.restrict(user, scope.VIEW)
            .filter(status="issued")
            .order_by("-pk")
            .values_list("pk", flat=True)[:5]
        )
        pages["document"] = [self._reverse("documents:detail", pk=pk) for pk in documents]
        conferences = Conference.objects.restrict(user, scope.VIEW).values_list("pk", flat=True)
        pages["conference"] = [self._reverse("conferences:index")]
        pages["conference"] += [
            self._reverse("conferences:conference", pk=pk) for pk in conferences[:2]
        ]
        pages["conference"].append(self._reverse("conferences:tasks"))
        campaigns = Campaign.objects.restrict(user, scope.VIEW).values_list("pk", flat=True)
        pages["campaign"] = [self._reverse("campaigns:campaign", pk=pk) for pk in campaigns[:2]]
        spec = {"username": user.username, "unit": unit.code, "pages": pages}
        open_tasks = Task.objects.restrict(user, scope.VIEW).filter(status__in=tasks.OPEN_STATES)
        mine = [
            t
            for t in open_tasks.select_related("unit", "assigner")
            if tasks.progress_refusal(user, t) is None
        ][:2]
        if mine:
            spec["tasks"] = [
                {
                    "url": self._reverse("conferences:task_progress", pk=t.pk),
                    "fields": {"text": PROGRESS_TEXT, "evidence": ""},
                }
                for t in mine
            ]
        return spec

    # ------------------------------------------------------------------ reports

    def desk(self, commune, province):
        """A report going round the workflow: its URLs, its state now, and two complete,
        valid sets of figures and texts (this period's and last period's of the demo's
        generator) that the officer's saves alternate between, so every save changes it."""
        from giaoban.reports.forms import ReasonForm
        from giaoban.reports.models import Report

        if commune.code in self.desks:
            return commune.code
        report = Report.objects.filter(
            form=self.form, unit=commune, period_key=self.period.key
        ).first()
        status = {"submitted": "submitted", "accepted": "accepted"}.get(
            report.status if report else "draft", "draft"
        )
        self.desks[commune.code] = {
            "unit": commune.code,
            "cell": province.code,
            "status": status,
            "urls": {
                name: self.url(f"reports:{name}", commune)
                for name in ("fill", "submit", "accept", "return", "reopen")
            },
            "sets": self.entry_sets(commune),
            # The reason box of each decision, named as its form names it.
            "reasons": {
                action: {ReasonForm(action=action).add_prefix("reason"): text}
                for action, text in (("return", RETURN_REASON), ("reopen", REOPEN_REASON))
            },
        }
        return commune.code

    def entry_sets(self, unit):
        """Two sets of the fill-in form's fields ({name: text}), each complete and passing
        the form's rules; the indicators computed from the records are left to them."""
        from giaoban.reports import computed, demo_data
        from giaoban.reports.forms import REASON_PREFIX, TEXT_PREFIX, VALUE_PREFIX, input_text
        from giaoban.reports.validation import check

        indicators = list(self.version.indicators.all())
        pairs = computed.computed_of(indicators)
        codes = {ind.code for ind, _source in pairs}
        records = computed.live(pairs, [unit.pk], self.period.start, self.period.end)[unit.pk]
        sets = []
        for period in (self.period, self.previous):
            values, texts = demo_data.entry(unit, period, records=records)
            problems = [p for p in check(self.version, values, texts) if p.is_error]
            if problems:
                raise SystemExit(f"{unit.code} {period.key}: the demo's figures fail: {problems}")
            fields = {}
            for ind in indicators:
                if ind.code in codes:
                    fields[VALUE_PREFIX + ind.code] = ""
                    fields[REASON_PREFIX + ind.code] = ""
                else:
                    fields[VALUE_PREFIX + ind.code] = input_text(values.get(ind.code), ind)
            for code, text in texts.items():
                fields[TEXT_PREFIX + code] = text
            sets.append(fields)
        return sets

    def api_bodies(self, province, key, size, turn):
        """Bulk values of the province's communes (`size` a request), each chunk twice —
        this period's and last period's figures — so each request changes what it writes."""
        import json

        from django.urls import reverse

        from giaoban.reports import computed, demo_data

        communes = self.cell_communes(province)
        codes = {ind.code for ind, _s in computed.computed_of(self.version.indicators.all())}
        start = (turn - 1) * size % max(1, len(communes))
        communes = communes[start:] + communes[:start]
        bodies = []
        for at in range(0, min(len(communes), size * 5), max(1, size)):
            chunk = communes[at : at + size]
            for period in (self.period, self.previous):
                items = []
                for unit in chunk:
                    values, texts = demo_data.entry(unit, period)
                    values = {c: _number(v) for c, v in values.items() if c not in codes}
                    items.append({"unit": unit.code, "values": values, "texts": texts})
                bodies.append(json.dumps({"items": items}, ensure_ascii=False))
        url = reverse(
            "api:report_values", kwargs={"form": self.form.code, "period": self.period.key}
        )
        return {"url": url, "token": key, "bodies": bodies}


def _number(value):
    return int(value) if value == value.to_integral_value() else float(value)


def _quote(text):
    from urllib.parse import quote

    return quote(text)


def facts(options):
    """The database, what it holds, and the code measured."""
    from measure import code_version, db_version

    import giaoban

    package = Path(giaoban.__file__).resolve().parent
    if package != ROOT / "giaoban":
        code = f"giaoban from {package} (not this checkout)"
    else:
        lines = code_version().splitlines()
        changed = f", {len(lines) - 1} files with local changes" if len(lines) > 1 else ""
        code = lines[0].split(",")[0] + changed
    return {"db": db_version(), "size": data_size(), "code": code}


def cast(options):
    """The plan the driver runs: {clients, desks, logins, login_url, form, period, national}."""
    from django.urls import reverse

    c = Cast()
    plan = {
        "form": c.form.code,
        "period": c.period.key,
        "desks": {},
        "clients": [],
        "login_url": reverse("login"),
    }
    if options.logins:
        plan["logins"] = c.login_users(options.logins)
        close_connections()
        return plan
    plan["clients"] = c.clients(options.clients, options.api_items, options.mix == "baseline")
    plan["desks"] = c.desks
    plan["national"] = c.national is not None
    close_connections()
    return plan
