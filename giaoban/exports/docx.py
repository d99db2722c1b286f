"""Word documents (python-docx) in the two official Vietnamese layouts (thể thức văn bản).

- ``STATE``: administrative documents of a unit's command (văn bản hành chính, Nghị định
  30/2020/NĐ-CP), e.g. "Công an tỉnh Thái Nguyên". Top left the superior body in upper
  case and the unit in bold upper case with a short line under it, then "Số: 12/BC-CAT";
  top right "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc" with a
  line under the motto, then the place and date in italics. "Nơi nhận:" bold italic.
- ``PARTY``: documents of a unit's party organisation (văn bản của Đảng, Hướng dẫn
  36-HD/VPTW 2018), e.g. "Đảng ủy Công an tỉnh Thái Nguyên". Top right "ĐẢNG CỘNG SẢN
  VIỆT NAM" with a line under it, then the date; top left the superior and the issuing
  party bodies, "*", then "Số 15-BC/ĐU" (no colon). "-----" under the subject,
  "Nơi nhận:" underlined, signing "T/M", "K/T", "T/L".

Both: A4, margins 20/20/30/15 mm (top, bottom, left, right); Times New Roman in every
font slot; 14 pt body, justified, first-line indent, 6 pt between paragraphs; the page
number at the top from page 2 on, in every section; an annex table may get landscape
pages. Numbers and days below 10 and the months 1 and 2 get a leading zero, as both
regulations say ("Số: 05/BC-CAT", "ngày 05 tháng 02", but "tháng 7"). Text is NFC.

Example (in a view, after the scope checks)::

    issuer = Issuer(layout=STATE, superior="Bộ Công an", name="Công an tỉnh Thái Nguyên",
                    symbol="CAT", place="Thái Nguyên")
    doc = OfficialDocument(issuer, "Báo cáo", "BC", "Kết quả công tác 6 tháng đầu năm 2026",
                           number=12, date=datetime.date(2026, 7, 5), note=SYNTHETIC_NOTE)
    doc.heading("KẾT QUẢ ĐẠT ĐƯỢC")               # "I. KẾT QUẢ ĐẠT ĐƯỢC"
    doc.heading("Công tác tuyên truyền", level=2)  # "1. Công tác tuyên truyền"
    doc.paragraph("Trong 6 tháng đầu năm, ...")
    doc.sign("KT. Giám đốc", "Phó Giám đốc", recipients=["Như trên;", "Lưu: VT, PX05."])
    doc.table([["TT", "Đơn vị", "Số buổi"]], rows, landscape=True, title="Phụ lục 1")
    return HttpResponse(doc.to_bytes(), content_type=DOCX_TYPE)
"""

import datetime
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.oxml.simpletypes import ST_HpsMeasure, ST_SignedTwipsMeasure, ST_TwipsMeasure
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.run import Run
from lxml import etree

from giaoban.core.formatting import format_number

PARTY, STATE = "party", "state"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
LANGUAGE = "vi-VN"
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165 mm across a page
BODY_PT, TABLE_PT = 14, 12
FIRST_LINE = Cm(1.27)
PLACEHOLDER = "……"  # a number or date not allocated yet, written in by hand at signing
SYNTHETIC_NOTE = "(Số liệu trong văn bản là số liệu mô phỏng, dùng để thử nghiệm.)"
NATIONAL_HEADER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_HEADER = "ĐẢNG CỘNG SẢN VIỆT NAM"
RECIPIENTS_LABEL = "Nơi nhận:"
DRAFT_MARK = "DỰ THẢO"  # a draft's mark, in a box above the masthead (`mark=`)
# Header cells of `table()`: this cell joins the one on its left, or the one above it.
MERGE_LEFT, MERGE_UP = object(), object()

_ALIGN = WD_ALIGN_PARAGRAPH
_CENTRE, _LEFT, _RIGHT = _ALIGN.CENTER, _ALIGN.LEFT, _ALIGN.RIGHT
_JUSTIFY = _ALIGN.JUSTIFY
_ALIGNS = {"left": _LEFT, "center": _CENTRE, "right": _RIGHT}
_LETTERS = "abcdđeghiklmnopqrstuvxy"  # points a), b), … d), đ), e) of Vietnamese texts
_ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split()


