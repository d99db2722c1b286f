"""After any sequence of saves, submits, accepts, returns and reopens — and, with figures
computed from the activity log, of activities recorded and deleted in between — every
node's live roll-up equals a from-scratch recomputation from the reports alone, and every
submitted or accepted report holds the computed figures it was submitted with."""

import datetime

from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from giaoban.reports import bulk, computed, rollup, workflow
from giaoban.reports.models import Rollup
from giaoban.reports.workflow import WorkflowError
from tests.reports.conftest import TEXTS, record_session

KEY = "2026-H1"
UNITS = ["X05500", "X05800", "T19", "X00004", "T01", "CTDCT"]
PARENT = {
    "X05500": "T19",
    "X05800": "T19",
    "T19": "BCA",
    "X00004": "T01",
    "T01": "BCA",
    "CTDCT": "BCA",
}

values = st.fixed_dictionaries(
    {
        "GD01": st.integers(0, 50),
        "GD02": st.integers(50, 500),
        "GD09": st.decimals(0, 100, places=1),
        "TD06": st.decimals(0, 100, places=2),
        "VH08": st.one_of(st.none(), st.decimals(0, 100, places=0)),
    }
)
ops = st.lists(
    st.tuples(
        st.sampled_from(["save", "forward", "back", "forward", "refused", "history"]),
        st.sampled_from(UNITS),
        values,
    ),
    min_size=1,
    max_size=40,
)


class Rollback(Exception):
    pass


def normalise(row):
    return (
        {k: v for k, v in row["statuses"].items() if v},
        row["late"],
        row["accepted"],
        row["counted"],
    )


def naive_recompute(form):
    """The roll-up the slow, obvious way: every report added to every node on its path."""
    from collections import defaultdict
    from decimal import Decimal

    from django.utils import timezone

    from giaoban.reports.models import Report
    from giaoban.units.models import Unit

    nodes = defaultdict(lambda: [defaultdict(int), 0, {}, {}])
    for report in Report.objects.filter(form=form, period_key=KEY).select_related("unit__level"):
        figures = dict(report.values.values_list("indicator__code", "value"))
        sent = report.first_submitted_at
        for code in report.path.strip("/").split("/"):
            node = nodes[code]
            node[0][report.status] += 1
            if sent is not None:
                node[0][f"sent:{report.unit.level.code}"] += 1
                node[1] += timezone.localtime(sent).date() > report.deadline
            for index, member in ((2, ("accepted",)), (3, ("submitted", "accepted"))):
                if report.status not in member:
                    continue
                for icode, value in figures.items():
                    total, n, low, high = node[index].get(icode, [Decimal(0), 0, value, value])
                    node[index][icode] = [total + value, n + 1, min(low, value), max(high, value)]

    def text(bucket):
        return {
            code: [format(v.normalize(), "f") if isinstance(v, Decimal) else v for v in entry]
            for code, entry in bucket.items()
        }

    ids = dict(Unit.objects.filter(code__in=list(nodes)).values_list("code", "id"))
    return {
        ids[code]: normalise(
            {"statuses": dict(st_), "late": late, "accepted": text(acc), "counted": text(cnt)}
        )
        for code, (st_, late, acc, cnt) in nodes.items()
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=ops)
def test_live_rollup_equals_recomputation(form, cast, leaders, sequence):
    from giaoban.units.models import Unit

    units = {u.code: u for u in Unit.objects.filter(code__in=UNITS)}
    try:
        with transaction.atomic():
            for op, code, vals in sequence:
                if op == "history":  # accepted past data through the bulk path, any state
                    item = {"unit": code, "values": vals, "texts": TEXTS}
                    try:
                        bulk.import_values(
                            form, KEY, [item], cast.ministry_admin, accept_history=True
                        )
                    except bulk.BulkError:
                        pass  # already submitted or accepted: refused, nothing written
                    continue
                report = workflow.open_report(form, units[code], KEY, cast.ministry_officer)
                status = report.status
                try:
                    if op == "save":
                        workflow.save_entries(report, cast.ministry_officer, vals, TEXTS)
                    elif op == "refused":  # someone without the right tries to accept
                        workflow.accept(report, leaders[code])
                    elif op == "forward" and status in ("draft", "returned"):
                        workflow.save_entries(report, cast.ministry_officer, vals, TEXTS)
                        workflow.submit(report, leaders[code])
                    elif op == "forward" and status == "submitted":
                        workflow.accept(report, leaders[PARENT[code]])
                    elif op == "back" and status == "submitted":
                        workflow.return_report(report, leaders[PARENT[code]], "Trả lại để bổ sung")
                    elif op == "back" and status == "accepted":
                        workflow.reopen(report, leaders[PARENT[code]], "Mở lại để điều chỉnh")
                except WorkflowError:
                    pass
            live = {
                r.node_id: normalise(
                    {
                        "statuses": r.statuses,
                        "late": r.late,
                        "accepted": r.accepted,
                        "counted": r.counted,
                    }
                )
                for r in Rollup.objects.filter(form=form, period_key=KEY)
            }
            fresh = {nid: normalise(v) for nid, v in rollup.recompute(form, KEY).items()}
            assert live == fresh
            assert fresh == naive_recompute(form)
            assert_children_totals(form)
            raise Rollback
    except Rollback:
        pass


