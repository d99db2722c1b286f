"""Many reports at once: the bulk path behind the API's data-value sets, Excel uploads,
historical imports, the demo and the benchmark. All or nothing, with every problem listed.

`import_values` runs three steps: `parse` (which unit each item names, and its figures
and texts read the Vietnamese way), `check` (the caller's scope, the unit's duty to
report, the report's status, the form's rules) and `write` (reports, figures, texts,
events, the roll-up and the audit trail, in one transaction, at bulk-load speed).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.audit.registry import BulkWriter
from giaoban.core import roles, scope
from giaoban.core.bulkwrite import insert_rows, insert_values
from giaoban.core.text import nfc
from giaoban.reports import buckets, computed, rollup
from giaoban.reports.auditing import entries_snapshot
from giaoban.reports.models import Report, ReportEvent, ReportText, ReportValue
from giaoban.reports.validation import MAX_TEXT_CHARS, NumberError, parse_number
from giaoban.reports.validation import check as check_rules
from giaoban.reports.workflow import deadline_for, reports_on
from giaoban.units import history
from giaoban.units.models import Unit

S = Report.Status


@dataclass(frozen=True)
class ItemProblem:
    index: int  # position of the item in the request (0-based)
    unit: str
    field: str
    message: str
    severity: str = "error"


class BulkError(Exception):
    def __init__(self, problems):
        super().__init__(_("Dữ liệu có lỗi, chưa ghi gì."))
        self.problems = problems


@dataclass
class BulkResult:
    reports_created: int
    reports_updated: int
    values_written: int
    warnings: list


@dataclass
class Batch:
    """One form and period, and what the database already holds for the units named."""

    form: object
    period: object
    version: object
    indicators: dict
    narratives: dict
    rules: list
    units: dict  # code → Unit
    existing: dict  # unit id → Report
    old_values: dict  # report id → {code: Decimal}
    old_texts: dict  # report id → {code: text}
    old_rows: dict  # report id → {code: computed.StoredValue} of computed indicators
    pairs: list  # [(indicator, source)] computed from the records
    now: dict = field(default_factory=dict)  # unit id → {computed code: the records' value}


@dataclass
class Item:
    """One item of the request, as read."""

    index: int
    code: str
    unit: object = None
    report: object = None
    values: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)  # code → reason of an override (raw, then clean)
    overrides: dict = field(default_factory=dict)  # computed code → (value, reason) or None
    computed: dict = field(default_factory=dict)  # computed code → the records' value stored
    problems: list = field(default_factory=list)  # ItemProblems of reading it
    duplicate: bool = False
    new: bool = False

    def problem(self, field_name, message, severity="error"):
        self.problems.append(ItemProblem(self.index, self.code, field_name, message, severity))


@transaction.atomic
def import_values(
    form, period_key, items, user, *, accept_history=False, is_demo=False, check_scope=True
):
    """Write {unit, values, texts} items for one form and period; raise BulkError on any error.

    Reports are created as drafts (or, with accept_history, as accepted historical data
    — for administrators at the top migrating past periods); existing drafts and returned
    reports are updated; submitted or accepted reports are refused. The existing reports
    are locked as they are read (see `load`), so a submission made meanwhile waits for the
    import, or the import for it and then refuses the report it submitted.
    """
    if accept_history and not roles.is_top_admin(user):
        message = _("Chỉ quản trị viên cấp Bộ được nhập số liệu lịch sử đã duyệt.")
        raise BulkError([ItemProblem(-1, "", "", message)])
    batch = load(form, period_key, items)
    parsed = parse(batch, items)
    read_overrides(batch, parsed, accept_history)
    passed, problems = check(batch, parsed, user, accept_history, check_scope)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise BulkError(errors)
    warnings = [p for p in problems if p.severity != "error"]
    return write(batch, passed, user, accept_history, is_demo, warnings)


def load(form, period_key, items):
    """The Batch: the form's current version, and the units and reports the items name."""
    period = form.period(period_key)
    # reports_on and deadline_for read the form's levels and deadlines for every item.
    form = type(form).objects.prefetch_related("levels", "deadlines").get(pk=form.pk)
    version = form.current_version()
    # A NUL cannot be sent to PostgreSQL even as a query parameter: such a code simply
    # matches no unit (and is reported so).
    lookup = [c for c in (_code(item) for item in items) if "\x00" not in c]
    units = {u.code: u for u in Unit.objects.filter(code__in=lookup).select_related("level")}
    # Locked until the import commits, in key order (two imports of overlapping units
    # queue instead of deadlocking): their status, checked below, stays what was read, and
    # no transition moves their figures into the roll-up while the import replaces them.
    # (PostgreSQL; SQLite's IMMEDIATE transaction holds the whole file already.)
    existing = {
        r.unit_id: r
        for r in Report.objects.select_for_update(of=("self",))
        .filter(form=form, period_key=period.key, unit__code__in=lookup)
        .order_by("pk")
    }
    pairs = computed.computed_of(version.indicators.all())
    computed_codes = {ind.code for ind, _source in pairs}
    old_values, old_texts, old_rows = defaultdict(dict), defaultdict(dict), defaultdict(dict)
    for rid, code, value, records, reason in ReportValue.objects.filter(
        report__in=existing.values()
    ).values_list("report_id", "indicator__code", "value", "computed", "override_reason"):
        old_values[rid][code] = value
        if code in computed_codes:
            old_rows[rid][code] = computed.StoredValue(value, records, reason)
    for rid, code, text in ReportText.objects.filter(report__in=existing.values()).values_list(
        "report_id", "field__code", "text"
    ):
        old_texts[rid][code] = text
    return Batch(
        form=form,
        period=period,
        version=version,
        indicators={i.code: i for i in version.indicators.all()},
        narratives={n.code: n for n in version.narratives.all()},
        rules=list(version.rules.select_related("indicator", "other", "narrative")),
        units=units,
        existing=existing,
        old_values=old_values,
        old_texts=old_texts,
        old_rows=old_rows,
        pairs=pairs,
    )


