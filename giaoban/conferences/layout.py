"""The consolidated report as Word (.docx), in its official layout, from a snapshot.

A party body's report follows Hướng dẫn 36-HD/VPTW, a command's Nghị định 30/2020, through
`exports.docx.OfficialDocument` with the issuing body's header as the register holds it:
"Số …-BC/…" (dotted, and marked "DỰ THẢO", until it is issued), place and date, "BÁO
CÁO" and the subject line, then:

- the paragraphs before the first heading (the unit's own words), and who reported:
  "x/y đơn vị đã gửi báo cáo", the others named;
- one numbered heading per narrative part of the form; under each, its paragraphs in
  order — the unit's own words as they are, each excerpt led by the unit it comes from
  and numbered to the sources annex. The first part also gets the main figures (this
  period, the previous one, the same period last year, the changes) and the sections
  other apps compiled from their records;
- the signing block ("T/M ĐẢNG ỦY", the name left blank) and "Nơi nhận";
- annexes on landscape pages, each from a new page: every indicator with its comparisons;
  each indicator per direct child with the total (in groups of COLUMNS_PER_ANNEX columns,
  what each group's codes mean above it: a province's 168 communes stay readable); the
  sources of the excerpts (unit, part, version, date sent; the report named above).

The issuing body's names are broken where they read best when too long for the masthead's
column (`issuer_of`); the print view shows the same.

Nothing is written that is not in the snapshot: no figure typed by hand, no sentence that
is neither the unit's own nor an attributed excerpt.
"""

import datetime
from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from giaoban.core import uploads
from giaoban.core.formatting import format_percent
from giaoban.documents import public as documents
from giaoban.exports.docx import DRAFT_MARK, MERGE_UP, PARTY, OfficialDocument

KIND, KIND_ABBR = "Báo cáo", "BC"
COLUMNS_PER_ANNEX = 9  # indicators per table of the per-child annex (landscape A4)


def _dec(value):
    return None if value is None else Decimal(value)


def _pct(value):
    return format_percent(Decimal(value)) if value is not None else ""


def demo_note(consolidation):
    if settings.DEMO or consolidation.is_demo:
        return _("(Bản trình diễn: số liệu trong văn bản là số liệu giả lập.)")
    return None


def submitted_line(snapshot):
    sub = snapshot["submitted"]
    line = _("%(sent)s/%(expected)s đơn vị đã gửi báo cáo") % {
        "sent": sub["sent"],
        "expected": sub["expected"],
    }
    if sub["missing"]:
        names = ", ".join(f"{m['name']} ({m['status'].lower()})" for m in sub["missing"])
        return _("%(line)s; chưa gửi: %(names)s.") % {"line": line, "names": names}
    return line + "."


def _write_paragraphs(doc, paragraphs):
    for p in paragraphs:
        if p["kind"] == "own":
            for line in p["text"].split("\n"):
                if line.strip():
                    doc.paragraph(line.strip())
        else:
            doc.attributed(f"{p['source']['unit']['name']}:", p["text"], f"[{p['n']}]")


def _main_figures(doc, snapshot):
    rows = [f for f in snapshot["figures"] if f["main"]] or snapshot["figures"][:10]
    if not rows:
        return
    doc.heading(_("Một số chỉ tiêu chủ yếu"), level=2)
    head = [
        [
            _("Chỉ tiêu"),
            _("Đơn vị tính"),
            _("Kỳ này"),
            _("Kỳ trước"),
            _("So sánh (%)"),
            _("Cùng kỳ năm trước"),
            _("So sánh (%)"),
        ]
    ]
    body = [
        [
            f["name"],
            f["unit_of_measure"],
            _dec(f["value"]),
            _dec(f["previous"]),
            _pct(f["vs_previous"]),
            _dec(f["last_year"]),
            _pct(f["vs_last_year"]),
        ]
        for f in rows
    ]
    doc.table(
        head,
        body,
        widths=[55, 18, 19, 19, 17, 20, 17],
        align=["left", "center", "right", "right", "right", "right", "right"],
        size=11,
    )
    for note in snapshot["basis_notes"]:
        doc.paragraph(note, italic=True)
    doc.paragraph(
        _("Số liệu chi tiết theo từng chỉ tiêu và từng đơn vị: các phụ lục kèm theo."),
        italic=True,
    )


def _records(doc, snapshot):
    for record in snapshot["records"]:
        doc.heading(record["title"], level=2)
        for line in record["paragraphs"]:
            doc.paragraph(line)
        if record["table"]:
            header = record["table"]["header"]
            widths = [60] + [(165 - 60) / (len(header) - 1)] * (len(header) - 1)
            doc.table([header], record["table"]["rows"], widths=widths, size=11)


