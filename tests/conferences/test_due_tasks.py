"""The tasks on the home page (registry.due, the shell's real home view) and their
reminders through the jobs mechanism."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from giaoban.conferences import due as conference_due
from giaoban.conferences import reminders, services, tasks
from giaoban.jobs.models import Job
from giaoban.jobs.services import run_due, schedule_many
from giaoban.notifications.models import Notification
from giaoban.reports.demo_form import ensure_demo_form
from giaoban.shell.views import due_list
from tests.conferences.test_tasks import KEY, hold

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def scene(cast, ministry_leader):
    return hold(cast, ministry_leader)


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def reminded(user):
    rows = Notification.objects.filter(user=user, kind=reminders.TASK_KIND).order_by("pk")
    return list(rows.values_list("title", flat=True))


# ------------------------------------------------------------------ the home page


def test_the_province_sees_its_task_on_its_home_page(client, cast, scene):
    client.force_login(cast.officer_a)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nhiệm vụ sau hội nghị" in body
    assert tasks.url(scene.task_a) in body and tasks.url(scene.task_b) not in body
    item = next(i for i in response.context["due"].own if i.url == tasks.url(scene.task_a))
    assert item.status_label == "Chưa thực hiện, còn hạn"
    assert item.timing.label == "còn 20 ngày" and item.detail == scene.conference.title


def test_an_overdue_task_is_marked_and_done_ones_leave(cast, ministry_leader):
    scene = hold(cast, ministry_leader, deadline_days=-3)
    listing = due_list(cast.leader_a)
    (item,) = [i for i in listing.own if i.url == tasks.url(scene.task_a)]
    assert item.status_label == "Quá hạn, chưa thực hiện" and item.timing.label == "quá hạn 3 ngày"
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.")
    tasks.mark_done(cast.leader_a, scene.task_a)
    assert not [i for i in due_list(cast.leader_a).own if i.url == tasks.url(scene.task_a)]


def test_a_returned_task_comes_back_saying_so(cast, scene, ministry_leader):
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.")
    tasks.mark_done(cast.leader_a, scene.task_a)
    tasks.send_back(ministry_leader, scene.task_a, "Thiếu số liệu.")
    (item,) = [i for i in due_list(cast.officer_a).own if i.url == tasks.url(scene.task_a)]
    assert item.detail.endswith("Bị trả lại, thực hiện tiếp")


def test_the_ministry_reads_the_provinces_tasks_and_a_summary(client, cast, scene):
    listing = due_list(cast.ministry_officer)
    assert {i.unit.code for i in listing.children if "hội nghị" in i.kind} == {"T19", "T01"}
    (line,) = [s for s in listing.summaries if "nhiệm vụ sau" in s.text]
    title = scene.conference.title
    assert line.text == (
        f"Bộ Công an: 2/2 đơn vị trực thuộc chưa hoàn thành nhiệm vụ sau {title[0].lower()}"
        f"{title[1:]}"
    )
    assert line.overdue == 0
    client.force_login(cast.ministry_officer)
    response = client.get(line.url)
    assert response.status_code == 200
    assert {t.unit.code for t in response.context["rows"]} == {"T19", "T01"}


def test_the_assigning_leader_is_asked_to_accept(client, cast, scene, ministry_leader):
    assert due_list(ministry_leader).awaiting == []
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.")
    tasks.mark_done(cast.leader_a, scene.task_a)
    client.force_login(ministry_leader)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert "1 việc chờ đồng chí quyết định" in body
    (waiting,) = response.context["due"].awaiting
    assert waiting.kind == "Nhiệm vụ chờ nghiệm thu" and waiting.url == tasks.url(scene.task_a)
    assert due_list(cast.leader_a).awaiting == []  # the unit's leader decides nothing here
    tasks.accept(ministry_leader, scene.task_a)
    assert due_list(ministry_leader).awaiting == []


def test_the_awaiting_list_links_to_the_tasks_to_accept(client, cast, scene, ministry_leader):
    contribution = conference_due.contribution(ministry_leader, [], scene.today)
    client.force_login(ministry_leader)
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.")
    tasks.mark_done(cast.leader_a, scene.task_a)
    response = client.get(contribution.awaiting_url)
    assert [t.pk for t in response.context["rows"]] == [scene.task_a.pk]


def test_a_commune_sees_nothing_of_its_provinces_tasks(cast, scene):
    listing = due_list(cast.commune_officer)
    assert listing is None or not [
        i for i in listing.own + listing.children if "hội nghị" in i.kind
    ]


# ------------------------------------------------------------------ reminders


def test_planning_twice_is_harmless(cast, scene):
    deadline = scene.task_a.deadline
    now = at(deadline - 5 * DAY, 7)
    specs = reminders.schedule(now)
    keys = sorted(s.key for s in specs if s.kind == reminders.TASK_KIND)
    conclusion = scene.conclusion.pk
    assert keys == [
        f"conferences:task:{conclusion}:{deadline:%Y%m%d}:before",
        f"conferences:task:{conclusion}:{deadline:%Y%m%d}:overdue",
    ]
    assert schedule_many(specs) == len(specs)
    assert schedule_many(reminders.schedule(now)) == 0
    assert Job.objects.filter(kind=reminders.TASK_KIND).count() == 2


def test_a_reminder_reaches_the_owing_units_people_once(cast, scene, leader_b):
    tasks.report_progress(cast.officer_b, scene.task_b, "Đã làm.")
    tasks.mark_done(leader_b, scene.task_b)
    deadline = scene.task_a.deadline
    assert run_due(now=at(deadline - 5 * DAY, 7)).ok
    assert reminded(cast.officer_a) == []  # planned, not yet due
    assert run_due(now=at(deadline - 3 * DAY, 9)).ok
    title = f"Nhắc hạn nhiệm vụ: {scene.task_a.title}"
    assert reminded(cast.officer_a) == reminded(cast.leader_a) == [title]
    assert reminded(cast.officer_b) == reminded(leader_b) == []  # Hà Nội has reported done
    assert reminded(cast.commune_officer) == reminded(cast.ministry_officer) == []
    notice = Notification.objects.get(user=cast.officer_a, kind=reminders.TASK_KIND)
    assert notice.url == tasks.url(scene.task_a)
    assert run_due(now=at(deadline - 3 * DAY, 10)).ok
    assert len(reminded(cast.officer_a)) == 1  # told once
    assert run_due(now=at(deadline + DAY, 9)).ok
    assert reminded(cast.officer_a) == [title, f"Quá hạn nhiệm vụ: {scene.task_a.title}"]


def test_no_reminder_once_the_task_is_done(cast, scene):
    deadline = scene.task_a.deadline
    assert run_due(now=at(deadline - 5 * DAY, 7)).ok
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.")
    tasks.mark_done(cast.leader_a, scene.task_a)
    tasks.report_progress(cast.officer_b, scene.task_b, "Đã làm.")
    Notification.objects.all().delete()
    assert run_due(now=at(deadline - 3 * DAY, 9)).ok
    assert (
        Notification.objects.filter(kind=reminders.TASK_KIND)
        .filter(user__in=[cast.officer_a, cast.leader_a])
        .count()
        == 0
    )
    job = Job.objects.get(key__endswith=":before", kind=reminders.TASK_KIND)
    assert job.status == Job.Status.DONE


def test_invited_units_without_a_paper_are_reminded(cast, ministry_leader):
    form = ensure_demo_form()
    day = timezone.localdate() + 10 * DAY
    conference = services.create(cast.ministry_officer, cast.root, form, KEY, day)
    invited = conference.participants.filter(unit__in=[cast.province_a]).values_list(
        "pk", flat=True
    )
    services.invite_papers(cast.ministry_officer, conference, list(invited), day - DAY)
    assert run_due(now=at(day - 6 * DAY, 7)).ok
    assert run_due(now=at(day - 4 * DAY, 9)).ok
    titles = Notification.objects.filter(kind=reminders.PAPER_KIND)
    assert {n.user for n in titles} == {cast.officer_a, cast.leader_a}
    assert run_due(now=at(day - 4 * DAY, 10)).ok
    assert titles.count() == 2
