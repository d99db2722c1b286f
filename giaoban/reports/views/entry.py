"""Report pages of one unit: the report (status, deadline, history, actions), the fill-in
sheet, the review by the parent unit's leader, and the leader's list of reports to decide.

Every lookup narrows units through `Unit.objects.restrict(user, VIEW)` first, so a unit
outside the user's subtree is a 404; the workflow then refuses a wrong role (403). A
refused action is shown with its Vietnamese message on the page it came from, with
status 400, and nothing is written (every workflow function is one transaction).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, register_converter, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giaoban.core import scope
from giaoban.reports import due, periods, rollup, services, workflow
from giaoban.reports.forms import (
    TEXT_PREFIX,
    VALUE_PREFIX,
    EntryForm,
    ReasonForm,
    format_number,
    format_percent,
)
from giaoban.reports.models import Report, ReportForm, ReportValue
from giaoban.reports.validation import Problem
from giaoban.reports.workflow import WorkflowError, has_role_at
from giaoban.units import history
from giaoban.units.models import PATH_SEP, Unit

S = Report.Status
EDITABLE = (S.DRAFT, S.RETURNED)
INBOX_PAGE_SIZE = 50
MODES = (rollup.COUNTED, rollup.ACCEPTED)


class PeriodKeyConverter:
    """A period key (2026-H1, 2026-M06, 2026-Q2, 2026-9M, 2026-Y) and nothing else."""

    regex = r"\d{4}-(?:M(?:0[1-9]|1[0-2])|Q[1-4]|H[12]|9M|Y)"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PeriodKeyConverter, "periodkey")

# ---------------------------------------------------------------------------- lookups


@dataclass
class Target:
    """What a report URL names: a form, a period and a unit, and the report if it exists."""

    form: ReportForm
    period: periods.Period
    unit: Unit
    report: Report | None
    note: str = ""  # why there is no report, when there is none

    @property
    def kwargs(self):
        return {"form": self.form.code, "period": self.period.key, "code": self.unit.code}

    def url(self, name):
        return reverse(f"reports:{name}", kwargs=self.kwargs)


def _lookup(request, form_code, period_key, code):
    unit = get_object_or_404(
        Unit.objects.restrict(request.user, scope.VIEW).select_related("level", "parent"),
        code=code,
    )
    form = get_object_or_404(
        ReportForm.objects.prefetch_related("levels", "deadlines"), code=form_code
    )
    try:
        period = form.parse_period(period_key)
    except periods.PeriodError:
        raise Http404(_("Kỳ báo cáo không đúng loại kỳ của mẫu.")) from None
    report = (
        Report.objects.restrict(request.user, scope.VIEW)
        .filter(form=form, unit=unit, period_key=period.key)
        .select_related("version", "unit__level", "form")
        .first()
    )
    return Target(form, period, unit, report)


def _open_if_officer(request, target):
    """Create the draft on the first visit of an officer who may enter it (else say why not)."""
    if target.report is not None:
        return target
    if not scope.can(request.user, scope.CHANGE, target.unit):
        target.note = _("Đơn vị chưa lập báo cáo kỳ này.")
        return target
    if not target.form.is_active:
        target.note = _("Mẫu báo cáo này đã ngừng sử dụng, không lập báo cáo mới.")
        return target
    if target.period.start > timezone.localdate():
        target.note = _("Kỳ báo cáo chưa bắt đầu (từ ngày %(d)s).") % {
            "d": target.period.start.strftime("%d/%m/%Y")
        }
        return target
    try:
        target.report = workflow.open_report(
            target.form, target.unit, target.period.key, request.user
        )
    except WorkflowError as exc:
        target.note = exc.message
    except IntegrityError:
        # Another request opened it at the same moment: use theirs.
        target.report = Report.objects.filter(
            form=target.form, unit=target.unit, period_key=target.period.key
        ).first()
    return target


def _forbidden(request, exc):
    return render(request, "reports/entry/forbidden.html", {"message": exc.message}, status=403)


def _wants_json(request):
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _safe_next(request, default):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# ---------------------------------------------------------------------------- shared context


def _permissions(user, target):
    report = target.report
    out = {
        "may_edit": False,
        "may_submit": False,
        "may_decide": False,
        "may_reopen": False,
        "is_parent_leader": False,
        "parent": None,
    }
    if report is None:
        return out
    parent = workflow.parent_unit(report)
    leads_parent = parent.pk != report.unit_id and has_role_at(user, scope.LEADER, parent)
    out.update(
        parent=parent,
        is_parent_leader=leads_parent,
        may_edit=report.status in EDITABLE and scope.can(user, scope.CHANGE, target.unit),
        may_submit=report.status in EDITABLE and has_role_at(user, scope.LEADER, target.unit),
        may_decide=report.status == S.SUBMITTED and leads_parent,
        may_reopen=report.status == S.ACCEPTED and leads_parent,
    )
    return out


def _report_context(request, target, check=True, **extra):
    """What every report page shows; `check=False` skips the form's checks (the fill-in
    page runs them itself)."""
    report = target.report
    context = {
        "target": target,
        "form": target.form,
        "period": target.period,
        "unit": target.unit,
        "report": report,
        "status_label": due.status_label(report.status if report else None),
        "status_css": due.status_css(report.status if report else None),
        "return_form": ReasonForm(action="return"),
        "reopen_form": ReasonForm(action="reopen"),
        "links": _analysis_links(target),
        "user_may_review": scope.can(request.user, scope.APPROVE, target.unit),
        **_permissions(request.user, target),
    }
    if report is not None:
        context["timing"] = due.timing(report.status, report.deadline, report.first_submitted_at)
        context["events"] = _events(report)
        problems = workflow.validate(report) if check else []
        context["errors"] = [p for p in problems if p.is_error]
        context["warnings"] = [p for p in problems if not p.is_error]
        context["filled"] = report.values.count()
        context["indicator_count"] = report.version.indicators.count()
    else:
        deadline = workflow.deadline_for(target.form, target.unit.level, target.period)
        context["deadline"] = deadline
        context["timing"] = due.timing(None, deadline)
        context["expected"] = workflow.reports_on(target.form, target.unit, target.period)
    context.update(extra)
    return context


def _events(report):
    events = list(report.events.select_related("actor"))
    for e in events:
        e.from_label = due.status_label(e.from_status) if e.from_status else "—"
        e.from_css = due.status_css(e.from_status or None)
        e.to_label = due.status_label(e.to_status)
        e.to_css = due.status_css(e.to_status)
    return events


def _analysis_links(target):
    """Links to the roll-up pages of this unit and period (when that part of the app exists)."""
    kwargs = target.kwargs
    names = [
        ("rollup", _("Số liệu tổng hợp")),
        ("dashboard", _("Bảng điều khiển")),
        ("completeness", _("Tiến độ gửi báo cáo")),
    ]
    out = []
    for name, label in names:
        url = due.optional_url(f"reports:{name}", **kwargs)
        if url:
            out.append((url, label))
    return out


# ---------------------------------------------------------------------------- report page


@login_required
@require_GET
def report(request, form, period, code):
    """Báo cáo của đơn vị: status, deadline and lateness, history, and what the user may do."""
    target = _open_if_officer(request, _lookup(request, form, period, code))
    return render(request, "reports/entry/report.html", _report_context(request, target))


def _decide(request, form, period, code, action):
    target = _lookup(request, form, period, code)
    if target.report is None:
        raise Http404(_("Đơn vị chưa lập báo cáo kỳ này."))
    reason_form = None
    try:
        if action == "submit":
            workflow.submit(target.report, request.user)
            done = _("Đã ký gửi báo cáo lên cấp trên.")
        elif action == "accept":
            workflow.accept(target.report, request.user)
            done = _("Đã chấp nhận báo cáo của %(unit)s.") % {"unit": target.unit.name}
        else:
            reason_form = ReasonForm(request.POST, action=action)
            reason = reason_form.cleaned_data["reason"] if reason_form.is_valid() else ""
            if action == "return":
                workflow.return_report(target.report, request.user, reason)
                done = _("Đã trả lại báo cáo cho %(unit)s.") % {"unit": target.unit.name}
            else:
                workflow.reopen(target.report, request.user, reason)
                done = _("Đã mở lại báo cáo; đơn vị có thể sửa và gửi lại.")
    except WorkflowError as exc:
        if exc.forbidden:
            return _forbidden(request, exc)
        target.report.refresh_from_db()
        return _refused(request, target, action, exc, reason_form)
    messages.success(request, done)
    return redirect(_safe_next(request, target.url("report")))


def _refused(request, target, action, exc, reason_form):
    """Show the page the action came from again, with why it was refused (status 400)."""
    extra = {"action_error": exc.message, "action_problems": exc.problems}
    if reason_form is not None and reason_form.errors:
        extra[f"{action}_form"] = reason_form
        extra["action_error"] = _("Chưa thực hiện được: %(why)s") % {
            "why": "; ".join(reason_form.errors["reason"])
        }
    if request.POST.get("from") == "review":
        context = _review_context(request, target)
        context.update(extra)
        return render(request, "reports/entry/review.html", context, status=400)
    return render(
        request, "reports/entry/report.html", _report_context(request, target, **extra), status=400
    )


@login_required
@require_POST
def submit(request, form, period, code):
    return _decide(request, form, period, code, "submit")


@login_required
@require_POST
def accept(request, form, period, code):
    return _decide(request, form, period, code, "accept")


@login_required
@require_POST
def return_report(request, form, period, code):
    return _decide(request, form, period, code, "return")


@login_required
@require_POST
def reopen(request, form, period, code):
    return _decide(request, form, period, code, "reopen")


# ---------------------------------------------------------------------------- fill-in page


def previous_values(form, unit, period, indicators):
    """(values, info) of the previous period for `unit`: its own figures if it existed then,
    else its predecessors' through lineage, each weighted by the share it passed on.

    Only figures sent up (submitted or accepted) count: a draft is not yet a figure.
    """
    prev = periods.previous(period)
    shares = dict(history.predecessor_shares([unit.pk], prev.end).get(unit.pk) or [])
    info = {"period": prev, "units": len(shares), "lineage": set(shares) - {unit.pk} != set()}
    if not shares:
        return {}, info
    rows = ReportValue.objects.filter(
        report__status__in=[S.SUBMITTED, S.ACCEPTED],
        report__form=form,
        report__period_key=prev.key,
        report__unit_id__in=list(shares),
    ).values_list("report__unit_id", "indicator__code", "value")
    by_code = {}
    for unit_id, code, value in rows:
        by_code.setdefault(code, []).append((shares[unit_id], value))
    aggregation = {i.code: i.aggregation for i in indicators}
    values = {}
    for code, pairs in by_code.items():
        values[code] = _combine(aggregation.get(code, "sum"), pairs, info["lineage"])
    return values, info


def _combine(aggregation, pairs, lineage):
    if not lineage:
        return pairs[0][1]
    if aggregation == "min":
        return min(v for _s, v in pairs)
    if aggregation == "max":
        return max(v for _s, v in pairs)
    weighted = sum((share * value for share, value in pairs), Decimal(0))
    if aggregation == "avg":
        weight = sum((share for share, _v in pairs), Decimal(0))
        weighted = weighted / weight if weight else None
    elif aggregation == "none" and len(pairs) > 1:
        return None
    return weighted.quantize(Decimal("0.01")) if weighted is not None else None


def _sections(version, entry_form, problems, previous):
    """The sheet grouped by section: [(section, [row…], [narrative…])]."""
    by_field = {}
    for p in problems:
        by_field.setdefault(p.field, []).append(p)
    sections = []
    indicators = {}
    for ind in entry_form.indicators:
        indicators.setdefault(ind.section_id, []).append(ind)
    narratives = {}
    for nar in entry_form.narratives:
        narratives.setdefault(nar.section_id, []).append(nar)
    for section in version.sections.all():
        rows = [
            {
                "indicator": ind,
                "field": entry_form[VALUE_PREFIX + ind.code],
                "previous": format_number(previous.get(ind.code)),
                "problems": by_field.get(ind.code, []),
            }
            for ind in indicators.get(section.pk, [])
        ]
        texts = [
            {
                "narrative": nar,
                "field": entry_form[TEXT_PREFIX + nar.code],
                "problems": by_field.get(nar.code, []),
            }
            for nar in narratives.get(section.pk, [])
        ]
        if rows or texts:
            sections.append({"section": section, "rows": rows, "texts": texts})
    return sections


def _current_form(report, editable):
    values, texts = workflow.typed_entries(report)
    return EntryForm(report.version, values=values, texts=texts, editable=editable)


def _problem_json(problems):
    return [{"field": p.field, "message": p.message, "severity": p.severity} for p in problems]


@login_required
@require_http_methods(["GET", "POST"])
def fill(request, form, period, code):
    """Nhập báo cáo: the sheet by section, the previous period beside each figure, the
    form's checks inline. Saved by the button, or field by field by report-entry.js."""
    target = _lookup(request, form, period, code)
    if request.method == "GET":
        _open_if_officer(request, target)
    report = target.report
    if report is None:
        if request.method == "POST":
            raise Http404(_("Đơn vị chưa lập báo cáo kỳ này."))
        return render(request, "reports/entry/fill.html", _report_context(request, target))
    perms = _permissions(request.user, target)
    editable = perms["may_edit"]
    status, saved, problems, error = 200, False, [], ""
    if request.method == "POST":
        entry_form = EntryForm(report.version, request.POST, editable=True)
        if not entry_form.is_valid():
            problems = [Problem(c, m) for c, m in entry_form.size_errors()]
            error, status = _("Số liệu chưa hợp lệ, chưa lưu gì."), 400
        else:
            present = set(request.POST) if _wants_json(request) else None
            raw_values, raw_texts = entry_form.raw_entries(present)
            try:
                problems = workflow.save_entries(report, request.user, raw_values, raw_texts)
            except WorkflowError as exc:
                if exc.forbidden:
                    if _wants_json(request):
                        return JsonResponse({"ok": False, "message": exc.message}, status=403)
                    return _forbidden(request, exc)
                problems, error, status = exc.problems, exc.message, 400
                if not editable:  # locked meanwhile: show what is stored, read-only
                    entry_form = _current_form(report, editable)
            else:
                saved = True
                report.refresh_from_db()
                entry_form = _current_form(report, editable)
        if _wants_json(request):
            return _fill_json(report, saved, problems, error, status)
    else:
        entry_form = _current_form(report, editable)
        problems = workflow.validate(report)
    indicators = entry_form.indicators
    previous, previous_info = previous_values(target.form, target.unit, target.period, indicators)
    now = timezone.localtime()
    context = _report_context(
        request,
        target,
        check=False,
        entry_form=entry_form,
        sections=_sections(report.version, entry_form, problems, previous),
        editable=editable,
        saved_at=now if saved else None,
        save_error=error,
        problems=problems,
        field_errors=[p for p in problems if p.is_error],
        field_warnings=[p for p in problems if not p.is_error],
        previous_info=previous_info,
    )
    if saved:
        messages.success(request, _("Đã lưu lúc %(t)s.") % {"t": now.strftime("%H:%M")})
    return render(request, "reports/entry/fill.html", context, status=status)