def _annex_figures(doc, snapshot, number):
    head = [
        [
            _("TT"),
            _("Mã"),
            _("Chỉ tiêu"),
            _("Đơn vị tính"),
            _("Kỳ này"),
            _("Kỳ này, cùng đơn vị"),
            _("Kỳ trước"),
            _("So sánh (%)"),
            _("Cùng kỳ năm trước"),
            _("So sánh (%)"),
        ]
    ]
    rows = [
        [
            n,
            f["code"],
            f["name"],
            f["unit_of_measure"],
            _dec(f["value"]),
            _dec(f["base_value"]),
            _dec(f["previous"]),
            _pct(f["vs_previous"]),
            _dec(f["last_year"]),
            _pct(f["vs_last_year"]),
        ]
        for n, f in enumerate(snapshot["figures"], start=1)
    ]
    title = _(
        "Phụ lục %(n)s\nSỐ LIỆU TỔNG HỢP %(period)s, SO SÁNH VỚI %(previous)s VÀ %(last)s"
    ) % {
        "n": number,
        "period": snapshot["period"]["label"].upper(),
        "previous": snapshot["period"]["previous"].upper(),
        "last": snapshot["period"]["last_year"].upper(),
    }
    doc.table(
        head,
        rows,
        widths=[10, 16, 78, 22, 22, 24, 22, 20, 24, 20],
        landscape=True,
        title=title,
        align=["center", "center", "left", "center"],
        size=10,
    )


def _annex_children(doc, snapshot, number):
    """Each indicator per direct child, with the total: COLUMNS_PER_ANNEX indicators a table
    (a province's 168 communes run over a few landscape pages, the header repeated on each),
    every table on a new page with what its codes mean above it."""
    figures = snapshot["figures"]
    children = snapshot["children"]
    if not children or not figures:
        return
    groups = [figures[i : i + COLUMNS_PER_ANNEX] for i in range(0, len(figures), COLUMNS_PER_ANNEX)]
    for g, group in enumerate(groups, start=1):
        title = _("Phụ lục %(n)s\nSỐ LIỆU CỦA CÁC ĐƠN VỊ TRỰC THUỘC %(period)s") % {
            "n": number,
            "period": snapshot["period"]["label"].upper(),
        }
        if len(groups) > 1:
            title += _(" (phần %(g)s/%(all)s)") % {"g": g, "all": len(groups)}
        legend = "; ".join(f"{f['code']}: {f['name']} ({f['unit_of_measure']})" for f in group)
        head = [
            [_("TT"), _("Đơn vị")] + [f"{f['code']}" for f in group],
            [MERGE_UP, MERGE_UP] + [f["unit_of_measure"] for f in group],
        ]
        rows = [
            [n, child["name"], *(_dec(child["values"].get(f["code"])) for f in group)]
            for n, child in enumerate(children, start=1)
        ]
        rows.append(["", _("Cộng"), *(_dec(f["value"]) for f in group)])
        fixed = 10 + 62
        rest = (267 - fixed) / len(group)
        doc.page_break()
        doc.table(
            head,
            rows,
            widths=[10, 62] + [rest] * len(group),
            landscape=True,
            title=title,
            note=_("Mã chỉ tiêu — %(legend)s.") % {"legend": legend},
            align=["center", "left"],
            size=9,
        )


def _annex_sources(doc, snapshot, number):
    """Each excerpt's source: the unit, the part of its report, the version it sent and when
    (the report — the form and period — is the same for all, named above the table)."""
    if not snapshot["sources"]:
        return
    rows = [
        [f"[{s['n']}]", s["unit"]["name"], s["field_title"], s["version"], sent_text(s["sent_at"])]
        for s in snapshot["sources"]
    ]
    doc.page_break()
    doc.table(
        [[_("Số"), _("Đơn vị"), _("Phần của báo cáo"), _("Phiên bản"), _("Gửi lúc")]],
        rows,
        widths=[16, 112, 79, 24, 36],
        landscape=True,
        title=_("Phụ lục %(n)s\nNGUỒN CÁC ĐOẠN TRÍCH BÁO CÁO CỦA ĐƠN VỊ TRỰC THUỘC")
        % {"n": number},
        note=sources_note(snapshot),
        align=["center", "left", "left", "center", "center"],
        size=10,
    )


def sources_note(snapshot):
    return _(
        "Các đoạn trích lấy nguyên văn từ “%(form)s” %(period)s của từng đơn vị, theo phiên bản "
        "đơn vị đã gửi."
    ) % {"form": snapshot["form"]["name"], "period": _lower_first(snapshot["period"]["label"])}


