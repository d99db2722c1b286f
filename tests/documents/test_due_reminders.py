"""What a unit owes on its home page, deadline reminders through jobs, a leader's reminder."""

import datetime

from django.urls import reverse
from django.utils import timezone

from giaoban.audit.models import AuditEntry
from giaoban.documents import reminders, services
from giaoban.documents.models import Document, DocumentLink
from giaoban.jobs.models import Job
from giaoban.jobs.services import run_due
from giaoban.notifications.models import Notification
from giaoban.shell.views import due_list
from tests.documents.conftest import D, draft, issued

ISSUED_ON = D(2026, 11, 2)
DISSEMINATE_BY = D(2026, 11, 20)
PLAN_BY = D(2026, 12, 10)


def titles(user):
    return sorted(Notification.objects.filter(user=user).values_list("title", flat=True))


def directive(cast, leader, **fields):
    """The ministry's plan to its provinces: disseminate by 20/11, a plan by 10/12."""
    fields.setdefault("disseminate_by", DISSEMINATE_BY)
    fields.setdefault("plan_by", PLAN_BY)
    return issued(cast.ministry_officer, leader, cast.root, day=ISSUED_ON, **fields)


def test_a_province_sees_what_it_owes_nearest_deadline_first(cast, ministry_leader):
    document = directive(cast, ministry_leader)
    listing = due_list(cast.officer_a, today=D(2026, 11, 25))
    own = [(i.unit.code, i.kind, i.status_label, i.deadline) for i in listing.own if i.title]
    mine = [row for row in own if row[1].startswith("Văn bản")]
    assert mine == [
        ("T19", "Văn bản cần quán triệt", "Quá hạn, chưa thực hiện", DISSEMINATE_BY),
        ("T19", "Văn bản cần xây dựng kế hoạch triển khai", "Chưa thực hiện, còn hạn", PLAN_BY),
    ]
    item = next(i for i in listing.own if i.kind == "Văn bản cần quán triệt")
    assert item.url == reverse("documents:detail", kwargs={"pk": document.pk})
    # A session recorded on time: dissemination is met and leaves the list.
    services.set_dissemination(document.pk, cast.province_a.pk, D(2026, 11, 15), 1)
    listing = due_list(cast.officer_a, today=D(2026, 11, 25))
    kinds = [i.kind for i in listing.own]
    assert "Văn bản cần quán triệt" not in kinds
    assert "Văn bản cần xây dựng kế hoạch triển khai" in kinds


def test_the_ministry_reads_a_summary_of_the_provinces_that_owe(cast, ministry_leader):
    document = directive(cast, ministry_leader)
    services.set_dissemination(document.pk, cast.province_b.pk, D(2026, 11, 10), 2)
    listing = due_list(cast.ministry_officer, today=D(2026, 11, 25))
    texts = [s.text for s in listing.summaries]
    assert texts == [
        f"Bộ Công an: 2/3 đơn vị cấp dưới chưa quán triệt văn bản {document.symbol}",
        f"Bộ Công an: 3/3 đơn vị cấp dưới chưa có kế hoạch triển khai văn bản {document.symbol}",
    ]
    assert [s.overdue for s in listing.summaries] == [2, 0]  # Thái Nguyên, the department


def test_a_replaced_document_is_owed_no_more(cast, ministry_leader):
    old = directive(cast, ministry_leader)
    new = draft(cast.ministry_officer, cast.root, disseminate_by=DISSEMINATE_BY)
    services.add_link(new, old, DocumentLink.Kind.REPLACES, cast.ministry_officer)
    services.send_for_review(new, cast.ministry_officer)
    new, _warnings = services.issue(new, ministry_leader, ISSUED_ON)
    old.refresh_from_db()
    assert old.status == Document.Status.REPLACED
    listing = due_list(cast.officer_a, today=D(2026, 11, 25))
    assert all(old.symbol not in i.title for i in listing.own)
    assert any(new.symbol in i.title for i in listing.own)


def test_deadline_reminders_are_planned_and_reach_only_units_that_owe(cast, ministry_leader):
    document = directive(cast, ministry_leader)
    services.set_dissemination(document.pk, cast.province_b.pk, D(2026, 11, 10), 1)
    Notification.objects.all().delete()  # the "document received" notices
    now = timezone.make_aware(datetime.datetime(2026, 11, 15, 7, 0))
    keys = {s.key for s in reminders.schedule(now)}
    assert reminders.job_key(document.pk, "disseminate", "before") in keys  # 17/11, 8:00
    assert reminders.job_key(document.pk, "disseminate", "overdue") in keys  # 21/11
    assert reminders.job_key(document.pk, "plan", "before") not in keys  # 7/12: not yet
    at = timezone.make_aware(datetime.datetime(2026, 11, 17, 9, 0))
    assert run_due(now=at).ok
    job = Job.objects.get(key=reminders.job_key(document.pk, "disseminate", "before"))
    assert job.status == Job.Status.DONE
    assert titles(cast.officer_a) == [f"Nhắc hạn quán triệt văn bản {document.symbol}"]
    assert titles(cast.officer_b) == []  # Hà Nội has disseminated
    run_due(now=at)
    assert len(titles(cast.officer_a)) == 1  # nobody is told twice
    overdue = timezone.make_aware(datetime.datetime(2026, 11, 21, 9, 0))
    run_due(now=overdue)
    assert f"Quá hạn quán triệt văn bản {document.symbol}" in titles(cast.officer_a)


def test_a_leader_reminds_the_units_below_that_have_not_met_an_obligation(
    client, cast, ministry_leader
):
    document = directive(cast, ministry_leader)
    services.set_dissemination(document.pk, cast.province_b.pk, D(2026, 11, 10), 1)
    Notification.objects.all().delete()
    url = reverse("documents:remind", kwargs={"pk": document.pk})
    client.force_login(ministry_leader)
    assert client.get(url).status_code == 405  # a GET never writes
    response = client.post(url, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said[0] == "Đã gửi nhắc tới 2 đơn vị chưa thực hiện văn bản."  # both owe the plan
    assert titles(cast.officer_a) == [f"Nhắc thực hiện văn bản {document.symbol}"]
    body = Notification.objects.filter(user=cast.officer_a).get().body
    assert "Quán triệt" in body and "kế hoạch" in body.lower()
    body_b = Notification.objects.filter(user=cast.officer_b).get().body
    assert "Quán triệt" not in body_b  # Hà Nội owes only the plan
    entry = AuditEntry.objects.filter(action="notify").get()
    assert entry.actor == ministry_leader
    again = client.post(url, follow=True)
    assert "2 đơn vị đã được nhắc hôm nay, không nhắc lại." in again.content.decode()
    assert len(titles(cast.officer_a)) == 1
    client.force_login(cast.ministry_officer)  # an officer does not send reminders
    assert client.post(url).status_code == 403
    client.force_login(cast.officer_a)  # a recipient does not remind the issuer's units
    assert client.post(url).status_code == 403
    client.force_login(cast.officer_b)
    other = issued(cast.officer_a, cast.leader_a, cast.province_a, day=ISSUED_ON)
    assert client.post(reverse("documents:remind", kwargs={"pk": other.pk})).status_code == 404
