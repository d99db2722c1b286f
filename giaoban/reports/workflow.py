"""The report workflow: draft → submitted → accepted / returned → … (with reopen).

Officers enter figures in a draft; a leader of the unit signs it off (submits); a
leader of the parent unit — the unit above it on the tree as it stood at the period's
end — accepts it or returns it with a reason; accepted data is locked until that leader
reopens it with a reason. `may_submit` and `may_decide` are the only definitions of who
may; pages, the API and the inbox ask them. Each transition moves the live roll-up in
the same transaction and leaves an event and an audit entry (by the audit mechanism:
the report is saved, marked as a transition, with the reason).

Two people acting on one report at once: every change locks the report's row first (on
SQLite the IMMEDIATE transaction holds the file), so the second waits and then reads what
the first wrote. A decision the report no longer allows is refused naming who changed it
and when; a save keeps what another person saved meanwhile (`conflicts`).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.audit.registry import mark, take_snapshot
from giaoban.core import paths, roles, scope
from giaoban.reports import computed, conflicts, reminders, rollup
from giaoban.reports.models import Report, ReportEvent, ReportText, ReportValue
from giaoban.reports.validation import MAX_TEXT_CHARS, NumberError, Problem, check, parse_number
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


def deadline_for(form, level, period):
    days = {d.level_id: d.days_after_end for d in form.deadlines.all()}
    return period.end + datetime.timedelta(days=days.get(level.pk, 0))


def reports_on(form, unit, period):
    """Whether `unit` is expected to report on `form` for `period`."""
    level_ids = {lvl.pk for lvl in form.levels.all()}
    return unit.level_id in level_ids and unit.active_on(period.end)


def parent_unit(report):
    """The unit that decides on the report: the one above it at the period's end (a root
    decides on its own)."""
    codes = paths.codes(report.path)
    code = codes[-2] if len(codes) > 1 else codes[-1]
    return Unit.objects.get(code=code)


def approver_of(unit, period):
    """The unit whose leaders decide on `unit`'s report for `period` (None for a root)."""
    codes = paths.codes(history.path_on(unit, period.end))
    if len(codes) < 2:
        return None
    return Unit.objects.filter(code=codes[-2]).first()


def may_submit(user, report_or_unit):
    """Ký gửi: a leader of the report's own unit."""
    unit = getattr(report_or_unit, "unit", report_or_unit)
    return roles.is_leader_of(user, unit)


def may_decide(user, report=None, unit=None, period=None):
    """Chấp nhận, trả lại, mở lại: a leader of the unit directly above (see parent_unit)."""
    parent = parent_unit(report) if report is not None else approver_of(unit, period)
    own = report.unit_id if report is not None else unit.pk
    return parent is not None and parent.pk != own and roles.is_leader_of(user, parent)


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
    return report


def parse_entries(version, raw_values, raw_texts, raw_reasons=None, now=None):
    """Typed values, texts and overrides from raw input, with a Problem for every field
    that cannot be read.

    A figure of an indicator computed from the records (`now` holds their values) is an
    override when it comes with a reason; blank, or equal to the records' value, it goes
    back to following them; different without a reason, it is refused (the officer must
    say why). Overrides map a code to (value, reason) or to None (follow the records)."""
    indicators = {i.code: i for i in version.indicators.all()}
    narratives = {n.code: n for n in version.narratives.all()}
    now, reasons = now or {}, raw_reasons or {}
    values, texts, problems, overrides = {}, {}, [], {}
    for code, raw in raw_values.items():
        ind = indicators.get(code)
        if ind is None:
            problems.append(
                Problem(code, _("Mã chỉ tiêu “%(code)s” không có trong mẫu.") % {"code": code})
            )
            continue
        try:
            value = parse_number(raw, ind)
        except NumberError as exc:
            problems.append(Problem(code, str(exc)))
            continue
        if code not in now:
            values[code] = value
            continue
        reason, why = computed.clean_reason(reasons.get(code))
        if why:
            problems.append(Problem(code, f"{ind.name} ({code}): {why}"))
        elif value is None or (not reason and value == now[code]):
            overrides[code] = None
        elif reason:
            overrides[code] = (value, reason)
        else:
            problems.append(Problem(code, computed.override_problem(ind, now[code])))
    for code, text in raw_texts.items():
        if code not in narratives:
            problems.append(
                Problem(
                    code, _("Mã phần thuyết minh “%(code)s” không có trong mẫu.") % {"code": code}
                )
            )
            continue
        text = (text or "").strip()
        if "\x00" in text:
            message = _("%(title)s: chứa ký tự NUL (mã 0), không lưu được.")
            problems.append(Problem(code, message % {"title": narratives[code].title}))
        elif len(text) > MAX_TEXT_CHARS:
            message = _("%(title)s: dài %(n)s ký tự, vượt giới hạn %(max)s ký tự.")
            n = f"{len(text):,}".replace(",", ".")
            problems.append(
                Problem(code, message % {"title": narratives[code].title, "n": n, "max": "20.000"})
            )
        else:
            texts[code] = text
    return values, texts, problems, overrides


