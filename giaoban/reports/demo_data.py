"""Báo cáo minh họa — synthetic, labelled demo reports on the real units.

What the demo shows on the demo form (CTD-CTCT-6T, 6-month, cut-off day 15):

- the three periods before the current one, accepted, reported by the units active at
  each period's end — so with today's date in 2026-H2, 2025-H1 (15/12/2024–14/06/2025)
  is reported by the legacy communes under the 63 legacy provinces, and a 2026-H1
  dashboard's "same period last year" reaches it through the lineage; 2025-H2 and
  2026-H1 by the 34 provinces, 3,321 communes and the ministry's departments. Loaded
  through `bulk.import_values(accept_history=True)`, the path of historical imports.
  Every figure of these periods comes from the generator, the dissemination ones (GD01,
  GD02, computed from the activity log) included: history is stored as given and marked
  so (`computed.HISTORY`) — the demo's activity log covers only the last twelve months
  and no legacy unit, so it could not give a whole past half-year;
- the current period partly filled through the real workflow (drafts, submissions,
  acceptances, one return with its reason) for a few provinces and the communes of
  the demo province, plus bulk drafts for communes of the second demo province. Its
  dissemination figures are what the demo's activity log says (that loader runs first):
  drafts follow it, submissions froze it.

Everything is marked: `Report.is_demo` is set and every narrative text and return
reason starts with LABEL. Figures come from a random generator seeded by unit code and
period key (the same every run), scaled by level, trending slowly up from period to
period, and built to pass the form's rules. Texts are templates filled with the
unit's own figures: no real event, no named person.

Idempotent: a unit that already has a report for a period is left alone, so a second
run writes nothing. Workflow steps are taken by a dedicated account that cannot log
in (inactive, unusable password): it holds the leader roles it needs only while it
works, and the audit log shows it as the actor.
"""

import datetime
import random
import time
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from giaoban.accounts.models import RoleAssignment
from giaoban.accounts.system import SYSTEM_USERNAME, demo_account
from giaoban.audit.context import acting_as
from giaoban.core import paths, periods, roles
from giaoban.reports import bulk, computed, workflow
from giaoban.reports.demo_form import ensure_computed, ensure_demo_form
from giaoban.reports.models import Report, ReportEvent, Rollup
from giaoban.units import history
from giaoban.units.models import Unit

LABEL = "[Số liệu minh họa]"
SEED = "giaoban-demo-2026"
PAST_PERIODS = 3
RETURN_REASON = (
    f"{LABEL} Đề nghị rà soát lại số liệu mục II (Xây dựng Đảng) và bổ sung phần "
    "“Hạn chế, tồn tại” trước khi gửi lại."
)
TREND_FROM = datetime.date(2024, 12, 15)  # trends count half-years from this start date

# A unit's own figures for one 6-month period: (commune low, high, province low, high).
COUNTS = {
    "GD01": (3, 8, 18, 45),
    "GD03": (4, 12, 10, 30),
    "GD05": (1, 4, 4, 12),
    "GD07": (1, 4, 6, 20),
    "GD08": (0, 6, 30, 150),
    "XD03": (0, 2, 8, 40),
    "XD09": (1, 6, 10, 40),
    "TD01": (1, 3, 3, 8),
    "TD02": (0, 2, 10, 60),
    "TD03": (0, 8, 60, 300),
    "TD04": (0, 2, 3, 20),
    "VH01": (1, 5, 8, 30),
    "VH03": (0, 2, 2, 8),
    "VH05": (1, 3, 3, 10),
    "VH06": (0, 5, 5, 40),
    "TT01": (1, 4, 5, 20),
    "TT03": (0, 6, 10, 60),
    "TT04": (1, 3, 5, 15),
    "DV01": (2, 10, 10, 50),
    "DV02": (0, 2, 2, 15),
    "DV03": (1, 6, 3, 20),
    "DV04": (1, 5, 8, 30),
    "DV05": (5, 50, 100, 800),
    "DV06": (1, 15, 30, 300),
}
MONEY = {"TT05": (2, 30, 100, 800), "DV07": (5, 60, 200, 2000)}  # triệu đồng
PERCENT = {"GD09": (85, 100), "VH07": (80, 100), "VH08": (70, 98)}
PEOPLE = (15, 45, 900, 3500)  # cán bộ, chiến sĩ of the unit itself
PARTY_CELLS = (1, 2, 30, 90)  # tổ chức đảng trực thuộc
# How big a unit's own work is, against the ranges above: a department is smaller than a
# provincial force; before 1 July 2025 there were three times as many communes (10,035
# for 3,321) and almost twice as many provinces (63 for 34), each that much smaller.
LEVEL_SCALE = {"xa": ("xa", 1.0), "huyen": ("xa", 1.5), "tinh": ("tinh", 1.0), "cuc": ("tinh", 0.3)}
CLOSED_SCALE = {"xa": 3321 / 10035, "tinh": 34 / 63}
COMMUNE_TEXTS = ("KQ", "HC", "PH")