def naive_below(form, node_code, statuses):
    """Sums and counts of every report strictly below a node, the obvious way."""
    from collections import defaultdict
    from decimal import Decimal

    from giaoban.reports.models import Report

    out = defaultdict(lambda: [Decimal(0), 0])
    for report in Report.objects.filter(form=form, period_key=KEY, status__in=statuses):
        codes = report.path.strip("/").split("/")
        if node_code in codes[:-1]:
            for code, value in report.values.values_list("indicator__code", "value"):
                out[code][0] += value
                out[code][1] += 1
    return {code: total for code, (total, n) in out.items() if n}


def assert_children_totals(form):
    """The review page's "sum of the units below" is the roll-up's own arithmetic over the
    children's rows: it equals the reports below, counted the obvious way."""
    from giaoban.reports.views.review import children_totals
    from giaoban.units.models import Unit

    period = form.period(KEY)
    indicators = [i for i in form.current_version().indicators.all() if i.aggregation == "sum"]
    for mode, statuses in (
        (rollup.ACCEPTED, ("accepted",)),
        (rollup.COUNTED, ("submitted", "accepted")),
    ):
        for code in ("BCA", "T19", "T01"):
            values, *_rest = children_totals(
                Unit.objects.get(code=code), form, period, indicators, mode
            )
            got = {c: v for c, v in values.items() if v is not None}
            wanted = {i.code for i in indicators}
            naive = {c: v for c, v in naive_below(form, code, statuses).items() if c in wanted}
            assert got == naive, (mode, code)


def test_history_imports_add_up_with_live_transitions(form, cast, leaders):
    """Accepted past data merged into rows that drafts and earlier imports already hold."""
    from giaoban.units.models import Unit

    figures = {"GD01": 3, "GD02": 120, "GD09": "12.5", "TD06": "7.25", "VH08": 4}
    admin = cast.ministry_admin
    commune = Unit.objects.get(code="X05500")
    workflow.save_entries(
        workflow.open_report(form, commune, KEY, cast.ministry_officer),
        cast.ministry_officer,
        figures,
        TEXTS,
    )
    first = [{"unit": c, "values": figures, "texts": TEXTS} for c in ("X05800", "X00004")]
    bulk.import_values(form, KEY, first, admin, accept_history=True)  # new rows and merges
    second = [{"unit": c, "values": {**figures, "GD01": 9}, "texts": TEXTS} for c in ("T19",)]
    bulk.import_values(form, KEY, second, admin, accept_history=True)
    bulk.import_values(  # over an existing draft: its figures change, it stays a draft
        form,
        KEY,
        [{"unit": "X05500", "values": figures, "texts": TEXTS}],
        admin,
        accept_history=True,
    )
    live = {
        r.node_id: normalise(
            {"statuses": r.statuses, "late": r.late, "accepted": r.accepted, "counted": r.counted}
        )
        for r in Rollup.objects.filter(form=form, period_key=KEY)
    }
    fresh = {nid: normalise(v) for nid, v in rollup.recompute(form, KEY).items()}
    assert live == fresh == naive_recompute(form)
    root = Unit.objects.get(code="BCA")
    assert live[root.pk][2]["GD01"][:2] == ["15", 3]  # 3 + 3 + 9; the draft counts no figure
    assert live[root.pk][0]["draft"] == 1


# ------------------------------------------------------------ records change under reports

DAYS = st.dates(min_value=datetime.date(2025, 12, 10), max_value=datetime.date(2026, 6, 20))
manual = st.fixed_dictionaries(
    {"XD01": st.integers(0, 20), "GD09": st.decimals(0, 100, places=1)},
    optional={
        "GD01": st.integers(0, 9),  # an override of a computed figure (with or without reason)
        "GD02": st.integers(0, 900),
    },
)
record_ops = st.lists(
    st.one_of(
        st.tuples(st.just("record"), st.sampled_from(UNITS), DAYS, st.integers(0, 30)),
        st.tuples(st.just("delete"), st.sampled_from(UNITS), DAYS, st.integers(0, 30)),
        st.tuples(
            st.sampled_from(["save", "forward", "back", "forward", "history"]),
            st.sampled_from(UNITS),
            manual,
            st.booleans(),  # the override comes with a reason
        ),
    ),
    min_size=1,
    max_size=30,
)


