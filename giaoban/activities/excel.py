"""The activity log in Excel: a template to fill in, its upload, and the export of a log.

- `template(unit, user)`: the sheet "Hoạt động" with Vietnamese headers, yellow input
  cells, lists to pick the kind, the form and the document from (data validation over the
  hidden sheet "Danh mục"), and the sheet "Hướng dẫn" spelling out how to fill it in;
- `read_upload(data, unit, user)`: every row of the filled sheet through the bulk path
  (`bulk.import_rows`), all or nothing; every problem located at its row and column
  (`exports.xlsx.UploadError` of `CellProblem`s);
- `export(rows, …)`: the log as filtered, numbers as numbers.
"""

from dataclasses import replace

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from giaoban.activities import bulk
from giaoban.activities.models import Activity
from giaoban.activities.validation import MAX_COUNT, ActivityError, Kinds
from giaoban.core.text import fold
from giaoban.documents import public as documents
from giaoban.exports.xlsx import (
    CENTER,
    COUNT,
    DEMO_NOTE,
    HEAD,
    INPUT,
    INPUT_TEXT,
    LINE,
    MAX_ROWS,
    NOTE,
    TEXT,
    TITLE,
    TOTAL,
    XLSX_TYPE,
    CellProblem,
    Sheet,
    Style,
    UploadError,
    open_upload,
    read_sheet,
    refuse,
    workbook_bytes,
)

__all__ = ["XLSX_TYPE", "UploadError", "export", "read_upload", "template"]

SHEET = "Hoạt động"
LISTS = "Danh mục"
GUIDE = "Hướng dẫn"
INPUT_ROWS = 300  # rows pre-styled as input cells in the template
DATE_FORMAT = "dd/mm/yyyy"
INPUT_DATE = replace(INPUT, number_format=DATE_FORMAT, halign="center")
INPUT_COUNT = replace(INPUT, number_format="#,##0")
DATE_CELL = replace(CENTER, number_format=DATE_FORMAT)


def _columns():
    """(field, header, width) of the template's columns, in order."""
    return [
        ("unit", _("Mã đơn vị"), 12),
        ("date", _("Ngày tổ chức (dd/mm/yyyy)"), 14),
        ("kind", _("Loại hoạt động"), 30),
        ("title", _("Tên hoạt động"), 40),
        ("form", _("Hình thức"), 22),
        ("party_members", _("Số đảng viên tham dự"), 12),
        ("officers", _("Số cán bộ, chiến sĩ tham dự"), 12),
        ("others", _("Số người khác tham dự"), 12),
        ("document", _("Văn bản được quán triệt (số, ký hiệu)"), 30),
        ("notes", _("Ghi chú, kết quả"), 40),
    ]


def _document_text(document):
    """How the template lists a document, and how the upload reads it back."""
    return f"{document.symbol} ({document.issue_date:%d/%m/%Y})"


def _received(unit):
    return list(documents.received(unit).defer("body_text", "search_text")[:500])


# ---------------------------------------------------------------------------- template


def _lists_sheet(wb, kinds, forms, docs):
    """The hidden sheet the drop-down lists read from."""
    lists = Sheet(wb, LISTS, [40, 30, 50], None)
    lists.add([(_("Loại hoạt động"), HEAD), (_("Hình thức"), HEAD), (_("Văn bản"), HEAD)])
    longest = max(len(kinds), len(forms), len(docs), 1)
    for i in range(longest):
        lists.add(
            [
                (kinds[i] if i < len(kinds) else None, TEXT),
                (forms[i] if i < len(forms) else None, TEXT),
                (docs[i] if i < len(docs) else None, TEXT),
            ]
        )
    lists.finish("1:1", protect=False)
    lists.ws.sheet_state = "hidden"


def _list_validation(column, count, title):
    """A drop-down over the column of the hidden sheet; other text is still accepted
    (a warning), since the upload reads names without diacritics too."""
    last = max(count, 1) + 1
    return DataValidation(
        type="list",
        formula1=f"'{LISTS}'!${column}$2:${column}${last}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=title,
        error=_("Chọn một giá trị trong danh sách."),
    )


