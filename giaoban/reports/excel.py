"""Excel round trip (openpyxl): templates to fill in, reading them back, roll-up exports.

Mẫu nhập liệu Excel. A template is either one unit's report laid out like the paper
form (sections, indicator code, name, unit of measure, this period's value, last
period's for reference; the narrative parts as large wrapped cells), or one row per
unit of a subtree. A very hidden, protected sheet records what the template is — form,
version, period, layout, unit, where its headers are — with a checksum, so an upload
can tell a wrong or altered template before reading a single figure. The checksum only
catches mistakes; security comes from the scope checks made on every row at upload.

Uploads go through `bulk.import_values`, the all-or-nothing path the API uses, inside
one transaction that is rolled back on any problem; each problem comes back pointed at
its sheet, row and column. Workbooks are written in openpyxl's write-only mode, which
streams rows, so a template of every commune or a roll-up of 200 children by 60
indicators stays small in memory.
"""

import hashlib
import io
import math
import tempfile
import zipfile
import zlib
from collections import defaultdict
from copy import copy
from dataclasses import dataclass, field, replace
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from giaoban.core import scope
from giaoban.core.text import nfc
from giaoban.reports import bulk, periods, rollup, services
from giaoban.reports.models import Report, ReportForm, ReportText, ReportValue
from giaoban.reports.workflow import deadline_for, reports_on
from giaoban.units import history
from giaoban.units.models import Unit

META_SHEET = "_giaoban"
MAGIC = "giaoban-mau-nhap-lieu"
META_FORMAT = "1"
UNIT, SUBTREE = "unit", "subtree"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 150 * 1024 * 1024  # what a 5 MB template can honestly hold
MAX_ROWS = 20_000
MAX_COLUMNS = 1_000
MAX_NUMBER = 999_999_999_999_999
NARRATIVES_PER_PAGE = 3  # of the one-unit template, on A4 landscape
EDITABLE = (Report.Status.DRAFT, Report.Status.RETURNED)
SENT = (Report.Status.SUBMITTED, Report.Status.ACCEPTED)
DEMO_TEXT = gettext_noop(
    "Bản trình diễn: mọi số liệu trong tệp là số liệu giả lập, không phải số liệu thật."
)

# ----------------------------------------------------------------------------- styles

_THIN = Side(style="thin", color="8C8C8C")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
INT_FORMAT = "#,##0"
DEC_FORMAT = "#,##0.0###"
PCT_FORMAT = "+0.0%;-0.0%;0.0%"


@dataclass(frozen=True)
class Style:
    bold: bool = False
    italic: bool = False
    size: int = 11
    color: str = "000000"
    fill: str | None = None
    border: bool = True
    wrap: bool = False
    halign: str | None = None
    valign: str = "center"
    number_format: str | None = None
    locked: bool = True


TITLE = Style(bold=True, size=14, border=False)
LINE = Style(border=False)
NOTE = Style(italic=True, size=10, color="444444", border=False)
DEMO_NOTE = Style(italic=True, bold=True, size=10, color="9C0006", fill="FFF4CE", border=False)
HEAD = Style(bold=True, fill="DDE3EA", wrap=True, halign="center")
HEAD_LEFT = Style(bold=True, fill="DDE3EA", wrap=True)
HEAD_SMALL = Style(size=10, fill="EEF1F5", wrap=True, halign="center", valign="top")
BAND = Style(bold=True, fill="F2DCDB")
TEXT = Style(wrap=True)
CENTER = Style(halign="center")
CODE = Style(halign="center", size=10, color="333333")
INPUT = Style(fill="FFF9E1", locked=False)
INPUT_TEXT = Style(fill="FFF9E1", wrap=True, valign="top", locked=False)
REF = Style(color="555555")
TOTAL = Style(bold=True, fill="EEF1F5", wrap=True)
PCT = Style(italic=True, color="444444", wrap=True)
COUNT = Style(number_format=INT_FORMAT)


def number_style(base, indicator):
    whole = indicator.value_type == "int"
    return replace(base, number_format=INT_FORMAT if whole else DEC_FORMAT)


