"""The roll-up table of a unit and period as .xlsx (tổng hợp), numbers as numbers."""

from dataclasses import replace

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from giaoban.core import periods
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
    PCT,
    PCT_FORMAT,
    TEXT,
    TITLE,
    TOTAL,
    Sheet,
    Style,
    number_style,
    pages_wide,
    workbook_bytes,
)
from giaoban.reports import rollup, services
from giaoban.reports.excel.shape import DEMO_TEXT, FormShape, unit_name
from giaoban.reports.models import Report

# --------------------------------------------------------------------- roll-up export

MODE_LABELS = {
    rollup.ACCEPTED: gettext_noop("chỉ tính báo cáo đã được cấp trên chấp nhận"),
    rollup.COUNTED: gettext_noop("tính cả báo cáo đã gửi, chưa duyệt"),
}


def mode_label(mode):
    return _(MODE_LABELS[mode])


def rollup_workbook(view, generated_at=None):
    """The roll-up table of `view` (services.rollup_view) as .xlsx bytes; numbers as numbers.

    Header lines (unit, period, window, mode, coverage, when), then one row per direct
    child with every indicator, the node's total, and the previous period and the same
    period last year, each followed by its change in % — all read from `view`.
    """
    generated_at = timezone.localtime(generated_at or timezone.now())
    form, period, node = view.form, view.period, view.node
    shape = FormShape.of(form, period, only=view.indicators)
    indicators = shape.indicators  # the roll-up's own indicators, in the form's order
    prev, last = periods.previous(period), periods.same_period_last_year(period)
    demo = settings.DEMO or (
        Report.objects.filter(
            form=form, period_key__in=[period.key, prev.key, last.key], is_demo=True
        ).exists()
    )
    preamble = [
        (shape.title(_("Tổng hợp %(form)s") % {"form": form.name}), TITLE),
        (unit_name(node), LINE),
        (_("Kỳ báo cáo: %(p)s, %(w)s.") % {"p": period.label, "w": shape.window()}, LINE),
        (_("Số liệu: %(mode)s.") % {"mode": mode_label(view.mode)}, LINE),
        (
            _("Số đơn vị có số liệu: %(x)s/%(y)s đơn vị.")
            % {"x": view.covered, "y": view.expected},
            LINE,
        ),
        (
            _("Lập lúc %(at)s từ số liệu tổng hợp trực tiếp của giaoban.")
            % {"at": f"{generated_at:%d/%m/%Y %H:%M}"},
            NOTE,
        ),
    ]
    if view.node_path is None:
        preamble.append(
            (
                _(
                    "Đơn vị chưa thành lập vào cuối kỳ này: số liệu tính từ các đơn vị tiền thân "
                    "theo tỷ lệ kế thừa."
                ),
                NOTE,
            )
        )
    if demo:
        preamble.append((_(DEMO_TEXT), DEMO_NOTE))
    band = len(preamble) + 1
    widths = [12, 36, 9, 9] + [12] * len(indicators)
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, _("Tổng hợp"), widths, f"E{band + 4}", fit_pages_wide=pages_wide(widths))
    for text, style in preamble:
        sheet.add([(text, style)])
    lead = [(_("Đơn vị"), BAND), (None, BAND), (_("Số đơn vị"), BAND), (None, BAND)]
    cells, spans = shape.band(lead, with_narratives=False)
    sheet.add(cells, merge=[(1, 2), (3, 4), *spans])
    code_head = replace(HEAD, size=10)
    sheet.add(
        [(_("Mã đơn vị"), code_head), (_("Tên đơn vị"), HEAD_LEFT)]
        + [(_("Có số liệu"), HEAD_SMALL), (_("Phải báo cáo"), HEAD_SMALL)]
        + [(i.code, code_head) for i in indicators]
    )
    blank = [(None, HEAD_SMALL)]
    sheet.add(
        blank
        + [(_("Chỉ tiêu"), HEAD_LEFT)]
        + blank * 2
        + [(i.name, HEAD_SMALL) for i in indicators],
        height=80,
    )
    sheet.add(
        blank
        + [(_("Đơn vị tính"), HEAD_LEFT)]
        + blank * 2
        + [(i.unit_of_measure, HEAD_SMALL) for i in indicators]
    )
    plain = [number_style(Style(), i.value_type == "int") for i in indicators]
    for child in view.children:
        sheet.add(
            [(child.unit.code, CODE), (child.unit.name, TEXT)]
            + [(child.covered, COUNT), (child.expected, COUNT)]
            + [(child.values.get(i.code), st) for i, st in zip(indicators, plain, strict=True)]
        )
    bold = [number_style(TOTAL, i.value_type == "int") for i in indicators]
    total_count = replace(TOTAL, number_format=INT_FORMAT)
    sheet.add(
        [(node.code, TOTAL), (_("Tổng cộng %(name)s") % {"name": node.short_name}, TOTAL)]
        + [(view.covered, total_count), (view.expected, total_count)]
        + [(view.totals.get(i.code), st) for i, st in zip(indicators, bold, strict=True)]
    )
    same = _("%(p)s, cùng %(n)s đơn vị")  # the figures of the units compared, not all
    n = view.basis.units
    common, common_last = (b.kind == services.COMMON for b in (view.basis, view.last_year_basis))
    rows = [
        (
            _("Kỳ trước: %(p)s")
            % {"p": same % {"p": prev.label, "n": n} if common else prev.label},
            "shown_previous",
        ),
        (_("So với kỳ trước"), "vs_previous"),
        (
            _("Cùng kỳ năm trước: %(p)s")
            % {"p": same % {"p": last.label, "n": n} if common_last else last.label},
            "shown_last_year",
        ),
        (_("So với cùng kỳ năm trước"), "vs_last_year"),
    ]
    base_label = _("Kỳ này, %(n)s đơn vị so sánh") % {"n": n}
    if common:
        rows.insert(0, (base_label, "base_value"))
    pct = replace(PCT, number_format=PCT_FORMAT)
    for label, attr in rows:
        is_pct = attr.startswith("vs_")
        label_style = PCT if is_pct else TEXT
        values = []
        for i, st in zip(indicators, plain, strict=True):
            value = getattr(view.comparisons[i.code], attr)
            if is_pct:
                values.append((None if value is None else value / 100, pct))
            else:
                values.append((value, st))
        sheet.add([(None, label_style), (label, label_style)] + [(None, label_style)] * 2 + values)
    sheet.add([])
    where = _("các dòng từ “%(label)s” trở xuống") % {"label": base_label}
    for note in services.basis_notes(view, where):
        sheet.add([(note, NOTE)])
    sheet.add(
        [
            (
                _(
                    "“So với …”: tăng (+) hoặc giảm (−) tính theo phần trăm; ô trống là không có "
                    "số liệu để so sánh. Cùng kỳ năm trước của đơn vị mới được tính từ các đơn vị "
                    "tiền thân theo tỷ lệ kế thừa."
                ),
                NOTE,
            )
        ]
    )
    sheet.finish(title_rows=f"{band}:{band + 3}", title_cols="A:B", protect=False)
    return workbook_bytes(wb)
