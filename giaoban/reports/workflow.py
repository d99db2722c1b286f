"""The report workflow: draft → submitted → accepted / returned → … (with reopen).

Officers enter figures in a draft; a leader of the unit signs it off (submits); a
leader of the parent unit accepts it or returns it with a reason; accepted data is
locked until a leader of the parent unit reopens it with a reason. Each transition
moves the live roll-up in the same transaction and leaves an audit entry and an event.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.audit.registry import write as audit
from giaoban.core import scope
from giaoban.reports import rollup
from giaoban.reports.models import Report, ReportEvent, ReportText, ReportValue
from giaoban.reports.validation import NumberError, Problem, check, parse_number
from giaoban.units import history
from giaoban.units.models import Unit

S = Report.Status


class WorkflowError(Exception):
    """A refused action, with a Vietnamese message; `forbidden` distinguishes 403 from 400."""

    def __init__(self, message, forbidden=False, problems=()):
        super().__init__(message)
        self.message = message
        self.forbidden = forbidden
        self.problems = list(problems)


def has_role_at(user, role, unit):
    return any(ra.role == role and ra.unit_id == unit.pk for ra in _assignments(user))


def _assignments(user):
    if not user.is_authenticated:
        return []
    cache = user.__dict__.setdefault("_role_rows", None)
    if cache is None:
        cache = list(user.role_assignments.all())
        user.__dict__["_role_rows"] = cache
    return cache


def deadline_for(form, level, period):
    days = {d.level_id: d.days_after_end for d in form.deadlines.all()}
    return period.end + datetime.timedelta(days=days.get(level.pk, 0))


def reports_on(form, unit, period):
    """Whether `unit` is expected to report on `form` for `period`."""
    level_ids = {lvl.pk for lvl in form.levels.all()}
    return unit.level_id in level_ids and unit.active_on(period.end)


def parent_unit(report):
    codes = rollup.path_codes(report.path)
    code = codes[-2] if len(codes) > 1 else codes[-1]
    return Unit.objects.get(code=code)


@transaction.atomic
def open_report(form, unit, period_key, user, is_demo=False, check_scope=True):
    """The unit's report for the period, creating the draft on first use."""
    period = form.period(period_key)
    existing = Report.objects.filter(form=form, unit=unit, period_key=period.key).first()
    if existing:
        return existing
    if check_scope and not scope.can(user, scope.CHANGE, unit):
        raise WorkflowError(
            _("Đồng chí không có quyền nhập báo cáo cho đơn vị này."), forbidden=True
        )
    if not reports_on(form, unit, period):
        raise WorkflowError(
            _("%(unit)s không thuộc diện báo cáo mẫu này trong kỳ %(period)s.")
            % {"unit": unit.name, "period": period.label}
        )
    version = form.current_version()
    report = Report.objects.create(
        form=form,
        version=version,
        unit=unit,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        path=history.path_on(unit, period.end),
        deadline=deadline_for(form, unit.level, period),
        is_demo=is_demo,
    )
    rollup.apply_transition(report, None, S.DRAFT)
    audit(report, "create", after={"status": S.DRAFT}, unit_path=unit.path)
    return report


def parse_entries(version, raw_values, raw_texts):
    """Typed values and texts from raw input, with a Problem for every unreadable field."""
    indicators = {i.code: i for i in version.indicators.all()}
    narratives = {n.code: n for n in version.narratives.all()}
    values, texts, problems = {}, {}, []
    for code, raw in raw_values.items():
        ind = indicators.get(code)
        if ind is None:
            problems.append(
                Problem(code, _("Mã chỉ tiêu “%(code)s” không có trong mẫu.") % {"code": code})
            )
            continue
        try:
            values[code] = parse_number(raw, ind)
        except NumberError as exc:
            problems.append(Problem(code, str(exc)))
    for code, text in raw_texts.items():
        if code not in narratives:
            problems.append(
                Problem(
                    code, _("Mã phần thuyết minh “%(code)s” không có trong mẫu.") % {"code": code}
                )
            )
            continue
        texts[code] = (text or "").strip()
    return values, texts, problems


@transaction.atomic
def save_entries(report, user, raw_values, raw_texts, check_scope=True):
    """Save figures and texts of a draft or returned report. All or nothing."""
    report = Report.objects.select_for_update().select_related("unit", "version").get(pk=report.pk)
    if check_scope and not scope.can(user, scope.CHANGE, report.unit):
        raise WorkflowError(
            _("Đồng chí không có quyền nhập báo cáo cho đơn vị này."), forbidden=True
        )
    if report.status not in (S.DRAFT, S.RETURNED):
        raise WorkflowError(_("Báo cáo đã gửi hoặc đã được chấp nhận nên không sửa được."))
    values, texts, problems = parse_entries(report.version, raw_values, raw_texts)
    if problems:
        raise WorkflowError(_("Số liệu chưa hợp lệ, chưa lưu gì."), problems=problems)
    before = current_entries(report)
    _store(report, values, texts)
    after = current_entries(report)
    if before != after:
        audit(report, "update", before=before, after=after, unit_path=report.unit.path)
        Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    return validate(report)