def _cell(ws, value, style):
    """A streamed cell with a style (write-only worksheets take cells, not coordinates)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(
        name="Times New Roman",
        size=style.size,
        bold=style.bold,
        italic=style.italic,
        color=style.color,
    )
    if style.fill:
        cell.fill = PatternFill("solid", fgColor=style.fill)
    if style.border:
        cell.border = BORDER
    cell.alignment = Alignment(wrap_text=style.wrap, horizontal=style.halign, vertical=style.valign)
    if style.number_format:
        cell.number_format = style.number_format
    if not style.locked:
        cell.protection = Protection(locked=False)
    return cell


class Sheet:
    """A streamed worksheet. openpyxl writes a write-only sheet's head (columns, frozen
    panes, page-fit flag) at the first row, so all of that is given here, up front."""

    def __init__(self, wb, title, widths, freeze, fit_pages_wide=None):
        self.title = title
        self.ws = wb.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.ws.freeze_panes = freeze
        if fit_pages_wide:
            self.ws.sheet_properties.pageSetUpPr.fitToPage = True
            self.ws.page_setup.fitToWidth = fit_pages_wide
            self.ws.page_setup.fitToHeight = 0
        self.row = 0
        self.validations = {}
        self._styles = {}

    def cell(self, value, style):
        """A cell with a style; each style is built once per sheet, then copied (fast)."""
        proto = self._styles.get(style)
        if proto is None:
            proto = self._styles[style] = _cell(self.ws, None, style)._style
        cell = WriteOnlyCell(self.ws, value=value)
        cell._style = copy(proto)
        return cell

    def add(self, cells, height=None, merge=()):
        """Append one row of (value, style) pairs; `merge` lists (first, last) column spans."""
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append([self.cell(value, style) for value, style in cells])
        for first, last in merge:
            self.ws.merged_cells.add(
                f"{get_column_letter(first)}{self.row}:{get_column_letter(last)}{self.row}"
            )
        return self.row

    def break_page(self):
        """Start a printed page after the last row written."""
        if self.row:
            self.ws.row_breaks.append(Break(id=self.row))

    def validate(self, indicator, bounds, ref):
        """Add `ref` to the data validation matching the indicator's type and bounds."""
        low, high = bounds.get(indicator.pk, (None, None))
        whole = indicator.value_type == "int"
        key = (whole, low, high)
        if key not in self.validations:
            self.validations[key] = _validation(whole, low, high)
        self.validations[key].add(ref)

    def finish(self, title_rows, title_cols=None, protect=True):
        ws = self.ws
        for dv in self.validations.values():
            ws.data_validations.append(dv)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.print_title_rows = title_rows
        if title_cols:
            ws.print_title_cols = title_cols
        ws.oddFooter.center.text = _("Trang &P/&N")
        ws.oddFooter.center.size = 9
        if protect:
            # Codes and headers locked, input cells not; no password: a guard, not a lock.
            ws.protection.sheet = True
            ws.protection.formatColumns = False
            ws.protection.formatRows = False
            ws.protection.formatCells = False


def _number_text(value):
    return format(Decimal(value).normalize(), "f")


def _vn(number_text):
    return number_text.replace(".", ",")  # a decimal comma where people read it


def _validation(whole, low, high):
    kind = _("số nguyên") if whole else _("số")
    if low is not None and high is not None:
        rule = _("Nhập %(kind)s từ %(low)s đến %(high)s.")
    elif low is not None:
        rule = _("Nhập %(kind)s từ %(low)s trở lên.")
    elif high is not None:
        rule = _("Nhập %(kind)s không quá %(high)s.")
    else:
        rule = _("Nhập %(kind)s.")
    low_text = _number_text(low) if low is not None else str(-MAX_NUMBER)
    high_text = _number_text(high) if high is not None else str(MAX_NUMBER)
    return DataValidation(
        type="whole" if whole else "decimal",
        operator="between",
        formula1=low_text,
        formula2=high_text,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=_("Số liệu không hợp lệ"),
        error=rule % {"kind": kind, "low": _vn(low_text), "high": _vn(high_text)},
    )


def _bytes(wb):
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as out:
        wb.save(out)
        out.seek(0)
        return out.read()


# ------------------------------------------------------------------------- the form


@dataclass
class FormShape:
    """A form version's sections with their indicators and narrative fields, in order."""

    form: object
    period: periods.Period
    version: object
    sections: list  # [(section, [indicators], [narratives])]
    indicators: list
    narratives: list
    bounds: dict  # indicator id → (min, max) from the version's error rules

    @classmethod
    def of(cls, form, period, only=None):
        """The current version; `only` keeps just those indicators and no narratives."""
        version = form.current_version()
        sections = list(version.sections.order_by("order"))
        indicators = list(version.indicators.all())
        narratives = list(version.narratives.all())
        if only is not None:
            wanted = {i.code for i in only}
            indicators = [i for i in indicators if i.code in wanted]
            narratives = []
        groups = {s.pk: ([], []) for s in sections}
        for ind in indicators:
            groups[ind.section_id][0].append(ind)
        for nar in narratives:
            groups[nar.section_id][1].append(nar)
        bounds = {}
        for rule in version.rules.filter(kind="bounds", severity="error"):
            low, high = bounds.get(rule.indicator_id, (None, None))
            if rule.min_value is not None:
                low = rule.min_value if low is None else max(low, rule.min_value)
            if rule.max_value is not None:
                high = rule.max_value if high is None else min(high, rule.max_value)
            bounds[rule.indicator_id] = (low, high)
        return cls(
            form=form,
            period=period,
            version=version,
            sections=[(s, *groups[s.pk]) for s in sections if any(groups[s.pk])],
            indicators=indicators,
            narratives=narratives,
            bounds=bounds,
        )

    def title(self, what=None):
        return _("%(form)s — kỳ %(period)s") % {
            "form": what or self.form.name,
            "period": self.period.label,
        }

    def window(self):
        start, end = self.period.start, self.period.end
        return _("thời gian từ %(start)s đến %(end)s") % {
            "start": f"{start:%d/%m/%Y}",
            "end": f"{end:%d/%m/%Y}",
        }

    def version_label(self):
        return _("mẫu %(code)s, phiên bản %(n)s") % {
            "code": self.form.code,
            "n": self.version.number,
        }

    def band(self, lead, with_narratives=True):
        """The row naming each section over its columns, after `lead` (value, style) cells."""
        cells, spans, col = list(lead), [], len(lead)
        for section, indicators, narratives in self.sections:
            width = len(indicators) + (len(narratives) if with_narratives else 0)
            cells.append((f"{section.number}. {section.title}", BAND))
            cells.extend((None, BAND) for _i in range(width - 1))
            if width > 1:
                spans.append((col + 1, col + width))
            col += width
        return cells, spans