def _lower_first(text):
    return text[:1].lower() + text[1:]


def sent_text(value):
    """A source's "sent at" (ISO in the snapshot) as dd/mm/yyyy hh:mm."""
    if not value:
        return ""
    return datetime.datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")


# Where a name may break: not inside "Công an", "Trung ương", "Đảng ủy", "Chi bộ", "Đảng bộ".
_KEEP_WITH_NEXT = {"công", "trung", "đảng", "chi"}


def _width_mm(text, size, bold):
    """The width of upper-case Times New Roman text, a little generous (bold capitals are
    about 0.72 em wide, diacritics do not narrow them)."""
    ems = sum(
        0.25 if ch == " " else (0.74 if bold else 0.70) if ch.isalpha() else 0.5 for ch in text
    )
    return ems * size * 25.4 / 72


def _fit(name, size, width_mm, bold):
    """`name` with a line break where its two lines balance best, when it is too wide for
    its column in capitals, or near to (a break already in it is kept)."""
    if not name or "\n" in name or _width_mm(name.upper(), size, bold) <= 0.9 * width_mm:
        return name
    words = name.split()
    breaks = [i for i in range(1, len(words)) if words[i - 1].lower() not in _KEEP_WITH_NEXT]
    if not breaks:
        return name

    def widest(i):
        first, second = " ".join(words[:i]), " ".join(words[i:])
        return max(_width_mm(first.upper(), size, bold), _width_mm(second.upper(), size, bold))

    best = min(breaks, key=widest)
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def issuer_of(consolidation):
    """The issuing body's header as the register holds it, its long names broken where
    they read best (the Word file and the print view)."""
    issuer = documents.issuer(consolidation.unit, consolidation.body)
    if issuer.layout == PARTY:
        size, width = 14, 82
    else:
        size, width = 13, 72
    return replace(
        issuer,
        name=_fit(issuer.name, size, width, bold=True),
        superior=_fit(issuer.superior, size, width, bold=False),
    )


def printed_sections(snapshot):
    """The narrative parts a report prints, in order: the first always (it carries the
    figures and the records' sections), the others when they hold a paragraph — a heading
    with nothing under it is left out, and the headings are numbered as they print."""
    sections = snapshot["sections"] or [
        {"code": "", "title": _("Kết quả đạt được"), "paragraphs": []}
    ]
    return [s for n, s in enumerate(sections) if n == 0 or s["paragraphs"]]


def render(consolidation, snapshot, document=None):
    """The .docx bytes; `document` is the register's issued document (number and date)."""
    issuer = issuer_of(consolidation)
    number = document.number if document is not None else None
    day = document.issue_date if document is not None else None
    doc = OfficialDocument(
        issuer,
        KIND,
        KIND_ABBR,
        snapshot["subject"],
        number=number,
        date=day,
        note=demo_note(consolidation),
        mark=None if document is not None else DRAFT_MARK,
    )
    _write_paragraphs(doc, snapshot["opening"])
    doc.paragraph(submitted_line(snapshot))
    for n, section in enumerate(printed_sections(snapshot)):
        doc.heading(section["title"].upper())
        _write_paragraphs(doc, section["paragraphs"])
        if n == 0:
            _main_figures(doc, snapshot)
            _records(doc, snapshot)
    doc.sign(
        snapshot["signer_title"],
        snapshot["signer_position"],
        recipients=snapshot["recipients"],
    )
    _annex_figures(doc, snapshot, 1)
    _annex_children(doc, snapshot, 2)
    _annex_sources(doc, snapshot, 3)
    return doc.to_bytes()


def file_name(consolidation, document=None):
    symbol = f"-so-{document.number:02d}" if document is not None else "-du-thao"
    return f"bao-cao-tong-hop-{consolidation.unit.code}-{consolidation.period_key}{symbol}.docx"


def as_upload(consolidation, snapshot, document):
    """The issued report's .docx as a checked upload for the register's attachments."""
    upload = ContentFile(
        render(consolidation, snapshot, document), name=file_name(consolidation, document)
    )
    return upload, uploads.check(upload)


def plain_text(snapshot):
    """The report's text for the register (searchable): paragraphs and compiled sections."""
    lines = [p["text"] for p in snapshot["opening"]]
    lines.append(submitted_line(snapshot))
    for section in snapshot["sections"]:
        lines.append(section["title"].upper())
        for p in section["paragraphs"]:
            if p["kind"] == "own":
                lines.append(p["text"])
            else:
                lines.append(f"{p['source']['unit']['name']}: {p['text']} [{p['n']}]")
    for record in snapshot["records"]:
        lines.append(record["title"])
        lines.extend(record["paragraphs"])
    return "\n".join(lines)
