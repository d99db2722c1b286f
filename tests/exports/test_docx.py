"""Word documents in the two official layouts, read back with python-docx.

A party document (Hướng dẫn 36-HD/VPTW) and a state one (Nghị định 30/2020/NĐ-CP), each
with headings, paragraphs, a wide annex on landscape pages, a narrow table back on
portrait pages, "Nơi nhận" and a signing block. No database is needed.
"""

import datetime
import io
import re
import shutil
import subprocess
import unicodedata
import zipfile

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from giaoban.exports import docx as official
from giaoban.exports.docx import MERGE_LEFT, MERGE_UP, PARTY, STATE, Issuer, OfficialDocument
from tests import office

PARTY_ISSUER = Issuer(
    layout=PARTY,
    superior="Đảng bộ Công an Trung ương",
    name="Đảng ủy Công an tỉnh Thái Nguyên",
    symbol="ĐU",
    place="Thái Nguyên",
)
STATE_ISSUER = Issuer(
    layout=STATE,
    superior="Bộ Công an",
    name="Công an tỉnh Thái Nguyên",
    symbol="CAT",
    place="Thái Nguyên",
)
SUBJECT = "Kết quả học tập, quán triệt nghị quyết 6 tháng đầu năm 2026"
BODY = (
    "Các cấp ủy, chi bộ trực thuộc đã tổ chức học tập, quán triệt nghị quyết nghiêm túc, "
    "đúng thành phần; tỷ lệ đảng viên tham gia đạt 98,5%."
)
ANNEX_HEADER = [
    ["TT", "Đơn vị", "Học tập nghị quyết", MERGE_LEFT, "Ghi chú"],
    [MERGE_UP, MERGE_UP, "Số buổi", "Lượt người", MERGE_UP],
]
ANNEX_ROWS = [[i, f"Công an phường số {i}", 10 + i, 1000 * i, ""] for i in range(1, 41)]
NARROW_HEADER = [["Nội dung", "Số lượng"]]
NARROW_ROWS = [["Hội nghị đã tổ chức", 125], ["Lượt đảng viên tham gia", 3456]]
SIGNING = {
    PARTY: ("T/M Đảng ủy", "Bí thư", ["Đảng ủy Công an Trung ương,", "Lưu Văn phòng Đảng ủy."]),
    STATE: ("KT. Giám đốc", "Phó Giám đốc", ["Bộ Công an;", "Lưu: VT, PX05."]),
}


def build(layout):
    issuer, number = (PARTY_ISSUER, 5) if layout == PARTY else (STATE_ISSUER, 12)
    doc = OfficialDocument(
        issuer,
        "Báo cáo",
        "BC",
        SUBJECT,
        number=number,
        date=datetime.date(2026, 7, 5),
        note=official.SYNTHETIC_NOTE,
    )
    doc.heading("ĐẶC ĐIỂM TÌNH HÌNH")
    for _ in range(3):
        doc.paragraph(BODY)
    doc.heading("KẾT QUẢ ĐẠT ĐƯỢC")
    doc.heading("Công tác tuyên truyền", level=2)
    doc.paragraph(BODY)
    doc.table(ANNEX_HEADER, ANNEX_ROWS, widths=[12, 100, 45, 45, 50], landscape=True,
              title="Phụ lục\nKẾT QUẢ THEO ĐƠN VỊ")  # fmt: skip
    doc.table(NARROW_HEADER, NARROW_ROWS, widths=[120, 45], title="Bảng tổng hợp")
    authority, position, recipients = SIGNING[layout]
    doc.sign(authority, position, recipients=recipients)
    return doc.to_bytes()


@pytest.fixture(scope="module", params=[PARTY, STATE])
def written(request):
    data = build(request.param)
    return request.param, data, Document(io.BytesIO(data))


def texts(container):
    return [p.text for p in container.paragraphs]


def fonts_in(xml):
    return re.findall(r"<w:rFonts [^>]*>", xml)


def section_of_each_table(document):
    """The index of the section each top-level table lies in."""
    found, section = [], 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            found.append(section)
        elif child.tag == qn("w:p") and child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            section += 1
    return found