def _pages_wide(column_widths, page_width=150):
    """How many A4 landscape pages wide a sheet prints on at a readable scale."""
    return max(1, math.ceil(sum(column_widths) / page_width))


# ----------------------------------------------------------------- template metadata


def _checksum(meta):
    canonical = "\n".join(f"{k}={meta[k]}" for k in sorted(meta) if k != "checksum")
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _write_meta(wb, meta):
    meta = {k: str(v) for k, v in meta.items()}
    meta["checksum"] = _checksum(meta)
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    ws.append([_("Thông tin nhận dạng mẫu — không sửa"), ""])
    for key, value in meta.items():
        ws.append([key, value])
    return meta


def _base_meta(shape, layout, unit, sheet):
    return {
        "magic": MAGIC,
        "format": META_FORMAT,
        "form": shape.form.code,
        "version": shape.version.number,
        "period": shape.period.key,
        "layout": layout,
        "unit": unit.code,
        "sheet": sheet,
        "generated": timezone.now().isoformat(timespec="seconds"),
    }


# ---------------------------------------------------------------- building templates


@dataclass
class Entries:
    """What a report holds, for pre-filling a template."""

    status: str = ""
    values: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    is_demo: bool = False


def _entries(form, period_key, unit_ids, statuses=None):
    """{unit id: Entries} of the units' reports for a period, in three queries."""
    reports = Report.objects.filter(form=form, period_key=period_key, unit_id__in=unit_ids)
    if statuses is not None:
        reports = reports.filter(status__in=statuses)
    by_id = {
        rid: (uid, Entries(status=st, is_demo=demo))
        for rid, uid, st, demo in reports.values_list("id", "unit_id", "status", "is_demo")
    }
    for rid, code, value in ReportValue.objects.filter(report_id__in=list(by_id)).values_list(
        "report_id", "indicator__code", "value"
    ):
        by_id[rid][1].values[code] = value
    for rid, code, text in ReportText.objects.filter(report_id__in=list(by_id)).values_list(
        "report_id", "field__code", "text"
    ):
        by_id[rid][1].texts[code] = text
    return {uid: entries for uid, entries in by_id.values()}


def with_levels(form):
    """The form with its levels and deadlines fetched once: workflow.reports_on and
    deadline_for read them for every unit, which is thousands of times in a big file."""
    cache = getattr(form, "_prefetched_objects_cache", {})
    if "levels" in cache and "deadlines" in cache:
        return form
    return ReportForm.objects.prefetch_related("levels", "deadlines").get(pk=form.pk)


def template_units(form, period, node, user):
    """(units for a subtree template, units left out because their report was sent).

    The units of `node`'s subtree as it stood at the period's end that report on the
    form for the period and that `user` may enter data for, in tree order.
    """
    form = with_levels(form)
    path = services.node_path(node, period)
    if path is None:
        return [], []
    paths = history.paths_on(period.end)
    level_ids = list(form.levels.values_list("id", flat=True))
    candidates = Unit.objects.filter(level_id__in=level_ids).active_on(period.end)
    units = [
        u
        for u in candidates.select_related("level").order_by()
        if paths.get(u.pk, "").startswith(path)
        and reports_on(form, u, period)
        and scope.can(user, scope.CHANGE, u)
    ]
    units.sort(key=lambda u: paths[u.pk])
    sent = set(
        Report.objects.filter(
            form=form, period_key=period.key, unit_id__in=[u.pk for u in units], status__in=SENT
        ).values_list("unit_id", flat=True)
    )
    return [u for u in units if u.pk not in sent], [u for u in units if u.pk in sent]


