"""The recipients of a document as .xlsx (bảng theo dõi thực hiện văn bản).

Sheet 1, one row per recipient unit in the user's scope, in the tree's order: the unit,
its level, and for each obligation the document asks for (quán triệt, kế hoạch triển
khai, báo cáo kết quả) the deadline, the date of the record that met it and the status
in words (`obligations.STATUS_LABELS`). Sheet 2, the same per subtree: for the units
directly below the viewer's node (the issuing unit, or the viewer's own unit when the
document came from above), how many of their recipients did each and how they stand.

Dates are Excel dates shown dd/mm/yyyy; counts are numbers. Everything is computed from
the recipient rows at the moment of export, as the document's page computes it.
"""

from dataclasses import replace

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from giaoban.core.scope import VIEW, can, role_paths
from giaoban.documents import obligations
from giaoban.documents.models import Recipient
from giaoban.documents.services import status_label
from giaoban.exports.xlsx import (
    BAND,
    CODE,
    COUNT,
    DEMO_NOTE,
    HEAD,
    HEAD_LEFT,
    HEAD_SMALL,
    INT_FORMAT,
    LINE,
    NOTE,
    TEXT,
    TITLE,
    TOTAL,
    Sheet,
    Style,
    pages_wide,
    workbook_bytes,
)
from giaoban.units.models import Unit

DATE_FORMAT = "dd/mm/yyyy"
DATE = Style(halign="center", number_format=DATE_FORMAT)
STATUS = {
    obligations.ON_TIME: Style(color="1E6B32", wrap=True),
    obligations.LATE: Style(color="8A5A00", wrap=True),
    obligations.PENDING: Style(wrap=True),
    obligations.OVERDUE: Style(bold=True, color="9C0006", fill="FBE3E4", wrap=True),
}
GROUP = Style(bold=True, border=False)
SUMMARY_COLUMNS = 5  # done, of which on time, late, pending, overdue


def in_scope(document, user):
    """The document's recipients the user may see, in path order, with unit and level."""
    return list(
        Recipient.objects.restrict(user, VIEW)
        .filter(document=document)
        .select_related("unit__level")
        .order_by("path")
    )


def summary_nodes(document, user):
    """The units whose subtrees sheet 2 sums up: the issuing unit for those who see it,
    otherwise the user's own outermost units."""
    if can(user, VIEW, document.unit):
        return [document.unit]
    paths = role_paths(user, VIEW)
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


def _heading(document, count, today, generated_at):
    kind = document.kind.name
    if document.is_draft:
        title = _("Theo dõi thực hiện: %(kind)s (dự thảo)") % {"kind": kind}
    else:
        title = _("Theo dõi thực hiện %(kind)s số %(symbol)s") % {
            "kind": kind,
            "symbol": document.symbol,
        }
    lines = [(title, TITLE), (_("Trích yếu: %(s)s") % {"s": document.subject}, LINE)]
    issued = _("Cơ quan ban hành: %(body)s") % {"body": document.issuer.name}
    if document.issue_date:
        issued += _(", ngày %(d)s") % {"d": document.issue_date.strftime("%d/%m/%Y")}
    status = status_label(document, today)
    lines.append((_("%(issued)s. %(status)s.") % {"issued": issued, "status": status}, LINE))
    if document.is_draft:
        lines.append((_("Văn bản chưa ban hành nên chưa có đơn vị nhận."), LINE))
    else:
        lines.append(
            (
                _("Đơn vị nhận thuộc phạm vi của đồng chí: %(n)s đơn vị.")
                % {"n": f"{count:,}".replace(",", ".")},
                LINE,
            )
        )
    lines.append(
        (
            _("Tình trạng tính đến ngày %(day)s; lập lúc %(at)s từ dữ liệu của giaoban.")
            % {"day": today.strftime("%d/%m/%Y"), "at": f"{generated_at:%d/%m/%Y %H:%M}"},
            NOTE,
        )
    )
    if document.is_demo or settings.DEMO:
        lines.append((_("Bản trình diễn: văn bản và số liệu trong tệp là giả lập."), DEMO_NOTE))
    return lines


