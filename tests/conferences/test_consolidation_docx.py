"""The consolidated report's Word file at scale: a province's 168 communes in the per-child
annex (groups of columns, each on a new landscape page with what its codes mean), long
issuing bodies' names broken where they read best, and the fast table and run writing of
`exports.docx` equal, element for element, to what python-docx's own calls make."""

import io
from decimal import Decimal

import pytest
from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from giaoban.conferences import layout
from giaoban.conferences.layout import COLUMNS_PER_ANNEX
from giaoban.exports import docx as official
from giaoban.exports.docx import MERGE_UP, PARTY, STATE, Issuer, OfficialDocument

ISSUER = Issuer(layout=PARTY, name="Đảng ủy Công an tỉnh Thái Nguyên", symbol="ĐU", place="Thái")
EDGE_VALUES = [
    "",
    " lead",
    "trail ",
    "a\tb",
    "x\ny\r\nz",
    "<&>\"'",
    "Đảng ủy",
    "e\u0301",  # NFD: written NFC
    "  ",
    None,
    MERGE_UP,
    0,
    -12345,
    10**9,
    Decimal("1234.50"),
    Decimal("-0.25"),
    2.5,
    True,
]


def _xml(element):
    return etree.tostring(element, encoding="unicode")


def _rows():
    rows = []
    for i in range(0, len(EDGE_VALUES), 3):
        rows.append(EDGE_VALUES[i : i + 3] + [i])
    rows.append(["only one"])  # fewer values than columns: python-docx's bare cells
    return rows


@pytest.mark.parametrize("size", [9, 10.5, 12])
def test_fast_rows_are_what_python_docx_makes(size):
    widths, align = [10, 62.5, 18.333, 40], ["center", None, "right"]
    rows = _rows()
    fast = OfficialDocument(ISSUER, "Báo cáo", "BC", "S")
    table = fast.table([["A", "B", "C", "D"]], rows, widths=widths, align=align, size=size)
    slow = OfficialDocument(ISSUER, "Báo cáo", "BC", "S")
    reference = slow.table([["A", "B", "C", "D"]], [], widths=widths, align=align, size=size)
    aligns = [official._ALIGNS[a] if a else None for a in align] + [None]
    for values in rows:
        official._fill_row(reference.add_row(), values, official._Look(size), widths, aligns, False)
    assert len(table.rows) == len(reference.rows) == len(rows) + 1
    for mine, theirs in zip(table.rows, reference.rows, strict=True):
        assert _xml(mine._tr) == _xml(theirs._tr)


@pytest.mark.parametrize(
    "look",
    [
        official._Look(),
        official._Look(9, bold=True),
        official._Look(13, italic=True),
        official._Look(14, underline=True),
        official._Look(11, True, True, True),
    ],
)
def test_fast_runs_are_what_python_docx_makes(look):
    doc = Docx()
    for text in ["", "Nội dung", " a\tb\nc ", "x\r\ny", "<&>"]:
        mine = doc.add_paragraph()
        run = official._run(mine, text, look)
        theirs = doc.add_paragraph().add_run(official.nfc(text))
        theirs.font.size = Pt(look.size)
        theirs.font.bold, theirs.font.italic = look.bold or None, look.italic or None
        theirs.font.underline = look.underline or None
        assert _xml(run._r) == _xml(theirs._r)
        run.font.superscript = True  # a returned run is python-docx's Run
        assert run._r.find(qn("w:rPr")).find(qn("w:vertAlign")) is not None


def test_body_paragraphs_carry_their_style():
    doc = OfficialDocument(ISSUER, "Báo cáo", "BC", "S")
    doc.heading("Kết quả", level=2)
    doc.paragraph("Một đoạn.")
    saved = Docx(io.BytesIO(doc.to_bytes()))
    styles = [
        (p.style.name, p.text) for p in saved.paragraphs if p.text in ("1. Kết quả", "Một đoạn.")
    ]
    assert styles == [("Heading 2", "1. Kết quả"), ("Body Text", "Một đoạn.")]


# ------------------------------------------------------------------ the per-child annex


def _snapshot(children=168, indicators=45):
    figures = [
        {
            "code": f"C{i:02d}",
            "name": f"Chỉ tiêu số {i}",
            "unit_of_measure": "buổi",
            "main": i < 3,
            "value": str(children * i),
            "base_value": None,
            "previous": str(i),
            "last_year": None,
            "vs_previous": "12.5",
            "vs_last_year": None,
        }
        for i in range(indicators)
    ]
    kids = [
        {
            "code": f"X{n:03d}",
            "name": f"Công an xã số {n}",
            "covered": 1,
            "expected": 1,
            "values": {f["code"]: str(i) for i, f in enumerate(figures)},
        }
        for n in range(children)
    ]
    sources = [
        {
            "n": 1,
            "part": 1,
            "unit": {"code": "X000", "name": "Công an xã số 0"},
            "report": 1,
            "field": "KQ",
            "field_title": "Kết quả đạt được",
            "version": 2,
            "sent_at": "2026-06-20T09:05:00+07:00",
        }
    ]
    return {
        "subject": "Kết quả công tác\n6 tháng đầu năm 2026",
        "signer_title": "T/M ĐẢNG ỦY",
        "signer_position": "BÍ THƯ",
        "recipients": ["Đảng ủy Công an Trung ương (để báo cáo),", "Lưu Văn phòng."],
        "period": {
            "key": "2026-H1",
            "label": "6 tháng đầu năm 2026",
            "previous": "6 tháng cuối năm 2025",
            "last_year": "6 tháng đầu năm 2025",
        },
        "form": {"code": "F", "name": "Báo cáo công tác đảng"},
        "submitted": {"sent": children, "expected": children, "missing": []},
        "figures": figures,
        "basis_notes": [],
        "children": kids,
        "opening": [],
        "sections": [
            {
                "code": "KQ",
                "title": "Kết quả đạt được",
                "paragraphs": [
                    {
                        "id": 1,
                        "kind": "excerpt",
                        "text": "Đã làm tốt.",
                        "source": sources[0]
                        | {"unit": {"code": "X000", "name": "Công an xã số 0"}},
                        "n": 1,
                    }
                ],
            }
        ],
        "records": [],
        "sources": sources,
    }


