"""Nhật ký hoạt động minh họa — a year of synthetic, labelled activities on the real units.

Two parts, both through `services.import_rows` (the bulk path of Excel uploads and the
API: validated row by row, the tally kept, one audit entry per activity, the register's
dissemination records set):

- dissemination sessions of the demo documents (giaoban/documents/demo.py, which runs
  first: the documents app comes before this one): each province's session on the
  ministry's plan (most of them, before its deadline), and the communes' sessions on
  their province's implementing plan — about two thirds of the communes, most before
  their deadline, some after it; the others owe it still (overdue where the deadline
  has passed, pending where it has not). The demo commune (`xa.canbo`) has none yet, so
  that a visitor can record it;
- a year of activities of every kind across the tree, up to today: a few a month for a
  commune, more for a province or department, the ministry's own.

Every title ends with LABEL and `Activity.is_demo` is set. Figures are counts only (party
members, officers, others), drawn from a generator seeded by unit code and month: the
same every run. Idempotent: when demo activities exist, nothing is written. The rows are
recorded by the demo's own account, which cannot log in (the reports' demo makes the same
one).
"""

import datetime
import random
import time

from django.utils import timezone

from giaoban.accounts.system import SYSTEM_USERNAME, demo_account
from giaoban.activities import services
from giaoban.activities.models import Activity, ActivityKind
from giaoban.audit.context import acting_as
from giaoban.core import registry
from giaoban.documents import public as documents
from giaoban.units.models import Unit

LABEL = "(dữ liệu mẫu)"
SEED = "giaoban-demo-2026"
MESSAGE = "Nạp nhật ký hoạt động minh họa"
SESSION_SHARE = 2 / 3  # communes that have held their session
LATE_SHARE = 0.15  # of those, after the deadline (when it has passed)
PROVINCE_SHARE = 0.8  # provinces that have disseminated the ministry's plan
MONTHS = 12
# Activities recorded a month: (low, high) by level. A commune about two (its monthly party
# cell meeting and one more), a province's own offices about seven. With 3,321 communes
# that is about 80,000 a year: the demo loads in seconds, not minutes.
PER_MONTH = {"xa": (1, 3), "tinh": (4, 10), "cuc": (2, 5), "bo": (1, 3)}
CHUNK = 20_000  # rows per import_rows call

# kind code: (weight, [titles]); a title may name the month.
KINDS = {
    "quan-triet": (2, ["Học tập, quán triệt nghị quyết, chỉ thị tháng {m}"]),
    "gd-chinh-tri": (
        3,
        ["Sinh hoạt chính trị, tư tưởng tháng {m}", "Thông tin thời sự, chính sách tháng {m}"],
    ),
    "gd-truyen-thong": (1, ["Giáo dục truyền thống Công an nhân dân", "Thăm di tích lịch sử"]),
    "van-hoa": (1, ["Giao lưu văn nghệ", "Hội diễn văn nghệ quần chúng"]),
    "the-thao": (1.5, ["Giải bóng đá", "Tập luyện thể dục buổi sáng tháng {m}"]),
    "dieu-lenh": (1.5, ["Kiểm tra điều lệnh, lễ tiết, tác phong", "Huấn luyện điều lệnh"]),
    "dan-van": (2, ["Tuyên truyền pháp luật tại khu dân cư", "Giúp dân sửa nhà, làm đường"]),
    "chi-bo": (2, ["Sinh hoạt chi bộ chuyên đề tháng {m}"]),
    "to-chuc-ctxh": (1, ["Hoạt động của Đoàn Thanh niên", "Hoạt động của Hội Phụ nữ"]),
}
FORMS = [(Activity.Form.DIRECT, 6), (Activity.Form.ONLINE, 1), (Activity.Form.PARTY_CELL, 2)]
# Who attends, by level: (party members, officers, others) ranges.
PEOPLE = {
    "xa": ((8, 30), (2, 12), (0, 0)),
    "tinh": ((40, 250), (10, 80), (0, 0)),
    "cuc": ((20, 80), (5, 20), (0, 0)),
    "bo": ((50, 200), (10, 40), (0, 0)),
}
OUTREACH = {"xa": (20, 150), "tinh": (50, 400), "cuc": (0, 50), "bo": (0, 100)}


def _rng(*parts):
    return random.Random("|".join([SEED, *map(str, parts)]))


def load_demo_activities(ctx):
    """The `giaoban demo` loader (registered at import of this module)."""
    load(ctx, log=ctx.log)


# After the documents' demo (order 100): the sessions are of its documents.
DEMO_ORDER = 110
registry.demo.register(load_demo_activities, order=DEMO_ORDER)


def load(ctx, today=None, log=print, months=MONTHS):
    """Load the demo activities; returns {"sessions": n, "activities": n} (empty when
    already loaded)."""
    started = time.monotonic()
    today = today or timezone.localdate()
    if Activity.objects.filter(is_demo=True).exists():
        log("Nhật ký hoạt động minh họa đã có — bỏ qua.")
        return {}
    actor = demo_account(ctx.ministry)
    rows = session_rows(ctx, today)
    sessions = len(rows)
    rows += year_rows(ctx, today, months)
    with acting_as(user=actor, label=SYSTEM_USERNAME):
        for i in range(0, len(rows), CHUNK):
            services.import_rows(
                actor, rows[i : i + CHUNK], is_demo=True, check_scope=False, message=MESSAGE
            )
    log(
        f"Nhật ký hoạt động minh họa: {sessions} buổi quán triệt, {len(rows) - sessions} hoạt "
        f"động khác ({time.monotonic() - started:.1f} s)."
    )
    return {"sessions": sessions, "activities": len(rows) - sessions}


