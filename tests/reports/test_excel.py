"""Excel round trip: templates written and read back with openpyxl, uploads of good and
bad files (each bad one a clear message with its cell, and nothing written), and the
roll-up export read back against services.rollup_view.

The helpers at the top fill files the way a user's Excel would; the page tests use them.
"""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from giaoban.audit.models import AuditEntry
from giaoban.exports import xlsx
from giaoban.reports import excel, services, workflow
from giaoban.reports.demo_form import COMPARISONS, NARRATIVES, SECTIONS, build_version
from giaoban.reports.models import FormVersion, Report, ReportForm, ReportText, ReportValue
from giaoban.units import history
from giaoban.units.models import Level, Unit
from tests.conftest import make_unit
from tests.reports.conftest import GOOD, TEXTS


def book(data):
    return load_workbook(io.BytesIO(data))


def save(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def meta_of(data):
    ws = book(data)[excel.META_SHEET]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}


def data_sheet(wb):
    return next(ws for ws in wb.worksheets if ws.title != excel.META_SHEET)


def unit_rows(ws):
    """{code: row number} of a one-unit template (codes in column B)."""
    return {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value}


def fill_unit(data, values=None, texts=None):
    """Type figures into column E and texts into column C of a one-unit template."""
    wb = book(data)
    ws = data_sheet(wb)
    rows = unit_rows(ws)
    for code, value in (values or {}).items():
        ws.cell(rows[code], 5).value = value
    for code, text in (texts or {}).items():
        ws.cell(rows[code], 3).value = text
    return save(wb)


def subtree_layout(ws):
    """(code row, {indicator or narrative code: column}, {unit code: row})."""
    code_row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Mã đơn vị")
    columns = {
        ws.cell(code_row, c).value: c
        for c in range(3, ws.max_column + 1)
        if ws.cell(code_row, c).value
    }
    units = {
        ws.cell(r, 1).value: r for r in range(code_row + 3, ws.max_row + 1) if ws.cell(r, 1).value
    }
    return code_row, columns, units


def fill_subtree(data, rows, header=None):
    """rows: {unit code: {code: value}}; header: {old code: new code} typed over the codes."""
    wb = book(data)
    ws = data_sheet(wb)
    code_row, columns, units = subtree_layout(ws)
    for unit_code, cells in rows.items():
        row = units.get(unit_code)
        if row is None:  # a unit the template did not list: typed on a new line
            row = ws.max_row + 1
            ws.cell(row, 1).value = unit_code
            units[unit_code] = row
        for code, value in cells.items():
            ws.cell(row, columns[code]).value = value
    for old, new in (header or {}).items():
        ws.cell(code_row, columns[old]).value = new
    return save(wb)


def counts():
    return (Report.objects.count(), ReportValue.objects.count(), ReportText.objects.count())