def _recipients_sheet(wb, document, rows, asked, heading, today):
    widths = [12, 40, 22] + [12, 14, 24] * len(asked)
    band = len(heading) + 2
    sheet = Sheet(
        wb, _("Đơn vị nhận"), widths, f"D{band + 2}", fit_pages_wide=pages_wide(widths, 200)
    )
    for text, style in heading:
        sheet.add([(text, style)])
    sheet.add([])
    first = [(_("Mã đơn vị"), HEAD), (_("Đơn vị"), HEAD_LEFT), (_("Cấp"), HEAD)]
    second = [(None, HEAD), (None, HEAD_LEFT), (None, HEAD)]
    spans = []
    for n, o in enumerate(asked):
        start = 4 + 3 * n
        first += [(str(o.label), BAND), (None, BAND), (None, BAND)]
        second += [(_("Hạn"), HEAD_SMALL), (_("Ngày thực hiện"), HEAD_SMALL)]
        second += [(_("Tình trạng"), HEAD_SMALL)]
        spans.append((start, start + 2))
    top = sheet.add(first, merge=spans)
    sheet.add(second, height=30)
    for column in (1, 2, 3):  # the unit's columns span both header rows
        letter = get_column_letter(column)
        sheet.ws.merged_cells.add(f"{letter}{top}:{letter}{top + 1}")
    for r in rows:
        cells = [(r.unit.code, CODE), (r.unit.name, TEXT), (r.unit.level.name, TEXT)]
        for s in obligations.standings(document, r, today):
            cells += [(s.deadline, DATE), (s.met_on, DATE), (str(s.label), STATUS[s.status])]
        sheet.add(cells)
    if not rows and not document.is_draft:
        sheet.add([(None, TEXT), (_("Không có đơn vị nhận nào thuộc phạm vi của đồng chí."), TEXT)])
    if not asked and not document.is_draft:
        sheet.add([(_("Văn bản không giao hạn quán triệt, triển khai hay báo cáo."), NOTE)])
    sheet.finish(title_rows=f"{top}:{top + 1}", title_cols="A:B", protect=False)


def _summary_sheet(wb, document, rows, asked, nodes, heading, today):
    widths = [12, 40, 12] + [11] * SUMMARY_COLUMNS * len(asked)
    sheet = Sheet(
        wb, _("Tổng hợp theo đơn vị"), widths, None, fit_pages_wide=pages_wide(widths, 200)
    )
    for text, style in heading[:3]:
        sheet.add([(text, style)])
    data = [(r.unit_id, r.path, r.disseminated_on, r.plan_on, r.results_on) for r in rows]
    head_rows = []
    total_style = replace(TOTAL, number_format=INT_FORMAT)
    for node in nodes:
        within = [row for row in data if row[1].startswith(node.path)]
        if not within:
            continue
        total, groups = obligations.summary(document, node.path, today, rows=within)
        sheet.add([])
        sheet.add([(_("Các đơn vị nhận thuộc %(unit)s") % {"unit": node.name}, GROUP)])
        first = [(_("Mã đơn vị"), HEAD), (_("Đơn vị và các đơn vị cấp dưới"), HEAD_LEFT)]
        first.append((_("Số đơn vị nhận"), HEAD))
        second = [(None, HEAD), (None, HEAD_LEFT), (None, HEAD)]
        spans = []
        for n, o in enumerate(asked):
            start = 4 + SUMMARY_COLUMNS * n
            first += [(str(o.label), BAND)] + [(None, BAND)] * (SUMMARY_COLUMNS - 1)
            second += [
                (_("Đã thực hiện"), HEAD_SMALL),
                (_("Đúng hạn"), HEAD_SMALL),
                (_("Muộn hạn"), HEAD_SMALL),
                (_("Chưa thực hiện, còn hạn"), HEAD_SMALL),
                (_("Quá hạn"), HEAD_SMALL),
            ]
            spans.append((start, start + SUMMARY_COLUMNS - 1))
        top = sheet.add(first, merge=spans)
        sheet.add(second, height=45)
        head_rows.append(top)
        for column in (1, 2, 3):
            letter = get_column_letter(column)
            sheet.ws.merged_cells.add(f"{letter}{top}:{letter}{top + 1}")
        keys = [o.key for o in asked]
        for group in groups:
            unit = group.unit or node
            name = (
                unit.name if group.unit else _("%(unit)s (bản thân đơn vị)") % {"unit": node.name}
            )
            cells = [(unit.code, CODE), (name, TEXT), (group.recipients, COUNT)]
            for _key, *counts in group.cells(keys):
                cells += [(count, COUNT) for count in counts]
            sheet.add(cells)
        cells = [(node.code, TOTAL), (_("Cộng"), TOTAL), (total.recipients, total_style)]
        for _key, *counts in total.cells(keys):
            cells += [(count, total_style) for count in counts]
        sheet.add(cells)
    if not head_rows:
        sheet.add([])
        sheet.add([(_("Chưa có đơn vị nhận nào để tổng hợp."), NOTE)])
    sheet.finish(title_rows=None, protect=False)


def recipients_workbook(document, user, today=None, generated_at=None):
    """The .xlsx bytes of the recipients' table of `document` as `user` may see it."""
    today = today or timezone.localdate()
    generated_at = timezone.localtime(generated_at or timezone.now())
    rows = in_scope(document, user) if not document.is_draft else []
    asked = obligations.asked(document)
    heading = _heading(document, len(rows), today, generated_at)
    wb = Workbook(write_only=True)
    _recipients_sheet(wb, document, rows, asked, heading, today)
    _summary_sheet(wb, document, rows, asked, summary_nodes(document, user), heading, today)
    return workbook_bytes(wb)


def filename(document):
    base = document.symbol.replace("/", "-") if document.symbol else f"du-thao-{document.pk}"
    return f"{base}_noi-nhan.xlsx"
