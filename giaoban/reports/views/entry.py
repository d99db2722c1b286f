"""Report pages of one unit: the report (status, deadline, history, actions) and the
fill-in sheet. The workflow's actions are in `actions`, the review page in `review`.

Every lookup narrows units through the user's scope first (common.lookup), so a unit
outside the subtree is a 404; the workflow refuses a wrong role (403). A GET never
writes: an officer opening a period with no report yet sees an empty sheet, and the
report is opened by the first save. A refused action is shown with its Vietnamese
message on the page it came from, with status 400, and nothing is written.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from giaoban.core import periods, scope
from giaoban.reports import buckets, computed, conflicts, statuses, workflow
from giaoban.reports.forms import (
    REASON_PREFIX,
    TEXT_PREFIX,
    VALUE_PREFIX,
    EntryForm,
    ReasonForm,
    input_text,
)
from giaoban.reports.models import Report, ReportValue
from giaoban.reports.validation import Problem, check
from giaoban.reports.views import common
from giaoban.reports.workflow import WorkflowError
from giaoban.units import history

S = Report.Status
EDITABLE = (S.DRAFT, S.RETURNED)

# ---------------------------------------------------------------------------- shared context


def permissions(user, target):
    """What the user may do with the report (one place: the workflow's own rules)."""
    report = target.report
    out = {
        "may_edit": common.may_start(user, target),
        "may_submit": False,
        "may_decide": False,
        "may_reopen": False,
        "parent": workflow.approver_of(target.unit, target.period),
        "user_may_review": workflow.may_decide(user, unit=target.unit, period=target.period),
    }
    if report is None:
        return out
    decides = workflow.may_decide(user, report)
    out.update(
        parent=workflow.parent_unit(report),
        user_may_review=decides,
        may_edit=report.status in EDITABLE and scope.can(user, scope.CHANGE, target.unit),
        may_submit=report.status in EDITABLE and workflow.may_submit(user, report),
        may_decide=report.status == S.SUBMITTED and decides,
        may_reopen=report.status == S.ACCEPTED and decides,
    )
    return out


def report_context(request, target, check=True, **extra):
    """What every report page shows; `check=False` skips the form's checks (the fill-in
    page runs them itself)."""
    report = target.report
    status = report.status if report else (statuses.MISSING if target.expected else None)
    context = {
        "target": target,
        "form": target.form,
        "period": target.period,
        "unit": target.unit,
        "report": report,
        "expected": target.expected,
        "status_label": statuses.label(status)
        if target.expected or report
        else str(statuses.NOT_EXPECTED_LABEL),
        "status_css": statuses.css(status) if target.expected or report else "",
        "return_form": ReasonForm(action="return"),
        "reopen_form": ReasonForm(action="reopen"),
        "links": common.page_links(request.user, target),
        **permissions(request.user, target),
    }
    if report is not None:
        context["timing"] = statuses.report_timing(
            report.status, report.deadline, report.first_submitted_at
        )
        context["events"] = events_of(report)
        problems = workflow.validate(report) if check else []
        context["errors"] = [p for p in problems if p.is_error]
        context["warnings"] = [p for p in problems if not p.is_error]
        context["filled"] = report.values.count()
        context["indicator_count"] = report.version.indicators.count()
    else:
        context["note"] = common.why_no_report(request.user, target)
        if target.expected:
            deadline = workflow.deadline_for(target.form, target.unit.level, target.period)
            context["deadline"] = deadline
            context["timing"] = statuses.report_timing(None, deadline)
    context.update(extra)
    return context


def events_of(report):
    events = list(report.events.select_related("actor"))
    for e in events:
        e.from_label = statuses.label(e.from_status) if e.from_status else "—"
        e.from_css = statuses.css(e.from_status or None)
        e.to_label = statuses.label(e.to_status)
        e.to_css = statuses.css(e.to_status)
    return events


# ---------------------------------------------------------------------------- report page


@login_required
@require_GET
def report(request, form, period, code):
    """Báo cáo của đơn vị: status, deadline and lateness, history, and what the user may do."""
    target = common.lookup(request, form, period, code)
    return render(request, "reports/entry/report.html", report_context(request, target))


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
        report__status__in=statuses.SENT,
        report__form=form,
        report__period_key=prev.key,
        report__unit_id__in=list(shares),
    ).values_list("report__unit_id", "indicator__code", "value")
    by_code = {}
    for unit_id, code, value in rows:
        by_code.setdefault(code, []).append((buckets.single(value), shares[unit_id]))
    aggregation = {i.code: i.aggregation for i in indicators}
    values = {}
    for code, entries in by_code.items():
        figure = buckets.weighted(entries, aggregation.get(code, buckets.SUM))
        if figure is not None and info["lineage"]:
            figure = figure.quantize(Decimal("0.01"))  # an estimate: two decimals at most
        values[code] = figure
    return values, info