def _fill_json(report, saved, problems, error, status):
    now = timezone.localtime()
    body = {
        "ok": saved,
        "message": _("Đã lưu lúc %(t)s") % {"t": now.strftime("%H:%M")} if saved else error,
        "saved_at": now.strftime("%H:%M") if saved else None,
        "problems": _problem_json(problems),
        "errors": sum(1 for p in problems if p.is_error),
        "warnings": sum(1 for p in problems if not p.is_error),
    }
    if saved:
        values, _texts = workflow.typed_entries(report)
        body["values"] = {code: format_number(v) for code, v in values.items()}
    return JsonResponse(body, status=status)


# ---------------------------------------------------------------------------- review page


def children_totals(unit, form, period, indicators, mode):
    """Totals over the unit's direct children (each with its subtree), on the period's tree.

    Returns None when the unit had no children then; else (values, covered, expected,
    number of children). Buckets are merged exactly: sums and counts add, extremes
    take the extreme, so averages stay averages of reports.
    """
    children = services.children_on(unit, period)
    if not children:
        return None
    rows = rollup.rows_for(children, form, period.key)
    merged = {}
    for row in rows.values():
        for code, (total, count, low, high) in getattr(row, mode).items():
            acc = merged.setdefault(code, [Decimal(0), 0, None, None])
            acc[0] += Decimal(total)
            acc[1] += count
            if low is not None:
                acc[2] = Decimal(low) if acc[2] is None else min(acc[2], Decimal(low))
            if high is not None:
                acc[3] = Decimal(high) if acc[3] is None else max(acc[3], Decimal(high))
    values = {i.code: rollup.value_of(merged.get(i.code), i.aggregation) for i in indicators}
    covered = sum(rollup.covered(row, mode) for row in rows.values())
    base = services.node_path(unit, period)
    expected_by_path = services.expected_counts(form, period)
    expected = sum(
        sum(expected_by_path.get(f"{base}{c.code}{PATH_SEP}", {}).values()) for c in children
    )
    return values, covered, expected, len(children)