def plain_workbook(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    return save(wb)


# --------------------------------------------------------------------------- the tests

KEY = "2026-H1"
VALUES = {"GD01": 4, "GD02": 120, "XD03": 2, "GD09": 95.5, "VH08": 80}


@pytest.fixture
def period(form):
    return form.period(KEY)


def upload(data, form, period, node, user):
    return excel.read_upload(data, form, period, node, user)


def refused(data, form, period, node, user):
    """Upload a bad file: returns the problems, after checking that nothing was written."""
    before = counts()
    with pytest.raises(excel.UploadError) as exc:
        upload(data, form, period, node, user)
    assert counts() == before
    assert exc.value.problems
    return exc.value.problems


def texts_of(problems):
    return [str(p) for p in problems]


# ----------------------------------------------------------------- building templates


def test_the_unit_template_is_laid_out_like_the_paper_form(form, period, cast):
    data = excel.unit_template(form, period, cast.commune_a1)
    wb = book(data)
    assert wb.sheetnames == ["Báo cáo", excel.META_SHEET]
    ws = wb["Báo cáo"]
    assert ws["A1"].value == ("Báo cáo công tác đảng, công tác chính trị — kỳ 6 tháng đầu năm 2026")
    assert "Công an phường Phan Đình Phùng (mã X05500)" in ws["A2"].value
    assert "từ 15/12/2025 đến 14/06/2026" in ws["A3"].value
    assert "hạn gửi 17/06/2026" in ws["A3"].value
    rows = unit_rows(ws)
    header = rows["Mã"]
    assert [ws.cell(header, c).value for c in range(1, 7)] == [
        "Mục",
        "Mã",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Số liệu kỳ này",
        "Kỳ trước (tham khảo)",
    ]
    assert ws.freeze_panes == f"A{header + 1}"
    # Sections in order, each indicator with its code, name and unit of measure.
    assert ws.cell(header + 1, 1).value == "I"
    assert ws.cell(header + 1, 3).value == "Giáo dục chính trị tư tưởng"
    gd02 = rows["GD02"]
    assert [ws.cell(gd02, c).value for c in (1, 3, 4)] == [
        2,
        "Lượt cán bộ, chiến sĩ tham gia học tập, quán triệt",
        "lượt người",
    ]
    assert ws.cell(gd02, 5).number_format == "#,##0"
    assert ws.cell(rows["GD09"], 5).number_format == "#,##0.0###"
    assert ws.cell(gd02, 5).protection.locked is False
    assert ws.cell(gd02, 2).protection.locked is True
    assert ws.protection.sheet
    codes = [c for c in rows if c != "Mã"]
    version = form.current_version()
    assert codes == [i.code for i in version.indicators.all()] + [
        n.code for n in version.narratives.all()
    ]
    # Narratives: the title above, a large wrapped cell to write in.
    kq = rows["KQ"]
    assert ws.cell(kq - 1, 3).value == "Kết quả đạt được (bắt buộc)"
    assert ws.cell(kq, 3).alignment.wrap_text
    assert f"C{kq}:F{kq}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.row_dimensions[kq].height >= 90
    # Whole numbers ≥ 0 for the counts, 0–100 for the percentages, checked by Excel itself.
    rules = {
        (dv.type, dv.formula1, dv.formula2): str(dv.sqref)
        for dv in ws.data_validations.dataValidation
    }
    assert f"E{gd02}" in rules[("whole", "0", str(xlsx.MAX_NUMBER))].split()
    assert f"E{rows['GD09']}" in rules[("decimal", "0", "100")].split()
    # Printed on A4 landscape, one page wide, with the header on every page.
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == f"${header}:${header}"
    meta_ws = wb[excel.META_SHEET]
    assert meta_ws.sheet_state == "veryHidden"
    assert meta_ws.protection.sheet
    meta = meta_of(data)
    assert (meta["form"], meta["version"], meta["period"], meta["layout"], meta["unit"]) == (
        "CTD-CTCT-6T",
        "1",
        KEY,
        "unit",
        "X05500",
    )
    assert meta["checksum"] == excel.checksum(meta)


def test_the_unit_template_prefills_the_draft_and_last_periods_figures(form, period, cast, leaders):
    previous = workflow.open_report(form, cast.commune_a1, "2025-H2", cast.officer_a)
    workflow.save_entries(previous, cast.officer_a, GOOD, TEXTS)
    workflow.submit(previous, cast.commune_leader)
    draft = workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)
    workflow.save_entries(draft, cast.officer_a, {"GD01": 7, "GD02": 70}, {"KQ": "Đang soạn"})
    ws = data_sheet(book(excel.unit_template(form, period, cast.commune_a1)))
    rows = unit_rows(ws)
    assert ws.cell(rows["GD01"], 5).value == 7
    assert ws.cell(rows["GD01"], 6).value == 4  # 2025-H2, submitted
    assert ws.cell(rows["GD09"], 6).value == 95.5
    assert ws.cell(rows["XD01"], 5).value is None
    assert ws.cell(rows["KQ"], 3).value == "Đang soạn"


def test_the_demo_note_is_in_every_file_in_demo_mode(form, period, cast, settings):
    settings.DEMO = True
    ws = data_sheet(book(excel.unit_template(form, period, cast.commune_a1)))
    notes = [str(ws.cell(r, 1).value or "") for r in range(1, 8)]
    assert any("số liệu giả lập" in n for n in notes)
    settings.DEMO = False
    ws = data_sheet(book(excel.unit_template(form, period, cast.commune_a1)))
    assert not any("giả lập" in str(ws.cell(r, 1).value or "") for r in range(1, 8))


def test_the_subtree_template_lists_the_units_the_user_enters_data_for(form, period, cast):
    units, sent = excel.template_units(form, period, cast.province_a, cast.officer_a)
    assert [u.code for u in units] == ["T19", "X05500", "X05800"]
    units, sent = excel.template_units(form, period, cast.province_a, cast.commune_officer)
    assert [u.code for u in units] == ["X05500"]
    # The ministry does not report on this form, its department and provinces do.
    units, sent = excel.template_units(form, period, cast.root, cast.ministry_officer)
    assert [u.code for u in units] == ["CTDCT", "T01", "X00004", "T19", "X05500", "X05800"]
    # A leader enters no data.
    assert excel.template_units(form, period, cast.province_a, cast.leader_a) == ([], [])