def _code(item):
    return str(item.get("unit", "")).strip().upper()


# ---------------------------------------------------------------------------- parse


def parse(batch, items):
    """Each item read: its unit, its figures as Decimals, its texts NFC — with the problems
    of reading it kept on the item (the check step decides which to report)."""
    out, seen = [], set()
    for index, raw in enumerate(items):
        item = Item(index, _code(raw))
        item.unit = batch.units.get(item.code)
        if item.unit is not None and item.code in seen:
            item.unit, item.duplicate = None, True
        seen.add(item.code)
        if item.unit is not None:
            item.report = batch.existing.get(item.unit.pk)
            _parse_values(batch, item, raw.get("values") or {})
            _parse_texts(batch, item, raw.get("texts") or {})
            reasons = raw.get("reasons") or {}
            item.reasons = {str(c).strip().upper(): r for c, r in dict(reasons).items()}
        out.append(item)
    return out


def _parse_values(batch, item, raw_values):
    for icode, raw in raw_values.items():
        ind = batch.indicators.get(str(icode).strip().upper())
        if ind is None:
            message = _("Mã chỉ tiêu “%(code)s” không có trong mẫu.") % {"code": icode}
            item.problem(str(icode), message)
            continue
        try:
            item.values[ind.code] = parse_number(raw, ind)
        except NumberError as exc:
            item.problem(ind.code, str(exc))


def _parse_texts(batch, item, raw_texts):
    for ncode, text in raw_texts.items():
        if ncode not in batch.narratives:
            message = _("Mã phần thuyết minh “%(code)s” không có trong mẫu.") % {"code": ncode}
            item.problem(str(ncode), message)
            continue
        text = nfc(str(text) if text is not None else "")
        if "\x00" in text:
            message = _("Phần thuyết minh “%(code)s” chứa ký tự NUL (mã 0), không lưu được.")
            item.problem(ncode, message % {"code": ncode})
        elif len(text) > MAX_TEXT_CHARS:
            message = _(
                "Phần thuyết minh “%(code)s” dài %(n)s ký tự, vượt giới hạn %(max)s ký tự."
            ) % {"code": ncode, "n": f"{len(text):,}".replace(",", "."), "max": "20.000"}
            item.problem(ncode, message)
        else:
            item.texts[ncode] = text


def read_overrides(batch, parsed, accept_history):
    """Figures sent for indicators computed from the records.

    Never a silent overwrite: a figure equal to the records' value now, or blank, follows
    the records; a different one is an override and needs a reason (`reasons`, as the
    fill-in page asks), else it is an error naming the unit and the indicator. Accepted
    history is stored as given: past figures from before the records, marked HISTORY."""
    if not batch.pairs:
        return
    if accept_history:
        for item in parsed:
            for ind, _source in batch.pairs:
                if item.values.get(ind.code) is not None:
                    item.reasons[ind.code] = str(computed.HISTORY)
                    item.computed[ind.code] = None
        return
    units = [item.unit.pk for item in parsed if item.unit is not None]
    start, end = batch.period.start, batch.period.end
    batch.now = computed.live(batch.pairs, units, start, end)
    for item in parsed:
        if item.unit is None:
            continue
        now = batch.now[item.unit.pk]
        for ind, _source in batch.pairs:
            if ind.code not in item.values:
                continue
            value = item.values.pop(ind.code)
            reason, why = computed.clean_reason(item.reasons.get(ind.code))
            if why:
                item.problem(ind.code, f"{ind.name} ({ind.code}): {why}")
            elif value is None or (not reason and value == now[ind.code]):
                item.overrides[ind.code] = None
            elif reason:
                item.overrides[ind.code] = (value, reason)
            else:
                item.problem(ind.code, computed.override_problem(ind, now[ind.code]))


