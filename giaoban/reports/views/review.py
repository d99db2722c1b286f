"""Xem xét báo cáo: the review page of the unit above, and the leader's list of reports to
decide. Who may is `workflow.may_decide` — a leader of the unit directly above — the
same rule the workflow applies when the leader accepts or returns."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from giaoban.core import roles
from giaoban.core.formatting import format_number, format_percent
from giaoban.core.paths import PATH_SEP
from giaoban.reports import computed, due, rollup, services, statuses, workflow
from giaoban.reports.views import common
from giaoban.reports.views.entry import previous_values, report_context

INBOX_PAGE_SIZE = 50
MODES = (rollup.COUNTED, rollup.ACCEPTED)


def children_totals(unit, form, period, indicators, mode):
    """Totals over the unit's direct children (each with its subtree), on the period's tree.

    None when the unit had no children then; else (values, covered, expected, number of
    children), added up exactly by the roll-up's own arithmetic.
    """
    children = services.children_on(unit, period)
    if not children:
        return None
    rows = rollup.rows_for(children, form, period.key, mode)
    values = rollup.children_totals(rows.values(), mode, indicators)
    covered = sum(rollup.covered(row, mode) for row in rows.values())
    base = services.node_path(unit, period)
    expected_by_path = services.expected_counts(form, period)
    expected = sum(
        sum(expected_by_path.get(f"{base}{c.code}{PATH_SEP}", {}).values()) for c in children
    )
    return values, covered, expected, len(children)


def _figure(value):
    return format_number(value, empty="")


def _row(ind, section, mine, theirs, before, state=None):
    differs = mine is not None and theirs is not None and mine != theirs
    summed = ind.aggregation == "sum" and mine is not None and theirs is not None
    change = None
    if summed and theirs:
        change = ((mine - theirs) / theirs * 100).quantize(Decimal("0.1"))
    return {
        "indicator": ind,
        "new_section": ind.section if ind.section_id != section else None,
        "own": _figure(mine),
        "children": _figure(theirs),
        "previous": _figure(before),
        "diff": _figure(mine - theirs) if summed else "",
        "differs": differs,
        "pct": format_percent(change, empty=""),
        "computed": state,
    }


def review_context(request, target):
    report = target.report
    version = report.version if report else target.form.current_version()
    mode = request.GET.get("mode")
    mode = mode if mode in MODES else rollup.COUNTED
    indicators = list(version.indicators.select_related("section"))
    own, texts = workflow.current_entries(report) if report else ({}, {})
    states = computed.report_states(report, indicators) if report else {}
    below = children_totals(target.unit, target.form, target.period, indicators, mode)
    child_values = below[0] if below else {}
    previous, previous_info = previous_values(target.form, target.unit, target.period, indicators)
    rows, section = [], None
    for ind in indicators:
        mine, theirs = own.get(ind.code), child_values.get(ind.code)
        rows.append(_row(ind, section, mine, theirs, previous.get(ind.code), states.get(ind.code)))
        section = ind.section_id
    narratives = [
        (nar, texts.get(nar.code, "")) for nar in version.narratives.select_related("section")
    ]
    return report_context(
        request,
        target,
        mode=mode,
        rows=rows,
        below=below,
        differences=sum(1 for r in rows if r["differs"]),
        computed_count=len(states),
        changed_count=sum(1 for c in states.values() if c.changed),
        overridden_count=sum(1 for c in states.values() if c.overridden),
        narratives=narratives,
        previous_info=previous_info,
        from_page="review",
    )


@login_required
@require_GET
def review(request, form, period, code):
    """Xem xét báo cáo của đơn vị cấp dưới: its figures beside the previous period and the
    sum of its own children, its narrative, the form's warnings, and accept / return."""
    target = common.lookup(request, form, period, code)
    if not workflow.may_decide(request.user, target.report, target.unit, target.period):
        parent = workflow.approver_of(target.unit, target.period)
        if parent is None:
            message = _("%(unit)s không có cấp trên duyệt báo cáo.") % {"unit": target.unit.name}
        else:
            message = _("Chỉ lãnh đạo %(parent)s mới xem xét, duyệt báo cáo này.") % {
                "parent": parent.name
            }
        return common.forbidden(request, message)
    return render(request, "reports/entry/review.html", review_context(request, target))


@login_required
@require_GET
def inbox(request):
    """Báo cáo chờ duyệt: reports of the units directly below the user's, nearest deadline first."""
    if not roles.holds(request.user, roles.LEADER):
        message = _("Chỉ lãnh đạo đơn vị mới có danh sách báo cáo chờ duyệt.")
        return common.forbidden(request, message)
    reports = due.awaiting_decision(request.user)
    page = Paginator(reports, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for r in page.object_list:
        r.timing = statuses.report_timing(r.status, r.deadline, r.first_submitted_at, today)
        r.period_label = r.form.period(r.period_key).label
    return render(request, "reports/entry/inbox.html", {"page": page})


urlpatterns = [
    path("cho-duyet/", inbox, name="inbox"),
    path("<str:form>/<periodkey:period>/<str:code>/xem-xet/", review, name="review"),
]