def test_the_subtree_template_has_one_row_per_unit_and_code_name_unit_headers(
    form, period, cast, leaders
):
    sent = workflow.open_report(form, cast.commune_a2, KEY, cast.officer_a)
    workflow.save_entries(sent, cast.officer_a, GOOD, TEXTS)
    workflow.submit(sent, leaders["X05800"])
    draft = workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)
    workflow.save_entries(draft, cast.officer_a, {"GD01": 3, "GD02": 30}, {})
    units, locked = excel.template_units(form, period, cast.province_a, cast.officer_a)
    assert [u.code for u in locked] == ["X05800"]
    data = excel.subtree_template(form, period, cast.province_a, units, locked)
    ws = data_sheet(book(data))
    code_row, columns, rows = subtree_layout(ws)
    assert list(rows) == ["T19", "X05500"]  # X05800 has sent its report
    assert ws.cell(rows["X05500"], 2).value == "Công an phường Phan Đình Phùng"
    assert list(columns)[:3] == ["GD01", "GD02", "GD03"]
    assert list(columns)[-6:] == ["KQ", "HC", "NN", "BH", "PH", "DX"]
    assert len(columns) == form.current_version().indicators.count() + 6
    gd02 = columns["GD02"]
    assert ws.cell(code_row + 1, gd02).value == "Lượt cán bộ, chiến sĩ tham gia học tập, quán triệt"
    assert ws.cell(code_row + 2, gd02).value == "lượt người"
    assert ws.cell(code_row - 1, 3).value == "I. Giáo dục chính trị tư tưởng"
    assert ws.cell(rows["X05500"], columns["GD01"]).value == 3
    assert ws.cell(rows["T19"], columns["GD01"]).value is None
    assert ws.freeze_panes == f"C{code_row + 3}"
    assert ws.print_title_cols == "$A:$B"
    assert any("X05800" in (ws.cell(r, 1).value or "") for r in range(1, code_row))
    dv = next(d for d in ws.data_validations.dataValidation if d.type == "whole")
    letter = get_column_letter(columns["GD01"])
    assert f"{letter}{code_row + 3}:{letter}{code_row + 4}" in str(dv.sqref).split()
    meta = meta_of(data)
    assert (meta["layout"], meta["unit"], meta["code_row"]) == ("subtree", "T19", str(code_row))


# ------------------------------------------------------------------------ round trips


def test_round_trip_for_one_unit(form, period, cast):
    data = excel.unit_template(form, period, cast.commune_a1)
    filled = fill_unit(data, VALUES, {"KQ": "Tổ chức quán triệt đầy đủ.", "PH": "Tiếp tục."})
    result = upload(filled, form, period, cast.province_a, cast.officer_a)
    assert (result.reports_created, result.values_written, result.texts_written) == (1, 5, 2)
    report = Report.objects.get(form=form, unit=cast.commune_a1, period_key=KEY)
    assert report.status == Report.Status.DRAFT
    values, texts = workflow.typed_entries(report)
    assert values == {
        "GD01": 4,
        "GD02": 120,
        "XD03": 2,
        "GD09": Decimal("95.5"),
        "VH08": 80,
    }
    assert texts == {"KQ": "Tổ chức quán triệt đầy đủ.", "PH": "Tiếp tục."}
    # Download again: the draft comes back pre-filled; clearing a cell clears the figure.
    again = excel.unit_template(form, period, cast.commune_a1)
    ws = data_sheet(book(again))
    assert ws.cell(unit_rows(ws)["GD02"], 5).value == 120
    result = upload(
        fill_unit(again, {"XD03": None, "GD01": 5}),
        form,
        period,
        cast.commune_a1,
        cast.commune_officer,
    )
    assert result.reports_updated == 1
    values, texts = workflow.typed_entries(report)
    assert "XD03" not in values and values["GD01"] == 5 and values["GD02"] == 120
    assert texts["KQ"] == "Tổ chức quán triệt đầy đủ."


def test_a_file_saved_by_a_spreadsheet_program_with_typed_text_numbers_goes_in(form, period, cast):
    data = excel.unit_template(form, period, cast.commune_a1)
    filled = fill_unit(data, {"GD01": "4", "GD02": "1.234", "GD09": "95,5"})
    upload(filled, form, period, cast.commune_a1, cast.commune_officer)
    values, _texts = workflow.typed_entries(Report.objects.get(unit=cast.commune_a1))
    assert values == {"GD01": 4, "GD02": 1234, "GD09": Decimal("95.5")}


