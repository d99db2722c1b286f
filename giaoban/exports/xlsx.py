"""Excel workbooks (openpyxl), written and read the same way by every app.

Writing: `Style` (a frozen description of a cell's look, built into an openpyxl style
once per sheet), the house styles (Times New Roman, thin grey borders, yellow input
cells), and `Sheet`, a streamed write-only worksheet with A4 landscape printing, print
titles, page numbers, number validations and sheet protection. Write-only mode keeps a
sheet of every commune by 70 columns small in memory.

Reading: `open_upload` refuses, in Vietnamese, what is not a plain .xlsx of reasonable
size (empty, .xls, password-protected, macros, a zip bomb, damaged), and `read_sheet`
gives a sheet's values row by row together with the cells that hold a formula, so that
callers can refuse formulas in input cells instead of trusting a cached result.
"""

import io
import math
import tempfile
import zipfile
import zlib
from copy import copy
from dataclasses import dataclass, replace
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 150 * 1024 * 1024  # what a 5 MB workbook can honestly hold
MAX_ROWS = 20_000
MAX_COLUMNS = 1_000
MAX_NUMBER = 999_999_999_999_999
FONT_NAME = "Times New Roman"

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


def number_style(base, whole):
    """`base` with the number format of whole numbers or of decimals."""
    return replace(base, number_format=INT_FORMAT if whole else DEC_FORMAT)


def _cell(ws, value, style):
    """A streamed cell with a style (write-only worksheets take cells, not coordinates)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(
        name=FONT_NAME, size=style.size, bold=style.bold, italic=style.italic, color=style.color
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


def _number_text(value):
    return format(Decimal(value).normalize(), "f")


def number_validation(whole, low=None, high=None):
    """A data validation refusing anything but a (whole) number within [low, high]."""
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
    shown = {"kind": kind, "low": low_text.replace(".", ","), "high": high_text.replace(".", ",")}
    return DataValidation(
        type="whole" if whole else "decimal",
        operator="between",
        formula1=low_text,
        formula2=high_text,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=_("Số liệu không hợp lệ"),
        error=rule % shown,
    )


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

    def validate(self, ref, whole, low=None, high=None):
        """Add the cells `ref` to the number validation of this type and these bounds."""
        key = (whole, low, high)
        if key not in self.validations:
            self.validations[key] = number_validation(whole, low, high)
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


def workbook_bytes(wb):
    """The .xlsx file of a workbook, spooled to disk past 16 MB."""
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as out:
        wb.save(out)
        out.seek(0)
        return out.read()


def pages_wide(column_widths, page_width=150):
    """How many A4 landscape pages wide a sheet prints on at a readable scale."""
    return max(1, math.ceil(sum(column_widths) / page_width))


# ----------------------------------------------------------------------------- reading


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


def refuse(message, **where):
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


def _check_container(data):
    if not data:
        refuse(_("Tệp trống (0 byte): hãy chọn tệp Excel đã điền số liệu."))
    if len(data) > MAX_UPLOAD_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        refuse(_("Tệp lớn %(size)s MB, vượt giới hạn 5 MB.") % {"size": size})
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        refuse(
            _(
                "Tệp là định dạng Excel 97–2003 (.xls) hoặc đã được đặt mật khẩu: hãy mở tệp, "
                "bỏ mật khẩu nếu có và lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”."
            )
        )
    if data[:4] != b"PK\x03\x04":
        refuse(_("Tệp không phải là bảng tính Excel .xlsx (nội dung tệp không đúng định dạng)."))


CORRUPT = gettext_noop(
    "Tệp .xlsx bị hỏng hoặc không trọn vẹn (có thể tải về hoặc sao chép chưa xong): "
    "hãy mở và lưu lại tệp bằng Excel rồi tải lên lần nữa."
)


def open_upload(data):
    """A read-only openpyxl workbook from uploaded bytes, or UploadError saying what is wrong.

    Formulas are kept as formulas (not their cached results): see `read_sheet`.
    """
    _check_container(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            total = sum(info.file_size for info in archive.infolist())
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except DAMAGED:
        refuse(_(CORRUPT))
    if "xl/workbook.xml" not in names or not types:
        refuse(_("Tệp không phải là bảng tính Excel .xlsx (là một tệp nén khác)."))
    if b"macroEnabled" in types or "xl/vbaProject.bin" in names:
        refuse(_("Tệp có chứa macro (.xlsm): chỉ nhận tệp .xlsx không có macro."))
    if total > MAX_UNCOMPRESSED_BYTES:
        refuse(_("Nội dung tệp sau khi giải nén quá lớn, không xử lý được."))
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except DAMAGED:
        refuse(_(CORRUPT))


@dataclass
class SheetData:
    """A sheet's values, row by row (1-based positions as Excel shows them)."""

    rows: list  # tuples of values; a formula cell holds its formula text
    formulas: set  # (row, column) of every cell holding a formula

    def is_formula(self, row, column):
        return (row, column) in self.formulas


def read_sheet(ws, sheet):
    """All rows of a read-only sheet, bounded and damage-safe, with its formula cells."""
    rows, formulas = [], set()
    try:
        ws.reset_dimensions()  # some writers record a wrong size: read to the real end
        for r, cells in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), start=1):
            values = []
            for c, cell in enumerate(cells, start=1):
                if getattr(cell, "data_type", None) == "f":
                    formulas.add((r, c))
                values.append(getattr(cell, "value", None))
            rows.append(tuple(values))
            if len(rows) > MAX_ROWS:
                message = _("Trang có hơn %(n)s dòng: hãy chia thành nhiều tệp.")
                refuse(message % {"n": MAX_ROWS}, sheet=sheet)
    except DAMAGED:
        refuse(
            _("Trang bị hỏng hoặc không trọn vẹn, không đọc được: hãy lưu lại tệp bằng Excel."),
            sheet=sheet,
        )
    return SheetData(rows, formulas)