# ---------------------------------------------------------------------------- check


def check(batch, parsed, user, accept_history, check_scope):
    """(items that may be written, problems): scope, duty to report, status, rules."""
    problems, passed = [], []
    for item in parsed:
        refusal = _refusal(batch, item, user, check_scope)
        if refusal:
            problems.append(ItemProblem(item.index, item.code, "unit", refusal))
            continue
        problems.extend(item.problems)
        problems.extend(_rule_problems(batch, item, accept_history))
        passed.append(item)
    return passed, problems


def _refusal(batch, item, user, check_scope):
    """Why the item's unit cannot take it at all (None if it can)."""
    unit = item.unit
    if unit is None:
        if item.duplicate:
            return _("Đơn vị %(code)s xuất hiện hai lần.") % {"code": item.code}
        return _("Không có đơn vị mã “%(code)s”.") % {"code": item.code}
    if check_scope and not scope.can(user, scope.CHANGE, unit):
        if not scope.can(user, scope.VIEW, unit):
            # Never named: a unit outside the subtree reads like one that does not exist.
            return _("Không có đơn vị mã “%(code)s” trong phạm vi của đồng chí.") % {
                "code": item.code
            }
        return _("Đồng chí không có quyền nhập báo cáo cho %(name)s.") % {"name": unit.name}
    if not reports_on(batch.form, unit, batch.period):
        return _("%(name)s không thuộc diện báo cáo kỳ này.") % {"name": unit.name}
    if item.report and item.report.status not in (S.DRAFT, S.RETURNED):
        return _("Báo cáo của %(name)s đã gửi hoặc đã chấp nhận, không ghi đè được.") % {
            "name": unit.name
        }
    return None


def _rule_problems(batch, item, accept_history):
    old = batch.old_values.get(item.report.pk, {}) if item.report else {}
    merged = {**old, **item.values}
    for p in check_rules(batch.version, merged, item.texts, rules=batch.rules):
        if p.is_error and not accept_history:
            if p.field not in item.values and p.field not in item.texts:
                continue  # a rule about figures this item does not touch is for the fill-in page
            if p.field in batch.narratives:
                continue  # narratives may follow later; submission enforces them
        yield ItemProblem(item.index, item.code, p.field, p.message, p.severity)


# ---------------------------------------------------------------------------- write


@transaction.atomic
def write(batch, items, user, accept_history, is_demo, warnings):
    """Reports, figures, texts, events, the roll-up and the audit trail of checked items."""
    now = timezone.now()
    status = S.ACCEPTED if accept_history else S.DRAFT
    created = _create_reports(batch, items, status, is_demo, now if accept_history else None)
    for item in items:
        item.new = item.report is None
        item.report = item.report or created[item.unit.pk]
        if batch.pairs and not accept_history:
            _fill_computed(batch, item)
    _replace_entries(batch, items)
    values_written = _insert_values(batch, items)
    if accept_history:
        reason = _("Nhập số liệu lịch sử đã duyệt")
        events = [
            ReportEvent(report=i.report, actor=user, to_status=S.ACCEPTED, reason=reason)
            for i in items
            if i.new
        ]
        insert_rows(ReportEvent, events)
    _tally(batch, items, status, accept_history, now)
    _audit(batch, items, accept_history, now)
    return BulkResult(len(created), len(items) - len(created), values_written, warnings)


def _fill_computed(batch, item):
    """A save stores the records' values now (or the override) of the computed indicators:
    those that change join the item's figures."""
    rows = {} if item.new else batch.old_rows.get(item.report.pk, {})
    wanted = computed.rows_to_store(batch.pairs, batch.now[item.unit.pk], rows, item.overrides)
    for code, (value, records, reason) in wanted.items():
        row = rows.get(code)
        if row is None or (row.value, row.computed, row.reason) != (value, records, reason):
            item.values[code], item.computed[code], item.reasons[code] = value, records, reason


