"""A unit's report as a Word document (.docx), in the state layout of Decree 30/2020.

The report goes out under the unit's command (its `command_name`, else its name), with
the unit above it as the superior body. Its body is the report itself: for each section
of the form, the indicators with their figures (a table: code, indicator, unit of
measure, figure) and the narrative parts as paragraphs. Nothing is added that the unit
did not enter; the number is left to be written in at signing (the register allocates
numbers when documents are issued), and the signer's name is left blank.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.core.formatting import format_number
from giaoban.exports.docx import STATE, Issuer, OfficialDocument
from giaoban.reports import statuses, workflow

KIND, KIND_ABBR = "Báo cáo", "BC"  # the document kind of Decree 30's appendix


def _issuer(unit, parent):
    name = unit.command_name or unit.name
    superior = (parent.command_name or parent.name) if parent is not None else ""
    place = unit.short_name if parent is not None else "Hà Nội"
    return Issuer(layout=STATE, superior=superior, name=name, symbol=unit.code, place=place)


def _sections(report):
    version = report.version
    values, texts = workflow.current_entries(report)
    indicators, narratives = {}, {}
    for ind in version.indicators.all():
        indicators.setdefault(ind.section_id, []).append(ind)
    for nar in version.narratives.all():
        narratives.setdefault(nar.section_id, []).append(nar)
    for section in version.sections.order_by("order"):
        rows = [
            [ind.code, ind.name, ind.unit_of_measure, format_number(values.get(ind.code))]
            for ind in indicators.get(section.pk, [])
        ]
        parts = [(nar.title, texts.get(nar.code, "")) for nar in narratives.get(section.pk, [])]
        if rows or parts:
            yield section, rows, parts


def report_document(report, today=None):
    """The .docx bytes of `report` (a Report with its form, unit and version)."""
    unit, period = report.unit, report.period
    parent = workflow.parent_unit(report)
    parent = parent if parent.pk != unit.pk else None
    demo = settings.DEMO or report.is_demo
    note = _("(Bản trình diễn: số liệu trong văn bản là số liệu giả lập.)") if demo else None
    subject = _("%(form)s %(period)s") % {"form": report.form.name, "period": period.label}
    doc = OfficialDocument(
        _issuer(unit, parent),
        KIND,
        KIND_ABBR,
        subject,
        date=today or timezone.localdate(),
        note=note,
    )
    doc.paragraph(
        _("Kỳ báo cáo từ ngày %(start)s đến ngày %(end)s. Tình trạng: %(status)s.")
        % {
            "start": period.start.strftime("%d/%m/%Y"),
            "end": period.end.strftime("%d/%m/%Y"),
            "status": statuses.label(report.status),
        },
        italic=True,
    )
    for section, rows, parts in _sections(report):
        doc.heading(section.title)
        if rows:
            head = [[_("Mã"), _("Chỉ tiêu"), _("Đơn vị tính"), _("Số liệu")]]
            doc.table(
                head, rows, widths=[18, 87, 30, 30], align=["center", "left", "center", "right"]
            )
        for title, text in parts:
            doc.heading(title, level=2)
            for paragraph in (text or "").split("\n"):
                if paragraph.strip():
                    doc.paragraph(paragraph.strip())
            if not (text or "").strip():
                doc.paragraph(_("(Đơn vị chưa nhập nội dung.)"), italic=True)
    recipients = [_("Lãnh đạo %(parent)s;") % {"parent": parent.name}] if parent else []
    doc.sign(_("Thủ trưởng đơn vị"), recipients=[*recipients, _("Lưu: VT.")])
    return doc.to_bytes()
