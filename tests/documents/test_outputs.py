"""A document's files, read back: the .docx in the party (HD 36) and state (NĐ 30) layouts,
and the recipients' table as .xlsx, each for the people who may see the document only."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as Word
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import load_workbook

from giaoban.documents import docx as document_docx
from giaoban.documents import excel, services
from giaoban.documents.models import Document, Recipient
from giaoban.units.models import Level
from tests import office
from tests.conftest import make_unit, make_user
from tests.documents.conftest import PARTY, STATE, draft, issued

TODAY = timezone.localdate()
ISSUED_ON = TODAY - datetime.timedelta(days=20)
BODY = (
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "Quán triệt sâu sắc nội dung nghị quyết đến toàn thể cán bộ, đảng viên.\n\n"
    "II. NHIỆM VỤ, GIẢI PHÁP\n"
    "Các cấp ủy, chi bộ xây dựng kế hoạch thực hiện phù hợp với tình hình đơn vị."
)


def word(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert response["X-Content-Type-Options"] == "nosniff"
    return Word(io.BytesIO(response.content))


def texts(cell):
    return [p.text for p in cell.paragraphs]


def closing(document):
    left, right = document.tables[-1].rows[0].cells
    return texts(left), texts(right)


def date_words(day):
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@pytest.fixture
def resolution(cast):
    """A resolution of the province's party committee to its communes."""
    return issued(
        cast.officer_a,
        cast.leader_a,
        cast.province_a,
        PARTY,
        "NQ",
        day=ISSUED_ON,
        subject="Về tăng cường xây dựng, chỉnh đốn Đảng",
        body_text=BODY,
        signer_title="T/M BAN THƯỜNG VỤ\nBÍ THƯ",
        disseminate_by=ISSUED_ON + datetime.timedelta(days=10),
    )


@pytest.fixture
def plan(cast, ministry_leader):
    """A plan of the ministry to every unit of the tree (the whole subtree)."""
    return issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        STATE,
        "KH",
        day=ISSUED_ON,
        subject="Triển khai thực hiện nghị quyết",
        recipient_rule=Document.Rule.SUBTREE,
        disseminate_by=ISSUED_ON + datetime.timedelta(days=10),
        plan_by=ISSUED_ON + datetime.timedelta(days=30),
    )


def docx_url(document):
    return reverse("documents:docx", kwargs={"pk": document.pk})


def xlsx_url(document):
    return reverse("documents:recipients_xlsx", kwargs={"pk": document.pk})


# ------------------------------------------------------------------ .docx, party layout


