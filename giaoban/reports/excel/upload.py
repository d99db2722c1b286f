"""Reading a filled-in template back: every problem located at its sheet, row and column,
and the whole file written through `bulk.import_values`, or nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter

from giaoban.core import scope
from giaoban.core.formatting import format_number
from giaoban.core.text import nfc
from giaoban.exports.xlsx import CellProblem, UploadError, open_upload, read_sheet, refuse
from giaoban.reports import bulk, computed
from giaoban.reports.excel.shape import (
    EDITABLE,
    SUBTREE,
    UNIT,
    check_identity,
    read_meta,
    with_levels,
)
from giaoban.reports.models import Report, ReportText, ReportValue
from giaoban.reports.validation import NumberError, parse_number
from giaoban.units.models import Unit


@dataclass
class UploadResult:
    layout: str
    units: list
    reports_created: int
    reports_updated: int
    values_written: int
    texts_written: int
    skipped_rows: int
    warnings: list
    unchanged_rows: int = 0


def _blank(value):
    return value is None or (isinstance(value, str) and value.strip() == "")


def _at(row, col_index):
    return row[col_index - 1] if col_index - 1 < len(row) else None


@dataclass
class Parsed:
    """Items for bulk.import_values, with where each item and each field sits in the sheet."""

    sheet: str
    layout: str
    items: list = field(default_factory=list)
    item_rows: list = field(default_factory=list)  # item index → sheet row (subtree)
    cols: dict = field(default_factory=dict)  # code → column letter (subtree)
    cells: dict = field(default_factory=dict)  # code → (row, column letter) (one unit)
    problems: list = field(default_factory=list)
    skipped_rows: int = 0  # no figure and no text at all
    unchanged_rows: int = 0  # exactly what the report already holds

    def problem(self, message, row=None, column=""):
        self.problems.append(CellProblem(message, self.sheet, row, column))

    def formula(self, row, col, code):
        """A formula where a figure or a text is typed: refused, never its cached result."""
        message = _(
            "Ô chứa công thức: hãy nhập trực tiếp số liệu hoặc nội dung (có thể dán dưới dạng "
            "giá trị), không dùng công thức."
        )
        letter = get_column_letter(col)
        self.problems.append(CellProblem(message, self.sheet, row, letter, code))

    def locate(self, p):
        """Where an ItemProblem from bulk.import_values sits in the sheet."""
        if self.layout == UNIT:
            row, col = self.cells.get(p.field, (None, ""))
            code = p.field if row else ""
            return CellProblem(p.message, self.sheet, row, col, code, p.severity)
        row = self.item_rows[p.index] if 0 <= p.index < len(self.item_rows) else None
        if p.field == "unit":
            return CellProblem(p.message, self.sheet, row, "A", "", p.severity)
        return CellProblem(
            p.message, self.sheet, row, self.cols.get(p.field, ""), p.field, p.severity
        )


def _codes_of(form):
    """{CODE: code} of the current version's indicators and of its narrative fields."""
    version = form.current_version()
    indicators = {i.code.upper(): i.code for i in version.indicators.all()}
    return indicators, {n.code.upper(): n.code for n in version.narratives.all()}


def _stored(form, period, unit_codes):
    """{unit code: {code: value or text}} of the units' editable reports.

    Only what differs from these goes to bulk.import_values: a blank cell clears a figure
    the report holds (the template showed it), a re-uploaded unchanged figure is left
    alone, so an upload writes — and audits — exactly what the user changed.
    """
    reports = Report.objects.filter(
        form=form, period_key=period.key, unit__code__in=unit_codes, status__in=EDITABLE
    )
    out = defaultdict(dict)
    values = ReportValue.objects.filter(report__in=reports)
    texts = ReportText.objects.filter(report__in=reports).exclude(text="")
    for unit_code, code, value in [
        *values.values_list("report__unit__code", "indicator__code", "value"),
        *texts.values_list("report__unit__code", "field__code", "text"),
    ]:
        out[unit_code][code] = value
    return out


def _unchanged(raw, old):
    if isinstance(old, str):
        return nfc(raw) == old
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
        return False  # typed text: let bulk.import_values read (or refuse) it
    return Decimal(repr(raw) if isinstance(raw, float) else raw) == old


def _entry(item, code, is_text, raw, stored):
    """Put a cell into an item, if it changes what the report holds."""
    old = stored.get(code)
    if _blank(raw):
        if old is not None:
            item["texts" if is_text else "values"][code] = "" if is_text else None
    elif old is None or not _unchanged(raw, old):
        if is_text:
            item["texts"][code] = nfc(raw)
        else:
            item["values"][code] = raw.strip() if isinstance(raw, str) else raw