def test_round_trip_for_a_subtree(form, period, cast):
    units, _sent = excel.template_units(form, period, cast.province_a, cast.officer_a)
    data = excel.subtree_template(form, period, cast.province_a, units)
    filled = fill_subtree(
        data,
        {
            "X05500": {"GD01": 4, "GD02": 120, "KQ": "Phường: kết quả."},
            "X05800": {"GD01": 2, "GD02": 45, "GD09": 90.25},
        },
    )
    result = upload(filled, form, period, cast.province_a, cast.officer_a)
    assert [u.code for u in result.units] == ["X05500", "X05800"]
    assert (result.reports_created, result.values_written, result.skipped_rows) == (2, 5, 1)
    reports = {r.unit.code: r for r in Report.objects.filter(form=form, period_key=KEY)}
    assert set(reports) == {"X05500", "X05800"}  # the blank province row wrote nothing
    assert {r.status for r in reports.values()} == {Report.Status.DRAFT}
    assert workflow.typed_entries(reports["X05800"])[0] == {
        "GD01": 2,
        "GD02": 45,
        "GD09": Decimal("90.25"),
    }
    assert workflow.typed_entries(reports["X05500"])[1] == {"KQ": "Phường: kết quả."}
    # The same file again changes nothing, writes nothing and leaves no audit entry.
    audit_entries = AuditEntry.objects.count()
    again = upload(filled, form, period, cast.province_a, cast.officer_a)
    assert (again.units, again.values_written, again.unchanged_rows) == ([], 0, 2)
    assert AuditEntry.objects.count() == audit_entries
    # A fresh download shows the drafts; changing one cell writes that cell only.
    fresh = excel.subtree_template(form, period, cast.province_a, units)
    changed = upload(
        fill_subtree(fresh, {"X05800": {"GD02": 46}}), form, period, cast.province_a, cast.officer_a
    )
    assert ([u.code for u in changed.units], changed.values_written) == (["X05800"], 1)
    assert changed.unchanged_rows == 1
    assert workflow.typed_entries(reports["X05800"])[0]["GD02"] == 46
    assert workflow.typed_entries(reports["X05800"])[0]["GD09"] == Decimal("90.25")


def test_warnings_are_listed_with_their_cell_and_do_not_block(form, period, cast):
    data = excel.unit_template(form, period, cast.commune_a1)
    filled = fill_unit(data, {"XD01": 1, "XD05": 3})  # more inspected than exist: a warning
    result = upload(filled, form, period, cast.commune_a1, cast.commune_officer)
    ws = data_sheet(book(data))
    row = unit_rows(ws)["XD05"]
    assert texts_of(result.warnings) == [
        f"Trang “Báo cáo”, dòng {row}, cột E (XD05): Số tổ chức đảng được kiểm tra (XD05) "
        "lớn hơn số tổ chức đảng trực thuộc (XD01): đề nghị kiểm tra lại."
    ]
    assert ReportValue.objects.count() == 2


# --------------------------------------------------------------------------- bad files


def test_text_in_number_cells_and_negative_counts_are_pointed_at_their_cells(form, period, cast):
    data = excel.unit_template(form, period, cast.commune_a1)
    rows = unit_rows(data_sheet(book(data)))
    filled = fill_unit(data, {"GD01": "mười", "GD02": 10, "XD02": -3, "GD09": 120})
    problems = refused(filled, form, period, cast.commune_a1, cast.commune_officer)
    assert texts_of(problems) == [
        f"Trang “Báo cáo”, dòng {rows['GD01']}, cột E (GD01): Số buổi học tập, quán triệt "
        "nghị quyết, chỉ thị: “mười” không phải là số.",
        f"Trang “Báo cáo”, dòng {rows['GD09']}, cột E (GD09): Tỷ lệ cán bộ, chiến sĩ được "
        "quán triệt đầy đủ (GD09) phải từ 0 đến 100.",
        f"Trang “Báo cáo”, dòng {rows['XD02']}, cột E (XD02): Số đảng viên (XD02) không được "
        "là số âm.",
    ]