@dataclass(frozen=True, kw_only=True)
class Issuer:
    """The body that issues the document (cơ quan ban hành) and the layout it uses."""

    layout: str  # PARTY or STATE
    name: str  # "Công an tỉnh Thái Nguyên"; a "\n" in it picks where a long name breaks
    symbol: str  # the issuer's part of the number: "CAT", "ĐU"
    place: str  # địa danh of the date line: "Thái Nguyên"
    superior: str = ""  # cơ quan cấp trên trực tiếp, may be empty

    def __post_init__(self):
        if self.layout not in (PARTY, STATE):
            raise ValueError(f"layout must be {PARTY!r} or {STATE!r}, not {self.layout!r}")


@dataclass(frozen=True)
class _Look:
    size: float = BODY_PT
    bold: bool = False
    italic: bool = False
    underline: bool = False


_BOLD = _Look(bold=True)
# Per layout: masthead columns (mm), issuer size, number, kind, "Nơi nhận:", recipients.
_RULES = {
    STATE: ((72, 93), 13, _Look(13), _Look(14, True), _Look(12, True, True), _Look(11)),
    PARTY: ((82, 83), 14, _Look(14), _Look(15, True), _Look(14, underline=True), _Look(12)),
}


def nfc(text) -> str:
    """Text as the project stores it: NFC-normalised."""
    return unicodedata.normalize("NFC", str(text))


def number_line(layout: str, symbol: str, kind_abbr: str = "", number=None) -> str:
    """ "Số: 05/BC-CAT" (state) or "Số 15-BC/ĐU" (party); None gives a dotted number."""
    if number is None or isinstance(number, int):
        number = PLACEHOLDER if number is None else f"{number:02d}"
    if layout == PARTY:
        return nfc(f"Số {number}-{kind_abbr}/{symbol}" if kind_abbr else f"Số {number}/{symbol}")
    return nfc(f"Số: {number}/{kind_abbr}-{symbol}" if kind_abbr else f"Số: {number}/{symbol}")


def date_line(place: str, day: datetime.date | None = None) -> str:
    """ "Thái Nguyên, ngày 05 tháng 02 năm 2026"; None leaves day, month and year dotted.

    Nghị định 30/2020 and Hướng dẫn 36 both put a zero before days below 10 and before
    the months 1 and 2 only (so that no one can add a digit by hand): "tháng 7".
    """
    if day is None:
        return nfc(f"{place}, ngày {PLACEHOLDER} tháng {PLACEHOLDER} năm {PLACEHOLDER}")
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return nfc(f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}")