def _review_context(request, target):
    report = target.report
    version = report.version if report else target.form.current_version()
    mode = request.GET.get("mode")
    mode = mode if mode in MODES else rollup.COUNTED
    indicators = list(version.indicators.select_related("section"))
    own, texts = workflow.typed_entries(report) if report else ({}, {})
    below = children_totals(target.unit, target.form, target.period, indicators, mode)
    child_values = below[0] if below else {}
    rows, section = [], None
    for ind in indicators:
        mine, theirs = own.get(ind.code), child_values.get(ind.code)
        # Only two figures can differ; a missing one is shown as missing, not as a gap.
        differs = mine is not None and theirs is not None and mine != theirs
        rows.append(
            {
                "indicator": ind,
                "new_section": ind.section if ind.section_id != section else None,
                "own": format_number(mine),
                "children": format_number(theirs),
                "diff": format_number(mine - theirs)
                if mine is not None and theirs is not None and ind.aggregation == "sum"
                else "",
                "differs": differs,
                "pct": format_percent(
                    ((mine - theirs) / theirs * 100).quantize(Decimal("0.1"))
                    if mine is not None and theirs and ind.aggregation == "sum"
                    else None
                ),
            }
        )
        section = ind.section_id
    narratives = [
        (nar, texts.get(nar.code, "")) for nar in version.narratives.select_related("section")
    ]
    return _report_context(
        request,
        target,
        mode=mode,
        rows=rows,
        below=below,
        differences=sum(1 for r in rows if r["differs"]),
        narratives=narratives,
        from_page="review",
    )


