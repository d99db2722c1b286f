"""Reports' notices and reminders, through the jobs and notifications mechanisms."""

import datetime

from django.urls import reverse
from django.utils import timezone

from giaoban.audit.models import AuditEntry
from giaoban.jobs.models import Job
from giaoban.jobs.services import run_due
from giaoban.notifications.models import Notification
from giaoban.reports import reminders, workflow
from tests.reports.conftest import GOOD, TEXTS

KEY = "2026-H1"


def titles(user):
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def submitted(form, cast):
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, GOOD, TEXTS)
    workflow.submit(report, cast.commune_leader)
    return report


def test_a_return_an_acceptance_and_a_reopening_reach_the_unit(form, cast):
    report = submitted(form, cast)
    workflow.return_report(report, cast.leader_a, "Thiếu số liệu mục II")
    notice = Notification.objects.get(user=cast.commune_officer)
    assert notice.title == f"Báo cáo {form.name} 6 tháng đầu năm 2026 bị trả lại"
    assert notice.body == "Lý do: Thiếu số liệu mục II"
    assert notice.url == reverse(
        "reports:report", kwargs={"form": form.code, "period": KEY, "code": "X05500"}
    )
    assert titles(cast.commune_leader) == [notice.title]  # the leader who signs it off too
    assert titles(cast.officer_b) == []  # nobody outside the unit
    workflow.submit(report, cast.commune_leader)
    workflow.accept(report, cast.leader_a)
    workflow.reopen(report, cast.leader_a, "Điều chỉnh")
    assert sorted(titles(cast.commune_officer))[0].endswith("bị trả lại")
    assert any(t.endswith("đã được chấp nhận") for t in titles(cast.commune_officer))
    assert any(t.endswith("được mở lại để sửa") for t in titles(cast.commune_officer))


def test_deadline_reminders_are_planned_once_and_reach_only_the_units_that_owe(form, cast):
    # 2026-H2 ends 14/12/2026; communes are due 3 days later, on 17/12.
    now = timezone.make_aware(datetime.datetime(2026, 12, 10, 7, 0))
    specs = reminders.schedule(now)
    keys = {s.key for s in specs}
    assert f"reports:remind:{form.code}:2026-H2:xa:before" in keys
    assert f"reports:remind:{form.code}:2026-H2:xa:overdue" in keys
    sent = workflow.open_report(form, cast.commune_a2, "2026-H2", cast.officer_a)
    workflow.save_entries(sent, cast.officer_a, GOOD, TEXTS)
    from tests.conftest import make_user

    workflow.submit(sent, make_user("lead_x05800", cast.commune_a2, "leader"))
    sibling = make_user("canbo_x05800", cast.commune_a2, "officer")
    at = timezone.make_aware(datetime.datetime(2026, 12, 14, 9, 0))  # 17/12 − 3 days, 8:00
    summary = run_due(now=at)
    assert summary.ok
    job = Job.objects.get(key=f"reports:remind:{form.code}:2026-H2:xa:before")
    assert job.status == Job.Status.DONE
    reminded = titles(cast.commune_officer)
    assert reminded == [f"Nhắc hạn gửi báo cáo {form.name} 6 tháng cuối năm 2026"]
    assert titles(sibling) == []  # its report is sent up
    run_due(now=at)  # twice: nothing new
    assert titles(cast.commune_officer) == reminded


def test_a_leader_reminds_the_units_that_have_not_submitted(client, form, cast):
    client.force_login(cast.leader_a)
    url = reverse("reports:remind", kwargs={"form": form.code, "period": KEY, "code": "T19"})
    page = reverse("reports:completeness", kwargs={"form": form.code, "period": KEY, "code": "T19"})
    assert url in client.get(page).content.decode()  # the button, on the progress page
    assert client.get(url).status_code == 405  # a GET never writes
    response = client.post(url, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said[0] == "Đã gửi nhắc hạn tới 2 đơn vị chưa gửi báo cáo."
    # A unit with no account to tell: the leader learns to reach it another way.
    assert said[1].startswith("1 đơn vị chưa có tài khoản cán bộ, lãnh đạo nào đang hoạt động")
    assert titles(cast.commune_officer) == [
        f"Nhắc hạn gửi báo cáo {form.name} 6 tháng đầu năm 2026"
    ]
    entry = AuditEntry.objects.filter(action="notify").get()
    assert entry.actor == cast.leader_a and "Nhắc hạn gửi báo cáo" in entry.message
    again = client.post(url, follow=True)  # the same day again: nobody is reminded twice
    assert len(titles(cast.commune_officer)) == 1
    assert "2 đơn vị đã được nhắc hôm nay, không nhắc lại." in again.content.decode()
    client.force_login(cast.officer_a)  # an officer does not send reminders
    assert client.post(url).status_code == 403
    client.force_login(cast.officer_b)
    assert client.post(url).status_code == 404