class _Unit:
    code, path = "T19", "/BCA/T19/"


class _Consolidation:
    unit, body, is_demo, period_key = _Unit(), PARTY, False, "2026-H1"


@pytest.fixture
def province(monkeypatch):
    monkeypatch.setattr(
        layout.documents,
        "issuer",
        lambda unit, body: Issuer(
            layout=body,
            name="Đảng ủy Công an tỉnh Thái Nguyên",
            superior="Đảng ủy Công an Trung ương",
            symbol="ĐU",
            place="Thái Nguyên",
        ),
    )
    return _Consolidation()


def test_a_province_of_168_communes_reads_in_groups_of_columns(province):
    snapshot = _snapshot()
    doc = Docx(io.BytesIO(layout.render(province, snapshot)))
    groups = [t for t in doc.tables if [c.text for c in t.rows[0].cells[:2]] == ["TT", "Đơn vị"]]
    assert len(groups) == -(-45 // COLUMNS_PER_ANNEX) == 5
    for n, table in enumerate(groups):
        codes = [c.text for c in table.rows[0].cells[2:]]
        assert codes == [f"C{i:02d}" for i in range(n * 9, n * 9 + 9)]
        assert len(table.rows) == 2 + 168 + 1
        assert table.rows[-1].cells[1].text == "Cộng"
        assert table.rows[-1].cells[2].text == f"{168 * n * 9:,}".replace(",", ".")
        header = table.rows[0]._tr.find(qn("w:trPr"))
        assert header.find(qn("w:tblHeader")) is not None  # repeated on every page
    titles = [p for p in doc.paragraphs if p.text.startswith("SỐ LIỆU CỦA CÁC ĐƠN VỊ TRỰC THUỘC")]
    assert [t.text.endswith(f"2026 (phần {g}/5)") for g, t in enumerate(titles, 1)] == [True] * 5
    notes = [p for p in doc.paragraphs if p.text.startswith("Mã chỉ tiêu — C")]
    assert len(notes) == 5 and "C00: Chỉ tiêu số 0 (buổi)" in notes[0].text
    # Each group starts a new page ("Phụ lục 2" breaks the page), on landscape pages.
    annex_heads = [p for p in doc.paragraphs if p.text == "Phụ lục 2"]
    assert len(annex_heads) == 5
    assert all(p.paragraph_format.page_break_before for p in annex_heads[1:])
    assert all(s.page_width > s.page_height for s in doc.sections[1:])


def test_the_sources_annex_names_the_report_once(province):
    doc = Docx(io.BytesIO(layout.render(province, _snapshot(children=3, indicators=4))))
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Gửi lúc")
    assert [c.text for c in table.rows[1].cells] == [
        "[1]",
        "Công an xã số 0",
        "Kết quả đạt được",
        "2",
        "20/06/2026 09:05",
    ]
    note = next(p.text for p in doc.paragraphs if p.text.startswith("Các đoạn trích lấy"))
    assert "“Báo cáo công tác đảng” 6 tháng đầu năm 2026" in note
    heads = [p for p in doc.paragraphs if p.text == "Phụ lục 3"]
    assert heads and heads[0].paragraph_format.page_break_before


def test_long_names_break_where_they_read_best(province):
    doc = Docx(io.BytesIO(layout.render(province, _snapshot(children=2, indicators=2))))
    masthead = doc.tables[0].rows[0].cells[0]
    lines = "\n".join(p.text for p in masthead.paragraphs).split("\n")
    assert lines[:4] == ["ĐẢNG ỦY CÔNG AN", "TRUNG ƯƠNG", "ĐẢNG ỦY CÔNG AN", "TỈNH THÁI NGUYÊN"]
    assert layout._fit("Bộ Công an", 13, 72, True) == "Bộ Công an"
    assert layout._fit("Công an tỉnh Thái Nguyên", 13, 72, True) == "Công an tỉnh\nThái Nguyên"
    assert "\n" not in layout._fit("Đảng ủy Công an Trung ương", 14, 120, True)
    assert layout._fit("Đảng ủy\nCông an Trung ương", 14, 20, True) == "Đảng ủy\nCông an Trung ương"


def test_a_command_s_report_keeps_its_state_layout(province):
    province.body = STATE
    data = layout.render(province, _snapshot(children=2, indicators=2))
    text = "\n".join(c.text for t in Docx(io.BytesIO(data)).tables for c in t._cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: ……/BC-ĐU" in text
    assert "ngày …… tháng …… năm ……" in text  # dotted until issued


def test_a_tables_note_is_justified_and_italic():
    doc = OfficialDocument(ISSUER, "Báo cáo", "BC", "S")
    doc.table([["A"]], [[1]], title="T", note="Ghi chú")
    saved = Docx(io.BytesIO(doc.to_bytes()))
    note = next(p for p in saved.paragraphs if p.text == "Ghi chú")
    assert note.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and note.runs[0].italic


def test_a_character_xml_cannot_hold_is_refused_as_before():
    doc = OfficialDocument(ISSUER, "Báo cáo", "BC", "S")
    with pytest.raises(ValueError, match="XML compatible"):
        doc.paragraph("a\x0bb")
    with pytest.raises(ValueError, match="XML compatible"):
        doc.table([["A"]], [["a\x0cb"]])
