"""Two leaders of the unit above decide on the same report at the same moment: one
decision is taken, the other is refused saying who decided what and when — through the
workflow, the report page and the API — and the roll-up holds exactly the one decision."""

from django.db import connection
from django.test import Client
from django.urls import reverse

from giaoban.accounts.models import ApiToken
from giaoban.audit.models import AuditEntry
from giaoban.reports import workflow
from giaoban.reports.models import Report
from giaoban.reports.workflow import WorkflowError
from tests.concurrency.checks import KEY, assert_rollups_recomputed
from tests.concurrency.race import Held
from tests.reports.conftest import GOOD, TEXTS

S = Report.Status


def submitted(form, cast, unit, officer, leader):
    report = workflow.open_report(form, unit, KEY, officer)
    workflow.save_entries(report, officer, GOOD, TEXTS)
    return workflow.submit(report, leader)


def decisions(report):
    return list(report.events.values_list("from_status", "to_status"))


def test_an_accept_and_a_return_at_once(form, cast, leaders, second_leader, monkeypatch):
    report = submitted(form, cast, cast.commune_a1, cast.commune_officer, cast.commune_leader)
    held = Held(monkeypatch, workflow, "_transition")  # after the read, before the write
    accepted, returned = held.race(
        lambda: workflow.accept(report, cast.leader_a),
        lambda: workflow.return_report(report, second_leader, "Thiếu số liệu mục II"),
    )
    if connection.vendor == "postgresql":
        assert held.waited  # the return waited for the accept's lock on the report
    assert accepted.ok
    assert isinstance(returned.error, WorkflowError)
    message = returned.error.message
    assert message.startswith("Chỉ trả lại được báo cáo đã gửi. Báo cáo đã được Leader A chấp")
    assert message.endswith("; tải lại trang để xem trạng thái hiện tại.")
    report.refresh_from_db()
    assert report.status == S.ACCEPTED
    assert decisions(report) == [("draft", "submitted"), ("submitted", "accepted")]
    transitions = AuditEntry.objects.filter(
        model="reports.Report", object_id=str(report.pk), action="transition"
    )
    assert transitions.count() == 2  # the submission and the one decision
    assert_rollups_recomputed(form)


def test_the_loser_reads_why_in_the_page_and_in_the_api(
    form, cast, leaders, second_leader, monkeypatch
):
    page = Client()
    page.force_login(cast.leader_a)
    _token, key = ApiToken.issue(second_leader, "kiểm thử")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    held = Held(monkeypatch, workflow, "_transition")

    def page_post(action, report, **data):
        kwargs = {"form": form.code, "period": KEY, "code": report.unit.code}
        return page.post(reverse(f"reports:{action}", kwargs=kwargs), data)

    def api_post(action, report, **body):
        path = f"/api/reports/{form.code}/{KEY}/{report.unit.code}/{action}"
        return api.post(path, body, content_type="application/json")

    # The page accepts first; the API's return waits, then is refused (409).
    one = submitted(form, cast, cast.commune_a1, cast.commune_officer, cast.commune_leader)
    accepted, returned = held.race(
        lambda: page_post("accept", one), lambda: api_post("return", one, reason="Thiếu số liệu")
    )
    assert accepted.value.status_code == 302
    assert returned.value.status_code == 409
    detail = returned.value.json()["detail"]
    assert detail.startswith("Chỉ trả lại được báo cáo đã gửi. Báo cáo đã được Leader A chấp")

    # The API returns first; the page's accept waits, then shows why (400).
    leader_a2 = str(second_leader)
    two = submitted(form, cast, cast.commune_a2, cast.officer_a, leaders["X05800"])
    returned, accepted = held.race(
        lambda: api_post("return", two, reason="Thiếu số liệu"),
        lambda: page_post("accept", two),
    )
    assert returned.value.status_code == 200
    assert accepted.value.status_code == 400
    html = accepted.value.content.decode()
    assert f"Chỉ chấp nhận được báo cáo đã gửi. Báo cáo đã được {leader_a2} trả lại" in html

    for report, status in ((one, S.ACCEPTED), (two, S.RETURNED)):
        report.refresh_from_db()
        assert report.status == status and len(decisions(report)) == 2
    assert_rollups_recomputed(form)


def test_decisions_and_saves_on_other_reports_do_not_wait(form, cast, leaders, monkeypatch):
    """Only the report itself is locked — not its form, version or unit — so leaders and
    officers working on different reports of one form do not queue behind each other
    (PostgreSQL; SQLite has one writer at a time whatever is locked)."""
    postgresql = connection.vendor == "postgresql"
    one = submitted(form, cast, cast.commune_a1, cast.commune_officer, cast.commune_leader)
    two = submitted(form, cast, cast.commune_a2, cast.officer_a, leaders["X05800"])
    held = Held(monkeypatch, workflow, "_transition")
    first, second = held.race(
        lambda: workflow.accept(one, cast.leader_a), lambda: workflow.accept(two, cast.leader_a)
    )
    assert first.ok and second.ok
    assert held.passed == postgresql  # the second accept finished while the first was held

    workflow.reopen(two, cast.leader_a, "Bổ sung số liệu mục II")
    b1 = workflow.open_report(form, cast.commune_b1, KEY, cast.officer_b)
    held = Held(monkeypatch, workflow, "_store")
    first, second = held.race(
        lambda: workflow.save_entries(two, cast.officer_a, {"XD01": 5}, {}),
        lambda: workflow.save_entries(b1, cast.officer_b, GOOD, TEXTS),
    )
    assert first.ok and second.ok
    assert held.passed == postgresql
    assert_rollups_recomputed(form)