class OfficialDocument:
    """One document, written top to bottom: masthead and title at once, then content.

    `kind_label` is the kind ("Báo cáo", "Kế hoạch"), `kind_abbr` its abbreviation in the
    number ("BC", "KH"; "" for a letter), `subject` the trích yếu (lines split by "\\n"),
    `number` an int, a str or None (dotted), `date` a date or None (dotted). `note`, e.g.
    SYNTHETIC_NOTE, is an italic line under the title, for figures that are not real.
    `mark`, e.g. DRAFT_MARK, is a word in a box at the top right, above the masthead.
    """

    def __init__(
        self,
        issuer,
        kind_label,
        kind_abbr,
        subject,
        number=None,
        date=None,
        note=None,
        mark=None,
    ):
        self.issuer = issuer
        self._doc = Document()
        self._landscape = self._break_pending = False
        self._counters = [0, 0, 0]
        self._style_ids = {}
        _set_up_styles(self._doc)
        _set_up_section(self._doc.sections[0], landscape=False, first=True)
        _set_properties(self._doc, issuer, kind_label, subject)
        if mark:
            _boxed(self._doc, mark)
        self._masthead(number_line(issuer.layout, issuer.symbol, kind_abbr, number), date)
        self._title(kind_label, subject)
        if note:
            _para(self._doc, note, _Look(13, italic=True), space_after=6)

    def heading(self, text: str, level: int = 1, numbered: bool = True):
        """A bold section heading, numbered "I. …" (level 1), "1. …" (2) or "a) …" (3)."""
        if level not in (1, 2, 3):
            raise ValueError("level must be 1, 2 or 3")
        if numbered:
            self._counters[level - 1] += 1
            self._counters[level:] = [0] * (3 - level)
            text = _number_prefix(level, self._counters[level - 1]) + text
        return self._body_para(text, f"Heading {level}")

    def paragraph(self, text: str, bold: bool = False, italic: bool = False):
        """A body paragraph: justified, first-line indent, 6 pt after."""
        return self._body_para(text, "Body Text", _Look(bold=bold, italic=italic))

    def attributed(self, lead: str, text: str, note: str = ""):
        """A body paragraph quoting someone: `lead` in italics ("Công an tỉnh Thái Nguyên:"),
        the quoted `text` as it stands, and `note` (a source number, "[3]") raised."""
        paragraph = self._body_para(lead, "Body Text", _Look(italic=True))
        _run(paragraph, " " + text, _Look())
        if note:
            _run(paragraph, note, _Look(size=BODY_PT - 3)).font.superscript = True
        return paragraph

    def lines(self, items: Iterable[str]):
        """Body paragraphs, one per line ("- …" items, a list of units)."""
        return [self.paragraph(item) for item in items]

    def page_break(self):
        """The next content starts on a new page (a new section does anyway)."""
        self._break_pending = True

    def table(
        self,
        header_rows,
        rows,
        widths=None,
        landscape=False,
        title=None,
        align=None,
        size=TABLE_PT,
        note=None,
    ):
        """A bordered table (an annex, phụ lục) whose header rows repeat on every page.

        Cells are text, numbers (int, float, Decimal: formatted by `format_number` and
        right-aligned) or None (blank); a header cell may be MERGE_LEFT or MERGE_UP.
        `align` ("left", "center", "right" or None per column) overrides the alignment,
        e.g. a centred "TT" column. `widths` in mm, by default equal over the text width.
        `landscape=True` puts the table on landscape pages; `title` lines go above it, then
        `note` lines (what the columns' codes mean), in italics at the table's size.
        """
        brk = self._start(landscape)
        for line in title.split("\n") if title else ():
            _para(self._doc, line, _BOLD, space_after=3, before=brk)
            brk = False
        for line in note.split("\n") if note else ():
            _para(self._doc, line, _Look(size, italic=True), _JUSTIFY, space_after=3, before=brk)
            brk = False
        if brk:
            _para(self._doc, "", _Look(2), before=True)
        columns = max(len(row) for row in [*header_rows, *rows])
        text_mm = PAGE_MM[1] - MARGINS_MM["left"] - MARGINS_MM["right"] if landscape else TEXT_MM
        widths = list(widths or [text_mm / columns] * columns)
        table = _table(self._doc, len(header_rows), widths, style="Table Grid")
        aligns = [_ALIGNS[a] if a else None for a in (align or ())]
        aligns += [None] * (columns - len(aligns))
        for row, values in zip(table.rows, header_rows, strict=True):
            _fill_row(row, values, _Look(size, bold=True), widths, [_CENTRE] * columns, True)
        _merge_header(table, header_rows)  # before the body: `table.cell` reads every row
        _append_rows(table, rows, _Look(size), widths, aligns)
        _para(self._doc, "", _Look(6))  # also keeps a next table from joining this one
        return table

    def sign(self, authority: str, position: str = "", name: str = "", recipients=()):
        """The closing block: "Nơi nhận:" and its lines bottom left, the signature right.

        `authority` is "T/M ĐẢNG ỦY", "KT. GIÁM ĐỐC", "GIÁM ĐỐC"…; `position` the post under
        it ("BÍ THƯ", "PHÓ GIÁM ĐỐC"); `name` may stay empty (no names in demo data).
        """
        if self._start(False):
            _para(self._doc, "", _Look(2), before=True)
        table = _table(self._doc, 1, (80, TEXT_MM - 80))
        left, right = table.rows[0].cells
        _, _, _, _, label, recipient = _RULES[self.issuer.layout]
        if recipients:
            _para(left, RECIPIENTS_LABEL, label, align=_LEFT, before=12)
        for item in recipients:
            item = item if item.startswith("-") else f"- {item}"
            fmt = _para(left, item, recipient, align=_LEFT).paragraph_format
            fmt.left_indent, fmt.first_line_indent = Mm(2.5), Mm(-2.5)  # wraps under the text
        _para(right, authority.upper(), _BOLD, before=12)
        if position:
            _para(right, position.upper(), _BOLD)
        for _ in range(4):  # room for the signature and the seal
            _para(right, "", _Look())
        _para(right, name, _BOLD)
        _mark_row(table.rows[0], header=False)  # the block stays on one page
        for paragraph in (*left.paragraphs, *right.paragraphs):
            paragraph.paragraph_format.keep_with_next = True
        return table

    def to_bytes(self) -> bytes:
        """The .docx file (DOCX_TYPE)."""
        buffer = io.BytesIO()
        self._doc.save(buffer)
        return buffer.getvalue()

    def _masthead(self, number_text, day):
        issuer = self.issuer
        (left_mm, right_mm), size, number_look, *_ = _RULES[issuer.layout]
        table = _table(self._doc, 1 if issuer.layout == PARTY else 2, (left_mm, right_mm))
        left, right = table.rows[0].cells
        if issuer.superior:
            _para(left, _wrap(issuer.superior.upper(), size, left_mm), _Look(size))
        name = _wrap(issuer.name.upper(), size, left_mm)
        _para(left, name, _Look(size, bold=True))
        date_text = date_line(issuer.place, day)
        if issuer.layout == PARTY:
            _para(left, "*", _Look(14))
            _para(left, number_text, number_look)
            _para(right, PARTY_HEADER, _Look(15, bold=True))
            _rule(right, 73, right_mm)  # as long as the header (Times New Roman bold 15)
            _para(right, date_text, _Look(14, italic=True), before=4)
            return
        longest = max(_width_mm(line, size) for line in name.split("\n"))
        _rule(left, 0.4 * min(longest, left_mm), left_mm)  # 1/3 to 1/2 of the name
        _para(right, NATIONAL_HEADER, _Look(12, bold=True))
        _para(right, MOTTO, _Look(13, bold=True))
        _rule(right, 57, right_mm)  # as long as the motto (Times New Roman bold 13)
        below_left, below_right = table.rows[1].cells
        _para(below_left, number_text, number_look, before=4)
        _para(below_right, date_text, _Look(14, italic=True), before=4)

    def _title(self, kind_label, subject):
        _para(self._doc, kind_label.upper(), _RULES[self.issuer.layout][3], before=18)
        lines = subject.split("\n")
        for line in lines:
            _para(self._doc, line, _BOLD)
        if self.issuer.layout == PARTY:
            _para(self._doc, "-----", _Look(), space_after=12)
            return
        longest = max(_width_mm(line, BODY_PT) for line in lines)
        _rule(self._doc, 0.4 * min(longest, TEXT_MM), TEXT_MM)
        _para(self._doc, "", _Look(6))

    def _body_para(self, text, style, look=None):
        brk = self._start(False)  # first: a new section goes before the paragraph
        paragraph = self._doc.add_paragraph()
        # What `add_paragraph(style=name)` does, without python-docx's look-up of the name
        # among all styles each time (a few ms a paragraph).
        style_id = self._style_ids.get(style)
        if style_id is None:
            style_id = self._style_ids[style] = self._doc.styles[style].style_id
        paragraph._p.style = style_id
        paragraph.paragraph_format.page_break_before = brk or None
        _run(paragraph, text, look or _Look())
        return paragraph

    def _start(self, landscape):
        """Opens a section when the orientation changes; True if a page break is due."""
        pending, self._break_pending = self._break_pending, False
        if landscape == self._landscape:
            return pending
        section = self._doc.add_section(WD_SECTION.NEW_PAGE)
        _set_up_section(section, landscape=landscape, first=False)
        self._landscape = landscape
        return False