def _unit_name(unit):
    return _("Đơn vị: %(name)s (mã %(code)s)") % {"name": unit.name, "code": unit.code}


def unit_template(form, period, unit):
    """One unit's report laid out like the paper form; returns the .xlsx bytes."""
    shape = FormShape.of(form, period)
    entries = _entries(form, period.key, [unit.pk]).get(unit.pk, Entries())
    prev_period = periods.previous(period)
    previous = _entries(form, prev_period.key, [unit.pk], SENT).get(unit.pk, Entries())
    deadline = deadline_for(form, unit.level, period)
    preamble = [
        (shape.title(), TITLE, 22),
        (_unit_name(unit), LINE, None),
        (
            _("Kỳ báo cáo %(window)s; hạn gửi %(deadline)s; %(version)s.")
            % {
                "window": shape.window(),
                "deadline": f"{deadline:%d/%m/%Y}",
                "version": shape.version_label(),
            },
            LINE,
            None,
        ),
        (
            _(
                "Hướng dẫn: nhập số liệu vào cột “Số liệu kỳ này” và nội dung thuyết minh vào các "
                "ô nền vàng ở cuối; không sửa cột “Mã” và không xóa trang ẩn của tệp. Tải tệp lên "
                "ở trang “Nhập số liệu từ Excel” của đơn vị."
            ),
            replace(NOTE, wrap=True),
            30,
        ),
    ]
    if entries.status and entries.status not in EDITABLE:
        preamble.append(
            (
                _(
                    "Báo cáo kỳ này đang ở trạng thái “%(status)s”: tệp chỉ để tham khảo, "
                    "tải lên sẽ không ghi đè."
                )
                % {"status": Report.Status(entries.status).label},
                DEMO_NOTE,
                None,
            )
        )
    if settings.DEMO or entries.is_demo or previous.is_demo:
        preamble.append((_(DEMO_TEXT), DEMO_NOTE, None))
    header = len(preamble) + 1
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, _("Báo cáo"), [6, 9, 62, 13, 15, 15], f"A{header + 1}", fit_pages_wide=1)
    for text, style, height in preamble:
        sheet.add([(text, style)] + [(None, style)] * 5, height=height, merge=[(1, 6)])
    heads = [_("Mục"), _("Mã"), _("Chỉ tiêu"), _("Đơn vị tính")]
    heads += [_("Số liệu kỳ này"), _("Kỳ trước (tham khảo)")]
    sheet.add([(h, HEAD) for h in heads], height=32)
    for section, indicators, narratives in shape.sections:
        if narratives and not indicators:
            sheet.break_page()  # the narrative parts start a page of their own
        band = [(section.number, BAND), (None, BAND), (section.title, BAND)]
        sheet.add(band + [(None, BAND)] * 3, merge=[(3, 6)])
        for n, ind in enumerate(indicators, start=1):
            row = sheet.add(
                [
                    (n, CENTER),
                    (ind.code, CODE),
                    (ind.name, TEXT),
                    (ind.unit_of_measure, CENTER),
                    (entries.values.get(ind.code), number_style(INPUT, ind)),
                    (previous.values.get(ind.code), number_style(REF, ind)),
                ],
                height=30 if len(ind.name) > 75 else None,
            )
            sheet.validate(ind, shape.bounds, f"E{row}")
        for n, nar in enumerate(narratives, start=1):
            if n > 1 and n % NARRATIVES_PER_PAGE == 1:
                sheet.break_page()  # a title never ends a page without its box
            title = nar.title + (" " + _("(bắt buộc)") if nar.required else "")
            title_row = [(n, CENTER), (None, TEXT), (title, replace(TEXT, bold=True))]
            sheet.add(title_row + [(None, TEXT)] * 3, merge=[(3, 6)])
            text = entries.texts.get(nar.code) or None
            text_row = [(None, TEXT), (nar.code, CODE), (text, INPUT_TEXT)]
            sheet.add(text_row + [(None, INPUT_TEXT)] * 3, height=_box_height(text), merge=[(3, 6)])
    sheet.add([])
    note = _("Cột “Kỳ trước” lấy từ báo cáo đã gửi hoặc đã chấp nhận kỳ %(p)s của đơn vị.")
    sheet.add([(note % {"p": prev_period.label}, NOTE)])
    sheet.finish(title_rows=f"{header}:{header}")
    sheet.ws.print_options.horizontalCentered = True
    codes = [i.code for i in shape.indicators] + [n.code for n in shape.narratives]
    meta = _base_meta(shape, UNIT, unit, sheet.title)
    meta.update(first_row=header + 1, code_col="B", value_col="E", text_col="C")
    _write_meta(wb, {**meta, "codes": ",".join(codes)})
    return _bytes(wb)