def _create_reports(batch, items, status, is_demo, decided_at):
    form, period = batch.form, batch.period
    paths = history.paths_on(period.end)
    fresh = [
        Report(
            form=form,
            version=batch.version,
            unit=item.unit,
            period_key=period.key,
            period_start=period.start,
            period_end=period.end,
            path=paths[item.unit.pk],
            deadline=deadline_for(form, item.unit.level, period),
            status=status,
            is_demo=is_demo,
            submitted_at=decided_at,
            first_submitted_at=decided_at,
            decided_at=decided_at,
        )
        for item in items
        if item.report is None
    ]
    Report.objects.bulk_create(fresh, batch_size=2000)
    unit_ids = [r.unit_id for r in fresh]
    created = Report.objects.filter(form=form, period_key=period.key, unit_id__in=unit_ids)
    return {r.unit_id: r for r in created.select_related("unit")}


def _replace_entries(batch, items):
    """Only reports that existed before may hold figures or texts to replace."""
    earlier = [i.report for i in items if not i.new]
    if not earlier:
        return
    ReportValue.objects.filter(
        report__in=earlier, indicator__code__in={c for i in items for c in i.values}
    ).delete()
    ReportText.objects.filter(
        report__in=earlier, field__code__in={c for i in items for c in i.texts}
    ).delete()


def _insert_values(batch, items):
    """Write the figures and texts straight from the parsed items (no model per value)."""
    ind_ids = {code: ind.pk for code, ind in batch.indicators.items()}
    nar_ids = {code: nar.pk for code, nar in batch.narratives.items()}
    written = 0

    def rows():
        nonlocal written
        for item in items:
            for code, value in item.values.items():
                if value is not None:
                    written += 1
                    reason = item.reasons.get(code, "") if code in item.computed else ""
                    yield (item.report.pk, ind_ids[code], value, item.computed.get(code), reason)

    names = ("report", "indicator", "value", "computed", "override_reason")
    fields = [ReportValue._meta.get_field(n) for n in names]
    insert_values(ReportValue, fields, rows(), prepare=False)
    insert_values(
        ReportText,
        [ReportText._meta.get_field(n) for n in ("report", "field", "text")],
        ((i.report.pk, nar_ids[c], t) for i in items for c, t in i.texts.items()),
        prepare=False,
    )
    return written


def _tally(batch, items, status, accept_history, now):
    """Only new reports change the roll-up: an existing draft or returned report whose
    figures were replaced keeps its status, and such reports count no figures."""
    today = timezone.localtime(now).date()
    tally = buckets.Tally()
    for item in items:
        if item.new:
            report = item.report
            late = accept_history and today > report.deadline
            tally.add(report.path, status, item.unit.level.code, accept_history, late, item.values)
    rollup.merge_tally(batch.form, batch.period.key, tally)


def _audit(batch, items, accept_history, now):
    """One entry per report, naming exactly the figures and texts that changed."""
    writer = BulkWriter(at=now)
    if accept_history:
        message = _("Nhập số liệu lịch sử đã duyệt")
    else:
        message = _("Nhập số liệu nhiều đơn vị (API hoặc tệp Excel)")
    for item in items:
        report = item.report
        if item.new:
            before = None
            reasons = {c: item.reasons.get(c, "") for c in item.computed}
            after = {"status": report.status, **entries_snapshot(item.values, item.texts, reasons)}
        else:
            old_values = batch.old_values.get(report.pk, {})
            old_texts = batch.old_texts.get(report.pk, {})
            old_reasons = {c: r.reason for c, r in batch.old_rows.get(report.pk, {}).items()}
            changed_values = {c: v for c, v in item.values.items() if old_values.get(c) != v}
            changed_texts = {c: t for c, t in item.texts.items() if old_texts.get(c, "") != t}
            changed_reasons = {
                c: item.reasons.get(c, "")
                for c in item.computed
                if old_reasons.get(c, "") != item.reasons.get(c, "")
            }
            if not (changed_values or changed_texts or changed_reasons):
                continue
            before = entries_snapshot(
                {c: old_values.get(c) for c in changed_values},
                {c: old_texts.get(c, "") for c in changed_texts},
                {c: old_reasons.get(c, "") for c in changed_reasons},
            )
            after = entries_snapshot(changed_values, changed_texts, changed_reasons)
        label = report.describe(batch.form, batch.period, item.unit)
        writer.add(
            Report, report.pk, label, item.unit.path, "import", before, after, message=message
        )
    writer.flush()