def _number_prefix(level, n):
    """ "IV. ", "4. " or "d) "."""
    if level == 3:
        return _LETTERS[(n - 1) % len(_LETTERS)] + ") "
    if level == 2:
        return f"{n}. "
    return (_ROMAN[n - 1] if n <= len(_ROMAN) else str(n)) + ". "


def _width_mm(text, size):
    """A rough width of Times New Roman text: capitals 0.68 em, spaces 0.25, others 0.5."""
    ems = sum(0.25 if ch == " " else 0.68 if ch.isupper() else 0.5 for ch in text)
    return ems * size * 25.4 / 72


def _wrap(text, size, width_mm):
    """A name too long for its column breaks where its two lines balance, not at the end."""
    words = text.split()
    if "\n" in text or len(words) < 2 or _width_mm(text, size) <= width_mm:
        return text
    best = min(range(1, len(words)), key=lambda i: abs(2 * len(" ".join(words[:i])) - len(text)))
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def _element(tag, text=None, **attrs):
    """<w:tag w:key="value">text</w:tag>; the key `space` is xml:space."""
    element = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        element.set(qn("xml:space" if key == "space" else f"w:{key}"), value)
    element.text = text
    return element


def _run(paragraph, text, look):
    """A run of `text` in the look, at the end of the paragraph (a line feed becomes a line
    break): the element python-docx's `add_run` and font setters make, written at once."""
    text = nfc(text)
    try:
        element = parse_xml(
            f'<w:r xmlns:w="{_W}">{_run_properties(look)}{_run_content(text)}</w:r>'.encode()
        )
    except etree.XMLSyntaxError:  # a character XML cannot hold: python-docx says which
        return _slow_run(paragraph, text, look)
    paragraph._p.append(element)
    return Run(element, paragraph)