def _sections(version, entry_form, problems, previous, states, shown=None):
    """The sheet grouped by section: [{section, rows, texts}]; a row computed from the
    records carries its `computed` state (computed.Computed) and its reason box. `shown`
    ({field name: text stored}, editable pages only) goes beside each box, hidden."""
    shown = shown or {}
    by_field = {}
    for p in problems:
        by_field.setdefault(p.field, []).append(p)
    indicators, narratives = {}, {}
    for ind in entry_form.indicators:
        indicators.setdefault(ind.section_id, []).append(ind)
    for nar in entry_form.narratives:
        narratives.setdefault(nar.section_id, []).append(nar)
    sections = []
    for section in version.sections.all():
        rows = [
            {
                "indicator": ind,
                "field": entry_form[VALUE_PREFIX + ind.code],
                "previous": input_text(previous.get(ind.code), ind),
                "problems": by_field.get(ind.code, []),
                "computed": states.get(ind.code),
                "shown": input_text(states[ind.code].value, ind) if ind.code in states else "",
                "live": input_text(states[ind.code].live, ind) if ind.code in states else "",
                "reason_field": (
                    entry_form[REASON_PREFIX + ind.code] if ind.code in states else None
                ),
                "shown_value": shown.get(VALUE_PREFIX + ind.code),
                "shown_reason": shown.get(REASON_PREFIX + ind.code),
            }
            for ind in indicators.get(section.pk, [])
        ]
        texts = [
            {
                "narrative": nar,
                "field": entry_form[TEXT_PREFIX + nar.code],
                "problems": by_field.get(nar.code, []),
                "shown": shown.get(TEXT_PREFIX + nar.code),
            }
            for nar in narratives.get(section.pk, [])
        ]
        if rows or texts:
            sections.append({"section": section, "rows": rows, "texts": texts})
    return sections


def _computed_codes(version, indicators=None):
    indicators = version.indicators.all() if indicators is None else indicators
    return [ind.code for ind, _source in computed.computed_of(indicators)]


def _current_form(target, editable, report=None, rows=None):
    """The sheet as stored: a computed indicator's box holds only an override. `rows`:
    the report's computed.stored(), when already read."""
    report = report or target.report
    version = report.version if report else target.form.current_version()
    indicators = list(version.indicators.all())
    codes = set(_computed_codes(version, indicators))
    if report is None:
        return EntryForm(version, computed=codes, editable=editable, indicators=indicators)
    rows = computed.stored(report) if rows is None else rows
    values = {c: r.value for c, r in rows.items() if c not in codes or r.reason}
    reasons = {c: r.reason for c, r in rows.items() if c in codes}
    texts = dict(report.texts.values_list("field__code", "text"))
    return EntryForm(
        version,
        values=values,
        texts=texts,
        reasons=reasons,
        computed=codes,
        editable=editable,
        indicators=indicators,
    )


def _posted_form(version, data):
    return EntryForm(version, data, computed=_computed_codes(version), editable=True)


def _problem_json(problems):
    return [{"field": p.field, "message": p.message, "severity": p.severity} for p in problems]


