"""Việc cần làm — the reports due and overdue for a user's units and the units directly below.

For each active form, two periods matter: the latest one that has ended (its deadline
is near or past) and the current one. A unit has something due when it is expected to
report (its level reports on the form and it was active at the period's end) and its
report is missing, still a draft, or returned. Leaders also see the reports of the units
directly below them that await their decision.

Queries stay flat whatever the number of children: per form and period one query for
the children of each role unit (the tree on the period's end date is cached) and one
for the reports of them all.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from giaoban.core import scope
from giaoban.reports import periods, services
from giaoban.reports.models import Report, ReportForm
from giaoban.units.models import PATH_SEP, subtree_q

S = Report.Status
PENDING = (None, S.DRAFT, S.RETURNED)  # nothing sent up yet
CHILDREN_CAP = 10  # rows for the units below; the rest is one click away (completeness)
AWAITING_CAP = 5


def optional_url(name, **kwargs):
    """The URL of a page another part of the app may not provide yet, or None."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Timing:
    """Where a report stands against its deadline: days left, overdue, sent on time or late."""

    kind: str  # "left", "today", "overdue", "on_time", "late"
    days: int

    @property
    def label(self):
        if self.kind == "left":
            return ngettext("còn %(n)s ngày", "còn %(n)s ngày", self.days) % {"n": self.days}
        if self.kind == "today":
            return _("hạn chót hôm nay")
        if self.kind == "overdue":
            return ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", self.days) % {
                "n": self.days
            }
        if self.kind == "late":
            return ngettext("gửi muộn %(n)s ngày", "gửi muộn %(n)s ngày", self.days) % {
                "n": self.days
            }
        return _("gửi đúng hạn")

    @property
    def css(self):
        return {"overdue": "err", "late": "warn", "today": "warn", "on_time": "ok"}.get(
            self.kind, ""
        )


def timing(status, deadline, first_submitted_at=None, today=None):
    """The Timing of a report (or of a missing one, status None) on `today`.

    A report sent up is judged by its first submission; one still in hand (missing,
    draft, or returned) by the days left before its deadline.
    """
    today = today or timezone.localdate()
    if first_submitted_at is not None and status not in PENDING:
        sent = timezone.localtime(first_submitted_at).date()
        late = (sent - deadline).days
        return Timing("late", late) if late > 0 else Timing("on_time", 0)
    left = (deadline - today).days
    if left > 0:
        return Timing("left", left)
    if left == 0:
        return Timing("today", 0)
    return Timing("overdue", -left)


def status_label(status):
    if status is None:
        return _("Chưa lập")
    return S(status).label


def status_css(status):
    return {
        None: "err",
        S.DRAFT: "",
        S.RETURNED: "warn",
        S.SUBMITTED: "info",
        S.ACCEPTED: "ok",
    }.get(status, "")


def due_periods(form, today):
    """The periods of a form that can have something due: the latest ended and the current."""
    current = periods.containing(today, form.period_type, form.cutoff_day)
    ended = periods.latest_ended(today, form.period_type, form.cutoff_day)
    return [ended, current] if ended.key != current.key else [current]


def role_units(user):
    """The units where the user holds a role, outermost first, without nested duplicates."""
    if not user.is_authenticated:
        return []
    units = {}
    for ra in user.role_assignments.select_related("unit__level"):
        units[ra.unit.path] = ra.unit
    paths = sorted(units)
    return [units[p] for p in paths if not any(q != p and p.startswith(q) for q in paths)]


@dataclass
class DueItem:
    form: ReportForm
    period: periods.Period
    unit: object
    own: bool
    status: str | None
    deadline: datetime.date
    timing: Timing
    report_id: int | None = None

    @property
    def status_label(self):
        return status_label(self.status)

    @property
    def status_css(self):
        return status_css(self.status)

    @property
    def url(self):
        return reverse(
            "reports:report",
            kwargs={"form": self.form.code, "period": self.period.key, "code": self.unit.code},
        )


@dataclass
class ChildSummary:
    """The units below one role unit with something due for one form and period."""

    anchor: object
    form: ReportForm
    period: periods.Period
    expected: int
    pending: int
    overdue: int
    completeness_url: str | None


@dataclass
class DueList:
    own: list = field(default_factory=list)  # the user's own units, every pending item
    children: list = field(default_factory=list)  # the units below, nearest deadlines, capped
    children_total: int = 0  # every pending item of the units below, before the cap
    own_expected: int = 0  # reports the user's own units owe (pending or not)
    summaries: list = field(default_factory=list)  # per role unit, form and period
    awaiting: list = field(default_factory=list)  # reports waiting for this leader
    awaiting_total: int = 0

    @property
    def hidden(self):
        return self.children_total - len(self.children)


