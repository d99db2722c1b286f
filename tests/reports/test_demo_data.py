"""The demo's report data: synthetic and labelled, plausible, idempotent, on the tree of its day.

A tiny tree with a 2025 reorganisation stands in for the real one:

    BCA ─┬─ CTDCT (department, always there)
         ├─ LT19 ─ LX01, LX02, LX03      legacy, closed 30/06/2025
         ├─ LT01 ─ LX11                  legacy, closed 30/06/2025
         ├─ T19 ── X05500 … X05507       from 01/07/2025 (X05500: the demo commune)
         └─ T01 ── X00004, X00005        from 01/07/2025

LX01 + LX02 merged into X05500, LX03 split half and half into X05501 and X05502, LT19
became T19, LX11 became X00004 and LT01 became T01.
"""

import datetime
from decimal import Decimal

import pytest

from giaoban.accounts.models import RoleAssignment, User
from giaoban.audit.models import AuditEntry
from giaoban.reports import demo_data, rollup, services
from giaoban.reports.demo_form import FORM_CODE
from giaoban.reports.models import Report, ReportEvent, ReportText, ReportValue, Rollup
from giaoban.reports.validation import check
from giaoban.shell.demo import DemoContext
from giaoban.units.models import Lineage
from tests.conftest import make_unit, make_user

TODAY = datetime.date(2026, 11, 26)
CLOSED = datetime.date(2025, 6, 30)
OPENED = datetime.date(2025, 7, 1)
PAST = ["2025-H1", "2025-H2", "2026-H1"]
CURRENT = "2026-H2"


@pytest.fixture
def tree(db):
    t = type("Tree", (), {})()
    t.root = make_unit("BCA", "Bộ Công an", "Bộ Công an", "bo")
    t.department = make_unit(
        "CTDCT", "Cục Công tác đảng và công tác chính trị", "Cục CTĐ, CTCT", "cuc", t.root
    )
    legacy = {"active_to": CLOSED}
    t.lt19 = make_unit(
        "LT19", "Công an tỉnh Thái Nguyên (cũ)", "Thái Nguyên", "tinh", t.root, **legacy
    )
    t.lt01 = make_unit("LT01", "Công an thành phố Hà Nội (cũ)", "Hà Nội", "tinh", t.root, **legacy)
    old = {
        code: make_unit(code, f"Công an xã Cũ {code}", f"Cũ {code}", "xa", parent, **legacy)
        for code, parent in [("LX01", t.lt19), ("LX02", t.lt19), ("LX03", t.lt19), ("LX11", t.lt01)]
    }
    new = {"active_from": OPENED}
    t.t19 = make_unit("T19", "Công an tỉnh Thái Nguyên", "Thái Nguyên", "tinh", t.root, **new)
    t.t01 = make_unit("T01", "Công an thành phố Hà Nội", "Hà Nội", "tinh", t.root, **new)
    t.communes = [
        make_unit(f"X0550{i}", f"Công an xã Mới {i}", f"Mới {i}", "xa", t.t19, **new)
        for i in range(8)
    ]
    t.hanoi = [
        make_unit(code, f"Công an phường {code}", code, "xa", t.t01, **new)
        for code in ("X00004", "X00005")
    ]
    links = [
        (old["LX01"], t.communes[0], "merge", 1),
        (old["LX02"], t.communes[0], "merge", 1),
        (old["LX03"], t.communes[1], "split", "0.5"),
        (old["LX03"], t.communes[2], "split", "0.5"),
        (old["LX11"], t.hanoi[0], "rename", 1),
        (t.lt19, t.t19, "rename", 1),
        (t.lt01, t.t01, "rename", 1),
    ]
    for before, after, kind, share in links:
        Lineage.objects.create(
            predecessor=before, successor=after, kind=kind, date=OPENED, share=Decimal(share)
        )
    t.admin = make_user("demo_admin", t.root, "admin")
    t.ctx = DemoContext(
        ministry=t.root,
        department=t.department,
        province_a=t.t19,
        commune_a=t.communes[0],
        province_b=t.t01,
        log=lambda message: None,
    )
    return t


def normalise(row):
    """A roll-up row's contents; a status counted down to zero is the same as no entry."""
    statuses = {k: n for k, n in row["statuses"].items() if n}
    return statuses, row["late"], row["accepted"], row["counted"]


def load(tree):
    return demo_data.load(tree.ctx, tree.admin, today=TODAY, log=lambda message: None)


def statuses(key):
    return dict(
        Report.objects.filter(form__code=FORM_CODE, period_key=key).values_list(
            "unit__code", "status"
        )
    )


def test_past_periods_are_reported_by_the_units_of_their_day(tree):
    created = load(tree)
    assert created == {"2025-H1": 7, "2025-H2": 13, "2026-H1": 13, "2026-H2": 10}
    # 15/12/2024–14/06/2025: the legacy provinces and communes, and the department.
    assert statuses("2025-H1") == dict.fromkeys(
        ["CTDCT", "LT19", "LT01", "LX01", "LX02", "LX03", "LX11"], "accepted"
    )
    later = {"CTDCT", "T19", "T01", "X00004", "X00005"} | {c.code for c in tree.communes}
    for key in ("2025-H2", "2026-H1"):
        assert statuses(key) == dict.fromkeys(later, "accepted")
    assert not Report.objects.filter(is_demo=False).exists()