def test_every_problem_of_a_subtree_file_is_listed_with_sheet_row_and_column(form, period, cast):
    units, _sent = excel.template_units(form, period, cast.province_a, cast.officer_a)
    data = excel.subtree_template(form, period, cast.province_a, units)
    ws = data_sheet(book(data))
    _code_row, columns, rows = subtree_layout(ws)
    col = {code: get_column_letter(c) for code, c in columns.items()}
    filled = fill_subtree(
        data,
        {
            "X05500": {"GD01": 5, "GD02": 2},  # fewer participants than sessions
            "X05800": {"XD08": "ba", "VH01": -1},
            "T19": {"GD01": 1, "GD02": 10},  # fine, but the file is refused as a whole
        },
    )
    problems = refused(filled, form, period, cast.province_a, cast.officer_a)
    assert texts_of(problems) == [
        f"Trang “Số liệu các đơn vị”, dòng {rows['X05500']}, cột {col['GD02']} (GD02): "
        "Lượt người tham gia quán triệt (GD02) phải lớn hơn hoặc bằng số buổi quán triệt (GD01).",
        f"Trang “Số liệu các đơn vị”, dòng {rows['X05800']}, cột {col['XD08']} (XD08): "
        "Số đảng viên bị xử lý kỷ luật: “ba” không phải là số.",
        f"Trang “Số liệu các đơn vị”, dòng {rows['X05800']}, cột {col['VH01']} (VH01): "
        "Số hoạt động văn hóa, văn nghệ (VH01) không được là số âm.",
    ]


def test_unknown_and_repeated_indicator_codes_in_the_header_are_refused(form, period, cast):
    units, _sent = excel.template_units(form, period, cast.province_a, cast.officer_a)
    data = excel.subtree_template(form, period, cast.province_a, units)
    code_row, columns, rows = subtree_layout(data_sheet(book(data)))
    filled = fill_subtree(
        data,
        {"X05500": {"GD01": 1, "GD02": "ba", "GD03": 7}},
        header={"GD03": "GD99", "GD04": "gd01"},
    )
    problems = refused(filled, form, period, cast.province_a, cast.officer_a)
    # The other columns are still read: one upload lists every problem of the file.
    assert texts_of(problems) == [
        f"Trang “Số liệu các đơn vị”, dòng {code_row}, cột {get_column_letter(columns['GD03'])}: "
        "Mã chỉ tiêu “GD99” ở hàng tiêu đề không có trong mẫu CTD-CTCT-6T (phiên bản hiện hành).",
        f"Trang “Số liệu các đơn vị”, dòng {code_row}, cột {get_column_letter(columns['GD04'])}: "
        "Mã chỉ tiêu “gd01” lặp lại (đã có ở cột C).",
        f"Trang “Số liệu các đơn vị”, dòng {rows['X05500']}, cột D (GD02): Lượt cán bộ, chiến sĩ "
        "tham gia học tập, quán triệt: “ba” không phải là số.",
    ]


def test_an_unknown_code_in_the_one_unit_sheet_is_refused(form, period, cast):
    wb = book(excel.unit_template(form, period, cast.commune_a1))
    ws = data_sheet(wb)
    row = unit_rows(ws)["GD03"]
    ws.cell(row, 2).value = "GD3"
    ws.cell(row, 5).value = 2
    problems = refused(save(wb), form, period, cast.commune_a1, cast.commune_officer)
    assert texts_of(problems) == [
        f"Trang “Báo cáo”, dòng {row}, cột B: Mã “GD3” không có trong mẫu CTD-CTCT-6T "
        "(phiên bản hiện hành)."
    ]


def test_a_unit_out_of_the_users_scope_is_refused(form, period, cast):
    units, _sent = excel.template_units(form, period, cast.province_a, cast.officer_a)
    data = excel.subtree_template(form, period, cast.province_a, units)
    filled = filled_with_b(data)
    problems = refused(filled, form, period, cast.province_a, cast.officer_a)
    row = subtree_layout(data_sheet(book(filled)))[2]["X00004"]
    assert texts_of(problems) == [
        f"Trang “Số liệu các đơn vị”, dòng {row}, cột A: Không có đơn vị mã “X00004” trong "
        "phạm vi của đồng chí."
    ]
    assert "Ba Đình" not in " ".join(texts_of(problems))  # never named outside the scope
    # A commune officer cannot write the province's sibling commune either.
    filled = fill_subtree(data, {"X05800": {"GD01": 1, "GD02": 3}})
    problems = refused(filled, form, period, cast.commune_a1, cast.commune_officer)
    assert "Tệp là mẫu của đơn vị mã “T19”, không thuộc Công an phường Phan Đình Phùng" in (
        problems[0].message
    )
    # The ministry may write both provinces, but a file uploaded for one province holds
    # that province's units only.
    problems = refused(filled_with_b(data), form, period, cast.province_a, cast.ministry_officer)
    assert texts_of(problems) == [
        f"Trang “Số liệu các đơn vị”, dòng {row}, cột A: Công an phường Ba Đình không thuộc "
        "Công an tỉnh Thái Nguyên nên không nhập được ở trang này."
    ]