def test_numbers_follow_each_layouts_rule():
    assert official.number_line(STATE, "CAT", "BC", 12) == "Số: 12/BC-CAT"
    assert official.number_line(STATE, "CAT", "BC", 5) == "Số: 05/BC-CAT"
    assert official.number_line(STATE, "CAT", "BC", None) == "Số: ……/BC-CAT"
    assert official.number_line(STATE, "CAT-PX05", "", 7) == "Số: 07/CAT-PX05"
    assert official.number_line(PARTY, "ĐU", "BC", 15) == "Số 15-BC/ĐU"
    assert official.number_line(PARTY, "ĐU", "BC", 5) == "Số 05-BC/ĐU"
    assert official.number_line(PARTY, "ĐU", "BC", None) == "Số ……-BC/ĐU"


def test_date_has_zeros_before_days_below_10_and_months_1_and_2():
    assert official.date_line("Thái Nguyên", datetime.date(2026, 7, 5)) == (
        "Thái Nguyên, ngày 05 tháng 7 năm 2026"
    )
    assert official.date_line("Hà Nội", datetime.date(2026, 2, 9)) == (
        "Hà Nội, ngày 09 tháng 02 năm 2026"
    )
    assert official.date_line("Hà Nội", datetime.date(2026, 12, 25)) == (
        "Hà Nội, ngày 25 tháng 12 năm 2026"
    )
    assert official.date_line("Hà Nội") == "Hà Nội, ngày …… tháng …… năm ……"


def test_issuer_refuses_an_unknown_layout():
    with pytest.raises(ValueError, match="layout"):
        Issuer(layout="other", name="X", symbol="X", place="Hà Nội")


def test_pages_are_a4_with_the_margins_and_the_annex_is_landscape(written):
    _, _, document = written
    portrait, landscape, back = document.sections
    assert len(document.sections) == 3
    for section in (portrait, back):
        assert section.orientation == WD_ORIENT.PORTRAIT
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert (round(landscape.page_width.mm), round(landscape.page_height.mm)) == (297, 210)
    for section in document.sections:
        margins = [section.top_margin, section.bottom_margin, section.left_margin]
        assert [round(m.mm) for m in [*margins, section.right_margin]] == [20, 20, 30, 15]
    # masthead, annex, narrow table, closing: the annex alone is on landscape pages
    assert section_of_each_table(document) == [0, 1, 2, 2]


def test_times_new_roman_in_every_slot_and_14_pt_body(written):
    _, data, document = written
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    fonts = normal.element.rPr.rFonts
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        assert fonts.get(qn(slot)) == "Times New Roman"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/styles.xml").decode() + package.read("word/document.xml").decode()
    assert "Theme=" not in xml  # a theme font would win over Times New Roman in Word
    slots = [re.findall(r'w:(?:ascii|hAnsi|cs|eastAsia)="([^"]+)"', tag) for tag in fonts_in(xml)]
    assert slots and all(found == ["Times New Roman"] * 4 for found in slots)
    assert {run.font.name for p in document.paragraphs for run in p.runs} <= {None}


def test_body_paragraphs_are_justified_with_a_first_line_indent(written):
    _, _, document = written
    body = [p for p in document.paragraphs if p.text == BODY]
    assert len(body) == 4
    for paragraph in body:
        style = paragraph.style.paragraph_format
        assert (paragraph.alignment or style.alignment) == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert round(style.first_line_indent.cm, 2) == 1.27
        assert style.space_after == Pt(6)
        assert paragraph.runs[0].font.size == Pt(14)


def test_headings_are_numbered_and_bold(written):
    _, _, document = written
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [p.text for p in headings] == [
        "I. ĐẶC ĐIỂM TÌNH HÌNH",
        "II. KẾT QUẢ ĐẠT ĐƯỢC",
        "1. Công tác tuyên truyền",
    ]
    assert all(p.style.font.bold for p in headings)