def _guide_sheet(wb, unit, kinds, forms, docs):
    guide = Sheet(wb, GUIDE, [110], None)
    guide.add([(_("Hướng dẫn điền mẫu nhật ký hoạt động"), TITLE)], height=22)
    wrap = replace(NOTE, wrap=True, italic=False, size=11)
    lines = [
        _(
            "1. Mỗi dòng của trang “%(sheet)s” là một hoạt động đơn vị đã tổ chức; điền từ dòng "
            "đầu tiên dưới tiêu đề, không sửa hay xóa dòng tiêu đề."
        )
        % {"sheet": SHEET},
        _(
            "2. Mã đơn vị: để trống là %(unit)s (mã %(code)s); có thể ghi mã của đơn vị cấp "
            "dưới mà đồng chí có quyền nhập số liệu."
        )
        % {"unit": unit.name, "code": unit.code},
        _("3. Ngày tổ chức ghi dạng dd/mm/yyyy (ví dụ 05/03/2026), không sau ngày hôm nay."),
        _(
            "4. Loại hoạt động và hình thức: chọn trong danh sách (hoặc gõ đúng tên, có dấu hay "
            "không dấu đều được). Để trống hình thức là “Trực tiếp”."
        ),
        _(
            "5. Số người tham dự: chỉ ghi số lượng (số nguyên từ 0 trở lên), không ghi họ tên; "
            "mỗi người chỉ đếm ở một nhóm (đảng viên, cán bộ chiến sĩ chưa là đảng viên, người "
            "khác). Để trống là 0."
        ),
        _(
            "6. Văn bản được quán triệt: chỉ điền khi hoạt động là buổi quán triệt một văn bản "
            "đơn vị đã nhận; chọn trong danh sách (số, ký hiệu và ngày ban hành). Ngày tổ chức "
            "không được trước ngày ban hành văn bản."
        ),
        _(
            "7. Không dùng công thức trong các ô. Khi tải lên, toàn bộ tệp được kiểm tra: chỉ "
            "một lỗi là không ghi dòng nào, và mọi lỗi được chỉ rõ dòng, cột để sửa."
        ),
    ]
    for line in lines:
        guide.add([(line, wrap)], height=32)
    guide.add([("", LINE)])
    guide.add([(_("Loại hoạt động"), HEAD)])
    for name in kinds:
        guide.add([(name, TEXT)])
    guide.add([(_("Hình thức"), HEAD)])
    for name in forms:
        guide.add([(name, TEXT)])
    guide.add([(_("Văn bản %(unit)s đã nhận") % {"unit": unit.name}, HEAD)])
    for text in docs or [_("(chưa nhận văn bản nào)")]:
        guide.add([(text, TEXT)])
    guide.finish("1:1", protect=False)