def _deadline(days, level_id, period):
    return period.end + datetime.timedelta(days=days.get(level_id, 0))


def _pending_for(form, period, anchors, today):
    """(items, summaries, own expected) for one form and period over the anchors and their
    children."""
    level_ids = {lvl.pk for lvl in form.levels.all()}
    days = {d.level_id: d.days_after_end for d in form.deadlines.all()}
    expected = []  # (anchor, unit, own)
    for anchor in anchors:
        if level_ids and anchor.level_id in level_ids and anchor.active_on(period.end):
            expected.append((anchor, anchor, True))
        for child in services.children_on(anchor, period):
            if child.level_id in level_ids:
                expected.append((anchor, child, False))
    if not expected:
        return [], [], 0
    reports = {
        r["unit_id"]: r
        for r in Report.objects.filter(
            form=form, period_key=period.key, unit_id__in=[u.pk for _a, u, _o in expected]
        ).values("id", "unit_id", "status", "deadline", "first_submitted_at")
    }
    items, counts = [], {}
    for anchor, unit, own in expected:
        row = reports.get(unit.pk)
        status = row["status"] if row else None
        if not own:
            count = counts.setdefault(anchor.pk, [anchor, 0, 0, 0])
            count[1] += 1
        if status not in PENDING:
            continue
        deadline = row["deadline"] if row else _deadline(days, unit.level_id, period)
        item = DueItem(
            form=form,
            period=period,
            unit=unit,
            own=own,
            status=status,
            deadline=deadline,
            timing=timing(status, deadline, today=today),
            report_id=row["id"] if row else None,
        )
        items.append(item)
        if not own:
            count[2] += 1
            count[3] += item.timing.kind == "overdue"
    summaries = [
        ChildSummary(
            anchor=anchor,
            form=form,
            period=period,
            expected=n,
            pending=pending,
            overdue=overdue,
            completeness_url=optional_url(
                "reports:completeness", form=form.code, period=period.key, code=anchor.code
            ),
        )
        for anchor, n, pending, overdue in counts.values()
        if pending
    ]
    return items, summaries, sum(1 for _a, _u, own in expected if own)


def awaiting_decision(user):
    """Submitted reports of the units directly below the units where `user` is a leader."""
    if not user.is_authenticated:
        return Report.objects.none()
    roles = user.role_assignments.select_related("unit")
    leader_paths = sorted({ra.unit.path for ra in roles if ra.role == scope.LEADER})
    if not leader_paths:
        return Report.objects.none()
    below = Q()
    for path in leader_paths:
        # A direct child's report path is the leader unit's path plus exactly one code.
        below |= subtree_q(path, "path") & Q(
            path__regex=rf"^{re.escape(path)}[^{PATH_SEP}]+{PATH_SEP}$"
        )
    return (
        Report.objects.restrict(user, scope.VIEW)
        .filter(below, status=S.SUBMITTED)
        .select_related("unit__level", "form")
        .order_by("deadline", "submitted_at", "path")
    )


def for_user(user, today=None):
    """The home page list: what is due for the user's units and the units directly below
    (None for a user with no unit in view and nothing to decide)."""
    today = today or timezone.localdate()
    out = DueList()
    anchors = [u for u in role_units(user) if scope.can(user, scope.VIEW, u)]
    if anchors:
        items = []
        forms = ReportForm.objects.filter(is_active=True).prefetch_related("levels", "deadlines")
        for form in forms:
            for period in due_periods(form, today):
                found, summaries, own_expected = _pending_for(form, period, anchors, today)
                items.extend(found)
                out.own_expected += own_expected
                out.summaries.extend(summaries)
        # Nearest deadline first; on the same day a returned report before a missing one.
        items.sort(key=lambda i: (i.deadline, i.status != S.RETURNED, i.unit.path, i.form.code))
        out.own = [i for i in items if i.own]
        children = [i for i in items if not i.own]
        out.children_total = len(children)
        out.children = children[:CHILDREN_CAP]
        out.summaries.sort(key=lambda s: (s.period.end, s.form.code, s.anchor.path))
    awaiting = awaiting_decision(user)
    if not anchors and not awaiting.exists():
        return None
    out.awaiting = list(awaiting[:AWAITING_CAP])
    out.awaiting_total = (
        awaiting.count() if len(out.awaiting) == AWAITING_CAP else len(out.awaiting)
    )
    for report in out.awaiting:
        report.timing = timing(report.status, report.deadline, report.first_submitted_at, today)
    return out