def test_party_masthead():
    document = Document(io.BytesIO(build(PARTY)))
    left, right = document.tables[0].rows[0].cells
    assert texts(right) == ["ĐẢNG CỘNG SẢN VIỆT NAM", "", "Thái Nguyên, ngày 05 tháng 7 năm 2026"]
    assert right.paragraphs[0].runs[0].font.bold
    assert right.paragraphs[2].runs[0].font.italic
    assert right.paragraphs[1]._p.pPr.find(qn("w:pBdr")) is not None  # the line under it
    assert texts(left) == [
        "ĐẢNG BỘ CÔNG AN TRUNG ƯƠNG",
        "ĐẢNG ỦY CÔNG AN\nTỈNH THÁI NGUYÊN",
        "*",
        "Số 05-BC/ĐU",
    ]
    assert not left.paragraphs[0].runs[0].font.bold
    assert left.paragraphs[1].runs[0].font.bold


def test_state_masthead():
    document = Document(io.BytesIO(build(STATE)))
    masthead = document.tables[0]
    left, right = masthead.rows[0].cells
    assert texts(left)[:2] == ["BỘ CÔNG AN", "CÔNG AN TỈNH THÁI NGUYÊN"]
    assert texts(right)[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(p.runs[0].font.bold for p in right.paragraphs[:2])
    assert [p.runs[0].font.size for p in right.paragraphs[:2]] == [Pt(12), Pt(13)]
    number, day = masthead.rows[1].cells
    assert texts(number) == ["Số: 12/BC-CAT"]
    assert texts(day) == ["Thái Nguyên, ngày 05 tháng 7 năm 2026"]
    assert day.paragraphs[0].runs[0].font.italic


def test_title_subject_and_synthetic_note(written):
    _, _, document = written
    paragraphs = document.paragraphs
    kind = next(p for p in paragraphs if p.text == "BÁO CÁO")
    assert kind.alignment == WD_ALIGN_PARAGRAPH.CENTER and kind.runs[0].font.bold
    subject = next(p for p in paragraphs if p.text == SUBJECT)
    assert subject.runs[0].font.bold
    note = next(p for p in paragraphs if p.text == official.SYNTHETIC_NOTE)
    assert note.runs[0].font.italic


def test_closing_block(written):
    layout, _, document = written
    left, right = document.tables[-1].rows[0].cells
    authority, position, recipients = SIGNING[layout]
    assert texts(left) == ["Nơi nhận:", *(f"- {r}" for r in recipients)]
    label = left.paragraphs[0].runs[0].font
    if layout == STATE:
        assert (label.bold, label.italic, label.size) == (True, True, Pt(12))
        assert left.paragraphs[1].runs[0].font.size == Pt(11)
    else:
        assert label.underline and label.size == Pt(14)
    assert texts(right)[:2] == [authority.upper(), position.upper()]
    assert right.paragraphs[0].runs[0].font.bold
    assert texts(right)[-1] == ""  # the signer's name is left blank


def test_tables_hold_what_was_given_with_repeated_header_rows(written):
    _, _, document = written
    annex, narrow = document.tables[1], document.tables[2]
    assert [c.text for c in annex.rows[0].cells] == [
        "TT", "Đơn vị", "Học tập nghị quyết", "Học tập nghị quyết", "Ghi chú",
    ]  # fmt: skip
    assert [c.text for c in annex.rows[1].cells] == [
        "TT", "Đơn vị", "Số buổi", "Lượt người", "Ghi chú",
    ]  # fmt: skip
    assert [c.text for c in annex.rows[2].cells] == ["1", "Công an phường số 1", "11", "1.000", ""]
    last = ["40", "Công an phường số 40", "50", "40.000", ""]
    assert [c.text for c in annex.rows[-1].cells] == last
    assert len(annex.rows) == 2 + len(ANNEX_ROWS)
    assert [[c.text for c in row.cells] for row in narrow.rows] == [
        ["Nội dung", "Số lượng"],
        ["Hội nghị đã tổ chức", "125"],
        ["Lượt đảng viên tham gia", "3.456"],
    ]
    number_cell = narrow.rows[2].cells[1].paragraphs[0]
    assert number_cell.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert narrow.rows[2].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    repeats = [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in annex.rows]
    assert repeats == [True, True] + [False] * len(ANNEX_ROWS)
    assert [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in narrow.rows] == [
        True, False, False,
    ]  # fmt: skip


def test_page_number_from_page_2_in_every_section(written):
    _, _, document = written
    first, *others = document.sections
    assert first.different_first_page_header_footer
    assert "PAGE" not in first.first_page_header._element.xml
    assert not any(section.different_first_page_header_footer for section in others)
    for section in document.sections:
        assert not section.header.is_linked_to_previous
        xml = section.header._element.xml
        assert 'w:fldCharType="begin"' in xml and re.search(r"<w:instrText[^>]*> PAGE </", xml)
        assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_properties_and_language(written):
    layout, _, document = written
    props = document.core_properties
    assert props.title == SUBJECT
    assert props.author == (PARTY_ISSUER if layout == PARTY else STATE_ISSUER).name
    assert props.language == "vi-VN"
    lang = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "vi-VN"


def test_vietnamese_text_is_stored_nfc():
    decomposed = unicodedata.normalize("NFD", "Quán triệt nghị quyết của Đảng ủy")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    doc = OfficialDocument(STATE_ISSUER, "Kế hoạch", "KH", decomposed)
    doc.paragraph(decomposed)
    data = doc.to_bytes()
    document = Document(io.BytesIO(data))
    assert "Quán triệt nghị quyết của Đảng ủy" in [p.text for p in document.paragraphs]
    assert document.core_properties.title == "Quán triệt nghị quyết của Đảng ủy"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
    assert xml == unicodedata.normalize("NFC", xml)


def test_page_break_goes_on_the_next_paragraph_and_not_before_a_new_section():
    doc = OfficialDocument(STATE_ISSUER, "Báo cáo", "BC", SUBJECT)
    doc.page_break()
    after_break = doc.paragraph("Trang mới.")
    doc.page_break()
    doc.table([["A"]], [["x"]], landscape=True)  # a new section is a new page already
    document = Document(io.BytesIO(doc.to_bytes()))
    assert after_break.paragraph_format.page_break_before
    breaks = [p for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert [p.text for p in breaks] == ["Trang mới."]


def _pdf_pages(pdf):
    if pdfinfo := shutil.which("pdfinfo"):
        info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, office_profile):
    """Both layouts converted by LibreOffice, in one run."""
    files = {f"{layout}.docx": build(layout) for layout in (PARTY, STATE)}
    return office.convert(tmp_path_factory.mktemp("pdf"), files, office_profile)


@pytest.mark.parametrize("layout", [PARTY, STATE])
def test_libreoffice_converts_it_to_a_pdf_of_several_pages(layout, pdfs):
    pdf = pdfs[f"{layout}.docx"]
    assert pdf.exists()
    assert _pdf_pages(pdf) > 1


def test_a_draft_mark_is_boxed_at_the_top_right_above_the_masthead():
    doc = OfficialDocument(PARTY_ISSUER, "Nghị quyết", "NQ", SUBJECT, mark=official.DRAFT_MARK)
    document = Document(io.BytesIO(doc.to_bytes()))
    body = list(document.element.body.iterchildren())
    first = document.paragraphs[0]
    assert body[0] is first._p and body[1].tag == qn("w:tbl")  # before the masthead
    assert first.text.strip() == "DỰ THẢO"
    assert first.alignment == WD_ALIGN_PARAGRAPH.RIGHT and first.runs[0].font.bold
    border = first.runs[0]._r.rPr.find(qn("w:bdr"))
    assert border is not None and border.get(qn("w:val")) == "single"
    plain = OfficialDocument(PARTY_ISSUER, "Nghị quyết", "NQ", SUBJECT).to_bytes()
    unmarked = Document(io.BytesIO(plain))
    assert "DỰ THẢO" not in [p.text.strip() for p in unmarked.paragraphs]