@dataclass
class Saved:
    """What a save kept: the form's checks on what is stored now (`problems`), the fields
    that could not be read and were left as they were (`unread`, with why), and those
    someone else saved while the officer typed, left as that person saved them
    (`conflicts`, with what they hold now)."""

    problems: list
    unread_problems: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)

    @property
    def unread(self):
        return {p.field for p in self.unread_problems}

    @property
    def unsaved(self):
        """Every field whose typed content was not stored (to keep as typed on the page)."""
        return self.unread | {p.field for p in self.conflicts}


@transaction.atomic
def save_entries(
    report, user, raw_values, raw_texts, check_scope=True, raw_reasons=None, shown=None
):
    """Save figures and texts of a draft or returned report, in one transaction.

    What a draft keeps: every figure and text that can be read is saved, whatever the
    rest; a field that cannot be read (letters for a number, too many decimals, an
    override of a computed figure without a reason) keeps its stored value and comes back
    in `Saved.unread_problems`. A figure that is read but breaks a rule (a negative count)
    is saved and reported by the checks, which block submission until it is corrected.
    Indicators computed from the records store the records' value now (or the override).
    With `shown` (a conflicts.Shown), what another person saved since the page showed it
    is kept.
    """
    report = (
        Report.objects.select_for_update(of=("self",))  # not the unit's or version's rows
        .select_related("unit", "version")
        .get(pk=report.pk)
    )
    if check_scope and not scope.can(user, scope.CHANGE, report.unit):
        raise WorkflowError(
            _("Đồng chí không có quyền nhập báo cáo cho đơn vị này."), forbidden=True
        )
    if report.status not in (S.DRAFT, S.RETURNED):
        raise WorkflowError(
            conflicts.moved_by(
                report, _("Báo cáo đã gửi hoặc đã được chấp nhận nên không sửa được.")
            )
        )
    pairs = computed.computed_of(report.version.indicators.all())
    now = computed.live_of(report, pairs) if pairs else {}
    clashes = []
    if shown is not None:
        raw_values, raw_texts, raw_reasons, clashes = conflicts.keep_theirs(
            report, pairs, shown, raw_values, raw_texts, raw_reasons or {}
        )
    values, texts, unread, overrides = parse_entries(
        report.version, raw_values, raw_texts, raw_reasons, now
    )
    take_snapshot(report)
    _store(report, values, texts)
    if pairs:
        computed.write(
            report, computed.rows_to_store(pairs, now, computed.stored(report), overrides)
        )
    report.save(update_fields=["updated_at"])  # audited: the figures before and after
    return Saved(validate(report), unread, clashes)


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


def typed_entries(report):
    """What the report holds (for a draft, computed figures as of its last save)."""
    values = dict(report.values.values_list("indicator__code", "value"))
    texts = dict(report.texts.values_list("field__code", "text"))
    return values, texts


