"""Nhắc hạn nhiệm vụ và tham luận — reminders through the jobs mechanism.

`schedule(now)` (a `core.registry.jobs` scheduler) plans, for the tasks whose deadline is
near, a reminder REMIND_DAYS before the deadline and one the day after it (to the units
that have not reported the task done by then), and for the papers of open conferences
one REMIND_DAYS before their deadline (to the invited units that have sent none). Only
the occasions of the coming LOOKAHEAD_DAYS are planned on each run; keys make planning
twice, and telling twice, harmless.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.accounts.models import RoleAssignment
from giaoban.conferences import tasks as task_rules
from giaoban.conferences.models import Conference, Participant, Task
from giaoban.core import roles
from giaoban.jobs.services import JobSpec, handler
from giaoban.notifications.services import notify

REMIND_DAYS = 3
REMIND_HOUR = 8
LOOKAHEAD_DAYS = 7
TASK_KIND = "conferences.task_reminder"
PAPER_KIND = "conferences.paper_reminder"
BEFORE, OVERDUE = "before", "overdue"


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(REMIND_HOUR)))


def _occasions(deadline, overdue=True):
    out = [(BEFORE, deadline - datetime.timedelta(days=REMIND_DAYS))]
    if overdue:
        out.append((OVERDUE, deadline + datetime.timedelta(days=1)))
    return out


def schedule(now):
    today = timezone.localtime(now).date()
    last = today + datetime.timedelta(days=LOOKAHEAD_DAYS)
    low, high = today - datetime.timedelta(days=1), last + datetime.timedelta(days=REMIND_DAYS)
    specs = []
    # One job per conclusion and deadline: its units' tasks are reminded together.
    groups = (
        Task.objects.filter(
            deadline__range=(low, high), status__in=(Task.Status.OPEN, Task.Status.RETURNED)
        )
        .values_list("conclusion_id", "deadline")
        .distinct()
        .order_by("conclusion_id", "deadline")
    )
    for conclusion_id, deadline in groups:
        for occasion, day in _occasions(deadline):
            if today <= day <= last:
                key = f"conferences:task:{conclusion_id}:{deadline:%Y%m%d}:{occasion}"
                payload = {
                    "conclusion": conclusion_id,
                    "deadline": deadline.isoformat(),
                    "when": occasion,
                }
                specs.append(JobSpec(TASK_KIND, key, _at(day), payload))
    conferences = Conference.objects.filter(
        papers_due__range=(low, high),
        status__in=(Conference.Status.PREPARING, Conference.Status.OPEN),
    ).values_list("pk", "papers_due")
    for pk, deadline in conferences:
        for _occasion, day in _occasions(deadline, overdue=False):
            if today <= day <= last:
                specs.append(
                    JobSpec(
                        PAPER_KIND,
                        f"conferences:paper:{pk}:{deadline:%Y%m%d}",
                        _at(day),
                        {"conference": pk},
                    )
                )
    return specs


def _people(unit_ids):
    rows = RoleAssignment.objects.filter(
        unit_id__in=unit_ids, role__in=(roles.OFFICER, roles.LEADER), user__is_active=True
    ).values_list("user_id", flat=True)
    return sorted(set(rows))


@handler(TASK_KIND, label=gettext_lazy("Nhắc hạn nhiệm vụ sau hội nghị"))
def remind_tasks(job):
    deadline = datetime.date.fromisoformat(job.payload["deadline"])
    tasks = list(
        Task.objects.filter(
            conclusion_id=job.payload["conclusion"],
            deadline=deadline,
            status__in=(Task.Status.OPEN, Task.Status.RETURNED),
        ).select_related("conclusion__conference")
    )
    if not tasks:
        return _("Không còn nhiệm vụ nào chưa hoàn thành; không nhắc.")
    overdue = job.payload.get("when") == OVERDUE
    told = 0
    for task in tasks:
        words = {"title": task.title[:150], "d": deadline.strftime("%d/%m/%Y")}
        title = (
            _("Quá hạn nhiệm vụ: %(title)s") if overdue else _("Nhắc hạn nhiệm vụ: %(title)s")
        ) % words
        body = _("Hạn hoàn thành %(d)s (%(timing)s).") % {
            "d": words["d"],
            "timing": task_rules.timing(task).label,
        }
        key = f"conferences:task:{task.pk}:{job.payload.get('when')}"
        told += len(
            notify(_people([task.unit_id]), TASK_KIND, title[:255], body, task_rules.url(task), key)
        )
    return _("Đã nhắc %(units)s đơn vị (%(n)s thông báo).") % {"units": len(tasks), "n": told}


@handler(PAPER_KIND, label=gettext_lazy("Nhắc hạn gửi tham luận hội nghị"))
def remind_papers(job):
    conference = Conference.objects.filter(pk=job.payload["conference"]).first()
    if conference is None or conference.is_closed or conference.papers_due is None:
        return _("Hội nghị đã kết thúc hoặc không còn hạn tham luận; không nhắc.")
    sent = set(conference.papers.values_list("unit_id", flat=True))
    owing = [
        uid
        for uid in Participant.objects.filter(
            conference=conference, paper_invited=True
        ).values_list("unit_id", flat=True)
        if uid not in sent
    ]
    if not owing:
        return _("Các đơn vị được mời đã gửi tham luận; không nhắc.")
    title = _("Nhắc hạn gửi tham luận: %(c)s") % {"c": conference.title}
    body = _("Hạn gửi tham luận %(d)s.") % {"d": conference.papers_due.strftime("%d/%m/%Y")}
    url = reverse("conferences:conference", kwargs={"pk": conference.pk})
    key = f"conferences:paper:{conference.pk}:{conference.papers_due:%Y%m%d}"
    told = notify(_people(owing), PAPER_KIND, title[:255], body, url, key)
    return _("Đã nhắc %(units)s đơn vị (%(n)s thông báo).") % {"units": len(owing), "n": len(told)}