@transaction.atomic
def _save(request, target, entry_form):
    """Save what can be read; the first save opens the report. Returns (report, problems,
    codes of the fields that could not be read and were not stored)."""
    report = target.report
    if report is None:
        try:
            with transaction.atomic():
                report = workflow.open_report(
                    target.form, target.unit, target.period.key, request.user
                )
        except IntegrityError:  # opened by another request at the same moment: use it
            report = Report.objects.get(
                form=target.form, unit=target.unit, period_key=target.period.key
            )
        target.report = report
    size_problems = [Problem(code, message) for code, message in entry_form.size_errors()]
    present = set(request.POST) if common.wants_json(request) else None
    raw_values, raw_texts = entry_form.raw_entries(present)
    raw_reasons = entry_form.raw_reasons(present)
    shown = entry_form.shown_in(request.POST)
    result = workflow.save_entries(
        report,
        request.user,
        raw_values,
        raw_texts,
        raw_reasons=raw_reasons,
        shown=conflicts.Shown(*shown) if shown else None,
    )
    unsaved = {p.field for p in size_problems} | result.unsaved
    problems = size_problems + result.unread_problems + result.conflicts + result.problems
    return report, problems, unsaved, len(result.conflicts)


def _fill_post(request, target):
    entry_form = _posted_form(
        target.report.version if target.report else target.form.current_version(), request.POST
    )
    entry_form.is_valid()  # per-field: what is too long is a problem, the rest is saved
    try:
        report, problems, unread, clashes = _save(request, target, entry_form)
    except WorkflowError as exc:
        if exc.forbidden:
            if common.wants_json(request):
                return JsonResponse({"ok": False, "message": exc.message}, status=403)
            return common.forbidden(request, exc.message)
        if common.wants_json(request):
            return _fill_json(target.report, False, exc.problems, exc.message, 400, ())
        return _fill_page(
            request, target, _current_form(target, False), exc.problems, 400, save_error=exc.message
        )
    if common.wants_json(request):
        return _fill_json(report, True, problems, "", 200, unread, clashes)
    report.refresh_from_db()
    now = timezone.localtime()
    if unread:
        # Keep what was typed in the boxes that were not saved, to be corrected; the
        # others show what is stored now (another person may have saved some meanwhile).
        stored = _current_form(target, True, report)
        data = stored.shown_texts()
        boxes = (VALUE_PREFIX, TEXT_PREFIX, REASON_PREFIX)
        for name, typed in request.POST.items():
            if any(name.startswith(p) and name[len(p) :] in unread for p in boxes):
                data[name] = typed
        shown = _posted_form(report.version, data)
        messages.warning(request, _unread_message(now, len(unread), clashes))
    else:
        shown = _current_form(target, True, report)
        messages.success(request, _("Đã lưu lúc %(t)s.") % {"t": now.strftime("%H:%M")})
    return _fill_page(request, target, shown, problems, 200, saved_at=now)


def _unread_message(now, n, clashes=0):
    """What a save says when `n` boxes were not saved, `clashes` of them because another
    person saved them while the officer typed (conflicts.keep_theirs)."""
    if clashes:
        return _(
            "Đã lưu lúc %(t)s các ô khác; %(n)s ô chưa lưu (xem bên cạnh ô), trong đó %(c)s ô "
            "người khác vừa lưu trong lúc đồng chí nhập. Tải lại trang để xem số liệu mới nhất."
        ) % {"t": now.strftime("%H:%M"), "n": n, "c": clashes}
    return _(
        "Đã lưu lúc %(t)s mọi ô đọc được; %(n)s ô chưa lưu vì chưa đọc được (xem lỗi bên cạnh)."
    ) % {"t": now.strftime("%H:%M"), "n": n}


def _states(target, indicators, rows=None):
    period = target.period
    return computed.states(
        indicators, target.unit, period.start, period.end, target.report, rows=rows
    )