def _box_height(text, chars_per_line=110, line=14.5):
    """Points for a narrative box: room to write, and room for what is already written
    (Excel does not grow a row of merged cells by itself; it stops at 409 points)."""
    lines = sum(1 + len(part) // chars_per_line for part in (text or "").split("\n"))
    return min(409, max(112, line * (lines + 1)))


def subtree_template(form, period, node, units, sent=()):
    """One row per unit of `units` (see template_units); returns the .xlsx bytes."""
    shape = FormShape.of(form, period)
    entries = _entries(form, period.key, [u.pk for u in units], EDITABLE)
    columns = [*shape.indicators, *shape.narratives]
    preamble = [
        (shape.title(), TITLE),
        (
            _unit_name(node)
            + " — "
            + _("%(n)s đơn vị thuộc diện báo cáo, mỗi đơn vị một dòng") % {"n": len(units)},
            LINE,
        ),
        (
            _("Kỳ báo cáo %(window)s; %(version)s.")
            % {"window": shape.window(), "version": shape.version_label()},
            LINE,
        ),
        (
            _(
                "Hướng dẫn: nhập số liệu vào các ô nền vàng trên dòng của từng đơn vị; dòng để "
                "trống hoàn toàn được bỏ qua khi tải lên. Không sửa hàng mã chỉ tiêu, cột mã "
                "đơn vị và không xóa trang ẩn của tệp."
            ),
            NOTE,
        ),
    ]
    if sent:
        listed = ", ".join(u.code for u in sent[:30]) + (" …" if len(sent) > 30 else "")
        preamble.append(
            (
                _(
                    "%(n)s đơn vị đã gửi hoặc đã được chấp nhận báo cáo kỳ này nên không có "
                    "trong mẫu: %(codes)s."
                )
                % {"n": len(sent), "codes": listed},
                NOTE,
            )
        )
    if settings.DEMO or any(e.is_demo for e in entries.values()):
        preamble.append((_(DEMO_TEXT), DEMO_NOTE))
    band = len(preamble) + 1
    code_row, first_row = band + 1, band + 4
    widths = [12, 34] + [12] * len(shape.indicators) + [40] * len(shape.narratives)
    wb = Workbook(write_only=True)
    sheet = Sheet(
        wb, _("Số liệu các đơn vị"), widths, f"C{first_row}", fit_pages_wide=_pages_wide(widths)
    )
    for text, style in preamble:
        sheet.add([(text, style)])
    cells, spans = shape.band([(_("Đơn vị"), BAND), (None, BAND)])
    sheet.add(cells, merge=[(1, 2), *spans])
    code_head = replace(HEAD, size=10)
    sheet.add(
        [(_("Mã đơn vị"), code_head), (_("Tên đơn vị"), HEAD_LEFT)]
        + [(c.code, code_head) for c in columns]
    )
    required = " " + _("(bắt buộc)")
    sheet.add(
        [(None, HEAD_SMALL), (_("Chỉ tiêu"), HEAD_LEFT)]
        + [(i.name, HEAD_SMALL) for i in shape.indicators]
        + [(n.title + (required if n.required else ""), HEAD_SMALL) for n in shape.narratives],
        height=80,
    )
    sheet.add(
        [(None, HEAD_SMALL), (_("Đơn vị tính"), HEAD_LEFT)]
        + [(i.unit_of_measure, HEAD_SMALL) for i in shape.indicators]
        + [(_("văn bản"), HEAD_SMALL) for _n in shape.narratives]
    )
    styles = [number_style(INPUT, i) for i in shape.indicators]
    for unit in units:
        have = entries.get(unit.pk, Entries())
        sheet.add(
            [(unit.code, CODE), (unit.name, TEXT)]
            + [
                (have.values.get(i.code), st)
                for i, st in zip(shape.indicators, styles, strict=True)
            ]
            + [(have.texts.get(n.code) or None, INPUT_TEXT) for n in shape.narratives]
        )
    last_row = max(first_row, sheet.row)
    for index, ind in enumerate(shape.indicators, start=3):
        letter = get_column_letter(index)
        sheet.validate(ind, shape.bounds, f"{letter}{first_row}:{letter}{last_row}")
    sheet.finish(title_rows=f"{band}:{first_row - 1}", title_cols="A:B")
    meta = _base_meta(shape, SUBTREE, node, sheet.title)
    meta.update(code_row=code_row, first_row=first_row, unit_col="A", first_col="C")
    _write_meta(wb, {**meta, "codes": ",".join(c.code for c in columns), "units": len(units)})
    return _bytes(wb)


# --------------------------------------------------------------------- reading uploads


@dataclass(frozen=True)
class CellProblem:
    """A problem of an uploaded file, located at a sheet, row and column where it can be."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    code: str = ""
    severity: str = "error"

    def __str__(self):
        where = {"sheet": self.sheet, "row": self.row, "col": self.column, "code": self.code}
        if self.sheet and self.row and self.column and self.code:
            place = _("Trang “%(sheet)s”, dòng %(row)s, cột %(col)s (%(code)s)") % where
        elif self.sheet and self.row and self.column:
            place = _("Trang “%(sheet)s”, dòng %(row)s, cột %(col)s") % where
        elif self.sheet and self.row:
            place = _("Trang “%(sheet)s”, dòng %(row)s") % where
        elif self.sheet:
            place = _("Trang “%(sheet)s”") % where
        else:
            return self.message
        return f"{place}: {self.message}"


class UploadError(Exception):
    """The file was refused; nothing was written. `problems` lists every reason."""

    def __init__(self, problems):
        super().__init__(_("Tệp có lỗi, chưa ghi gì."))
        self.problems = list(problems)


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


def _refuse(message, **where):
    raise UploadError([CellProblem(message, **where)])


# What a damaged file can make zipfile, zlib, the XML parsers or openpyxl raise.
DAMAGED = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    EOFError,
    OSError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
)


def open_workbook(data):
    """A read-only openpyxl workbook from uploaded bytes, or UploadError saying what is wrong."""
    if not data:
        _refuse(_("Tệp trống (0 byte): hãy chọn tệp Excel đã điền số liệu."))
    if len(data) > MAX_UPLOAD_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        _refuse(_("Tệp lớn %(size)s MB, vượt giới hạn 5 MB.") % {"size": size})
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        _refuse(
            _(
                "Tệp là định dạng Excel 97–2003 (.xls) hoặc đã được đặt mật khẩu: hãy mở tệp, "
                "bỏ mật khẩu nếu có và lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”."
            )
        )
    if data[:4] != b"PK\x03\x04":
        _refuse(_("Tệp không phải là bảng tính Excel .xlsx (nội dung tệp không đúng định dạng)."))
    corrupt = _(
        "Tệp .xlsx bị hỏng hoặc không trọn vẹn (có thể tải về hoặc sao chép chưa xong): "
        "hãy mở và lưu lại tệp bằng Excel rồi tải lên lần nữa."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            total = sum(info.file_size for info in archive.infolist())
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except DAMAGED:
        _refuse(corrupt)
    if "xl/workbook.xml" not in names or not types:
        _refuse(_("Tệp không phải là bảng tính Excel .xlsx (là một tệp nén khác)."))
    if b"macroEnabled" in types or "xl/vbaProject.bin" in names:
        _refuse(_("Tệp có chứa macro (.xlsm): chỉ nhận tệp .xlsx không có macro."))
    if total > MAX_UNCOMPRESSED_BYTES:
        _refuse(_("Nội dung tệp sau khi giải nén quá lớn, không xử lý được."))
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DAMAGED:
        _refuse(corrupt)


def _rows(ws, sheet):
    """All rows of a read-only sheet as tuples of values (bounded, damage-safe)."""
    out = []
    try:
        ws.reset_dimensions()  # some writers record a wrong size: read to the real end
        for row in ws.iter_rows(values_only=True):
            out.append(row[:MAX_COLUMNS])
            if len(out) > MAX_ROWS:
                message = _("Trang có hơn %(n)s dòng: hãy chia thành nhiều tệp.")
                _refuse(message % {"n": MAX_ROWS}, sheet=sheet)
    except DAMAGED:
        _refuse(
            _("Trang bị hỏng hoặc không trọn vẹn, không đọc được: hãy lưu lại tệp bằng Excel."),
            sheet=sheet,
        )
    return out


def read_meta(wb):
    """The template's identity, checked against its checksum; UploadError if absent or altered."""
    not_ours = _(
        "Tệp không phải là mẫu nhập liệu của giaoban (không có phần thông tin nhận dạng mẫu): "
        "hãy tải mẫu Excel ở trang này, điền số liệu vào mẫu đó rồi tải lên."
    )
    if META_SHEET not in wb.sheetnames:
        _refuse(not_ours)
    meta = {}
    for row in _rows(wb[META_SHEET], META_SHEET)[1:]:
        if row and row[0] is not None:
            meta[str(row[0]).strip()] = "" if len(row) < 2 or row[1] is None else str(row[1])
    if meta.get("magic") != MAGIC:
        _refuse(not_ours)
    if meta.get("format") != META_FORMAT or meta.get("checksum") != _checksum(meta):
        _refuse(
            _(
                "Phần thông tin nhận dạng của tệp mẫu đã bị sửa hoặc không còn nguyên vẹn: "
                "hãy tải mẫu mới và điền lại."
            )
        )
    return meta


def check_identity(meta, form, period, node):
    """The template must be this form's current version, for this period, under this unit."""
    version = form.current_version()
    problems = []
    if meta["form"] != form.code:
        message = _("Tệp là mẫu “%(other)s”, không phải mẫu “%(form)s” đang nhập.")
        problems.append(message % {"other": meta["form"], "form": form.code})
    elif meta["version"] != str(version.number):
        message = _(
            "Tệp lập theo phiên bản %(old)s của mẫu, nay mẫu đã có phiên bản %(new)s: "
            "hãy tải mẫu mới và điền lại."
        )
        problems.append(message % {"old": meta["version"], "new": version.number})
    if meta["period"] != period.key:
        try:
            other = form.period(meta["period"]).label
        except periods.PeriodError:
            other = meta["period"]
        message = _("Tệp là mẫu của kỳ “%(other)s”, không phải kỳ “%(period)s” đang nhập.")
        problems.append(message % {"other": other, "period": period.label})
    unit = Unit.objects.filter(code=meta.get("unit", "")).first()
    if unit is None or not unit.path.startswith(node.path):
        message = _(
            "Tệp là mẫu của %(other)s, không thuộc %(node)s: hãy tải lên ở trang của đơn vị đó."
        )
        other = unit.name if unit else meta.get("unit", "?")
        problems.append(message % {"other": other, "node": node.name})
    if meta.get("layout") not in (UNIT, SUBTREE):
        problems.append(_("Tệp không rõ là mẫu một đơn vị hay mẫu nhiều đơn vị."))
    if problems:
        raise UploadError([CellProblem(p) for p in problems])
    return unit


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


def parse_unit_sheet(rows, meta, form, period, unit):
    """One unit's template: codes down column B, figures in E, texts in C."""
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


def parse_subtree_sheet(rows, meta, form, period, node, user):
    """One row per unit: unit codes down column A, indicator codes along the code row."""
    parsed = Parsed(meta["sheet"], SUBTREE)
    code_row, first_row = int(meta["code_row"]), int(meta["first_row"])
    unit_col, first_col = (column_index_from_string(meta[k]) for k in ("unit_col", "first_col"))
    header = rows[code_row - 1] if len(rows) >= code_row else ()
    # A bad code only loses its own column: the others are still read, so that one
    # upload lists every problem of the file.
    columns = _header(parsed, header, first_col, code_row, form)
    if not columns:
        return parsed
    data = [
        (r, row)
        for r, row in enumerate(rows[first_row - 1 :], start=first_row)
        if not _blank(_at(row, unit_col)) or any(not _blank(v) for v in row)
    ]
    codes = {str(_at(row, unit_col)).strip().upper() for _r, row in data}
    stored = _stored(form, period, codes)
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    for r, row in data:
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


def _position(problem):
    """Problems in reading order: the file's own first, then by row and column."""
    column = column_index_from_string(problem.column) if problem.column else 0
    return (problem.row or 0, column)


def read_upload(data, form, period, node, user):
    """Read an uploaded template and write all of it, or raise UploadError and write nothing."""
    wb = open_workbook(data)
    try:
        meta = read_meta(wb)
        check_identity(meta, form, period, node)
        sheet = meta["sheet"]
        if sheet not in wb.sheetnames:
            message = _("Không thấy trang “%(sheet)s” trong tệp (trang đã bị đổi tên hoặc xóa).")
            _refuse(message % {"sheet": sheet})
        rows = _rows(wb[sheet], sheet)
    finally:
        wb.close()
    if meta["layout"] == UNIT:
        unit = Unit.objects.get(code=meta["unit"])
        parsed = parse_unit_sheet(rows, meta, form, period, unit)
    else:
        parsed = parse_subtree_sheet(rows, meta, form, period, node, user)
    problems = list(parsed.problems)
    if problems and not parsed.items:
        raise UploadError(sorted(problems, key=_position))
    if not parsed.items:  # the file holds exactly what the reports hold
        return UploadResult(
            parsed.layout, [], 0, 0, 0, 0, parsed.skipped_rows, [], parsed.unchanged_rows
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
        warnings=sorted((parsed.locate(p) for p in result.warnings), key=_position),
        unchanged_rows=parsed.unchanged_rows,
    )


# --------------------------------------------------------------------- roll-up export

MODE_LABELS = {
    rollup.ACCEPTED: gettext_noop("chỉ tính báo cáo đã được cấp trên chấp nhận"),
    rollup.COUNTED: gettext_noop("tính cả báo cáo đã gửi, chưa duyệt"),
}


def mode_label(mode):
    return _(MODE_LABELS[mode])


def rollup_workbook(view, generated_at=None):
    """The roll-up table of `view` (services.rollup_view) as .xlsx bytes; numbers as numbers.

    Header lines (unit, period, window, mode, coverage, when), then one row per direct
    child with every indicator, the node's total, and the previous period and the same
    period last year, each followed by its change in % — all read from `view`.
    """
    generated_at = timezone.localtime(generated_at or timezone.now())
    form, period, node = view.form, view.period, view.node
    shape = FormShape.of(form, period, only=view.indicators)
    indicators = shape.indicators  # the roll-up's own indicators, in the form's order
    prev, last = periods.previous(period), periods.same_period_last_year(period)
    demo = settings.DEMO or (
        Report.objects.filter(
            form=form, period_key__in=[period.key, prev.key, last.key], is_demo=True
        ).exists()
    )
    preamble = [
        (shape.title(_("Tổng hợp %(form)s") % {"form": form.name}), TITLE),
        (_unit_name(node), LINE),
        (_("Kỳ báo cáo: %(p)s, %(w)s.") % {"p": period.label, "w": shape.window()}, LINE),
        (_("Số liệu: %(mode)s.") % {"mode": mode_label(view.mode)}, LINE),
        (
            _("Số đơn vị có số liệu: %(x)s/%(y)s đơn vị.")
            % {"x": view.covered, "y": view.expected},
            LINE,
        ),
        (
            _("Lập lúc %(at)s từ số liệu tổng hợp trực tiếp của giaoban.")
            % {"at": f"{generated_at:%d/%m/%Y %H:%M}"},
            NOTE,
        ),
    ]
    if view.node_path is None:
        preamble.append(
            (
                _(
                    "Đơn vị chưa thành lập vào cuối kỳ này: số liệu tính từ các đơn vị tiền thân "
                    "theo tỷ lệ kế thừa."
                ),
                NOTE,
            )
        )
    if demo:
        preamble.append((_(DEMO_TEXT), DEMO_NOTE))
    band = len(preamble) + 1
    widths = [12, 36, 9, 9] + [12] * len(indicators)
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, _("Tổng hợp"), widths, f"E{band + 4}", fit_pages_wide=_pages_wide(widths))
    for text, style in preamble:
        sheet.add([(text, style)])
    lead = [(_("Đơn vị"), BAND), (None, BAND), (_("Số đơn vị"), BAND), (None, BAND)]
    cells, spans = shape.band(lead, with_narratives=False)
    sheet.add(cells, merge=[(1, 2), (3, 4), *spans])
    code_head = replace(HEAD, size=10)
    sheet.add(
        [(_("Mã đơn vị"), code_head), (_("Tên đơn vị"), HEAD_LEFT)]
        + [(_("Có số liệu"), HEAD_SMALL), (_("Phải báo cáo"), HEAD_SMALL)]
        + [(i.code, code_head) for i in indicators]
    )
    blank = [(None, HEAD_SMALL)]
    sheet.add(
        blank
        + [(_("Chỉ tiêu"), HEAD_LEFT)]
        + blank * 2
        + [(i.name, HEAD_SMALL) for i in indicators],
        height=80,
    )
    sheet.add(
        blank
        + [(_("Đơn vị tính"), HEAD_LEFT)]
        + blank * 2
        + [(i.unit_of_measure, HEAD_SMALL) for i in indicators]
    )
    plain = [number_style(Style(), i) for i in indicators]
    for child in view.children:
        sheet.add(
            [(child.unit.code, CODE), (child.unit.name, TEXT)]
            + [(child.covered, COUNT), (child.expected, COUNT)]
            + [(child.values.get(i.code), st) for i, st in zip(indicators, plain, strict=True)]
        )
    bold = [number_style(TOTAL, i) for i in indicators]
    total_count = replace(TOTAL, number_format=INT_FORMAT)
    sheet.add(
        [(node.code, TOTAL), (_("Tổng cộng %(name)s") % {"name": node.short_name}, TOTAL)]
        + [(view.covered, total_count), (view.expected, total_count)]
        + [(view.totals.get(i.code), st) for i, st in zip(indicators, bold, strict=True)]
    )
    rows = [
        (_("Kỳ trước: %(p)s") % {"p": prev.label}, "previous"),
        (_("So với kỳ trước"), "vs_previous"),
        (_("Cùng kỳ năm trước: %(p)s") % {"p": last.label}, "last_year"),
        (_("So với cùng kỳ năm trước"), "vs_last_year"),
    ]
    pct = replace(PCT, number_format=PCT_FORMAT)
    for label, attr in rows:
        is_pct = attr.startswith("vs_")
        label_style = PCT if is_pct else TEXT
        values = []
        for i, st in zip(indicators, plain, strict=True):
            value = getattr(view.comparisons[i.code], attr)
            if is_pct:
                values.append((None if value is None else value / 100, pct))
            else:
                values.append((value, st))
        sheet.add([(None, label_style), (label, label_style)] + [(None, label_style)] * 2 + values)
    sheet.add([])
    sheet.add(
        [
            (
                _(
                    "“So với …”: tăng (+) hoặc giảm (−) tính theo phần trăm; ô trống là không có "
                    "số liệu để so sánh. Cùng kỳ năm trước của đơn vị mới được tính từ các đơn vị "
                    "tiền thân theo tỷ lệ kế thừa."
                ),
                NOTE,
            )
        ]
    )
    sheet.finish(title_rows=f"{band}:{band + 3}", title_cols="A:B", protect=False)
    return _bytes(wb)
