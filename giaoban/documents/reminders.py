"""Nhắc hạn văn bản — reminders of what recipients owe, through the shared mechanisms.

- **Deadline reminders**: `schedule(now)` (registered with `core.registry.jobs`) plans,
  for each obligation of each document in force, a reminder REMIND_DAYS days before its
  deadline and one the day after it; `giaoban jobs` runs them when due
  (`remind_obligation`), notifying the units that have not met the obligation by then.
  Only the occasions of the coming LOOKAHEAD_DAYS are planned on each run, so planning
  stays small however many documents the register holds.
- **Reminders sent by a leader** of the issuing unit from the document's page
  (`remind_owing`), to every recipient that has not met an obligation; once a day.
- "A document received" is sent at issue (`services._notify_received`).

The people told are the users holding an officer or leader role at a unit that owes.
Each notification has a key (document, obligation and occasion; the day for a leader's
reminder), so that nobody is told the same thing twice.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.accounts.models import RoleAssignment
from giaoban.core import due, roles
from giaoban.documents import obligations
from giaoban.documents.models import Document, Recipient
from giaoban.jobs.services import JobSpec, handler
from giaoban.notifications.services import notify

REMIND_DAYS = 3  # days before an obligation's deadline
REMIND_HOUR = 8  # local time the reminders go out
LOOKAHEAD_DAYS = 7  # occasions planned ahead on each run of the scheduler
JOB_KIND = "documents.deadline_reminder"
LEADER_KIND = "documents.leader_reminder"
BEFORE, OVERDUE = "before", "overdue"


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(REMIND_HOUR)))


def occasions(deadline):
    """[(occasion, day)]: REMIND_DAYS before the deadline, and the day after it."""
    return [
        (BEFORE, deadline - datetime.timedelta(days=REMIND_DAYS)),
        (OVERDUE, deadline + datetime.timedelta(days=1)),
    ]


def job_key(document_id, obligation, occasion):
    return f"documents:remind:{document_id}:{obligation}:{occasion}"


def schedule(now):
    """The reminders falling in the next LOOKAHEAD_DAYS, one job per document, obligation
    and occasion (a `core.registry.jobs` scheduler; the keys make planning twice harmless)."""
    today = timezone.localtime(now).date()
    last = today + datetime.timedelta(days=LOOKAHEAD_DAYS)
    # A deadline has an occasion in [today, last] when it lies in [today − 1, last + N].
    low, high = today - datetime.timedelta(days=1), last + datetime.timedelta(days=REMIND_DAYS)
    near = Q()
    for o in obligations.OBLIGATIONS:
        near |= Q(**{f"{o.deadline_field}__range": (low, high)})
    fields = [o.deadline_field for o in obligations.OBLIGATIONS]
    documents = (
        Document.objects.filter(near, status=Document.Status.ISSUED)
        .order_by("pk")
        .values_list("pk", *fields)
    )
    specs = []
    for pk, *deadlines in documents:
        for o, deadline in zip(obligations.OBLIGATIONS, deadlines, strict=True):
            if deadline is None:
                continue
            for occasion, day in occasions(deadline):
                if today <= day <= last:  # a passed occasion is not reminded late
                    payload = {"document": pk, "obligation": o.key, "when": occasion}
                    specs.append(JobSpec(JOB_KIND, job_key(pk, o.key, occasion), _at(day), payload))
    return specs


def _people(unit_ids):
    """{unit id: [user ids]} of the active officers and leaders at the units."""
    out = {}
    rows = RoleAssignment.objects.filter(
        unit_id__in=unit_ids, role__in=(roles.OFFICER, roles.LEADER), user__is_active=True
    ).values_list("unit_id", "user_id")
    for unit_id, user_id in rows.order_by("unit_id", "user_id"):
        out.setdefault(unit_id, []).append(user_id)
    return out


@dataclass
class Reminded:
    units: int = 0  # units whose people were notified
    notifications: int = 0
    unreachable: int = 0  # units with no active officer or leader account to tell
    already: int = 0  # units whose people were all told already on this occasion


def _tell(groups, document, key, kind=JOB_KIND):
    """Notify each group: [(unit ids, title, body)]; returns a Reminded.

    The units of one group owe the same, so they share one notification text and one
    INSERT; a user told already under `key` is skipped (notify's key).
    """
    done = Reminded()
    url = reverse("documents:detail", kwargs={"pk": document.pk})
    people = _people([pk for unit_ids, _t, _b in groups for pk in unit_ids])
    for unit_ids, title, body in groups:
        users = sorted({u for pk in unit_ids for u in people.get(pk, [])})
        told = (
            {n.user_id for n in notify(users, kind, title[:255], body, url, key)}
            if users
            else set()
        )
        done.notifications += len(told)
        for pk in unit_ids:
            mine = people.get(pk)
            if not mine:
                done.unreachable += 1
            elif told.intersection(mine):
                done.units += 1
            else:
                done.already += 1
    return done


def _owed_words(document, obligation, today):
    deadline = getattr(document, obligation.deadline_field)
    timing = due.timing(deadline, None, today, verb=str(obligation.verb))
    return _("%(what)s: hạn %(day)s (%(timing)s)") % {
        "what": obligation.label,
        "day": deadline.strftime("%d/%m/%Y"),
        "timing": timing.label,
    }


@handler(JOB_KIND, label=gettext_lazy("Nhắc hạn thực hiện văn bản"))
def remind_obligation(job):
    """Remind the recipients that have not met one obligation of one document."""
    document = Document.objects.select_related("issuer").filter(pk=job.payload["document"]).first()
    if document is None or document.status != Document.Status.ISSUED:
        return _("Văn bản không còn hiệu lực; không nhắc.")
    obligation = obligations.BY_KEY[job.payload["obligation"]]
    if getattr(document, obligation.deadline_field) is None:
        return _("Văn bản không còn giao hạn này; không nhắc.")
    today = timezone.localdate()
    occasion = job.payload.get("when", BEFORE)
    owing = list(
        Recipient.objects.filter(document=document, **{f"{obligation.met_field}__isnull": True})
        .order_by("path")
        .values_list("unit_id", flat=True)
    )
    words = {"what": str(obligation.verb), "doc": document.symbol}
    if occasion == OVERDUE:
        title = _("Quá hạn %(what)s văn bản %(doc)s") % words
    else:
        title = _("Nhắc hạn %(what)s văn bản %(doc)s") % words
    body = _("%(subject)s. %(owed)s.") % {
        "subject": document.subject,
        "owed": _owed_words(document, obligation, today),
    }
    key = job_key(document.pk, obligation.key, occasion)
    done = _tell([(owing, title, body)], document, key)
    return _("Đã nhắc %(units)s đơn vị (%(n)s thông báo); %(none)s đơn vị chưa có tài khoản.") % {
        "units": done.units,
        "n": done.notifications,
        "none": done.unreachable,
    }


def remind_owing(document, today=None):
    """A leader's reminder to every recipient that has not met an obligation of `document`
    (any still owed, within the deadline or overdue). Returns a Reminded."""
    today = today or timezone.localdate()
    asked = obligations.asked(document)
    if document.status != Document.Status.ISSUED or not asked:
        return Reminded()
    unmet = Q()
    for o in asked:
        unmet |= Q(**{f"{o.met_field}__isnull": True})
    rows = (
        Recipient.objects.filter(unmet, document=document)
        .order_by("path")
        .values_list("unit_id", *[o.met_field for o in asked])
    )
    # Units owing the same obligations get the same text: one group each.
    groups = {}
    for unit_id, *met in rows:
        owed = tuple(o.key for o, on in zip(asked, met, strict=True) if on is None)
        groups.setdefault(owed, []).append(unit_id)
    title = _("Nhắc thực hiện văn bản %(doc)s") % {"doc": document.symbol}
    told = []
    for owed, unit_ids in groups.items():
        body = _("%(subject)s. Đơn vị chưa thực hiện: %(owed)s.") % {
            "subject": document.subject,
            "owed": "; ".join(_owed_words(document, obligations.BY_KEY[k], today) for k in owed),
        }
        told.append((unit_ids, title, body))
    # One reminder a day from the issuing unit: a second click the same day adds nothing.
    key = f"documents:leader:{document.pk}:{today:%Y%m%d}"
    return _tell(told, document, key, kind=LEADER_KIND)