def test_the_current_period_is_partly_filled_through_the_workflow(tree):
    load(tree)
    now = statuses(CURRENT)
    assert now["T19"] == now["X05500"] == "draft"  # the demo province and commune: still typing
    assert now["T01"] == "submitted"  # waiting for the ministry's leader
    assert now["CTDCT"] == "accepted"
    assert [now.get(c.code) for c in tree.communes[1:]] == [
        "accepted",
        "submitted",
        "submitted",
        "returned",
        "accepted",
        None,  # the last third has not started
        None,
    ]
    assert now["X00004"] == "draft" and "X00005" not in now  # bulk drafts, every other one
    returned = Report.objects.get(period_key=CURRENT, unit__code="X05504")
    event = returned.events.last()
    assert event.to_status == "returned" and event.reason.startswith(demo_data.LABEL)
    accepted = Report.objects.get(period_key=CURRENT, unit__code="X05501")
    assert [e.to_status for e in accepted.events.all()] == ["submitted", "accepted"]
    # The province total holds what was accepted, at once.
    row = Rollup.objects.get(node=tree.t19, form__code=FORM_CODE, period_key=CURRENT)
    assert row.statuses["accepted"] == 2 and row.accepted["GD01"][1] == 2


def test_the_loader_is_idempotent(tree):
    load(tree)

    def counts():
        return [
            m.objects.count()
            for m in (Report, ReportValue, ReportText, ReportEvent, Rollup, AuditEntry, User)
        ]

    before = counts()
    assert load(tree) == dict.fromkeys([*PAST, CURRENT], 0)
    assert counts() == before


def test_everything_is_labelled_synthetic_and_the_loader_keeps_no_powers(tree):
    load(tree)
    assert Report.objects.count() > 40 and not Report.objects.filter(is_demo=False).exists()
    texts = list(ReportText.objects.values_list("text", flat=True))
    assert texts and all(t.startswith(demo_data.LABEL + " ") for t in texts)
    reasons = ReportEvent.objects.exclude(reason="").exclude(to_status="accepted")
    assert reasons.exists() and all(
        r.startswith(demo_data.LABEL) for r in reasons.values_list("reason", flat=True)
    )
    robot = User.objects.get(username=demo_data.SYSTEM_USERNAME)
    assert not robot.is_active and not robot.has_usable_password()
    assert not RoleAssignment.objects.filter(user=robot).exists()


def test_every_figure_passes_the_forms_rules(tree):
    load(tree)
    for report in Report.objects.select_related("version"):
        values = dict(report.values.values_list("indicator__code", "value"))
        texts = dict(report.texts.values_list("field__code", "text"))
        problems = check(report.version, values, texts)
        if report.status == "draft":  # figures half typed in: only narratives may be missing
            assert {p.field for p in problems} <= {"KQ", "PH"}, (report, problems)
        else:
            assert problems == [], (report, problems)
            assert len(values) == report.version.indicators.count() == 45


def test_roll_ups_equal_a_recomputation_and_history_is_on_time_mostly(tree):
    load(tree)
    for key in [*PAST, CURRENT]:
        fresh = rollup.recompute(Report.objects.first().form, key)
        rows = Rollup.objects.filter(form__code=FORM_CODE, period_key=key)
        assert {r.node_id: normalise(vars(r)) for r in rows} == {
            node: normalise(v) for node, v in fresh.items()
        }
    for report in Report.objects.filter(period_key__in=PAST):
        sent = report.first_submitted_at.date()
        assert report.deadline - datetime.timedelta(days=6) <= sent
        assert sent <= report.deadline + datetime.timedelta(days=4)
        assert report.decided_at > report.first_submitted_at
        assert report.events.get().at == report.decided_at


def test_last_year_of_a_2025_province_goes_through_the_lineage(tree):
    load(tree)
    form = Report.objects.first().form
    view = services.rollup_view(tree.t19, form, form.period("2026-H1"))
    legacy = Rollup.objects.get(node=tree.lt19, form=form, period_key="2025-H1")
    assert view.comparisons["GD01"].last_year == Decimal(legacy.accepted["GD01"][0])
    assert view.comparisons["GD01"].previous is not None


def period(key):
    from giaoban.core import periods

    return periods.period(key, 15, "half_year")


def test_figures_are_deterministic_scaled_by_level_and_trend_slowly():
    h1, h2 = period("2025-H2"), period("2026-H1")
    assert demo_data.figures("X05500", "xa", h1) == demo_data.figures("X05500", "xa", h1)
    assert demo_data.figures("X05500", "xa", h1) != demo_data.figures("X05500", "xa", h2)
    codes = [f"X{n:05d}" for n in range(200)]

    def mean(code, level, p, closed=False, units=codes):
        return sum(demo_data.figures(u, level, p, closed)[code] for u in units) / len(units)

    assert mean("GD02", "tinh", h1, units=codes[:40]) > 10 * mean("GD02", "xa", h1)
    assert mean("DV01", "xa", h1, closed=True) < mean("DV01", "xa", h1)
    growth = mean("DV01", "xa", h2) / mean("DV01", "xa", h1)
    assert Decimal("1.0") < growth < Decimal("1.1")


def test_texts_use_the_units_figures_and_name_nobody():
    values = demo_data.figures("T19", "tinh", period("2026-H1"))
    texts = demo_data.texts("T19", "tinh", period("2026-H1"), values)
    assert set(texts) == {"KQ", "HC", "NN", "BH", "PH", "DX"}
    assert all(t.startswith("[Số liệu minh họa] ") for t in texts.values())
    shown = {demo_data._n(v) for v in values.values()}
    assert any(number in texts["KQ"] for number in shown)
    assert set(demo_data.texts("X1", "xa", period("2026-H1"), values)) == {"KQ", "HC", "PH"}