def template(unit, user):
    """The template for `unit` as .xlsx bytes."""
    kinds = [k.name for k in Kinds().active()]
    forms = [str(label) for _key, label in Activity.Form.choices]
    received = _received(unit)
    docs = [_document_text(d) for d in received]
    columns = _columns()
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, SHEET, [w for _f, _h, w in columns], "B7")
    sheet.add([(_("NHẬT KÝ HOẠT ĐỘNG — MẪU NHẬP NHIỀU HOẠT ĐỘNG"), TITLE)], height=22)
    sheet.add([(f"{unit.name} ({unit.code})", LINE)])
    sheet.add(
        [
            (
                _(
                    "Điền mỗi hoạt động một dòng từ dòng 7 (ô nền vàng); xem trang “%(guide)s”. "
                    "Chỉ ghi số lượng người tham dự, không ghi họ tên."
                )
                % {"guide": GUIDE},
                replace(NOTE, wrap=False),
            )
        ]
    )
    sheet.add(
        [
            (
                _("Lập lúc %(at)s; tải lên ở trang “Nhập hoạt động từ Excel” của đơn vị.")
                % {"at": f"{timezone.localtime():%d/%m/%Y %H:%M}"},
                NOTE,
            )
        ]
    )
    if settings.DEMO:
        sheet.add([(_("Dữ liệu trình diễn — không phải số liệu thật."), DEMO_NOTE)])
    else:
        sheet.add([("", LINE)])
    sheet.add([(header, HEAD) for _f, header, _w in columns], height=45)
    first = sheet.row + 1
    styles = {
        "date": INPUT_DATE,
        "party_members": INPUT_COUNT,
        "officers": INPUT_COUNT,
        "others": INPUT_COUNT,
        "title": INPUT_TEXT,
        "notes": INPUT_TEXT,
    }
    for _i in range(INPUT_ROWS):
        sheet.add([(None, styles.get(f, INPUT)) for f, _h, _w in columns])
    last = sheet.row
    letter = {f: get_column_letter(i) for i, (f, _h, _w) in enumerate(columns, start=1)}
    for f in ("party_members", "officers", "others"):
        sheet.validate(f"{letter[f]}{first}:{letter[f]}{last}", True, 0, MAX_COUNT)
    for f, column, items, title in (
        ("kind", "A", kinds, _("Loại hoạt động")),
        ("form", "B", forms, _("Hình thức")),
        ("document", "C", docs, _("Văn bản")),
    ):
        if items:
            dv = _list_validation(column, len(items), title)
            dv.add(f"{letter[f]}{first}:{letter[f]}{last}")
            sheet.ws.data_validations.append(dv)
    sheet.finish(f"{first - 1}:{first - 1}", protect=False)
    _guide_sheet(wb, unit, kinds, forms, docs)
    _lists_sheet(wb, kinds, forms, docs)
    return workbook_bytes(wb)


# ---------------------------------------------------------------------------- upload


def _header_map(rows):
    """(index of the header row, {column index: field}) — the header row is the one whose
    first cell reads "Mã đơn vị"; columns are found by their headers, in any order."""
    wanted = {fold(header): f for f, header, _w in _columns()}
    for r, cells in enumerate(rows[:30]):
        if cells and fold(str(cells[0] or "")) == fold(_("Mã đơn vị")):
            found = {}
            for c, value in enumerate(cells):
                f = wanted.get(fold(str(value or "")))
                if f is not None:
                    found[c] = f
            return r, found
    return None, {}


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _rows(data, unit):
    """([row dict], [Excel row number], {field: column letter}) of the filled sheet."""
    wb = open_upload(data)
    if SHEET not in wb.sheetnames:
        refuse(
            _("Tệp không có trang “%(sheet)s”: hãy dùng mẫu tải về từ giaoban.") % {"sheet": SHEET}
        )
    sheet_data = read_sheet(wb[SHEET], SHEET)
    head, columns = _header_map(sheet_data.rows)
    if head is None:
        refuse(_("Không tìm thấy dòng tiêu đề (ô đầu “Mã đơn vị”)."), sheet=SHEET)
    missing = [h for f, h, _w in _columns() if f not in columns.values() and f != "unit"]
    if missing:
        refuse(
            _("Thiếu cột: %(cols)s. Hãy dùng mẫu tải về từ giaoban.")
            % {"cols": ", ".join(f"“{h}”" for h in missing)},
            sheet=SHEET,
            row=head + 1,
        )
    letters = {f: get_column_letter(c + 1) for c, f in columns.items()}
    rows, numbers, problems = [], [], []
    for r in range(head + 1, len(sheet_data.rows)):
        cells = sheet_data.rows[r]
        raw = {}
        for c, f in columns.items():
            value = cells[c] if c < len(cells) else None
            if sheet_data.is_formula(r + 1, c + 1):
                problems.append(
                    CellProblem(
                        _("ô chứa công thức: hãy ghi giá trị, không dùng công thức."),
                        sheet=SHEET,
                        row=r + 1,
                        column=letters[f],
                    )
                )
            if not _blank(value):
                raw[f] = value
        if not any(f != "unit" for f in raw):
            continue  # an empty row (a unit code alone is left from the template)
        rows.append(raw)
        numbers.append(r + 1)
    if problems:
        raise UploadError(problems)
    if not rows:
        refuse(_("Trang không có dòng hoạt động nào (điền từ dòng dưới tiêu đề)."), sheet=SHEET)
    return rows, numbers, letters