@login_required
@require_GET
def review(request, form, period, code):
    """Xem xét báo cáo của đơn vị cấp dưới: its figures beside the sum of its own children,
    its narrative, the form's warnings, and accept / return for the parent unit's leader."""
    target = _lookup(request, form, period, code)
    if not scope.can(request.user, scope.APPROVE, target.unit):
        return _forbidden(
            request,
            WorkflowError(_("Chỉ lãnh đạo cấp trên mới xem xét, duyệt báo cáo."), forbidden=True),
        )
    return render(request, "reports/entry/review.html", _review_context(request, target))


# ---------------------------------------------------------------------------- inbox


@login_required
@require_GET
def inbox(request):
    """Báo cáo chờ duyệt: reports of the units directly below the user's, nearest deadline first."""
    if not any(ra.role == scope.LEADER for ra in request.user.role_assignments.all()):
        return _forbidden(
            request,
            WorkflowError(_("Chỉ lãnh đạo đơn vị mới có danh sách báo cáo chờ duyệt."), True),
        )
    reports = due.awaiting_decision(request.user)
    page = Paginator(reports, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for r in page.object_list:
        r.timing = due.timing(r.status, r.deadline, r.first_submitted_at, today)
        r.period_label = r.form.period(r.period_key).label
    return render(request, "reports/entry/inbox.html", {"page": page})


urlpatterns = [
    path("cho-duyet/", inbox, name="inbox"),
    path("<str:form>/<periodkey:period>/<str:code>/", report, name="report"),
    path("<str:form>/<periodkey:period>/<str:code>/nhap/", fill, name="fill"),
    path("<str:form>/<periodkey:period>/<str:code>/xem-xet/", review, name="review"),
    path("<str:form>/<periodkey:period>/<str:code>/gui/", submit, name="submit"),
    path("<str:form>/<periodkey:period>/<str:code>/chap-nhan/", accept, name="accept"),
    path("<str:form>/<periodkey:period>/<str:code>/tra-lai/", return_report, name="return"),
    path("<str:form>/<periodkey:period>/<str:code>/mo-lai/", reopen, name="reopen"),
]
