"""Báo cáo định kỳ: the active forms, their recent periods, and the user's unit's reports."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from giaoban.core import periods, roles, scope
from giaoban.reports import due, statuses, workflow
from giaoban.reports.models import Report, ReportForm
from giaoban.units.models import Unit

RECENT = 6


def home_unit(user):
    """The unit whose reports the index links to: the user's own if in scope, else a role unit."""
    if user.unit_id is not None and scope.can(user, scope.VIEW, user.unit):
        return user.unit
    ids = roles.role_unit_ids(user)
    return Unit.objects.select_related("level").filter(pk__in=ids[:1]).first()


def _period_row(form, period, unit, report, today):
    row = {"period": period, "report": report, "links": {}, "current": period.contains(today)}
    kwargs = {"form": form.code, "period": period.key}
    if unit is None:
        return row
    kwargs["code"] = unit.code
    row["expected"] = workflow.reports_on(form, unit, period)
    row["existed"] = unit.active_on(period.end)
    row["links"] = {
        name: reverse(f"reports:{name}", kwargs=kwargs)
        for name in ("rollup", "dashboard", "completeness")
    }
    status = report.status if report else None
    if row["expected"] or report:
        deadline = report.deadline if report else workflow.deadline_for(form, unit.level, period)
        row.update(
            deadline=deadline,
            status=status,
            status_label=statuses.label(status),
            status_css=statuses.css(status),
            timing=statuses.report_timing(
                status, deadline, report.first_submitted_at if report else None, today
            ),
        )
        row["links"]["report"] = reverse("reports:report", kwargs=kwargs)
    return row


def _due_row(form, rows, today):
    """The period the unit should act on now: the latest ended one while its report is
    still in hand, else the current one."""
    keys = [p.key for p in due.due_periods(form, today)]
    by_key = {r["period"].key: r for r in rows}
    for key in keys:
        row = by_key.get(key)
        if row and row.get("links", {}).get("report") and row.get("status") in statuses.PENDING:
            return row
    current = by_key.get(keys[-1])
    return current if current and current.get("links", {}).get("report") else None


@login_required
@require_GET
def index(request):
    today = timezone.localdate()
    unit = home_unit(request.user)
    forms = list(
        ReportForm.objects.filter(is_active=True)
        .prefetch_related("levels", "deadlines")
        .order_by("code")
    )
    recent = {f.pk: periods.recent(today, f.period_type, f.cutoff_day, RECENT) for f in forms}
    reports = {}
    if unit is not None and forms:
        keys = {p.key for ps in recent.values() for p in ps}
        for r in Report.objects.filter(form__in=forms, unit=unit, period_key__in=keys):
            reports[(r.form_id, r.period_key)] = r
    blocks = []
    for form in forms:
        rows = [
            _period_row(form, p, unit, reports.get((form.pk, p.key)), today)
            for p in recent[form.pk]
        ]
        blocks.append({"form": form, "rows": rows, "due_row": _due_row(form, rows, today)})
    context = {
        "blocks": blocks,
        "unit": unit,
        "is_leader": roles.holds(request.user, roles.LEADER),
        "today": today,
    }
    return render(request, "reports/index.html", context)