def filled_with_b(data):
    return fill_subtree(data, {"X05500": {"GD01": 1, "GD02": 3}, "X00004": {"GD01": 9}})


def test_another_units_one_unit_template_is_refused(form, period, cast):
    data = fill_unit(excel.unit_template(form, period, cast.commune_b1), {"GD01": 1})
    problems = refused(data, form, period, cast.province_a, cast.officer_a)
    assert texts_of(problems) == [
        "Tệp là mẫu của đơn vị mã “X00004”, không thuộc Công an tỉnh Thái Nguyên: hãy tải "
        "lên ở trang của đơn vị đó."
    ]


def test_a_unit_not_reporting_this_period_is_refused(form, period, cast):
    closed = make_unit(
        "X05999",
        "Công an xã Cũ",
        "Xã Cũ",
        "xa",
        cast.province_a,
        active_to=datetime.date(2026, 3, 1),
    )
    units, _sent = excel.template_units(form, period, cast.province_a, cast.officer_a)
    assert closed not in units
    data = excel.subtree_template(form, period, cast.province_a, units)
    filled = fill_subtree(data, {"X05999": {"GD01": 1, "GD02": 3}, "BCA": {"GD01": 1}})
    problems = refused(filled, form, period, cast.province_a, cast.officer_a)
    rows = subtree_layout(data_sheet(book(filled)))[2]
    assert texts_of(problems) == [
        f"Trang “Số liệu các đơn vị”, dòng {rows['X05999']}, cột A: Công an xã Cũ không thuộc "
        "diện báo cáo kỳ này.",
        f"Trang “Số liệu các đơn vị”, dòng {rows['BCA']}, cột A: Không có đơn vị mã “BCA” "
        "trong phạm vi của đồng chí.",
    ]


def test_a_sent_report_is_not_overwritten(form, period, cast, leaders):
    data = excel.unit_template(form, period, cast.commune_a1)
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, GOOD, TEXTS)
    workflow.submit(report, cast.commune_leader)
    problems = refused(
        fill_unit(data, {"GD01": 9}), form, period, cast.commune_a1, cast.commune_officer
    )
    assert texts_of(problems) == [
        "Trang “Báo cáo”: Báo cáo của Công an phường Phan Đình Phùng đã gửi hoặc đã chấp nhận, "
        "không ghi đè được."
    ]


def test_a_template_of_another_period_form_or_version_is_refused(form, period, cast):
    other_period = excel.unit_template(form, form.period("2025-H2"), cast.commune_a1)
    problems = refused(
        fill_unit(other_period, {"GD01": 1}), form, period, cast.commune_a1, cast.commune_officer
    )
    assert texts_of(problems) == [
        "Tệp là mẫu của kỳ “6 tháng cuối năm 2025”, không phải kỳ “6 tháng đầu năm 2026” đang nhập."
    ]
    other = ReportForm.objects.create(
        code="TK-QUY",
        name="Thống kê quý",
        period_type="half_year",
        cutoff_day=15,
        owner=cast.root,
    )
    other.levels.set(form.levels.all())
    build_version(
        FormVersion.objects.create(form=other, number=1),
        [("I", "Chung", [("GD01", "Số buổi", "buổi", "int", "sum", True)])],
        [],
        [],
    )
    wrong_form = excel.unit_template(other, period, cast.commune_a1)
    problems = refused(
        fill_unit(wrong_form, {"GD01": 1}), form, period, cast.commune_a1, cast.commune_officer
    )
    assert texts_of(problems) == ["Tệp là mẫu “TK-QUY”, không phải mẫu “CTD-CTCT-6T” đang nhập."]
    old = excel.unit_template(form, period, cast.commune_a1)
    build_version(
        FormVersion.objects.create(form=form, number=2, note="Thêm chỉ tiêu"),
        SECTIONS,
        NARRATIVES,
        COMPARISONS,
    )
    problems = refused(
        fill_unit(old, {"GD01": 1}), form, period, cast.commune_a1, cast.commune_officer
    )
    assert texts_of(problems) == [
        "Tệp lập theo phiên bản 1 của mẫu, nay mẫu đã có phiên bản 2: hãy tải mẫu mới và điền lại."
    ]