def _slow_run(paragraph, text, look):
    run = paragraph.add_run(text)
    run.font.size = Pt(look.size)
    run.font.bold, run.font.italic = look.bold or None, look.italic or None
    run.font.underline = look.underline or None
    return run


def _para(container, text, look, align=_CENTRE, before=0, space_after=0):
    """A plain paragraph in the body or a cell; `before`: points above, or True: new page."""
    paragraph = None
    if hasattr(container, "_tc"):
        first = container.paragraphs[0]
        if len(container.paragraphs) == 1 and not first.runs and first._p.pPr is None:
            paragraph = first
    paragraph = paragraph or container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment, fmt.space_after = align, Pt(space_after)
    if before is True:
        fmt.page_break_before = True
    elif before:
        fmt.space_before = Pt(before)
    if text:
        _run(paragraph, text, look)
    else:  # an empty line of the look's height
        fmt.line_spacing, fmt.line_spacing_rule = Pt(look.size), WD_LINE_SPACING.EXACTLY
    return paragraph


def _rule(container, length_mm, width_mm):
    """A centred horizontal line: an empty 2 pt paragraph with a top border."""
    paragraph = container.add_paragraph()
    border = _element("pBdr")
    border.append(_element("top", val="single", sz="6", color="000000"))
    paragraph._p.get_or_add_pPr().append(border)  # first child: spacing and ind follow it
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm(max(0.0, (width_mm - length_mm) / 2))
    fmt.space_before, fmt.space_after = Pt(4), Pt(0)
    fmt.line_spacing, fmt.line_spacing_rule = Pt(2), WD_LINE_SPACING.EXACTLY


def _boxed(container, text):
    """A bold word in a thin box at the right edge (a draft's "DỰ THẢO"): a run border,
    which Word and LibreOffice draw tight around the text."""
    paragraph = _para(container, f" {text} ", _Look(13, bold=True), align=_RIGHT, space_after=6)
    border = _element("bdr", val="single", sz="8", color="000000")
    border.set(qn("w:space"), "0")  # w:space, not the xml:space that _element means by it
    paragraph.runs[0]._r.get_or_add_rPr().append(border)  # after b and sz: the schema's order
    return paragraph