def current_entries(report):
    """The report's figures and texts as they stand: while it is a draft or returned, each
    figure computed from the records is their value now (unless overridden)."""
    texts = dict(report.texts.values_list("field__code", "text"))
    return computed.current_values(report), texts


def validate(report):
    values, texts = current_entries(report)
    return check(report.version, values, texts)


def _transition(report, user, new_status, reason="", first_submission=False, snapshot=True):
    old = report.status
    now = timezone.now()
    if snapshot:
        take_snapshot(report, related=False)
    mark(report, "transition", reason)
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
    reminders.transition_notice(report, old, new_status, reason)
    return report


def _locked(report):
    """The report, its row locked until commit. Only its own row (`of`): locking the rows
    joined in — the form, its version, the unit — would make every transition of the
    country on one form wait for every other, and every report the form gets wait too."""
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("unit__level", "form", "version")
        .get(pk=report.pk)
    )


def _require_parent_leader(report, user):
    if not may_decide(user, report):
        parent = parent_unit(report)
        raise WorkflowError(
            _("Chỉ lãnh đạo %(parent)s mới được duyệt báo cáo này.") % {"parent": parent.name},
            forbidden=True,
        )


@transaction.atomic
def submit(report, user):
    """A leader of the unit signs the report off and sends it up."""
    report = _locked(report)
    if not may_submit(user, report):
        raise WorkflowError(
            _("Chỉ lãnh đạo %(unit)s mới được ký gửi báo cáo.") % {"unit": report.unit.name},
            forbidden=True,
        )
    if report.status not in (S.DRAFT, S.RETURNED):
        refusal = _("Báo cáo ở trạng thái “%(s)s” không gửi được.") % {
            "s": report.get_status_display()
        }
        raise WorkflowError(conflicts.moved_by(report, refusal))
    # Freeze the figures computed from the records before anything reads them: the checks,
    # and the roll-up in _transition — so the roll-up holds exactly what was frozen. The
    # audit entry of the submission shows any figure the freeze changed.
    pairs = computed.computed_of(report.version.indicators.all())
    take_snapshot(report, related=bool(pairs))
    computed.freeze(report, pairs)
    values, texts = typed_entries(report)  # the frozen figures, not a second computation
    errors = [p for p in check(report.version, values, texts) if p.is_error]
    if errors:
        raise WorkflowError(_("Báo cáo còn lỗi, chưa gửi được."), problems=errors)
    return _transition(
        report,
        user,
        S.SUBMITTED,
        first_submission=report.first_submitted_at is None,
        snapshot=False,
    )


@transaction.atomic
def accept(report, user):
    report = _locked(report)
    _require_parent_leader(report, user)
    if report.status != S.SUBMITTED:
        raise WorkflowError(conflicts.moved_by(report, _("Chỉ chấp nhận được báo cáo đã gửi.")))
    return _transition(report, user, S.ACCEPTED)


@transaction.atomic
def return_report(report, user, reason):
    report = _locked(report)
    _require_parent_leader(report, user)
    if report.status != S.SUBMITTED:
        raise WorkflowError(conflicts.moved_by(report, _("Chỉ trả lại được báo cáo đã gửi.")))
    if not (reason or "").strip():
        raise WorkflowError(_("Lý do trả lại: cần ghi rõ lý do."))
    return _transition(report, user, S.RETURNED, reason=reason.strip())


@transaction.atomic
def reopen(report, user, reason):
    """Unlock accepted data: it goes back to the unit as returned, with the reason."""
    report = _locked(report)
    _require_parent_leader(report, user)
    if report.status != S.ACCEPTED:
        raise WorkflowError(conflicts.moved_by(report, _("Chỉ mở lại được báo cáo đã chấp nhận.")))
    if not (reason or "").strip():
        raise WorkflowError(_("Lý do mở lại: cần ghi rõ lý do."))
    return _transition(report, user, S.RETURNED, reason=reason.strip())