def test_a_party_document_in_the_layout_of_guide_36(client, cast, resolution):
    client.force_login(cast.commune_officer)  # a recipient may read it
    response = client.get(docx_url(resolution))
    assert "01-NQ-%C4%90U.docx" in response["Content-Disposition"]  # 01-NQ-ĐU.docx
    document = word(response)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    left, right = document.tables[0].rows[0].cells
    # Top left: the superior and the issuing party bodies, "*" under them, then the number.
    assert texts(left) == [
        "ĐẢNG ỦY CÔNG AN TRUNG ƯƠNG",
        "ĐẢNG ỦY CÔNG AN\nTỈNH THÁI NGUYÊN",
        "*",
        "Số 01-NQ/ĐU",
    ]
    assert left.paragraphs[1].runs[0].font.bold and not left.paragraphs[0].runs[0].font.bold
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in left.paragraphs)
    # Top right: the Party's name, its line, then the place and date in italics.
    assert texts(right)[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert right.paragraphs[0].runs[0].font.bold
    day = right.paragraphs[-1]
    assert day.text == f"Thái Nguyên, {date_words(ISSUED_ON)}"
    assert day.runs[0].font.italic and day.runs[0].font.size == Pt(14)
    paragraphs = [p.text for p in document.paragraphs]
    kind = next(p for p in document.paragraphs if p.text == "NGHỊ QUYẾT")
    assert kind.runs[0].font.bold and kind.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert kind.runs[0].font.size == Pt(15)
    at = paragraphs.index("NGHỊ QUYẾT")
    assert paragraphs[at + 1 : at + 3] == ["Về tăng cường xây dựng, chỉnh đốn Đảng", "-----"]
    body = [p for p in document.paragraphs if p.style.name == "Body Text"]
    assert [p.text for p in body] == [line for line in BODY.split("\n") if line]
    assert body[0].runs[0].font.bold and not body[1].runs[0].font.bold  # "I. …" headings
    assert body[1].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    recipients, signing = closing(document)
    assert recipients == [
        "Nơi nhận:",
        "- Các cấp ủy, chi bộ trực thuộc,",
        "- Lưu Văn phòng Đảng ủy.",
    ]
    label = document.tables[-1].rows[0].cells[0].paragraphs[0].runs[0].font
    assert label.underline and label.size == Pt(14)
    assert signing[:2] == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"] and signing[-1] == ""  # no name
    assert "DỰ THẢO" not in [p.strip() for p in paragraphs]
    assert document_docx.demo_note() not in paragraphs


def test_the_state_layout_of_decree_30_for_a_command(client, cast, plan):
    client.force_login(cast.officer_a)
    document = word(client.get(docx_url(plan)))
    masthead = document.tables[0]
    left, right = masthead.rows[0].cells
    assert texts(left)[0] == "BỘ CÔNG AN"
    assert texts(right)[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    number, day = masthead.rows[1].cells
    assert texts(number) == ["Số: 01/KH-BCA"]
    assert texts(day) == [f"Hà Nội, {date_words(ISSUED_ON)}"]  # the ministry sits in the capital
    assert day.paragraphs[0].runs[0].font.italic
    paragraphs = [p.text for p in document.paragraphs]
    assert "KẾ HOẠCH" in paragraphs and "Triển khai thực hiện nghị quyết" in paragraphs
    recipients, signing = closing(document)
    assert recipients == ["Nơi nhận:", "- Các đơn vị thuộc Bộ Công an;", "- Lưu: VT."]
    label = document.tables[-1].rows[0].cells[0].paragraphs[0].runs[0].font
    assert (label.bold, label.italic, label.size) == (True, True, Pt(12))
    assert signing[0] == "THỦ TRƯỞNG ĐƠN VỊ"  # no signing authority entered


def test_a_few_units_are_named_and_more_end_with_an_ellipsis(cast):
    extra = [
        make_unit(f"X09{i}", f"Công an xã Mẫu {i}", f"Mẫu {i}", "xa", cast.province_a)
        for i in range(4)
    ]
    two = issued(
        cast.officer_a,
        cast.leader_a,
        cast.province_a,
        STATE,
        "KH",
        recipient_rule=Document.Rule.EXPLICIT,
        units=[cast.commune_a1, cast.commune_a2],
    )
    left, _right = closing(Word(io.BytesIO(document_docx.document_docx(two))))
    assert left == [
        "Nơi nhận:",
        "- Công an phường Phan Đình Phùng;",
        "- Công an xã Đại Phúc;",
        "- Lưu: VT.",
    ]
    many = issued(
        cast.officer_a,
        cast.leader_a,
        cast.province_a,
        STATE,
        "KH",
        recipient_rule=Document.Rule.EXPLICIT,
        units=[cast.commune_a1, cast.commune_a2, *extra],
    )
    left, _right = closing(Word(io.BytesIO(document_docx.document_docx(many))))
    assert len(left) == 1 + document_docx.MAX_NAMED + 2
    assert left[1] == "- Công an phường Phan Đình Phùng;" and left[-2:] == ["- …;", "- Lưu: VT."]


def test_the_level_rule_in_words(cast, ministry_leader):
    document = issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        PARTY,
        "CT",
        recipient_rule=Document.Rule.LEVEL,
        recipient_level=Level.objects.get(code="tinh"),
    )
    left, right = closing(Word(io.BytesIO(document_docx.document_docx(document))))
    assert left[1] == "- Các cấp ủy, chi bộ Công an tỉnh, thành phố,"
    assert right[0] == "T/M ĐẢNG ỦY"  # by default, the committee that issues


def test_a_draft_prints_dotted_number_and_date_and_is_marked(client, cast):
    document = draft(cast.officer_a, cast.province_a, PARTY, "NQ", body_text="")
    client.force_login(cast.officer_a)
    response = client.get(docx_url(document))
    assert f"du-thao-{document.pk}.docx" in response["Content-Disposition"]
    read = word(response)
    assert read.paragraphs[0].text.strip() == "DỰ THẢO"
    assert read.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    left, right = read.tables[0].rows[0].cells
    assert texts(left)[-1] == "Số ……-NQ/ĐU"
    assert texts(right)[-1] == "Thái Nguyên, ngày …… tháng …… năm ……"
    assert "(Văn bản chưa có nội dung.)" in [p.text for p in read.paragraphs]
    services.send_for_review(document, cast.officer_a)  # in review: still a draft
    again = word(client.get(docx_url(document)))
    assert again.paragraphs[0].text.strip() == "DỰ THẢO"


def test_a_demo_document_carries_the_synthetic_note(cast, resolution):
    Document.objects.filter(pk=resolution.pk).update(is_demo=True)
    resolution.refresh_from_db()
    read = Word(io.BytesIO(document_docx.document_docx(resolution)))
    note = next(p for p in read.paragraphs if p.text == document_docx.demo_note())
    assert note.runs[0].font.italic


def test_the_docx_is_for_those_who_may_see_the_document(client, cast, resolution):
    url = docx_url(resolution)
    assert client.get(url).status_code == 302  # signed out: to the login page
    client.force_login(cast.officer_b)  # another province
    assert client.get(url).status_code == 404
    client.force_login(cast.ministry_officer)  # above the issuer
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
    assert client.get(reverse("documents:docx", kwargs={"pk": 999_999})).status_code == 404
    mine = draft(cast.officer_a, cast.province_a)
    client.force_login(cast.commune_officer)  # a draft is not sent to anyone yet
    assert client.get(docx_url(mine)).status_code == 404


# ------------------------------------------------------------------ .xlsx


def met(document, unit, **dates):
    Recipient.objects.filter(document=document, unit=unit).update(**dates)


def sheet_rows(ws):
    return [tuple(c for c in row) for row in ws.iter_rows(values_only=True)]


def header_index(rows):
    return next(i for i, row in enumerate(rows) if row and row[0] == "Mã đơn vị")


def test_the_recipients_table_for_the_ministry(client, cast, plan):
    on_time = plan.disseminate_by
    met(plan, cast.province_a, disseminated_on=on_time)
    met(plan, cast.commune_a1, disseminated_on=on_time + datetime.timedelta(days=2))
    client.force_login(cast.ministry_officer)
    response = client.get(xlsx_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "01-KH-BCA_noi-nhan.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Đơn vị nhận", "Tổng hợp theo đơn vị"]
    rows = sheet_rows(wb["Đơn vị nhận"])
    assert rows[0][0] == "Theo dõi thực hiện Kế hoạch số 01/KH-BCA"
    assert rows[1][0] == "Trích yếu: Triển khai thực hiện nghị quyết"
    assert rows[2][0].startswith(f"Cơ quan ban hành: Bộ Công an, ngày {ISSUED_ON:%d/%m/%Y}.")
    assert rows[3][0] == "Đơn vị nhận thuộc phạm vi của đồng chí: 6 đơn vị."
    top = header_index(rows)
    assert rows[top] == (
        "Mã đơn vị", "Đơn vị", "Cấp", "Quán triệt", None, None, "Kế hoạch triển khai", None, None,
    )  # fmt: skip
    assert rows[top + 1][3:] == ("Hạn", "Ngày thực hiện", "Tình trạng") * 2
    data = rows[top + 2 :]
    assert [r[0] for r in data] == ["CTDCT", "T01", "X00004", "T19", "X05500", "X05800"]
    by_code = {r[0]: r for r in data}
    t19 = by_code["T19"]
    assert t19[1:3] == ("Công an tỉnh Thái Nguyên", "Công an tỉnh, thành phố")
    assert t19[3].date() == plan.disseminate_by and t19[4].date() == on_time
    assert t19[5] == "Đã thực hiện đúng hạn"
    assert t19[6].date() == plan.plan_by and t19[7] is None
    assert t19[8] == "Chưa thực hiện, còn hạn"  # the plan is due in 10 days
    assert by_code["X05500"][5] == "Đã thực hiện, quá hạn"
    assert by_code["X05800"][5] == "Quá hạn, chưa thực hiện"
    assert wb["Đơn vị nhận"]["D" + str(top + 3)].number_format == "dd/mm/yyyy"
    summary = sheet_rows(wb["Tổng hợp theo đơn vị"])
    assert summary[0][0] == rows[0][0]
    top = header_index(summary)
    assert summary[top - 1][0] == "Các đơn vị nhận thuộc Bộ Công an"
    assert summary[top + 1][3:8] == (
        "Đã thực hiện", "Đúng hạn", "Muộn hạn", "Chưa thực hiện, còn hạn", "Quá hạn",
    )  # fmt: skip
    groups = {r[0]: r for r in summary[top + 2 :] if r and r[0]}
    # Thái Nguyên and its two communes: 2 disseminated (1 on time, 1 late), 1 overdue.
    assert groups["T19"][1:8] == ("Công an tỉnh Thái Nguyên", 3, 2, 1, 1, 0, 1)
    assert groups["T19"][8:13] == (0, 0, 0, 3, 0)  # plans: none yet, all within the deadline
    assert groups["T01"][2:8] == (2, 0, 0, 0, 0, 2)
    assert groups["BCA"][1:8] == ("Cộng", 6, 2, 1, 1, 0, 4)


def test_a_province_gets_only_its_subtree(client, cast, plan):
    client.force_login(cast.officer_a)
    wb = load_workbook(io.BytesIO(client.get(xlsx_url(plan)).content))
    rows = sheet_rows(wb["Đơn vị nhận"])
    assert rows[3][0] == "Đơn vị nhận thuộc phạm vi của đồng chí: 3 đơn vị."
    assert [r[0] for r in rows[header_index(rows) + 2 :]] == ["T19", "X05500", "X05800"]
    summary = sheet_rows(wb["Tổng hợp theo đơn vị"])
    top = header_index(summary)
    assert summary[top - 1][0] == "Các đơn vị nhận thuộc Công an tỉnh Thái Nguyên"
    names = [r[1] for r in summary[top + 2 :] if r and r[0]]
    assert names == [
        "Công an tỉnh Thái Nguyên (bản thân đơn vị)",
        "Công an phường Phan Đình Phùng",
        "Công an xã Đại Phúc",
        "Cộng",
    ]
    client.force_login(cast.commune_officer)
    rows = sheet_rows(load_workbook(io.BytesIO(client.get(xlsx_url(plan)).content)).active)
    assert [r[0] for r in rows[header_index(rows) + 2 :]] == ["X05500"]


def test_the_xlsx_is_for_those_who_may_see_the_document(client, cast, resolution):
    url = xlsx_url(resolution)
    client.force_login(cast.officer_b)
    assert client.get(url).status_code == 404
    client.force_login(make_user("outsider", cast.commune_b1, "officer"))
    assert client.get(url).status_code == 404
    client.force_login(cast.leader_a)
    assert client.get(url).status_code == 200


def test_a_draft_has_no_recipients_yet(cast):
    document = draft(cast.officer_a, cast.province_a)
    wb = load_workbook(io.BytesIO(excel.recipients_workbook(document, cast.officer_a)))
    rows = sheet_rows(wb["Đơn vị nhận"])
    assert rows[0][0] == "Theo dõi thực hiện: Kế hoạch (dự thảo)"
    assert "Văn bản chưa ban hành nên chưa có đơn vị nhận." in [r[0] for r in rows]
    summary = sheet_rows(wb["Tổng hợp theo đơn vị"])
    assert ("Chưa có đơn vị nhận nào để tổng hợp.",) in [r[:1] for r in summary]


# ------------------------------------------------------------------ looked at as PDF


def test_both_layouts_convert_to_pdf(tmp_path, office_profile, cast, resolution, plan):
    files = {
        "party.docx": document_docx.document_docx(resolution),
        "state.docx": document_docx.document_docx(plan),
    }
    mine = draft(cast.officer_a, cast.province_a, PARTY, "NQ", body_text=BODY)
    files["draft.docx"] = document_docx.document_docx(mine)
    read = office.texts(tmp_path, files, office_profile, artifacts="documents")
    party, state, marked = read["party.docx"], read["state.docx"], read["draft.docx"]
    if party:
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in party and "Số 01-NQ/ĐU" in party
        assert "Nơi nhận:" in party and "T/M BAN THƯỜNG VỤ" in party
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in state and "Số: 01/KH-BCA" in state
    if marked:
        assert "DỰ THẢO" in marked and "Số ……-NQ/ĐU" in marked


def test_the_recipients_table_converts_to_pdf(tmp_path, office_profile, cast, plan):
    workbook = excel.recipients_workbook(plan, cast.ministry_officer)
    files = {"recipients.xlsx": workbook}
    text = office.texts(tmp_path, files, office_profile, artifacts="documents")["recipients.xlsx"]
    if text:
        assert "Theo dõi thực hiện Kế hoạch số 01/KH-BCA" in text
        assert "Quá hạn, chưa thực hiện" in text
