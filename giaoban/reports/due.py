"""Báo cáo đến hạn — the reports' part of the home page's list of what is due.

For each active form, two periods matter: the latest one that has ended (its deadline
is near or past) and the current one. A unit owes a report when it is expected to
report (its level reports on the form and it was active at the period's end) and its
report is missing, still a draft, or returned. Leaders also see the reports of the
units directly below them that await their decision.

Queries stay flat whatever the number of children: per form and period one query for
the reports of every anchor and child (the tree on the period's end date is cached).
Registered with `core.registry.due` in `ReportsConfig.ready()`.
"""

import datetime
import functools

from django.db.models import Q, Value
from django.db.models.functions import Length, StrIndex, Substr
from django.db.models.lookups import Exact, GreaterThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext as _

from giaoban.core import periods, roles, scope
from giaoban.core.due import Awaiting, Deferred, DueContribution, DueItem, DueSummary
from giaoban.core.paths import PATH_SEP, subtree_q
from giaoban.reports import services, statuses
from giaoban.reports.models import Report, ReportForm

S = Report.Status
AWAITING_CAP = 5


def due_periods(form, today):
    """The periods of a form that can have something due: the latest ended and the current."""
    current = periods.containing(today, form.period_type, form.cutoff_day)
    ended = periods.latest_ended(today, form.period_type, form.cutoff_day)
    return [ended, current] if ended.key != current.key else [current]


def report_url(form, period, unit):
    return reverse(
        "reports:report", kwargs={"form": form.code, "period": period.key, "code": unit.code}
    )


def _expected(form, period, anchors):
    """(anchor, unit, own) for every unit among the anchors and their children that owes
    a report on `form` for `period`."""
    level_ids = {lvl.pk for lvl in form.levels.all()}
    out = []
    for anchor in anchors:
        if level_ids and anchor.level_id in level_ids and anchor.active_on(period.end):
            out.append((anchor, anchor, True))
        for child in services.children_on(anchor, period):
            if child.level_id in level_ids:
                out.append((anchor, child, False))
    return out


def _pending_for(form, period, anchors, today):
    """(items, summaries, own expected) for one form and period."""
    expected = _expected(form, period, anchors)
    if not expected:
        return [], [], 0
    days = {d.level_id: d.days_after_end for d in form.deadlines.all()}
    reports = {
        r["unit_id"]: r
        for r in Report.objects.filter(
            form=form, period_key=period.key, unit_id__in=[u.pk for _a, u, _o in expected]
        ).values("id", "unit_id", "status", "deadline")
    }
    items, counts = [], {}
    for anchor, unit, own in expected:
        row = reports.get(unit.pk)
        status = row["status"] if row else None
        if not own:
            counts.setdefault(anchor.pk, [anchor, 0, 0, 0])[1] += 1
        if status not in statuses.PENDING:
            continue
        deadline = row["deadline"] if row else _deadline(days, unit.level_id, period)
        timing = statuses.report_timing(status, deadline, today=today)
        sort_key = (status != S.RETURNED,)  # on the same day, a returned report first
        build = functools.partial(
            _item, form, period, unit, own, deadline, timing, status, sort_key
        )
        if own:
            items.append(build())
        else:  # the home page shows a few of the units below: build only those
            items.append(
                Deferred(
                    build, deadline=deadline, sort_key=sort_key, unit=unit, title=form.name, own=own
                )
            )
            count = counts[anchor.pk]
            count[2] += 1
            count[3] += timing.is_overdue
    summaries = [
        DueSummary(
            text=_(
                "%(anchor)s — %(form)s, %(period)s: %(pending)s/%(expected)s đơn vị trực "
                "thuộc chưa gửi"
            )
            % {
                "anchor": anchor.short_name,
                "form": form.name,
                "period": period.label,
                "pending": pending,
                "expected": n,
            },
            overdue=overdue,
            url=reverse(
                "reports:completeness",
                kwargs={"form": form.code, "period": period.key, "code": anchor.code},
            ),
        )
        for anchor, n, pending, overdue in counts.values()
        if pending
    ]
    return items, summaries, sum(1 for _a, _u, own in expected if own)


def _item(form, period, unit, own, deadline, timing, status, sort_key):
    return DueItem(
        kind=_("Báo cáo định kỳ"),
        title=form.name,
        detail=period.label,
        unit=unit,
        own=own,
        deadline=deadline,
        timing=timing,
        status_label=statuses.label(status),
        status_css=statuses.css(status),
        url=report_url(form, period, unit),
        sort_key=sort_key,
    )


def _deadline(days, level_id, period):
    return period.end + datetime.timedelta(days=days.get(level_id, 0))


def awaiting_decision(user):
    """Submitted reports of the units directly below the units where `user` is a leader —
    exactly the reports `workflow.may_decide` lets them accept or return."""
    leader_paths = sorted({h.unit_path for h in roles.held(user) if h.role == roles.LEADER})
    if not leader_paths:
        return Report.objects.none()
    below = Q()
    for path in leader_paths:
        # A direct child's report path is the leader unit's path plus exactly one code:
        # after the leader's path, at least one character and the first separator last.
        # (Not a regex: on SQLite that is a Python function called for every report of
        # the subtree.)
        rest = Substr("path", len(path) + 1)
        below |= (
            subtree_q(path, "path")
            & Q(Exact(StrIndex(rest, Value(PATH_SEP)), Length("path") - len(path)))
            & Q(GreaterThanOrEqual(Length("path"), len(path) + 2))
        )
    return (
        Report.objects.restrict(user, scope.VIEW)
        .filter(below, status=S.SUBMITTED)
        .select_related("unit__level", "form")
        .order_by("deadline", "submitted_at", "path")
    )


def _awaiting(user, today):
    reports = awaiting_decision(user)
    shown = list(reports[:AWAITING_CAP])
    total = reports.count() if len(shown) == AWAITING_CAP else len(shown)
    rows = []
    for n, report in enumerate(shown):
        period = report.period
        rows.append(
            Awaiting(
                kind=_("Báo cáo chờ duyệt"),
                title=report.form.name,
                detail=period.label,
                unit=report.unit,
                since=report.submitted_at,
                url=reverse(
                    "reports:review",
                    kwargs={
                        "form": report.form.code,
                        "period": period.key,
                        "code": report.unit.code,
                    },
                ),
                timing=statuses.report_timing(
                    report.status, report.deadline, report.first_submitted_at, today
                ),
                sort_key=(report.deadline, n),
            )
        )
    return rows, total


def contribution(user, anchors, today):
    """What the user's units and the units directly below owe in reports, and what awaits
    the user's decision (the `core.registry.due` provider of this app)."""
    out = DueContribution(awaiting_url=reverse("reports:inbox"))
    if anchors:
        forms = ReportForm.objects.filter(is_active=True).prefetch_related("levels", "deadlines")
        for form in forms:
            for period in due_periods(form, today):
                found, summaries, own_expected = _pending_for(form, period, anchors, today)
                out.items.extend(found)
                out.summaries.extend(summaries)
                out.own_expected += own_expected
    out.awaiting, out.awaiting_total = _awaiting(user, today)
    return out