def test_a_workbook_that_is_not_a_giaoban_template_is_refused(form, period, cast):
    data = plain_workbook([["Mã", "Chỉ tiêu", "Số liệu"], ["GD01", "Số buổi", 4]])
    problems = refused(data, form, period, cast.commune_a1, cast.commune_officer)
    assert "không phải là mẫu nhập liệu của giaoban" in problems[0].message


def test_an_altered_identity_sheet_is_refused(form, period, cast):
    wb = book(fill_unit(excel.unit_template(form, period, cast.commune_a1), {"GD01": 1}))
    meta_ws = wb[excel.META_SHEET]
    for row in meta_ws.iter_rows(min_row=2):
        if row[0].value == "period":
            row[1].value = "2025-H2"
    problems = refused(save(wb), form, period, cast.commune_a1, cast.commune_officer)
    assert "thông tin nhận dạng của tệp mẫu đã bị sửa" in problems[0].message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty", "Tệp trống (0 byte)"),
        ("truncated", "Tệp .xlsx bị hỏng hoặc không trọn vẹn"),
        ("garbled", "Tệp .xlsx bị hỏng hoặc không trọn vẹn"),
        ("csv", "Tệp không phải là bảng tính Excel .xlsx"),
        ("xls", "Excel 97–2003 (.xls)"),
        ("zip", "Tệp không phải là bảng tính Excel .xlsx (là một tệp nén khác)"),
        ("huge", "vượt giới hạn 5 MB"),
    ],
)
def test_damaged_or_foreign_files_get_a_clear_message(form, period, cast, name, expected):
    good = fill_unit(excel.unit_template(form, period, cast.commune_a1), {"GD01": 1})
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
    garbled = bytearray(good)
    garbled[len(good) // 3 : len(good) // 3 + 400] = b"\x00" * 400
    data = {
        "empty": b"",
        "truncated": good[: len(good) // 2],
        "garbled": bytes(garbled),
        "csv": "Mã;Số liệu\nGD01;4\n".encode(),
        "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "zip": other_zip.getvalue(),
        "huge": b"PK\x03\x04" + b"\x00" * (excel.MAX_UPLOAD_BYTES + 1),
    }[name]
    problems = refused(data, form, period, cast.commune_a1, cast.commune_officer)
    assert len(problems) == 1
    assert expected in problems[0].message


def test_a_template_with_nothing_filled_in_says_so(form, period, cast):
    data = excel.unit_template(form, period, cast.commune_a1)
    problems = refused(data, form, period, cast.commune_a1, cast.commune_officer)
    assert texts_of(problems) == ["Trang “Báo cáo”: Tệp chưa có số liệu hay nội dung nào để ghi."]


# ------------------------------------------------------------------------------ export


def accepted(form, unit, key, values, cast, leaders):
    report = workflow.open_report(form, unit, key, cast.ministry_admin)
    workflow.save_entries(report, cast.ministry_admin, values, TEXTS)
    workflow.submit(report, leaders[unit.code])
    workflow.accept(report, leaders[workflow.parent_unit(report).code])
    return report


def rows_by_label(ws):
    """{column A or B label: row number} of an export sheet."""
    out = {}
    for r in range(1, ws.max_row + 1):
        for c in (1, 2):
            value = ws.cell(r, c).value
            if value and value not in out:
                out[value] = r
    return out


def test_the_rollup_export_matches_the_rollup_view(form, period, cast, leaders):
    accepted(form, cast.commune_a1, KEY, GOOD, cast, leaders)
    accepted(form, cast.commune_a2, KEY, dict(GOOD, GD01=6, GD02=200, GD09="80"), cast, leaders)
    accepted(form, cast.commune_a1, "2025-H2", dict(GOOD, GD01=5), cast, leaders)
    accepted(form, cast.commune_a1, "2025-H1", dict(GOOD, GD01=2), cast, leaders)
    report = workflow.open_report(form, cast.province_a, KEY, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, dict(GOOD, GD01=1), TEXTS)
    workflow.submit(report, cast.leader_a)  # submitted only: counted, not accepted
    view = services.rollup_view(cast.province_a, form, period, "accepted")
    data = excel.rollup_workbook(view)
    wb = book(data)
    assert wb.sheetnames == ["Tổng hợp"]
    ws = wb["Tổng hợp"]
    head = [ws.cell(r, 1).value or "" for r in range(1, 8)]
    assert head[0] == (
        "Tổng hợp Báo cáo công tác đảng, công tác chính trị — kỳ 6 tháng đầu năm 2026"
    )
    assert "Công an tỉnh Thái Nguyên (mã T19)" in head[1]
    assert "thời gian từ 15/12/2025 đến 14/06/2026" in head[2]
    assert "chỉ tính báo cáo đã được cấp trên chấp nhận" in head[3]
    assert head[4] == "Số đơn vị có số liệu: 2/3 đơn vị."
    assert head[5].startswith("Lập lúc ")
    labels = rows_by_label(ws)
    code_row = labels["Mã đơn vị"]
    columns = {
        ws.cell(code_row, c).value: c
        for c in range(5, ws.max_column + 1)
        if ws.cell(code_row, c).value
    }
    assert list(columns) == [i.code for i in view.indicators]
    assert ws.cell(code_row + 1, columns["GD02"]).value.startswith("Lượt cán bộ")
    assert ws.cell(code_row + 2, columns["GD02"]).value == "lượt người"

    def number(r, code):
        value = ws.cell(r, columns[code]).value
        assert value is None or isinstance(value, (int, float))
        return None if value is None else Decimal(str(value))

    children = [c for c in view.children]
    assert [c.unit.code for c in children] == ["X05500", "X05800"]
    for child in children:
        r = labels[child.unit.code]
        assert (ws.cell(r, 3).value, ws.cell(r, 4).value) == (child.covered, child.expected)
        for code, value in child.values.items():
            assert number(r, code) == value, (child.unit.code, code)
    total = labels["Tổng cộng Thái Nguyên"]
    assert (ws.cell(total, 3).value, ws.cell(total, 4).value) == (2, 3)
    for code, value in view.totals.items():
        assert number(total, code) == value, code
    assert number(total, "GD01") == 10 and number(total, "GD09") == Decimal("87.75")
    # 2 of 3 units reported, 1 of them in the previous period: compared like with like,
    # over that one unit, and the sheet says so.
    assert labels["Kỳ này, 1 đơn vị so sánh"] == total + 1
    prev, prev_pct = labels["Kỳ trước: 6 tháng cuối năm 2025, cùng 1 đơn vị"], total + 3
    last, last_pct = labels["Cùng kỳ năm trước: 6 tháng đầu năm 2025, cùng 1 đơn vị"], total + 5
    assert ws.cell(prev_pct, 2).value == "So với kỳ trước"
    assert ws.cell(last_pct, 2).value == "So với cùng kỳ năm trước"
    for code, comparison in view.comparisons.items():
        assert number(prev, code) == comparison.shown_previous
        assert number(last, code) == comparison.shown_last_year
        for r, pct in ((prev_pct, comparison.vs_previous), (last_pct, comparison.vs_last_year)):
            got = ws.cell(r, columns[code]).value
            assert (got is None) == (pct is None), code
            if pct is not None:
                assert round(Decimal(str(got)) * 100, 1) == pct
    # −20 %: the one unit that reported in both periods, 4 against its 5 — not the total
    # of two units (10) against one unit's 5.
    assert number(prev_pct, "GD01") == Decimal("-0.2")
    assert ws.cell(prev_pct, columns["GD01"]).number_format == xlsx.PCT_FORMAT
    assert ws.cell(total, columns["GD01"]).number_format == "#,##0"
    assert ws.freeze_panes == f"E{code_row + 3}"
    # Counting submitted reports too moves the figure and the coverage.
    counted = services.rollup_view(cast.province_a, form, period, "counted")
    ws = book(excel.rollup_workbook(counted)).active
    labels = rows_by_label(ws)
    assert "tính cả báo cáo đã gửi, chưa duyệt" in ws["A4"].value
    assert ws["A5"].value == "Số đơn vị có số liệu: 3/3 đơn vị."
    assert ws.cell(labels["Tổng cộng Thái Nguyên"], columns["GD01"]).value == 11


def test_the_export_of_a_large_node_stays_one_pass(form, cast, django_assert_max_num_queries):
    """200 children by every indicator: the workbook is built from one rollup_view."""
    period = form.period(KEY)
    province = cast.province_a
    level = Level.objects.get(code="xa")
    Unit.objects.bulk_create(
        Unit(
            code=f"X9{n:04d}",
            name=f"Công an xã Thử {n}",
            short_name=f"Thử {n}",
            level=level,
            parent=province,
            path=f"{province.path}X9{n:04d}/",
            depth=2,
        )
        for n in range(200)
    )
    history.invalidate()
    view = services.rollup_view(province, form, period, "accepted")
    assert len(view.children) == 202
    with django_assert_max_num_queries(12):
        data = excel.rollup_workbook(view)
    ws = book(data).active
    assert rows_by_label(ws)["X90199"]