# ---------------------------------------------------------------- dissemination sessions


def _demo_plan(unit, issuer):
    """The demo plan of `issuer` that `unit` received (None if none)."""
    return (
        documents.received(unit)
        .filter(is_demo=True, unit=issuer, kind__abbreviation="KH")
        .order_by("issue_date", "pk")
        .first()
    )


def _session(unit, document, day, people, rng):
    members, officers = people
    return {
        "unit": unit,
        "date": day,
        "kind": "quan-triet",
        "title": f"Hội nghị quán triệt {document.symbol} {LABEL}",
        "form": Activity.Form.PARTY_CELL if unit.level.code == "xa" else Activity.Form.DIRECT,
        "party_members": rng.randint(*members),
        "officers": rng.randint(*officers),
        "others": 0,
        "notes": f"{LABEL} Quán triệt đến toàn thể cán bộ, chiến sĩ của đơn vị.",
        "document": document.pk,
    }


def _session_day(document, rng, today, late_share):
    """A day from the issue date on: before the deadline, or (late_share) after it."""
    start, deadline = document.issue_date, document.disseminate_by or today
    last_on_time = min(deadline, today)
    if deadline < today and rng.random() < late_share:
        return deadline + datetime.timedelta(days=rng.randint(1, (today - deadline).days))
    return start + datetime.timedelta(days=rng.randint(0, max(0, (last_on_time - start).days)))


def session_rows(ctx, today):
    """Sessions of the provinces on the ministry's plan, and of the communes on theirs."""
    rows = []
    provinces = list(
        Unit.objects.active_on(today)
        .filter(parent=ctx.ministry, level__code="tinh")
        .select_related("level")
        .order_by("code")
    )
    for province in provinces:
        rng = _rng(province.code, "session")
        plan = _demo_plan(province, ctx.ministry)
        if plan is not None and (province == ctx.province_a or rng.random() < PROVINCE_SHARE):
            day = _session_day(plan, rng, today, 0)
            rows.append(_session(province, plan, day, PEOPLE["tinh"][:2], rng))
        own = None
        communes = list(
            Unit.objects.active_on(today)
            .filter(parent=province, level__code="xa")
            .select_related("level")
            .order_by("code")
        )
        if communes:
            own = _demo_plan(communes[0], province)
        if own is None:
            continue
        for commune in communes:
            rng = _rng(commune.code, "session")
            if commune.pk == ctx.commune_a.pk or rng.random() >= SESSION_SHARE:
                continue
            day = _session_day(own, rng, today, LATE_SHARE)
            if not commune.active_on(day):
                continue
            rows.append(_session(commune, own, day, PEOPLE["xa"][:2], rng))
    return rows


# ---------------------------------------------------------------- a year of activities


def _month_starts(today, months):
    first = today.replace(day=1)
    out = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.month - 1 - back, 12)
        out.append(first.replace(year=first.year + year, month=month + 1))
    return out


def _weighted(rng, pairs):
    return rng.choices([k for k, _w in pairs], weights=[w for _k, w in pairs])[0]


def year_rows(ctx, today, months=MONTHS):
    """A few activities a month for every unit active then, of every kind, up to today."""
    kinds = {k.code: k for k in ActivityKind.objects.filter(is_active=True)}
    weights = [(code, w) for code, (w, _titles) in KINDS.items() if code in kinds]
    units = list(
        Unit.objects.filter(level__code__in=PER_MONTH).select_related("level").order_by("path")
    )
    starts = _month_starts(today, months)
    rows = []
    for unit in units:
        level = unit.level.code
        for start in starts:
            rng = _rng(unit.code, f"{start:%Y-%m}")
            end = min(today, _month_end(start))
            for _ in range(rng.randint(*PER_MONTH[level])):
                day = start + datetime.timedelta(days=rng.randint(0, (end - start).days))
                if not unit.active_on(day):
                    continue
                rows.append(_activity(unit, level, day, _weighted(rng, weights), rng))
    return rows


def _month_end(start):
    following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _activity(unit, level, day, kind, rng):
    (m_low, m_high), (o_low, o_high), _others = PEOPLE[level]
    others = rng.randint(*OUTREACH[level]) if kind == "dan-van" else 0
    title = rng.choice(KINDS[kind][1]).format(m=f"{day:%m/%Y}")
    return {
        "unit": unit,
        "date": day,
        "kind": kind,
        "title": f"{title} {LABEL}",
        "form": _weighted(rng, FORMS),
        "party_members": rng.randint(m_low, m_high),
        "officers": rng.randint(o_low, o_high),
        "others": others,
        "notes": f"{LABEL} Hoạt động minh họa, số liệu do máy tạo.",
    }
