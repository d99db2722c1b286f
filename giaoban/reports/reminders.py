"""Nhắc hạn và thông báo — reports' reminders and notices, through the shared mechanisms.

- **Notices**: when a report is returned, accepted or reopened, the officers and leaders
  of its unit are notified (in the app, and by e-mail when it is configured), in the
  transaction of the transition.
- **Deadline reminders**: `schedule(now)` (registered with `core.registry.jobs`) plans,
  for each active form, period and reporting level, a reminder REMIND_DAYS days before
  the level's deadline and one the day after it; `giaoban jobs` runs them when due
  (`remind_level`), notifying the units of that level that still owe the report.
- **Reminders sent by a leader** from the progress page (`remind_missing`), to the
  units of the subtree that have not submitted.

Recipients are the users holding an officer or leader role at the unit that owes the
report. A user is reminded once per form, period and occasion (the notification key).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.accounts.models import RoleAssignment
from giaoban.core import periods, roles
from giaoban.jobs.services import JobSpec, handler
from giaoban.notifications.services import notify, notify_all
from giaoban.reports import services, statuses
from giaoban.reports.models import Report, ReportForm
from giaoban.units import history
from giaoban.units.models import Level, Unit

REMIND_DAYS = 3  # days before a level's deadline
REMIND_HOUR = 8  # local time the reminders go out
JOB_KIND = "reports.deadline_reminder"
BEFORE, OVERDUE = "before", "overdue"


def _report_url(form, period, unit):
    kwargs = {"form": form.code, "period": period.key, "code": unit.code}
    return reverse("reports:report", kwargs=kwargs)


def _people(unit_ids):
    """{unit id: [user ids]} of the officers and leaders at the units."""
    out = {}
    rows = RoleAssignment.objects.filter(
        unit_id__in=unit_ids, role__in=(roles.OFFICER, roles.LEADER), user__is_active=True
    ).values_list("unit_id", "user_id")
    for unit_id, user_id in rows:
        out.setdefault(unit_id, []).append(user_id)
    return out


# ---------------------------------------------------------------------------- notices

NOTICES = {
    (statuses.S.SUBMITTED, statuses.S.RETURNED): "returned",
    (statuses.S.SUBMITTED, statuses.S.ACCEPTED): "accepted",
    (statuses.S.ACCEPTED, statuses.S.RETURNED): "reopened",
}


def transition_notice(report, old, new, reason=""):
    """Tell the report's unit that the unit above returned, accepted or reopened it;
    returns how many people were told."""
    what = NOTICES.get((old, new))
    if what is None:
        return 0
    period = report.period
    words = {"form": report.form.name, "period": period.label}
    title = {
        "returned": _("Báo cáo %(form)s %(period)s bị trả lại"),
        "accepted": _("Báo cáo %(form)s %(period)s đã được chấp nhận"),
        "reopened": _("Báo cáo %(form)s %(period)s được mở lại để sửa"),
    }[what] % words
    body = _("Lý do: %(reason)s") % {"reason": reason} if reason else ""
    users = get_user_model().objects.filter(
        role_assignments__unit_id=report.unit_id,
        role_assignments__role__in=(roles.OFFICER, roles.LEADER),
    )
    return notify_all(
        users, f"reports.{what}", title, body, _report_url(report.form, period, report.unit)
    )


# ---------------------------------------------------------------------------- deadlines


def _at(day):
    moment = datetime.datetime.combine(day, datetime.time(REMIND_HOUR))
    return timezone.make_aware(moment)


def schedule(now):
    """The reminders of every active form's due periods, one job per level and occasion
    (a `core.registry.jobs` scheduler; the job keys make planning twice harmless)."""
    today = timezone.localtime(now).date()
    specs = []
    for form in ReportForm.objects.filter(is_active=True).prefetch_related("levels", "deadlines"):
        days = {d.level_id: d.days_after_end for d in form.deadlines.all()}
        for period in _due_periods(form, today):
            for level in form.levels.all():
                deadline = period.end + datetime.timedelta(days=days.get(level.pk, 0))
                for when, day in (
                    (BEFORE, deadline - datetime.timedelta(days=REMIND_DAYS)),
                    (OVERDUE, deadline + datetime.timedelta(days=1)),
                ):
                    if day < today:
                        continue  # an occasion that has passed is not reminded late
                    key = f"reports:remind:{form.code}:{period.key}:{level.code}:{when}"
                    payload = {"form": form.pk, "period": period.key, "level": level.pk}
                    specs.append(JobSpec(JOB_KIND, key, _at(day), {**payload, "when": when}))
    return specs


def _due_periods(form, today):
    current = periods.containing(today, form.period_type, form.cutoff_day)
    return [periods.previous(current), current]


def _owing(form, period, units):
    """The units among `units` (expected to report) whose report is not sent up."""
    sent = set(
        Report.objects.filter(
            form=form, period_key=period.key, unit__in=units, status__in=statuses.SENT
        ).values_list("unit_id", flat=True)
    )
    return [u for u in units if u.pk not in sent]


@dataclass
class Reminded:
    units: int = 0  # units whose people were notified
    notifications: int = 0
    unreachable: int = 0  # units with no active officer or leader account to tell
    already: int = 0  # units already reminded on this occasion


def _remind(form, period, units, occasion, deadline_of):
    """Notify the people of each unit; returns a Reminded."""
    people = _people([u.pk for u in units])
    done = Reminded()
    for unit in units:
        users = people.get(unit.pk)
        if not users:
            done.unreachable += 1
            continue
        deadline = deadline_of(unit)
        title = _("Nhắc hạn gửi báo cáo %(form)s %(period)s") % {
            "form": form.name,
            "period": period.label,
        }
        timing = statuses.report_timing(None, deadline)
        body = _("%(unit)s: hạn gửi %(day)s (%(timing)s).") % {
            "unit": unit.name,
            "day": deadline.strftime("%d/%m/%Y"),
            "timing": timing.label,
        }
        key = f"remind:{form.code}:{period.key}:{unit.code}:{occasion}"
        created = notify(users, JOB_KIND, title, body, _report_url(form, period, unit), key)
        done.units += bool(created)
        done.already += not created
        done.notifications += len(created)
    return done


@handler(JOB_KIND, label=gettext_lazy("Nhắc hạn báo cáo"))
def remind_level(job):
    """Remind the units of one level that still owe one form's report for one period."""
    form = ReportForm.objects.prefetch_related("levels", "deadlines").get(pk=job.payload["form"])
    period = form.period(job.payload["period"])
    level = Level.objects.get(pk=job.payload["level"])
    units = list(Unit.objects.active_on(period.end).filter(level=level).order_by("code"))
    days = {d.level_id: d.days_after_end for d in form.deadlines.all()}
    deadline = period.end + datetime.timedelta(days=days.get(level.pk, 0))
    owing = _owing(form, period, units)
    occasion = job.payload.get("when", BEFORE)
    done = _remind(form, period, owing, occasion, lambda unit: deadline)
    return _("Đã nhắc %(units)s đơn vị (%(n)s thông báo); %(none)s đơn vị chưa có tài khoản.") % {
        "units": done.units,
        "n": done.notifications,
        "none": done.unreachable,
    }


def remind_missing(node, form, period):
    """A leader's reminder to every unit of `node`'s subtree that has not submitted.
    Returns a Reminded."""
    missing = list(services.missing_units(node, form, period))
    days = {d.level_id: d.days_after_end for d in form.deadlines.all()}

    def deadline_of(unit):
        return period.end + datetime.timedelta(days=days.get(unit.level_id, 0))

    # One reminder per unit and day from a leader: a second click the same day adds nothing.
    occasion = f"leader:{timezone.localdate():%Y%m%d}"
    with history.pinned():
        return _remind(form, period, missing, occasion, deadline_of)
