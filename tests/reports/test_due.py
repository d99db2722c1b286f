"""The home page list of reports due and overdue, and what awaits a leader's decision."""

import datetime

from django.urls import reverse

from giaoban.core import due as core_due
from giaoban.reports import due, statuses, workflow
from giaoban.shell.views import due_list
from giaoban.units.models import Level, Unit
from tests.reports.conftest import GOOD, TEXTS

TODAY = datetime.date(2026, 11, 26)  # 2026-H1 ended 14/06, 2026-H2 ends 14/12


def draft(form, cast, unit, key="2026-H1"):
    report = workflow.open_report(form, unit, key, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, GOOD, TEXTS)
    return report


H1, H2 = "6 tháng đầu năm 2026", "6 tháng cuối năm 2026"


def rows(items):
    return [(i.unit.code, i.detail, i.status_label, i.timing.label) for i in items]


def test_the_periods_that_can_be_due(form):
    assert [p.key for p in due.due_periods(form, TODAY)] == ["2026-H1", "2026-H2"]


def test_own_unit_and_children_nearest_deadline_first(form, cast, leaders):
    returned = draft(form, cast, cast.commune_a2)
    workflow.submit(returned, leaders["X05800"])
    workflow.return_report(returned, cast.leader_a, "Thiếu số liệu")
    sent = draft(form, cast, cast.commune_a1)
    workflow.submit(sent, cast.commune_leader)  # sent up: no longer due
    listing = due_list(cast.officer_a, today=TODAY)
    assert rows(listing.own) == [
        ("T19", H1, "Chưa lập", "quá hạn 157 ngày"),  # deadline 22/06/2026
        ("T19", H2, "Chưa lập", "còn 26 ngày"),  # deadline 22/12/2026
    ]
    assert rows(listing.children) == [
        ("X05800", H1, "Bị trả lại", "quá hạn 162 ngày"),  # 17/06/2026
        ("X05500", H2, "Chưa lập", "còn 21 ngày"),  # 17/12/2026
        ("X05800", H2, "Chưa lập", "còn 21 ngày"),
    ]
    assert listing.own_expected == 2
    summaries = [(s.text, s.overdue) for s in listing.summaries]
    assert summaries == [
        (f"Thái Nguyên — {form.name}, {H1}: 1/2 đơn vị trực thuộc chưa gửi", 1),
        (f"Thái Nguyên — {form.name}, {H2}: 2/2 đơn vị trực thuộc chưa gửi", 0),
    ]


def test_a_commune_officer_sees_only_their_commune(form, cast):
    listing = due_list(cast.commune_officer, today=TODAY)
    assert {i.unit.code for i in listing.own} == {"X05500"}
    assert listing.children == [] and listing.summaries == []
    assert listing.awaiting == []


def test_a_unit_that_does_not_report_has_nothing_of_its_own(form, cast):
    listing = due_list(cast.ministry_officer, today=TODAY)
    assert listing.own == [] and listing.own_expected == 0
    # Department and provinces report; the communes are two levels down, not listed.
    assert {i.unit.code for i in listing.children} == {"CTDCT", "T19", "T01"}


def test_children_are_capped_but_counted(form, cast):
    xa = Level.objects.get(code="xa")
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"XM{i:03}",
                name=f"Công an xã Mẫu {i:03}",
                short_name=f"Mẫu {i:03}",
                level=xa,
                parent=cast.province_b,
                path=f"BCA/T01/XM{i:03}/",
                depth=2,
            )
            for i in range(120)
        ]
    )
    from giaoban.units import history

    history.invalidate()
    leader_b = cast.officer_b
    listing = due_list(leader_b, today=TODAY)
    assert len(listing.children) == core_due.CHILDREN_CAP
    assert listing.children_total == 2 * 121  # two periods × (Ba Đình + 120 communes)
    assert listing.hidden == 2 * 121 - core_due.CHILDREN_CAP
    h1 = next(s for s in listing.summaries if H1 in s.text)
    assert "121/121 đơn vị trực thuộc chưa gửi" in h1.text and h1.overdue == 121


def test_the_list_costs_the_same_whatever_the_number_of_children(form, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from giaoban.units import history

    def queries():
        due_list(cast.officer_b, today=TODAY)  # warm the tree caches
        with CaptureQueriesContext(connection) as ctx:
            due_list(cast.officer_b, today=TODAY)
        return len(ctx.captured_queries)

    few = queries()
    xa = Level.objects.get(code="xa")
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"XQ{i:03}",
                name=f"Xã {i:03}",
                short_name=f"Xã {i:03}",
                level=xa,
                parent=cast.province_b,
                path=f"BCA/T01/XQ{i:03}/",
                depth=2,
            )
            for i in range(150)
        ]
    )
    history.invalidate()
    assert queries() == few <= 25


def test_a_leader_sees_what_awaits_their_decision(form, cast, leaders):
    for unit in (cast.commune_a1, cast.commune_a2):
        report = draft(form, cast, unit)
        workflow.submit(report, leaders[unit.code])
    listing = due_list(cast.leader_a, today=TODAY)
    assert [r.unit.code for r in listing.awaiting] == ["X05500", "X05800"]
    assert listing.awaiting_total == 2
    # A leader two levels up decides nothing about communes.
    assert due_list(leaders["BCA"], today=TODAY).awaiting == []


def test_timing_labels():
    deadline = datetime.date(2026, 6, 17)
    timing = statuses.report_timing
    assert timing(None, deadline, today=datetime.date(2026, 6, 10)).label == "còn 7 ngày"
    assert timing("draft", deadline, today=deadline).label == "hạn chót hôm nay"
    sent_before = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
    # Returned: in hand again, judged by the days left, not by its first submission.
    assert timing("returned", deadline, sent_before, today=datetime.date(2026, 6, 20)).label == (
        "quá hạn 3 ngày"
    )
    sent = datetime.datetime(2026, 6, 19, 9, 0, tzinfo=datetime.UTC)
    assert timing("submitted", deadline, sent).label == "gửi muộn 2 ngày"
    on_time = datetime.datetime(2026, 6, 16, 9, 0, tzinfo=datetime.UTC)
    assert timing("accepted", deadline, on_time).label == "gửi đúng hạn"


def test_the_home_page_shows_the_list(client, form, cast):
    client.force_login(cast.commune_officer)
    body = client.get(reverse("home")).content.decode()
    assert "Việc đến hạn và quá hạn" in body
    assert (
        reverse("reports:report", kwargs={"form": form.code, "period": "2026-H2", "code": "X05500"})
        in body
    )


def test_the_home_page_without_roles_has_no_list(client, cast):
    from tests.conftest import make_user

    nobody = make_user("khong_vai_tro", cast.commune_a1)
    client.force_login(nobody)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Việc đến hạn và quá hạn" not in response.content.decode()
