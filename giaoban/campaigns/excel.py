"""Tiến độ đợt sinh hoạt chính trị as an Excel workbook (exports/xlsx.py).

Every unit of the viewed subtree (the viewed unit first, then in the tree's order), one
row each: its code, name and level, then a column per requirement with its standing in
the task-tracking matrix and the day its record met it (or its deadline), then how many of
the requirements that apply to it are met and where it stands. A cell is left empty where
the requirement does not apply. The last row totals each column: requirements met of those
that apply, done late, overdue (named as the matrix names them); units complete of those
with something to do.

Printed: A4 landscape, the head row and the unit's code and name on every page, as many
pages wide as the requirements need. Rows are given the height their wrapped text needs
(neither Excel nor LibreOffice grows a row of a streamed sheet by itself).
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from giaoban.campaigns import progress
from giaoban.core.due import LATE, ON_TIME, OVERDUE, STANDING_LABELS
from giaoban.core.formatting import format_number
from giaoban.exports.xlsx import (
    CENTER,
    CODE,
    DEMO_NOTE,
    HEAD,
    HEAD_LEFT,
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

CHUNK = 900  # ids per query (SQLite's limit on parameters)
SMALL = Style(size=10, wrap=True)  # a standing and its day on one line of a requirement column
TOTAL_SMALL = Style(bold=True, size=10, fill="EEF1F5", wrap=True, valign="top")
TOTAL_CENTER = Style(bold=True, fill="EEF1F5", halign="center")
# Column widths (Excel's units): TT, code, name, level; each requirement; met, status.
WIDTHS = (5, 10, 32, 21)
REQUIREMENT_WIDTH = 30
TAIL_WIDTHS = (11, 16)
LINE_HEIGHT = 15  # points, one line of 11 pt text
HEAD_HEIGHT = 75  # five lines of a requirement's heading


def _lines(value, width, style):
    """How many lines `value` takes in a column `width` wide (an estimate that errs long)."""
    if value in (None, "") or not style.wrap:
        return 1
    # Times New Roman: about 1.6 characters per unit of width at 10 pt, 1.45 at 11 pt.
    per_line = width * (1.45 if style.size <= 10 else 1.3)
    return sum(max(1, -(-len(part) // int(per_line))) for part in str(value).split("\n"))


def _height(cells, widths):
    """The row height its wrapped cells need, or None for one line."""
    lines = max(_lines(v, w, st) for (v, st), w in zip(cells, widths, strict=False))
    return LINE_HEIGHT * lines if lines > 1 else None


def _units(ids):
    out = {}
    ids = list(ids)
    for i in range(0, len(ids), CHUNK):
        rows = Unit.objects.filter(pk__in=ids[i : i + CHUNK]).values_list(
            "pk", "code", "name", "level__name"
        )
        out.update({pk: (code, name, level) for pk, code, name, level in rows})
    return out


def cell_text(standing, met_on, deadline):
    """ "Đã thực hiện đúng hạn (05/03/2026)"; not done: the deadline."""
    if met_on is not None:
        return f"{STANDING_LABELS[standing]} ({met_on:%d/%m/%Y})"
    return f"{STANDING_LABELS[standing]} ({_('hạn')} {deadline:%d/%m/%Y})"


def requirement_head(n, r):
    return _("YC%(n)s. %(t)s — giai đoạn %(p)s, hạn %(d)s, %(level)s") % {
        "n": n,
        "t": r.title,
        "p": r.phase.number,
        "d": f"{r.phase.end:%d/%m/%Y}",
        "level": (r.level.name if r.level_id else _("mọi đơn vị")).lower(),
    }


def is_demo(campaign):
    return campaign.is_demo or settings.DEMO


HEADING_ROWS = 6  # the rows above the table's head, the demo's note aside


def _heading(sheet, campaign, node, today):
    sheet.add([(_("TIẾN ĐỘ ĐỢT SINH HOẠT CHÍNH TRỊ"), TITLE)])
    sheet.add([(campaign.title, LINE)])
    sheet.add(
        [
            (
                _("Đơn vị phát động: %(unit)s; từ ngày %(s)s đến ngày %(e)s.")
                % {
                    "unit": campaign.unit.name,
                    "s": f"{campaign.start:%d/%m/%Y}",
                    "e": f"{campaign.end:%d/%m/%Y}",
                },
                LINE,
            )
        ]
    )
    sheet.add(
        [
            (
                _("Các đơn vị thuộc %(unit)s, tính đến ngày %(d)s.")
                % {"unit": node.name, "d": f"{today:%d/%m/%Y}"},
                LINE,
            )
        ]
    )
    at = timezone.localtime(timezone.now())
    sheet.add(
        [
            (
                _(
                    "Lập lúc %(at)s từ hồ sơ của giaoban (nhật ký hoạt động, sổ văn bản, báo cáo "
                    "kết quả). Ô trống: yêu cầu không áp dụng cho đơn vị."
                )
                % {"at": f"{at:%d/%m/%Y %H:%M}"},
                NOTE,
            )
        ]
    )
    if is_demo(campaign):
        sheet.add([(_("(Đợt trình diễn: số liệu là giả lập, không phải thật.)"), DEMO_NOTE)])
    sheet.add([])


def progress_xlsx(campaign, result, node, node_path):
    """The workbook (bytes) of `result` (a progress.Progress) over the subtree at
    `node_path` (the node's path on the campaign's first day)."""
    requirements = result.requirements
    rows = sorted(
        (p for p in result.units.values() if p.path.startswith(node_path)),
        key=lambda p: p.path,
    )
    units = _units(p.unit_id for p in rows)
    widths = [*WIDTHS, *[REQUIREMENT_WIDTH] * len(requirements), *TAIL_WIDTHS]
    wb = Workbook(write_only=True)
    head_row = HEADING_ROWS + is_demo(campaign) + 1
    sheet = Sheet(wb, _("Tiến độ"), widths, f"E{head_row + 1}", fit_pages_wide=pages_wide(widths))
    _heading(sheet, campaign, node, result.today)
    heads = [_("TT"), _("Mã đơn vị"), _("Đơn vị"), _("Cấp")]
    heads += [requirement_head(n, r) for n, r in enumerate(requirements, start=1)]
    heads += [_("Yêu cầu đã thực hiện"), _("Tình trạng")]
    top = sheet.add(
        [(h, HEAD_LEFT if n == 2 else HEAD) for n, h in enumerate(heads)], height=HEAD_HEIGHT
    )
    met = {r.pk: [0, 0, 0, 0] for r in requirements}  # applies, met, late, overdue
    complete = concerned = 0
    for n, p in enumerate(rows, start=1):
        code, name, level = units.get(p.unit_id, ("", "", ""))
        cells = [(n, CENTER), (code, CODE), (name, TEXT), (level, SMALL)]
        for r in requirements:
            item = p.items.get(r.pk)
            if item is None:
                cells.append(("", SMALL))
                continue
            standing, met_on = item
            counts = met[r.pk]
            counts[0] += 1
            counts[1] += standing in (ON_TIME, LATE)
            counts[2] += standing == LATE
            counts[3] += standing == OVERDUE
            cells.append((cell_text(standing, met_on, r.phase.end), SMALL))
        applies = p.applicable
        cells.append((f"{p.met}/{applies}" if applies else "", CENTER))
        cells.append((str(progress.UNIT_STATUS_LABELS[p.status]), TEXT))
        concerned += bool(applies)
        complete += p.complete
        sheet.add(cells, height=_height(cells, widths))
    total = _total_row(requirements, met, len(rows), complete, concerned)
    sheet.add(total, height=_height(total, widths))
    sheet.finish(title_rows=f"{top}:{top}", title_cols="A:C", protect=False)
    return workbook_bytes(wb)


def _total_row(requirements, met, units, complete, concerned):
    """The last row: per requirement, met of those that apply, then done late and overdue
    by the matrix's names; units complete of those with something to do."""
    total = [(None, TOTAL), (None, TOTAL), (_("Cộng: %(n)s đơn vị") % {"n": units}, TOTAL)]
    total.append((None, TOTAL))
    for r in requirements:
        applies, done, late, overdue = met[r.pk]
        lines = [
            _("%(done)s/%(applies)s đã thực hiện")
            % {"done": format_number(done), "applies": format_number(applies)},
            f"{STANDING_LABELS[LATE]}: {format_number(late)}",
            f"{STANDING_LABELS[OVERDUE]}: {format_number(overdue)}",
        ]
        total.append(("\n".join(lines), TOTAL_SMALL))
    total.append((f"{format_number(complete)}/{format_number(concerned)}", TOTAL_CENTER))
    status = progress.UNIT_STATUS_LABELS[progress.COMPLETE]
    total.append((f"{status}: {format_number(complete)}", TOTAL))
    return total


def filename(campaign, node):
    return f"tien-do-dot-{campaign.pk}-{node.code}.xlsx"