def _table(doc, row_count, widths_mm, style=None):
    """A centred, fixed-layout table; with no style, no borders and no padding (layout)."""
    table = doc.add_table(rows=row_count, cols=len(widths_mm))
    table.alignment, table.autofit = WD_TABLE_ALIGNMENT.CENTER, False
    for column, mm in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(mm)  # w:tblGrid, which LibreOffice follows rather than the cells
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(mm)
    if style:
        table.style = doc.styles[style]
        return table
    margins = _element("tblCellMar")
    margins.extend(_element(edge, w="0", type="dxa") for edge in ("left", "right"))
    table._tbl.tblPr.find(qn("w:tblLook")).addprevious(margins)  # the schema's order
    return table


def _mark_row(row, header):
    """Rows never split across pages; header rows repeat at the top of each page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_element("cantSplit"))
    if header:
        tr_pr.append(_element("tblHeader"))


def _fill_row(row, values, look, widths_mm, aligns, header):
    _mark_row(row, header)
    for column, (cell, value) in enumerate(zip(row.cells, values, strict=False)):
        cell.width = Mm(widths_mm[column])
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if value is None or value is MERGE_LEFT or value is MERGE_UP:
            continue
        number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        text = format_number(value) if number else str(value)
        _para(cell, text, look, align=aligns[column] or (_RIGHT if number else _LEFT))


# ---------------------------------------------------------------- body rows, fast
#
# An annex of 168 communes × 9 indicators is thousands of cells; python-docx builds each
# cell's paragraph, run and properties element by element (about 2 ms a cell). The body
# rows are written instead as the XML that `_fill_row` would make — the same elements,
# attributes and order (tests/conferences/test_consolidation_docx.py compares the two) —
# and parsed once per table; runs likewise.

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CELL_ALIGN = {_CENTRE: "center", _LEFT: "left", _RIGHT: "right"}
_BREAKS = re.compile(r"(\t|\r|\n)")


def _twips(mm):
    return ST_TwipsMeasure.convert_to_xml(Mm(mm))


def _run_content(text):
    """<w:t>, <w:tab/> and <w:br/> as python-docx's run text setter makes them: a tab is a
    tab, each carriage return or line feed a break, the text between them one <w:t>."""
    out = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{space}>{xml_escape(piece)}</w:t>")
    return "".join(out)


def _run_properties(look):
    bold = "<w:b/>" if look.bold else ""
    italic = "<w:i/>" if look.italic else ""
    size = f'<w:sz w:val="{ST_HpsMeasure.convert_to_xml(Pt(look.size))}"/>'
    underline = '<w:u w:val="single"/>' if look.underline else ""
    return f"<w:rPr>{bold}{italic}{size}{underline}</w:rPr>"


def _cell_xml(value, width, align, look, run_properties):
    head = f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/><w:vAlign w:val="center"/></w:tcPr>'
    if value is None or value is MERGE_LEFT or value is MERGE_UP:
        return head + "<w:p/></w:tc>"
    number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    text = format_number(value) if number else str(value)
    jc = _CELL_ALIGN[align or (_RIGHT if number else _LEFT)]
    if not text:  # an empty line of the look's height, as `_para` makes it
        line = ST_SignedTwipsMeasure.convert_to_xml(Pt(look.size))
        spacing = f'<w:spacing w:after="0" w:line="{line}" w:lineRule="exact"/>'
        return f'{head}<w:p><w:pPr>{spacing}<w:jc w:val="{jc}"/></w:pPr></w:p></w:tc>'
    run = f"<w:r>{run_properties}{_run_content(nfc(text))}</w:r>"
    paragraph = f'<w:p><w:pPr><w:spacing w:after="0"/><w:jc w:val="{jc}"/></w:pPr>{run}</w:p>'
    return head + paragraph + "</w:tc>"


def _append_rows(table, rows, look, widths_mm, aligns):
    """The body rows, as `_fill_row(table.add_row(), …)` would add them one by one."""
    if not rows:
        return
    widths = [_twips(mm) for mm in widths_mm]
    run_properties = _run_properties(look)
    parts = [f'<w:tbl xmlns:w="{_W}">']
    for values in rows:
        cells = []
        for column, width in enumerate(widths):
            if column < len(values):
                cells.append(_cell_xml(values[column], width, aligns[column], look, run_properties))
            else:  # python-docx's new cell: the grid's width, an empty paragraph
                tc_pr = f'<w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>'
                cells.append(f"<w:tc>{tc_pr}<w:p/></w:tc>")
        parts.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")
    parts.append("</w:tbl>")
    try:
        fragment = parse_xml("".join(parts).encode("utf-8"))
    except etree.XMLSyntaxError:  # a character XML cannot hold: python-docx says which
        for values in rows:
            _fill_row(table.add_row(), values, look, widths_mm, aligns, False)
        return
    tbl = table._tbl
    for tr in list(fragment):
        tbl.append(tr)


def _merge_header(table, header_rows):
    for r, values in enumerate(header_rows):
        for c, value in enumerate(values):
            if value is MERGE_LEFT and c > 0:
                table.cell(r, c - 1).merge(table.cell(r, c))
            elif value is MERGE_UP and r > 0:
                table.cell(r - 1, c).merge(table.cell(r, c))


def _set_fonts(r_pr):
    """Times New Roman in all four font slots; a theme font would win over them in Word."""
    fonts = r_pr.get_or_add_rFonts()
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), FONT)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)


def _set_up_styles(doc):
    styles = doc.styles
    for fonts in list(styles.element.iter(qn("w:rFonts"))):  # every style and the defaults
        _set_fonts(fonts.getparent())
    for language in styles.element.iter(qn("w:lang")):  # the defaults say en-US
        language.set(qn("w:val"), LANGUAGE)
    normal = styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.append(_element("lang", val=LANGUAGE))  # the last child of rPr
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    body = styles["Body Text"]
    _body_format(body)
    for level in (1, 2, 3):
        heading = styles[f"Heading {level}"]
        heading.base_style = body
        _body_format(heading)
        heading.paragraph_format.space_before, heading.paragraph_format.keep_with_next = Pt(6), True
        heading.font.bold, heading.font.italic = True, level == 3
        heading.font.color.rgb = RGBColor(0, 0, 0)  # and without the theme's blue:
        for theme in ("themeColor", "themeShade", "themeTint"):
            heading.element.rPr.find(qn("w:color")).attrib.pop(qn(f"w:{theme}"), None)


def _body_format(style):
    _set_fonts(style.element.get_or_add_rPr())
    style.font.size = Pt(BODY_PT)
    fmt = style.paragraph_format
    fmt.alignment, fmt.first_line_indent = WD_ALIGN_PARAGRAPH.JUSTIFY, FIRST_LINE
    fmt.left_indent = fmt.right_indent = fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15  # at least single, at most 1.5 lines


def _set_up_section(section, landscape, first):
    """A4 in the orientation, the margins, and the page number in the top margin.

    Only the document's very first page goes without a number: an annex section's first
    page is page 3 or 7 and shows it, so "different first page" is for the first section.
    """
    short, long_ = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    section.header_distance = section.footer_distance = Mm(10)
    section.different_first_page_header_footer = first
    if first:
        section.first_page_header.is_linked_to_previous = False  # an explicit empty one
    section.header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = _CENTRE
    fields = (
        _element("fldChar", fldCharType="begin"),
        _element("instrText", " PAGE ", space="preserve"),
        _element("fldChar", fldCharType="separate"),
        _element("t", "2"),
        _element("fldChar", fldCharType="end"),
    )
    for part in fields:
        _run(paragraph, "", _Look())._r.append(part)


def _set_properties(doc, issuer, kind_label, subject):
    props = doc.core_properties
    props.title, props.subject = nfc(" ".join(subject.split())), nfc(kind_label)
    props.author = props.last_modified_by = nfc(issuer.name)
    props.language, props.comments, props.keywords = LANGUAGE, "", ""
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    props.created = props.modified = now
    props.revision = 1