def _store(report, values, texts):
    ids = dict(report.version.indicators.values_list("code", "id"))
    existing = {v.indicator_id: v for v in report.values.all()}
    create, update, delete = [], [], []
    for code, value in values.items():
        row = existing.get(ids[code])
        if value is None:
            if row:
                delete.append(row.pk)
        elif row is None:
            create.append(ReportValue(report=report, indicator_id=ids[code], value=value))
        elif row.value != value:
            row.value = value
            update.append(row)
    ReportValue.objects.bulk_create(create)
    ReportValue.objects.bulk_update(update, ["value"])
    ReportValue.objects.filter(pk__in=delete).delete()
    fields = dict(report.version.narratives.values_list("code", "id"))
    for code, text in texts.items():
        ReportText.objects.update_or_create(
            report=report, field_id=fields[code], defaults={"text": text}
        )


def current_entries(report):
    values = {
        code: format(v.normalize(), "f")
        for code, v in report.values.values_list("indicator__code", "value")
    }
    texts = dict(report.texts.values_list("field__code", "text"))
    return {"values": values, "texts": texts}


def typed_entries(report):
    values = dict(report.values.values_list("indicator__code", "value"))
    texts = dict(report.texts.values_list("field__code", "text"))
    return values, texts


def validate(report):
    values, texts = typed_entries(report)
    return check(report.version, values, texts)


def _transition(report, user, new_status, reason="", first_submission=False):
    old = report.status
    now = timezone.now()
    report.status = new_status
    fields = ["status", "updated_at"]
    if new_status == S.SUBMITTED:
        report.submitted_at = now
        fields.append("submitted_at")
        if report.first_submitted_at is None:
            report.first_submitted_at = now
            fields.append("first_submitted_at")
    if new_status in (S.ACCEPTED, S.RETURNED):
        report.decided_at = now
        fields.append("decided_at")
    report.save(update_fields=fields)
    rollup.apply_transition(report, old, new_status, first_submission=first_submission)
    ReportEvent.objects.create(
        report=report,
        actor=user if user.is_authenticated else None,
        from_status=old,
        to_status=new_status,
        reason=reason,
    )
    audit(
        report,
        "transition",
        before={"status": old},
        after={"status": new_status},
        message=reason,
        unit_path=report.unit.path,
    )
    return report


def _locked(report):
    return (
        Report.objects.select_for_update()
        .select_related("unit__level", "form", "version")
        .get(pk=report.pk)
    )


def _require_parent_leader(report, user):
    parent = parent_unit(report)
    if not has_role_at(user, scope.LEADER, parent):
        raise WorkflowError(
            _("Chỉ lãnh đạo %(parent)s mới được duyệt báo cáo này.") % {"parent": parent.name},
            forbidden=True,
        )


@transaction.atomic
def submit(report, user):
    """A leader of the unit signs the report off and sends it up."""
    report = _locked(report)
    if not has_role_at(user, scope.LEADER, report.unit):
        raise WorkflowError(
            _("Chỉ lãnh đạo %(unit)s mới được ký gửi báo cáo.") % {"unit": report.unit.name},
            forbidden=True,
        )
    if report.status not in (S.DRAFT, S.RETURNED):
        raise WorkflowError(
            _("Báo cáo ở trạng thái “%(s)s” không gửi được.") % {"s": report.get_status_display()}
        )
    errors = [p for p in validate(report) if p.is_error]
    if errors:
        raise WorkflowError(_("Báo cáo còn lỗi, chưa gửi được."), problems=errors)
    return _transition(
        report, user, S.SUBMITTED, first_submission=report.first_submitted_at is None
    )


@transaction.atomic
def accept(report, user):
    report = _locked(report)
    _require_parent_leader(report, user)
    if report.status != S.SUBMITTED:
        raise WorkflowError(_("Chỉ chấp nhận được báo cáo đã gửi."))
    return _transition(report, user, S.ACCEPTED)


@transaction.atomic
def return_report(report, user, reason):
    report = _locked(report)
    _require_parent_leader(report, user)
    if report.status != S.SUBMITTED:
        raise WorkflowError(_("Chỉ trả lại được báo cáo đã gửi."))
    if not (reason or "").strip():
        raise WorkflowError(_("Lý do trả lại: cần ghi rõ lý do."))
    return _transition(report, user, S.RETURNED, reason=reason.strip())


@transaction.atomic
def reopen(report, user, reason):
    """Unlock accepted data: it goes back to the unit as returned, with the reason."""
    report = _locked(report)
    _require_parent_leader(report, user)
    if report.status != S.ACCEPTED:
        raise WorkflowError(_("Chỉ mở lại được báo cáo đã chấp nhận."))
    if not (reason or "").strip():
        raise WorkflowError(_("Lý do mở lại: cần ghi rõ lý do."))
    return _transition(report, user, S.RETURNED, reason=reason.strip())