def parse_unit_sheet(data, meta, form, period, unit):
    """One unit's template (a SheetData): codes down column B, figures in E, texts in C."""
    rows = data.rows
    parsed = Parsed(meta["sheet"], UNIT)
    indicators, narratives = _codes_of(form)
    code_col, value_col, text_col = (
        column_index_from_string(meta[k]) for k in ("code_col", "value_col", "text_col")
    )
    stored = _stored(form, period, [unit.code])[unit.code]
    item = {"unit": unit.code, "values": {}, "texts": {}}
    filled = False
    first_row = int(meta["first_row"])
    for r, row in enumerate(rows[first_row - 1 :], start=first_row):
        raw = _at(row, code_col)
        if _blank(raw):
            continue
        key = str(raw).strip().upper()
        code = indicators.get(key) or narratives.get(key)
        if code is None:
            message = _("Mã “%(code)s” không có trong mẫu %(form)s (phiên bản hiện hành).")
            parsed.problem(message % {"code": raw, "form": form.code}, r, meta["code_col"])
        elif code in parsed.cells:
            message = _("Mã “%(code)s” xuất hiện hai lần (đã có ở dòng %(row)s).")
            parsed.problem(
                message % {"code": raw, "row": parsed.cells[code][0]}, r, meta["code_col"]
            )
        else:
            is_text = key in narratives
            col = text_col if is_text else value_col
            parsed.cells[code] = (r, get_column_letter(col))
            if data.is_formula(r, col):
                parsed.formula(r, col, code)
                continue
            filled = filled or not _blank(_at(row, col))
            _entry(item, code, is_text, _at(row, col), stored)
    if item["values"] or item["texts"]:
        parsed.items.append(item)
        parsed.item_rows.append(None)
    elif filled:
        parsed.unchanged_rows = 1
    elif not parsed.problems:
        parsed.problem(_("Tệp chưa có số liệu hay nội dung nào để ghi."))
    return parsed


def _header(parsed, header, first_col, code_row, form):
    """[(column, code, is_text)] from the row of codes, with a problem for each bad code."""
    indicators, narratives = _codes_of(form)
    columns, seen = [], {}
    for c in range(first_col, len(header) + 1):
        raw = _at(header, c)
        if _blank(raw):
            continue
        key, letter = str(raw).strip().upper(), get_column_letter(c)
        code = indicators.get(key) or narratives.get(key)
        if code is None:
            message = _(
                "Mã chỉ tiêu “%(code)s” ở hàng tiêu đề không có trong mẫu %(form)s "
                "(phiên bản hiện hành)."
            )
            parsed.problem(message % {"code": raw, "form": form.code}, code_row, letter)
        elif code in seen:
            message = _("Mã chỉ tiêu “%(code)s” lặp lại (đã có ở cột %(other)s).")
            parsed.problem(message % {"code": raw, "other": seen[code]}, code_row, letter)
        else:
            seen[code] = letter
            columns.append((c, code, key in narratives))
    if not columns and not parsed.problems:
        parsed.problem(
            _("Không thấy hàng mã chỉ tiêu của mẫu (hàng tiêu đề đã bị xóa hoặc dời chỗ)."),
            code_row,
        )
    parsed.cols = seen
    return columns


def parse_subtree_sheet(data, meta, form, period, node, user):
    """One row per unit (a SheetData): unit codes down column A, indicator codes along the
    code row."""
    rows = data.rows
    parsed = Parsed(meta["sheet"], SUBTREE)
    code_row, first_row = int(meta["code_row"]), int(meta["first_row"])
    unit_col, first_col = (column_index_from_string(meta[k]) for k in ("unit_col", "first_col"))
    header = rows[code_row - 1] if len(rows) >= code_row else ()
    # A bad code only loses its own column: the others are still read, so that one
    # upload lists every problem of the file.
    columns = _header(parsed, header, first_col, code_row, form)
    if not columns:
        return parsed
    filled = [
        (r, row)
        for r, row in enumerate(rows[first_row - 1 :], start=first_row)
        if not _blank(_at(row, unit_col)) or any(not _blank(v) for v in row)
    ]
    codes = {str(_at(row, unit_col)).strip().upper() for _r, row in filled}
    stored = _stored(form, period, codes)
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    for r, row in filled:
        formulas = [(c, code) for c, code, _t in columns if data.is_formula(r, c)]
        for c, code in formulas:
            parsed.formula(r, c, code)
        if formulas:
            continue
        cells = [(code, is_text, _at(row, c)) for c, code, is_text in columns]
        raw_unit = _at(row, unit_col)
        if all(_blank(v) for _c, _t, v in cells):
            parsed.skipped_rows += not _blank(raw_unit)
            continue
        if _blank(raw_unit):
            parsed.problem(_("Dòng có số liệu nhưng thiếu mã đơn vị."), r, meta["unit_col"])
            continue
        unit_code = str(raw_unit).strip().upper()
        unit = units.get(unit_code)
        # Out of the user's scope is refused by bulk.import_values; here: out of this page.
        if unit and scope.can(user, scope.CHANGE, unit) and not unit.path.startswith(node.path):
            message = _("%(name)s không thuộc %(node)s nên không nhập được ở trang này.")
            parsed.problem(message % {"name": unit.name, "node": node.name}, r, meta["unit_col"])
            continue
        item = {"unit": unit_code, "values": {}, "texts": {}}
        for code, is_text, raw in cells:
            _entry(item, code, is_text, raw, stored.get(unit_code, {}))
        if not (item["values"] or item["texts"]):
            parsed.unchanged_rows += 1
            continue
        parsed.items.append(item)
        parsed.item_rows.append(r)
    if not (parsed.items or parsed.unchanged_rows or parsed.problems):
        parsed.problem(_("Tệp chưa có số liệu hay nội dung nào để ghi."))
    return parsed