def _headers():
    return {f: header for f, header, _w in _columns()}


def read_upload(data, unit, user, is_demo=False):
    """Record every row of the uploaded template for `unit` (rows may name units below it),
    or nothing: UploadError naming each problem's row and column."""
    rows, numbers, letters = _rows(data, unit)
    if len(rows) > MAX_ROWS:
        refuse(_("Tệp có hơn %(n)s hoạt động: hãy chia thành nhiều tệp.") % {"n": MAX_ROWS})
    try:
        return bulk.import_rows(user, rows, unit=unit, is_demo=is_demo)
    except ActivityError as error:
        headers = _headers()
        raise UploadError(
            [
                CellProblem(
                    p.detail,
                    sheet=SHEET,
                    row=numbers[p.index] if 0 <= p.index < len(numbers) else None,
                    column=letters.get(p.field, ""),
                    code=headers.get(p.field, p.label),
                )
                for p in error.problems
            ]
        ) from None


# ---------------------------------------------------------------------------- export


def _export_columns():
    return (
        (_("Ngày"), 12),
        (_("Đơn vị"), 30),
        (_("Loại hoạt động"), 28),
        (_("Tên hoạt động"), 40),
        (_("Hình thức"), 18),
        (_("Đảng viên"), 11),
        (_("Cán bộ, chiến sĩ"), 11),
        (_("Người khác"), 11),
        (_("Tổng số lượt"), 11),
        (_("Văn bản được quán triệt"), 28),
        (_("Ghi chú, kết quả"), 40),
    )


def export(activities, unit, description, generated_at=None):
    """The activities (a queryset, already filtered and scoped) as .xlsx bytes."""
    generated_at = timezone.localtime(generated_at or timezone.now())
    columns = _export_columns()
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, _("Nhật ký hoạt động"), [w for _h, w in columns], "A6")
    sheet.add([(_("NHẬT KÝ HOẠT ĐỘNG"), TITLE)], height=22)
    sheet.add([(f"{unit.name} ({unit.code})", LINE)])
    sheet.add([(description, LINE)])
    sheet.add([(_("Lập lúc %(at)s.") % {"at": f"{generated_at:%d/%m/%Y %H:%M}"}, NOTE)])
    sheet.add([(str(h), HEAD) for h, _w in columns], height=32)
    labels = dict(Activity.Form.choices)
    sums = [0, 0, 0, 0]
    count = 0
    rows = activities.select_related("unit", "kind", "document").order_by("date", "pk")
    for a in rows.iterator(chunk_size=2000):
        count += 1
        sums[0] += a.party_members
        sums[1] += a.officers
        sums[2] += a.others
        sums[3] += a.participants
        sheet.add(
            [
                (a.date, DATE_CELL),
                (a.unit.name, TEXT),
                (a.kind.name, TEXT),
                (a.title, TEXT),
                (str(labels.get(a.form, a.form)), TEXT),
                (a.party_members, COUNT),
                (a.officers, COUNT),
                (a.others, COUNT),
                (a.participants, COUNT),
                (a.document.symbol if a.document_id else "", TEXT),
                (a.notes, TEXT),
            ]
        )
    total = Style(bold=True, fill="EEF1F5", number_format="#,##0")
    sheet.add(
        [
            (_("Cộng: %(n)s hoạt động") % {"n": count}, TOTAL),
            ("", TOTAL),
            ("", TOTAL),
            ("", TOTAL),
            ("", TOTAL),
            *[(s, total) for s in sums],
            ("", TOTAL),
            ("", TOTAL),
        ]
    )
    sheet.finish("5:5", protect=False)
    return workbook_bytes(wb)
