"""Báo cáo định kỳ: the active forms, their recent periods, and the user's unit's reports."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from giaoban.core import scope
from giaoban.reports import due, periods, workflow
from giaoban.reports.models import Report, ReportForm

RECENT = 6


def home_unit(user):
    """The unit whose reports the index links to: the user's own if in scope, else a role unit."""
    if user.unit_id is not None and scope.can(user, scope.VIEW, user.unit):
        return user.unit
    units = due.role_units(user)
    return units[0] if units else None


def _period_row(form, period, unit, report, today):
    row = {"period": period, "report": report, "links": {}}
    kwargs = {"form": form.code, "period": period.key}
    if unit is not None:
        kwargs["code"] = unit.code
        expected = workflow.reports_on(form, unit, period)
        row["expected"] = expected
        row["existed"] = unit.active_on(period.end)
        if expected:
            deadline = (
                report.deadline if report else workflow.deadline_for(form, unit.level, period)
            )
            row["deadline"] = deadline
            status = report.status if report else None
            row["status_label"] = due.status_label(status)
            row["status_css"] = due.status_css(status)
            row["timing"] = due.timing(
                status, deadline, report.first_submitted_at if report else None, today
            )
            row["links"]["report"] = due.optional_url("reports:report", **kwargs)
        for name in ("rollup", "dashboard", "completeness"):
            row["links"][name] = due.optional_url(f"reports:{name}", **kwargs)
    row["current"] = period.contains(today)
    return row


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
        latest = periods.latest_ended(today, form.period_type, form.cutoff_day)
        blocks.append(
            {
                "form": form,
                "rows": rows,
                "latest": latest,
                "latest_row": next((r for r in rows if r["period"].key == latest.key), None),
                "current_row": rows[0],
            }
        )
    is_leader = any(ra.role == scope.LEADER for ra in request.user.role_assignments.all())
    return render(
        request,
        "reports/index.html",
        {"blocks": blocks, "unit": unit, "is_leader": is_leader, "today": today},
    )