def set_aside_computed(parsed, form, period):
    """Cells of indicators computed from the records are never written from a file (it has
    no place for a reason): they are taken out of the items, and a warning names each one
    that says something else than the records now. Items left empty count as unchanged."""
    version = form.current_version()
    pairs = computed.computed_of(version.indicators.all())
    codes = {ind.code: ind for ind, _source in pairs}
    aside = [
        {code: item["values"].pop(code) for code in list(item["values"]) if code in codes}
        for item in parsed.items
    ]
    if not any(aside):
        return []
    ids = dict(
        Unit.objects.filter(code__in=[i["unit"] for i in parsed.items]).values_list("code", "pk")
    )
    now = computed.live(pairs, list(ids.values()), period.start, period.end)
    warnings, items, rows = [], [], []
    for index, (item, cells) in enumerate(zip(parsed.items, aside, strict=True)):
        for code, raw in cells.items():
            try:
                value = parse_number(raw, codes[code]) if raw is not None else None
            except NumberError:
                value = raw
            live = now.get(ids.get(item["unit"]), {}).get(code)
            if value is not None and value != live:
                message = _(
                    "%(name)s (%(code)s) được tính tự động từ hồ sơ (hiện là %(live)s): số trong "
                    "tệp không được ghi. Muốn báo cáo số khác, sửa ở trang nhập báo cáo và ghi "
                    "lý do."
                ) % {"name": codes[code].name, "code": code, "live": format_number(live, empty="0")}
                problem = bulk.ItemProblem(index, item["unit"], code, message, "warning")
                warnings.append(parsed.locate(problem))  # where it sits in the file
        if item["values"] or item["texts"]:
            items.append(item)
            rows.append(parsed.item_rows[index])
        else:
            parsed.unchanged_rows += 1
    parsed.items, parsed.item_rows = items, rows
    return warnings


def _position(problem):
    """Problems in reading order: the file's own first, then by row and column."""
    column = column_index_from_string(problem.column) if problem.column else 0
    return (problem.row or 0, column)


def read_upload(data, form, period, node, user):
    """Read an uploaded template and write all of it, or raise UploadError and write nothing."""
    wb = open_upload(data)
    try:
        meta = read_meta(wb)
        check_identity(meta, form, period, node, user)
        sheet = meta["sheet"]
        if sheet not in wb.sheetnames:
            message = _("Không thấy trang “%(sheet)s” trong tệp (trang đã bị đổi tên hoặc xóa).")
            refuse(message % {"sheet": sheet})
        sheet_data = read_sheet(wb[sheet], sheet)
    finally:
        wb.close()
    if meta["layout"] == UNIT:
        unit = Unit.objects.get(code=meta["unit"])
        parsed = parse_unit_sheet(sheet_data, meta, form, period, unit)
    else:
        parsed = parse_subtree_sheet(sheet_data, meta, form, period, node, user)
    set_aside = set_aside_computed(parsed, form, period)
    problems = list(parsed.problems)
    if problems and not parsed.items:
        raise UploadError(sorted(problems, key=_position))
    if not parsed.items:  # the file holds exactly what the reports hold
        return UploadResult(
            parsed.layout, [], 0, 0, 0, 0, parsed.skipped_rows, set_aside, parsed.unchanged_rows
        )
    form = with_levels(form)
    # bulk.import_values checks every item before writing anything; the rollback covers
    # the case where it finds nothing wrong but the sheet itself had problems.
    with transaction.atomic():
        try:
            result = bulk.import_values(form, period.key, parsed.items, user)
        except bulk.BulkError as exc:
            problems.extend(parsed.locate(p) for p in exc.problems)
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise UploadError(sorted(problems, key=_position))
    codes = [item["unit"] for item in parsed.items]
    units = sorted(Unit.objects.filter(code__in=codes), key=lambda u: codes.index(u.code))
    return UploadResult(
        layout=parsed.layout,
        units=units,
        reports_created=result.reports_created,
        reports_updated=result.reports_updated,
        values_written=result.values_written,
        texts_written=sum(1 for item in parsed.items for t in item["texts"].values() if t),
        skipped_rows=parsed.skipped_rows,
        warnings=sorted([*(parsed.locate(p) for p in result.warnings), *set_aside], key=_position),
        unchanged_rows=parsed.unchanged_rows,
    )
