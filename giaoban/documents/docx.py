"""A document as Word (.docx) in its official layout (thể thức văn bản).

A party body's document (`IssuingBody.body == PARTY`) follows Hướng dẫn 36-HD/VPTW: the
issuing body top left with "*" under it, "ĐẢNG CỘNG SẢN VIỆT NAM" top right, "Số
15-NQ/ĐU", place and date in italics, the kind and the subject line, the body, the
signing authority ("T/M BAN THƯỜNG VỤ") and "Nơi nhận" with "Lưu Văn phòng …". A
command's document follows Nghị định 30/2020 ("Số: 12/KH-CAT", the national header,
"Nơi nhận:" ending "Lưu: VT."). Both come from `exports.docx.OfficialDocument`.

Nothing is added that the document does not hold: a draft (dự thảo, in review too) is
printed with a dotted number and date and marked "DỰ THẢO"; the signer's name stays
blank (the register keeps the signing authority only); "Nơi nhận" names the recipients'
rule in words, or the units chosen (a few, then "…"). Demo documents carry a note that
they are synthetic.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from giaoban.documents.models import PARTY, Document, Recipient
from giaoban.exports.docx import DRAFT_MARK, Issuer, OfficialDocument

MAX_NAMED = 4  # units named in "Nơi nhận"; beyond that the first ones and "…"
R = Document.Rule


def demo_note():
    return _("(Văn bản trình diễn: số, ký hiệu và nội dung là giả lập, không phải văn bản thật.)")


def issuer_of(document):
    body = document.issuer
    return Issuer(
        layout=body.body,
        superior=body.superior,
        name=body.name,
        symbol=body.symbol,
        place=document.place or body.place,
    )


def _named_units(document):
    """Names of the units chosen one by one (the recipients once issued), in path order."""
    if document.is_draft:
        units = document.explicit_units.order_by("path")
        return list(units.values_list("name", flat=True)[: MAX_NAMED + 1])
    rows = Recipient.objects.filter(document=document).order_by("path")
    return list(rows.values_list("unit__name", flat=True)[: MAX_NAMED + 1])


def _rule_words(document):
    """The recipients as the rule says them, in the words of the issuer's layout."""
    party = document.issuer.body == PARTY
    unit = document.unit
    rule = document.recipient_rule
    if rule == R.CHILDREN:
        return _("Các cấp ủy, chi bộ trực thuộc") if party else _("Các đơn vị trực thuộc")
    if rule == R.LEVEL and document.recipient_level is not None:
        level = document.recipient_level.name
        if party:
            return _("Các cấp ủy, chi bộ %(level)s") % {"level": level}
        return _("%(level)s thuộc %(unit)s") % {"level": level, "unit": unit.name}
    if party:
        return _("Các tổ chức đảng thuộc Đảng bộ %(unit)s") % {"unit": unit.name}
    return _("Các đơn vị thuộc %(unit)s") % {"unit": unit.name}


def _filing_line(document):
    """ "Lưu Văn phòng Đảng ủy." (HD 36) or "Lưu: VT." (Nghị định 30)."""
    if document.issuer.body != PARTY:
        return _("Lưu: VT.")
    if document.issuer.name.startswith("Chi bộ"):
        return _("Lưu Chi bộ.")
    return _("Lưu Văn phòng Đảng ủy.")


def recipients_lines(document):
    """The lines under "Nơi nhận": the recipients, then where the original is kept."""
    sep = "," if document.issuer.body == PARTY else ";"
    if document.recipient_rule == R.EXPLICIT:
        names = _named_units(document)
        lines = [f"{name}{sep}" for name in names[:MAX_NAMED]]
        if len(names) > MAX_NAMED:
            lines.append(f"…{sep}")
    else:
        lines = [f"{_rule_words(document)}{sep}"]
    return [*lines, _filing_line(document)]


def signing(document):
    """(authority, position) of the signing block: the document's signing authority, its
    second line (if it has one) the post; a default authority when none was entered."""
    lines = [line.strip() for line in (document.signer_title or "").splitlines() if line.strip()]
    if lines:
        return lines[0], " ".join(lines[1:])
    name = document.issuer.name
    if document.issuer.body == PARTY:
        if name.startswith("Chi bộ"):
            return _("T/M CHI BỘ"), ""
        if name.startswith("Đảng ủy"):
            return _("T/M ĐẢNG ỦY"), ""
        return _("T/M BAN THƯỜNG VỤ"), ""
    return _("THỦ TRƯỞNG ĐƠN VỊ"), ""


def _is_heading(line):
    """ "I. …", "II. …": a part heading of the text, printed bold."""
    head, dot, _rest = line.partition(". ")
    return bool(dot) and head and set(head) <= set("IVXL")


def document_docx(document):
    """The .docx bytes of `document` (with its issuer, unit, kind and recipient level)."""
    draft = document.is_draft
    doc = OfficialDocument(
        issuer_of(document),
        document.kind.name,
        document.kind.abbreviation,
        document.subject,
        number=None if draft else document.number,
        date=None if draft else document.issue_date,
        note=demo_note() if (document.is_demo or settings.DEMO) else None,
        mark=DRAFT_MARK if draft else None,
    )
    lines = [line.strip() for line in (document.body_text or "").splitlines() if line.strip()]
    for line in lines:
        if _is_heading(line):
            doc.paragraph(line, bold=True)
        else:
            doc.paragraph(line)
    if not lines:
        doc.paragraph(_("(Văn bản chưa có nội dung.)"), italic=True)
    authority, position = signing(document)
    doc.sign(authority, position, recipients=recipients_lines(document))
    return doc.to_bytes()


def filename(document):
    """ "15-NQ-ĐU.docx" for an issued document, "du-thao-42.docx" for a draft."""
    if document.is_draft or not document.symbol:
        return f"du-thao-{document.pk}.docx"
    return document.symbol.replace("/", "-") + ".docx"
