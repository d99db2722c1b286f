"""Nhắc hạn yêu cầu của đợt — reminders through the jobs mechanism (registry.jobs).

`schedule(now)` plans, for each phase of a launched campaign that has requirements, a
reminder REMIND_DAYS before the phase's last day (the requirements' deadline) and one the
day after it. Only the occasions of the coming LOOKAHEAD_DAYS are planned on each run;
the job's key (phase, deadline, occasion) makes planning twice harmless.

`remind_phase` runs when the job falls due: it reads where every unit stands on the day
it runs (`progress.compute`, the campaign page's rule) and tells the officers and leaders
of each unit that has not met a requirement of the phase — within the deadline for the
first reminder (run only after the deadline, it leaves the telling to the second), overdue
for the second. One notification per requirement and person, keyed by requirement,
deadline and occasion: a second run, or a person holding roles at several owing units,
tells nobody twice. Units that met the requirement (on time or late)
are not told; nor is anyone when the campaign is no longer launched.
"""

import datetime
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.accounts.models import RoleAssignment
from giaoban.campaigns import progress
from giaoban.campaigns.models import Campaign, Phase
from giaoban.campaigns.views.common import url as campaign_url
from giaoban.core import due, roles
from giaoban.core.due import OWED
from giaoban.jobs.services import JobSpec, handler
from giaoban.notifications.services import notify

REMIND_DAYS = 3  # days before a phase's last day
REMIND_HOUR = 8  # local time the reminders go out
LOOKAHEAD_DAYS = 7  # occasions planned ahead on each run of the scheduler
KIND = "campaigns.requirement_reminder"
BEFORE, OVERDUE = "before", "overdue"


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(REMIND_HOUR)))


def occasions(deadline):
    """[(occasion, day)]: REMIND_DAYS before the deadline, and the day after it."""
    return [
        (BEFORE, deadline - datetime.timedelta(days=REMIND_DAYS)),
        (OVERDUE, deadline + datetime.timedelta(days=1)),
    ]


def job_key(phase_id, deadline, occasion):
    return f"campaigns:phase:{phase_id}:{deadline:%Y%m%d}:{occasion}"


def notice_key(requirement_id, deadline, occasion):
    return f"campaigns:requirement:{requirement_id}:{deadline:%Y%m%d}:{occasion}"


def schedule(now):
    """The reminders falling in the next LOOKAHEAD_DAYS, one job per phase and occasion
    (a `core.registry.jobs` scheduler)."""
    today = timezone.localtime(now).date()
    last = today + datetime.timedelta(days=LOOKAHEAD_DAYS)
    # A deadline has an occasion in [today, last] when it lies in [today − 1, last + N].
    low, high = today - datetime.timedelta(days=1), last + datetime.timedelta(days=REMIND_DAYS)
    phases = (
        Phase.objects.filter(
            campaign__status=Campaign.Status.LAUNCHED,
            end__range=(low, high),
            requirements__isnull=False,
        )
        .values_list("pk", "end")
        .distinct()
        .order_by("pk")
    )
    specs = []
    for pk, deadline in phases:
        for occasion, day in occasions(deadline):
            if today <= day <= last:  # a passed occasion is not reminded late
                payload = {"phase": pk, "deadline": deadline.isoformat(), "when": occasion}
                specs.append(JobSpec(KIND, job_key(pk, deadline, occasion), _at(day), payload))
    return specs


def _people(unit_ids):
    """{unit id: {user ids}} of the active officers and leaders at the units."""
    out = defaultdict(set)
    rows = RoleAssignment.objects.filter(
        unit_id__in=list(unit_ids), role__in=(roles.OFFICER, roles.LEADER), user__is_active=True
    ).values_list("unit_id", "user_id")
    for unit_id, user_id in rows:
        out[unit_id].add(user_id)
    return out


def _day_of(job):
    """The day the job runs (the runner's clock when it claimed it)."""
    return timezone.localtime(job.claimed_at or timezone.now()).date()


@handler(KIND, label=gettext_lazy("Nhắc hạn yêu cầu của đợt sinh hoạt chính trị"))
def remind_phase(job):
    """Remind the units that have not met a requirement of one phase."""
    phase = Phase.objects.select_related("campaign").filter(pk=job.payload["phase"]).first()
    deadline = datetime.date.fromisoformat(job.payload["deadline"])
    if phase is None or not phase.campaign.is_launched or phase.end != deadline:
        return _("Đợt không còn phát động hoặc giai đoạn đã đổi hạn; không nhắc.")
    campaign, occasion, today = phase.campaign, job.payload.get("when", BEFORE), _day_of(job)
    if occasion == BEFORE and today > deadline:
        return _("Đã quá hạn giai đoạn: lần nhắc quá hạn sẽ báo; không nhắc.")
    result = progress.compute(campaign, today)
    owing = defaultdict(list)  # requirement id -> unit ids
    for unit_id, p in result.units.items():
        for req_id, (standing, _met) in p.items.items():
            if standing in OWED:
                owing[req_id].append(unit_id)
    requirements = [r for r in result.requirements if r.phase_id == phase.pk and owing[r.pk]]
    if not requirements:
        return _("Các đơn vị đã thực hiện mọi yêu cầu của giai đoạn; không nhắc.")
    people = _people({u for r in requirements for u in owing[r.pk]})
    timing = due.timing(deadline, None, today, verb=_("thực hiện"))
    url = campaign_url(campaign, "#own")
    told, reached, unreachable = 0, set(), set()
    for r in requirements:
        users = set()
        for unit_id in owing[r.pk]:
            users |= people.get(unit_id, set())
            if not people.get(unit_id):
                unreachable.add(unit_id)
        if not users:
            continue
        title = (_("Quá hạn: %(title)s") if occasion == OVERDUE else _("Nhắc hạn: %(title)s")) % {
            "title": r.title[:200]
        }
        body = _(
            "%(campaign)s — giai đoạn %(n)s (%(phase)s). Đơn vị của đồng chí chưa thực hiện; "
            "hạn %(d)s (%(timing)s)."
        ) % {
            "campaign": campaign.title,
            "n": phase.number,
            "phase": phase.title,
            "d": f"{deadline:%d/%m/%Y}",
            "timing": timing.label,
        }
        key = notice_key(r.pk, deadline, occasion)
        new = {n.user_id for n in notify(sorted(users), KIND, title[:255], body, url, key)}
        told += len(new)
        reached |= {u for u in owing[r.pk] if new & people.get(u, set())}
    return _("Đã nhắc %(units)s đơn vị (%(n)s thông báo); %(none)s đơn vị chưa có tài khoản.") % {
        "units": len(reached),
        "n": told,
        "none": len(unreachable),
    }