# ---------------------------------------------------------------------------- figures


def _rng(*parts):
    return random.Random("|".join([SEED, *map(str, parts)]))


def _step(period):
    """Half-years since TREND_FROM: the slow upward trend of every activity count."""
    months = (period.start.year - TREND_FROM.year) * 12 + period.start.month - TREND_FROM.month
    return max(0, months // 6)


def figures(unit_code, level_code, period, closed=False):
    """The synthetic figures of one unit for one period: {indicator code: Decimal}.

    Deterministic: the unit's character (its size, its habits) comes from its code, the
    period's ups and downs from code and period key. `closed` marks a unit that no longer
    exists: legacy units are smaller (CLOSED_SCALE), so that national totals computed on
    the legacy tree and on today's are of the same size, as they would be for real.
    """
    kind, level_factor = LEVEL_SCALE.get(level_code, ("xa", 1.0))
    shrink = CLOSED_SCALE.get(level_code, 1.0) if closed else 1.0
    factor = level_factor * shrink
    small = kind == "xa"
    base, now = _rng(unit_code), _rng(unit_code, period.key)
    trend = 1 + 0.03 * _step(period)
    size = base.uniform(0.8, 1.25)

    def pick(bounds):
        low, high = (bounds[0], bounds[1]) if small else (bounds[2], bounds[3])
        return low + (high - low) * base.random()

    def count(x):
        """x rounded up or down at random, so that many small units add up to the right sum."""
        return int(x + now.random())

    out = {}
    for code, bounds in COUNTS.items():
        out[code] = count(pick(bounds) * size * factor * trend * now.uniform(0.85, 1.15))
    head = pick(PEOPLE) * size * level_factor * (1 + 0.01 * _step(period))
    people = max(3, round(head * shrink))  # cán bộ, chiến sĩ of this unit
    hall = min(head, 250)  # who attends a session: a whole commune, a province's share
    members = round(people * base.uniform(0.55, 0.8))
    cells_share = pick(PARTY_CELLS) * (shrink if small else size * factor)
    cells = max(1, round(cells_share))
    out["XD01"], out["XD02"] = cells, members
    out["XD10"] = now.randint(5, 7) if small else now.randint(8, 14)  # about monthly, any size
    out["GD01"] = max(1, out["GD01"])
    out["GD02"] = out["GD01"] * max(1, round(hall * now.uniform(0.8, 0.97)))
    out["GD04"] = min(out["GD03"], max(1, round(out["GD03"] * now.uniform(0.3, 0.7))))
    out["GD06"] = out["GD05"] * max(1, round(hall * now.uniform(0.75, 0.95)))
    out["XD04"] = out["XD03"] + count(now.uniform(0, 2 if small else 10) * shrink)
    out["XD05"] = min(cells, count(cells_share * now.uniform(0.3, 0.9 if small else 0.5)))
    out["XD06"] = min(cells, count(cells_share * now.uniform(0.1, 0.4)))
    out["XD07"] = min(members, round(members * now.uniform(0.1, 0.3)))
    if small:
        discipline = 1 if now.random() < 0.03 * shrink else 0
    else:
        discipline = now.choice([0, 0, 1, 1, 2, 3])
    out["XD08"] = min(members, discipline)
    out["TD05"] = round((out["TD02"] + out["TD03"]) * now.uniform(0.2, 0.5))
    out["VH02"] = out["VH01"] * max(1, round(hall * now.uniform(0.5, 0.9)))
    out["VH04"] = round(people * now.uniform(0.6, 1.6))
    out["TT02"] = out["TT01"] * max(1, round(hall * now.uniform(0.5, 0.9)))
    values = {code: Decimal(n) for code, n in out.items()}
    for code, bounds in MONEY.items():
        low, high = (bounds[0], bounds[1]) if small else (bounds[2], bounds[3])
        amount = (low + (high - low) * base.random()) * factor * trend * now.uniform(0.8, 1.2)
        values[code] = Decimal(f"{amount:.1f}")
    for code, (low, high) in PERCENT.items():
        usual = low + (high - low) * base.random()
        values[code] = Decimal(f"{min(100.0, max(0.0, usual + now.uniform(-4, 4))):.1f}")
    values["TD06"] = Decimal(f"{now.uniform(85, 99.5):.1f}")
    return values


def _n(value):
    """A figure as Vietnamese text: 1.234 and 95,5."""
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")


TEMPLATES = {
    "KQ": [
        "Trong kỳ, đơn vị tổ chức {GD01} buổi học tập, quán triệt nghị quyết, chỉ thị với "
        "{GD02} lượt cán bộ, chiến sĩ tham gia; kết nạp {XD03} đảng viên mới; tổ chức {DV01} "
        "hoạt động dân vận và {VH01} hoạt động văn hóa, văn nghệ.",
        "Đơn vị duy trì nền nếp sinh hoạt chính trị: {GD05} buổi sinh hoạt chính trị theo đợt "
        "({GD06} lượt người), {XD09} buổi sinh hoạt chi bộ chuyên đề; kiểm tra {XD05} tổ chức "
        "đảng; {TD02} tập thể và {TD03} lượt cá nhân được khen thưởng.",
        "Các mặt công tác đảng, công tác chính trị được triển khai theo kế hoạch: quán triệt "
        "{GD03} văn bản của cấp trên, ban hành {GD04} kế hoạch thực hiện; tổ chức {TT01} hoạt "
        "động giáo dục truyền thống và {DV03} buổi tiếp xúc, đối thoại với nhân dân.",
    ],
    "HC": [
        "Một số buổi sinh hoạt chuyên đề còn nặng về hình thức; việc cập nhật số liệu ở một số "
        "bộ phận còn chậm.",
        "Tỷ lệ cán bộ, chiến sĩ được quán triệt đầy đủ đạt {GD09}%, một số bộ phận chưa đạt "
        "yêu cầu đề ra.",
        "Hoạt động văn hóa, văn nghệ, thể thao chưa thường xuyên; trong kỳ có {VH06} lượt nhắc "
        "nhở vi phạm điều lệnh.",
    ],
    "NN": [
        "Nhiệm vụ chuyên môn nhiều, thời gian dành cho sinh hoạt tập trung còn hạn chế.",
        "Lực lượng mỏng, địa bàn rộng; một số cán bộ mới được điều động chưa nắm chắc quy trình.",
    ],
    "BH": [
        "Bám sát chỉ đạo của cấp trên; phân công rõ người, rõ việc, rõ thời hạn.",
        "Kết hợp giáo dục chính trị tư tưởng với kiểm tra, giám sát thường xuyên.",
    ],
    "PH": [
        "Tiếp tục quán triệt, triển khai các nghị quyết, chỉ thị của cấp trên; nâng cao chất "
        "lượng sinh hoạt chi bộ; đẩy mạnh phong trào thi đua trong kỳ tới.",
        "Duy trì hội nghị cấp ủy định kỳ ({XD10} hội nghị trong kỳ này); chú trọng công tác "
        "phát triển đảng viên và công tác dân vận.",
    ],
    "DX": [
        "Đề nghị cấp trên tiếp tục bồi dưỡng nghiệp vụ công tác đảng, công tác chính trị cho cán "
        "bộ chuyên trách.",
        "Không có đề xuất, kiến nghị.",
    ],
}


def texts(unit_code, level_code, period, values, fields=None):
    """Narrative texts from templates and the unit's own figures, each starting with LABEL."""
    fields = fields or (COMMUNE_TEXTS if level_code == "xa" else tuple(TEMPLATES))
    rng = _rng(unit_code, period.key, "texts")
    shown = _Shown(values)
    return {code: f"{LABEL} {rng.choice(TEMPLATES[code]).format_map(shown)}" for code in fields}


class _Shown(dict):
    """The figures a template names, written the Vietnamese way only when asked for."""

    def __getitem__(self, code):
        return _n(super().__getitem__(code))


def partial(values, share=0.5):
    """The first `share` of a draft's figures, in form order (an officer still typing)."""
    codes = sorted(values, key=_FORM_ORDER.get)
    return {code: values[code] for code in codes[: max(1, int(len(codes) * share))]}


_FORM_ORDER = {
    code: i
    for i, code in enumerate(
        "GD01 GD02 GD03 GD04 GD05 GD06 GD07 GD08 GD09 XD01 XD02 XD03 XD04 XD05 XD06 XD07 XD08 "
        "XD09 XD10 TD01 TD02 TD03 TD04 TD05 TD06 VH01 VH02 VH03 VH04 VH05 VH06 VH07 VH08 TT01 "
        "TT02 TT03 TT04 TT05 DV01 DV02 DV03 DV04 DV05 DV06 DV07".split()
    )
}


def entry(unit, period, fields=None, records=None):
    """(values, texts) of one unit for one period; `records` — the figures computed from
    its records — replace the generator's (and the texts say them)."""
    closed = unit.active_to is not None
    values = figures(unit.code, unit.level.code, period, closed=closed)
    values.update(records or {})
    return values, texts(unit.code, unit.level.code, period, values, fields)


# ---------------------------------------------------------------------------- loading


def load_demo_reports(ctx):
    """The `giaoban demo` loader (registered in ReportsConfig.ready()): demo reports as the
    demo admin."""
    load(ctx, ctx.users["quantri"], log=ctx.log)


def load(ctx, admin, today=None, log=print):
    """Load the demo reports. `ctx` is a giaoban.demo.DemoContext; `admin` holds ADMINISTER
    at the root (historical imports need it). Returns {period key: reports created}."""
    started = time.monotonic()
    today = today or timezone.localdate()
    form = ensure_demo_form()
    current = periods.containing(today, form.period_type, form.cutoff_day)
    past = [periods.shift(current, -n) for n in range(PAST_PERIODS, 0, -1)]
    created = {}
    with acting_as(user=admin, label="dữ liệu minh họa"):
        ensure_computed(form)
        for period in past:
            created[period.key] = load_history(form, period, admin)
            log(
                f"Kỳ {period.label}: {created[period.key]} báo cáo minh họa đã duyệt "
                f"({time.monotonic() - started:.1f} s)."
            )
    created[current.key] = load_current(form, current, ctx, admin)
    log(
        f"Kỳ hiện tại {current.label}: {created[current.key]} báo cáo minh họa đang làm "
        f"({time.monotonic() - started:.1f} s)."
    )
    return created


def _expected(form, period):
    """Units that report on the form for the period, as the tree stood at its end."""
    return list(
        Unit.objects.active_on(period.end)
        .filter(level__in=form.levels.all())
        .select_related("level")
        .order_by("code")
    )


def _without_report(form, period, units):
    done = set(
        Report.objects.filter(form=form, period_key=period.key).values_list("unit_id", flat=True)
    )
    return [u for u in units if u.pk not in done]


def load_history(form, period, admin):
    """Accepted reports of a past period for every expected unit that has none yet."""
    units = _without_report(form, period, _expected(form, period))
    if not units:
        return 0
    items = []
    for unit in units:
        values, narrative = entry(unit, period)
        items.append({"unit": unit.code, "values": values, "texts": narrative})
    with transaction.atomic():
        result = bulk.import_values(
            form, period.key, items, admin, accept_history=True, is_demo=True
        )
        _backdate(form, period, units)
    return result.reports_created


def _backdate(form, period, units):
    """Give historical reports plausible dates around their deadline (a few late ones).

    The bulk path stamps historical data with the moment of import, which would make
    every past report late. The demo spreads them over the days before each deadline
    instead (a few days after it for about one in twenty-five) in a few dozen grouped
    updates, then sets the period's late counts to what `rollup.recompute` would find
    (the demo's tests check that) without recomputing every figure again.
    """
    tz = timezone.get_current_timezone()
    deadlines = {
        level.pk: workflow.deadline_for(form, level, period) for level in form.levels.all()
    }
    groups = defaultdict(list)  # (deadline, days late or early, days to decide) → report ids
    late = defaultdict(int)  # node code → late reports in its subtree
    rows = Report.objects.filter(form=form, period_key=period.key, unit__in=units)
    for rid, code, level_id, path in rows.values_list("id", "unit__code", "unit__level_id", "path"):
        rng = _rng(code, period.key, "dates")
        shift = rng.randint(1, 4) if rng.random() < 0.04 else -rng.randint(0, 6)
        groups[(deadlines[level_id], shift, rng.randint(1, 3))].append(rid)
        if shift > 0:
            for node in paths.codes(path):
                late[node] += 1
    for (deadline, shift, decide), ids in sorted(groups.items()):
        day = deadline + datetime.timedelta(days=shift)
        sent = datetime.datetime.combine(day, datetime.time(9, 30), tz)
        decided = sent + datetime.timedelta(days=decide, hours=5)
        Report.objects.filter(pk__in=ids).update(
            submitted_at=sent, first_submitted_at=sent, decided_at=decided
        )
        ReportEvent.objects.filter(report_id__in=ids).update(at=decided)
    node_rows = Rollup.objects.filter(form=form, period_key=period.key)
    fixed = [
        Rollup(pk=pk, late=late.get(code, 0))
        for pk, code, was in node_rows.values_list("pk", "node__code", "late")
        if was != late.get(code, 0)
    ]
    Rollup.objects.bulk_update(fixed, ["late"], batch_size=500)


# ---------------------------------------------------------------- the current period


def _scenario(ctx, period):
    """[(unit, outcome)] for the current period. Outcomes: draft (complete), partial (half
    the figures and one text), bulk (60 % of the figures, no text), submitted, accepted,
    returned (with RETURN_REASON)."""
    day = period.end
    provinces = list(Unit.objects.active_on(day).filter(level__code="tinh").order_by("code"))
    others = [p for p in provinces if p.pk not in (ctx.province_a.pk, ctx.province_b.pk)]
    plan = [(ctx.province_a, "partial"), (ctx.province_b, "submitted")]
    outcomes = ["accepted", "accepted", "accepted", "submitted", "returned", "draft"]
    plan += list(zip(others[::5], outcomes, strict=False))
    if ctx.department is not None:
        plan.append((ctx.department, "accepted"))

    def communes(province):
        return list(
            Unit.objects.active_on(day)
            .filter(parent=province, level__code="xa")
            .select_related("level")
            .order_by("code")
        )

    # The demo province's communes: most accepted, two waiting for its leader, one
    # returned, the demo commune still typing, the last third not started.
    rest = [c for c in communes(ctx.province_a) if c.pk != ctx.commune_a.pk]
    started = rest[: max(1, round(len(rest) * 2 / 3))]
    for i, commune in enumerate(started):
        outcome = "accepted"
        if i in (1, 2):
            outcome = "submitted"
        elif i == 3:
            outcome = "returned"
        plan.append((commune, outcome))
    plan.append((ctx.commune_a, "partial"))
    plan += [(c, "bulk") for c in communes(ctx.province_b)[::2]]
    return plan


def load_current(form, period, ctx, admin):
    """The current period, partly filled: drafts written through the bulk path (as an
    officer's saves or an upload would), then submissions, acceptances and a return taken
    through the workflow, each moving the live roll-up."""
    plan = [(u, outcome) for u, outcome in _scenario(ctx, period) if u.active_on(period.end)]
    todo = {u.pk for u in _without_report(form, period, [u for u, _o in plan])}
    plan = [(u, outcome) for u, outcome in plan if u.pk in todo]
    if not plan:
        return 0
    # The dissemination figures of the current period are what the demo's activity log
    # says (its loader runs first), so that a draft, a submission and its text agree.
    pairs = computed.computed_of(form.current_version().indicators.all())
    records = computed.live(pairs, [u.pk for u, _o in plan], period.start, period.end)
    items = []
    for unit, outcome in plan:
        values, narrative = entry(unit, period, records=records[unit.pk])
        if outcome == "partial":
            values, narrative = partial(values), {"KQ": narrative["KQ"]}
        elif outcome == "bulk":
            values, narrative = partial(values, 0.6), {}
        items.append({"unit": unit.code, "values": values, "texts": narrative})
    with acting_as(user=admin, label="dữ liệu minh họa"):
        bulk.import_values(form, period.key, items, admin, is_demo=True)
    steps = [(u, o) for u, o in plan if o in ("submitted", "accepted", "returned")]
    if steps:
        _walk(form, period, steps, ctx.ministry)
    return len(plan)


@transaction.atomic
def _walk(form, period, steps, root):
    """Take each report on through the real workflow as the demo's own account."""
    parents = history.parents_on(period.end)
    needed = {u.pk for u, _o in steps}
    needed |= {parents[u.pk] for u, outcome in steps if outcome != "submitted"}
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(form=form, period_key=period.key, unit_id__in=needed)
    }
    actor = demo_account(root)
    with acting_as(user=actor, label=SYSTEM_USERNAME):
        grants = [
            RoleAssignment.objects.get_or_create(user=actor, unit_id=pk, role=roles.LEADER)[0]
            for pk in sorted(needed)
        ]
        roles.forget(actor)
        for unit, outcome in steps:
            report = workflow.submit(reports[unit.pk], actor)
            if outcome == "accepted":
                workflow.accept(report, actor)
            elif outcome == "returned":
                workflow.return_report(report, actor, RETURN_REASON)
        for grant in grants:
            grant.delete()