def _computed_rows(report):
    from giaoban.reports.models import ReportValue

    return dict(
        ReportValue.objects.filter(report=report, indicator__source__gt="").values_list(
            "indicator__code", "value"
        )
    )


def _record_step(op, unit, day, people, officer):
    from giaoban.activities import services
    from giaoban.activities.models import Activity

    if op == "record":
        record_session(officer, unit, day, members=people, officers=people % 7)
    else:
        gone = Activity.objects.filter(unit=unit).order_by("pk").first()
        if gone is not None:
            services.delete(gone, officer)


def _history_step(form, cast, unit, values, frozen):
    from giaoban.reports.models import Report

    item = {"unit": unit.code, "values": values, "texts": TEXTS}
    try:
        bulk.import_values(form, KEY, [item], cast.ministry_admin, accept_history=True)
    except bulk.BulkError:
        return  # already submitted or accepted: refused, nothing written
    report = Report.objects.get(form=form, unit=unit, period_key=KEY)
    if report.status == "accepted":
        frozen[report.pk] = _computed_rows(report)


def _submit(report, leader, frozen):
    """Submit, and check that what was frozen is what the records said (or an override)."""
    pairs = computed.computed_of(report.version.indicators.all())
    records = computed.live_of(report, pairs)
    workflow.submit(report, leader)
    frozen[report.pk] = _computed_rows(report)
    overridden = set(
        report.values.exclude(override_reason="").values_list("indicator__code", flat=True)
    )
    for code, value in frozen[report.pk].items():
        assert code in overridden or value == records[code]


def _report_step(op, report, officer, leaders, values, reasons, frozen):
    code, editable = report.unit.code, report.status in ("draft", "returned")
    if op == "save" or (op == "forward" and editable):
        workflow.save_entries(report, officer, values, TEXTS, raw_reasons=reasons)
    if op == "forward" and editable:
        _submit(report, leaders[code], frozen)
    elif op == "forward" and report.status == "submitted":
        workflow.accept(report, leaders[PARENT[code]])
    elif op == "back" and report.status == "submitted":
        workflow.return_report(report, leaders[PARENT[code]], "Trả lại để bổ sung")
    elif op == "back" and report.status == "accepted":
        workflow.reopen(report, leaders[PARENT[code]], "Mở lại để điều chỉnh")


@settings(
    max_examples=35,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=record_ops)
def test_record_changes_never_move_what_was_submitted(computed_form, cast, leaders, sequence):
    """Activities recorded and deleted for units between report transitions: the roll-up
    always equals a from-scratch recomputation, and every submitted or accepted report
    still holds the computed figures it was submitted with (or imported as history)."""
    from giaoban.reports.models import Report
    from giaoban.units.models import Unit

    form = computed_form
    units = {u.code: u for u in Unit.objects.filter(code__in=UNITS)}
    officer = cast.ministry_officer
    frozen = {}  # report id → its computed figures as they were frozen
    try:
        with transaction.atomic():
            for op, code, arg, extra in sequence:
                if op in ("record", "delete"):
                    _record_step(op, units[code], arg, extra, officer)
                elif op == "history":
                    _history_step(form, cast, units[code], arg, frozen)
                else:
                    reasons = {c: "Điều chỉnh theo sổ tay chi bộ" for c in arg} if extra else {}
                    report = workflow.open_report(form, units[code], KEY, officer)
                    try:
                        _report_step(op, report, officer, leaders, arg, reasons, frozen)
                    except WorkflowError:
                        pass
            live = {
                r.node_id: normalise(
                    {
                        "statuses": r.statuses,
                        "late": r.late,
                        "accepted": r.accepted,
                        "counted": r.counted,
                    }
                )
                for r in Rollup.objects.filter(form=form, period_key=KEY)
            }
            fresh = {nid: normalise(v) for nid, v in rollup.recompute(form, KEY).items()}
            assert live == fresh
            assert fresh == naive_recompute(form)
            sent = Report.objects.filter(form=form, status__in=("submitted", "accepted"))
            for report in sent:
                assert _computed_rows(report) == frozen[report.pk], report
            event(f"reports sent at the end: {min(len(sent), 3)}+")
            raise Rollback
    except Rollback:
        pass