def _fill_page(request, target, entry_form, problems, status, states=None, **extra):
    version = entry_form.version
    previous, previous_info = previous_values(
        target.form, target.unit, target.period, entry_form.indicators
    )
    states = _states(target, entry_form.indicators) if states is None else states
    shown = None
    if not entry_form.read_only:  # what is stored, beside each box (conflicts.Shown)
        stored = _current_form(target, True) if entry_form.is_bound else entry_form
        shown = stored.shown_texts()
    context = report_context(
        request,
        target,
        check=False,
        entry_form=entry_form,
        sections=_sections(version, entry_form, problems, previous, states, shown),
        computed_count=len(states),
        changed_count=sum(1 for c in states.values() if c.changed),
        editable=not entry_form.read_only,
        problems=problems,
        field_errors=[p for p in problems if p.is_error],
        field_warnings=[p for p in problems if not p.is_error],
        previous_info=previous_info,
        **extra,
    )
    return render(request, "reports/entry/fill.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def fill(request, form, period, code):
    """Nhập báo cáo: the sheet by section, the previous period beside each figure, the
    form's checks inline. Saved by the button, or field by field by report-entry.js."""
    target = common.lookup(request, form, period, code)
    perms = permissions(request.user, target)
    if request.method == "POST":
        if not perms["may_edit"]:
            if target.report is None:
                raise Http404(common.why_no_report(request.user, target))
            message = conflicts.moved_by(
                target.report, _("Báo cáo đã gửi hoặc đã được chấp nhận nên không sửa được.")
            )
            if not scope.can(request.user, scope.CHANGE, target.unit):
                message = _("Đồng chí không có quyền nhập báo cáo cho đơn vị này.")
                if common.wants_json(request):
                    return JsonResponse({"ok": False, "message": message}, status=403)
                return common.forbidden(request, message)
            if common.wants_json(request):
                return _fill_json(target.report, False, [], message, 400, ())
            entry_form = _current_form(target, False)
            return _fill_page(request, target, entry_form, [], 400, save_error=message)
        return _fill_post(request, target)
    if target.report is None and not perms["may_edit"]:
        return render(request, "reports/entry/fill.html", report_context(request, target))
    # What the report holds is read once, the records once: the sheet, the computed
    # values and the checks (on the figures as they stand) all come from them.
    rows = computed.stored(target.report) if target.report else {}
    entry_form = _current_form(target, perms["may_edit"], rows=rows)
    states = _states(target, entry_form.indicators, rows)
    values = {code: row.value for code, row in rows.items()}
    values.update({code: st.value for code, st in states.items() if st.value is not None})
    # The empty sheet is checked as it would be saved (required parts flagged).
    texts = {f.code: entry_form.initial_text(f.code) for f in entry_form.narratives}
    problems = check(entry_form.version, values, texts)
    return _fill_page(request, target, entry_form, problems, 200, states=states)


def _fill_json(report, saved, problems, error, status, unread, clashes=0):
    now = timezone.localtime()
    if saved and unread:
        message = _unread_message(now, len(unread), clashes)
    elif saved:
        message = _("Đã lưu lúc %(t)s") % {"t": now.strftime("%H:%M")}
    else:
        message = error
    body = {
        "ok": saved,
        "message": message,
        "saved_at": now.strftime("%H:%M") if saved else None,
        "problems": _problem_json(problems),
        "errors": sum(1 for p in problems if p.is_error),
        "warnings": sum(1 for p in problems if not p.is_error),
        "unsaved": sorted(unread),
    }
    if saved:
        indicators = {i.code: i for i in report.version.indicators.all()}
        rows = computed.stored(report)
        states = computed.report_states(report, indicators.values())
        body["values"] = {
            code: input_text(row.value, indicators[code])
            for code, row in rows.items()
            if code not in states or row.reason
        }
        body["computed"] = {
            code: input_text(st.value, indicators[code]) for code, st in states.items()
        }
    return JsonResponse(body, status=status)


urlpatterns = [
    path("<str:form>/<periodkey:period>/<str:code>/", report, name="report"),
    path("<str:form>/<periodkey:period>/<str:code>/nhap/", fill, name="fill"),
]
