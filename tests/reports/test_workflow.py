from decimal import Decimal

import pytest

from giaoban.audit.models import AuditEntry
from giaoban.reports import workflow
from giaoban.reports.models import Report, Rollup
from giaoban.reports.workflow import WorkflowError
from tests.reports.conftest import GOOD, TEXTS

KEY = "2026-H1"


def draft(form, cast, unit=None, values=GOOD, texts=TEXTS):
    unit = unit or cast.commune_a1
    report = workflow.open_report(form, unit, KEY, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, values, texts)
    return report


def total(unit, form, code, mode="accepted"):
    row = Rollup.objects.filter(node=unit, form=form, period_key=KEY).first()
    entry = getattr(row, mode).get(code) if row else None
    return Decimal(entry[0]) if entry else None


def test_the_full_cycle_moves_the_figure_into_every_ancestor(form, cast, leaders):
    report = draft(form, cast)
    assert report.path == "BCA/T19/X05500/"
    workflow.submit(report, cast.commune_leader)
    assert total(cast.root, form, "GD01") is None  # accepted only, by default
    assert total(cast.root, form, "GD01", "counted") == 4
    workflow.accept(report, cast.leader_a)
    for unit in (cast.commune_a1, cast.province_a, cast.root):
        assert total(unit, form, "GD01") == 4
    assert total(cast.province_b, form, "GD01") is None
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    assert [e.to_status for e in report.events.all()] == ["submitted", "accepted"]
    assert (
        AuditEntry.objects.filter(
            model="reports.Report", object_id=str(report.pk), action="transition"
        ).count()
        == 2
    )


def test_only_the_units_leader_submits(form, cast, leaders):
    report = draft(form, cast)
    for user in (cast.commune_officer, cast.officer_a, cast.leader_a, cast.officer_b):
        with pytest.raises(WorkflowError) as exc:
            workflow.submit(report, user)
        assert exc.value.forbidden


def test_only_the_parent_leader_accepts_returns_and_reopens(form, cast, leaders):
    report = draft(form, cast)
    workflow.submit(report, cast.commune_leader)
    for user in (cast.commune_leader, cast.officer_a, leaders["T01"], leaders["BCA"]):
        with pytest.raises(WorkflowError):
            workflow.accept(report, user)
    with pytest.raises(WorkflowError, match="lý do"):
        workflow.return_report(report, cast.leader_a, "  ")
    workflow.return_report(report, cast.leader_a, "Thiếu số liệu mục II")
    workflow.submit(report, cast.commune_leader)  # resubmitted
    workflow.accept(report, cast.leader_a)
    with pytest.raises(WorkflowError):
        workflow.save_entries(report, cast.officer_a, {"GD01": 5}, {})  # locked
    workflow.reopen(report, cast.leader_a, "Điều chỉnh số liệu")
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert total(cast.root, form, "GD01") is None
    assert report.events.last().reason == "Điều chỉnh số liệu"


def test_errors_block_submission_and_warnings_do_not(form, cast, leaders):
    bad = dict(GOOD, GD02=1)  # fewer participants than sessions
    report = draft(form, cast, values=bad)
    with pytest.raises(WorkflowError) as exc:
        workflow.submit(report, cast.commune_leader)
    assert any("GD02" in p.message for p in exc.value.problems)
    warn = dict(GOOD, XD05=9)  # more inspected than exist: a warning
    workflow.save_entries(report, cast.officer_a, warn, {})
    problems = workflow.validate(report)
    assert [p.severity for p in problems] == ["warning"]
    workflow.submit(report, cast.commune_leader)


def test_required_narrative_blocks_submission(form, cast, leaders):
    report = draft(form, cast, texts={"KQ": "", "PH": ""})
    with pytest.raises(WorkflowError) as exc:
        workflow.submit(report, cast.commune_leader)
    assert {p.field for p in exc.value.problems} == {"KQ", "PH"}


def test_unreadable_numbers_keep_their_stored_value_and_the_rest_is_saved(form, cast):
    report = draft(form, cast)
    saved = workflow.save_entries(
        report, cast.officer_a, {"GD01": "mười", "GD02": 7, "GD09": "1.5.5"}, {}
    )
    assert saved.unread == {"GD01", "GD09"}
    assert "không phải là số" in saved.unread_problems[0].message
    values, _ = workflow.typed_entries(report)
    assert values["GD01"] == 4 and values["GD02"] == 7


def test_out_of_scope_officer_cannot_open_or_edit(form, cast):
    with pytest.raises(WorkflowError) as exc:
        workflow.open_report(form, cast.commune_a1, KEY, cast.officer_b)
    assert exc.value.forbidden
    report = draft(form, cast)
    with pytest.raises(WorkflowError):
        workflow.save_entries(
            report,
            cast.commune_officer.__class__.objects.get(username="officer_b"),
            {"GD01": 1},
            {},
        )


def test_lateness_against_the_units_deadline(form, cast, leaders, settings):
    import datetime

    from django.utils import timezone

    report = draft(form, cast)
    assert report.deadline == datetime.date(2026, 6, 17)  # communes: 3 days after 14/06
    province = workflow.open_report(form, cast.province_a, KEY, cast.officer_a)
    assert province.deadline == datetime.date(2026, 6, 22)
    workflow.submit(report, cast.commune_leader)
    report.refresh_from_db()
    assert report.is_late == (timezone.localdate() > datetime.date(2026, 6, 17))
