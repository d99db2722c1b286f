"""After any sequence of saves, submits, accepts, returns and reopens, every node's live
roll-up equals a from-scratch recomputation from the reports alone."""

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giaoban.reports import bulk, workflow
from giaoban.reports.models import Rollup
from giaoban.reports.workflow import WorkflowError
from tests.reports.conftest import TEXTS

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
        st.sampled_from(["save", "forward", "back", "forward", "refused"]),
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
            fresh = {nid: normalise(v) for nid, v in bulk.recompute(form, KEY).items()}
            assert live == fresh
            raise Rollback
    except Rollback:
        pass
