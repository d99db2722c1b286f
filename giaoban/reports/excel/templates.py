"""Excel templates to fill in (mẫu nhập liệu): one unit's report laid out like the paper
form, or one row per unit of a subtree; both pre-filled with what the reports hold.
"""

from dataclasses import replace

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from giaoban.core import periods, scope
from giaoban.exports.xlsx import (
    BAND,
    CENTER,
    CODE,
    DEMO_NOTE,
    HEAD,
    HEAD_LEFT,
    HEAD_SMALL,
    INPUT,
    INPUT_TEXT,
    LINE,
    NOTE,
    REF,
    TEXT,
    TITLE,
    Sheet,
    number_style,
    pages_wide,
    workbook_bytes,
)
from giaoban.reports import computed, services
from giaoban.reports.excel.shape import (
    DEMO_TEXT,
    EDITABLE,
    NARRATIVES_PER_PAGE,
    SENT,
    SUBTREE,
    UNIT,
    Entries,
    FormShape,
    base_meta,
    entries_of,
    unit_name,
    with_levels,
    write_meta,
)
from giaoban.reports.models import Report, ReportValue
from giaoban.reports.workflow import deadline_for, reports_on
from giaoban.units import history
from giaoban.units.models import Unit


def template_units(form, period, node, user):
    """(units for a subtree template, units left out because their report was sent).

    The units of `node`'s subtree as it stood at the period's end that report on the
    form for the period and that `user` may enter data for, in tree order.
    """
    form = with_levels(form)
    path = services.node_path(node, period)
    if path is None:
        return [], []
    paths = history.paths_on(period.end)
    level_ids = list(form.levels.values_list("id", flat=True))
    candidates = Unit.objects.filter(level_id__in=level_ids).active_on(period.end)
    units = [
        u
        for u in candidates.select_related("level").order_by()
        if paths.get(u.pk, "").startswith(path)
        and reports_on(form, u, period)
        and scope.can(user, scope.CHANGE, u)
    ]
    units.sort(key=lambda u: paths[u.pk])
    sent = set(
        Report.objects.filter(
            form=form, period_key=period.key, unit_id__in=[u.pk for u in units], status__in=SENT
        ).values_list("unit_id", flat=True)
    )
    return [u for u in units if u.pk not in sent], [u for u in units if u.pk in sent]


def computed_cells(shape, form, period, unit_ids):
    """({unit id: {code: the records' value now}}, computed codes): what a template shows
    for the indicators computed from the records — except where the report keeps its own
    figure (an override, or a report already sent)."""
    pairs = computed.computed_of(shape.indicators)
    codes = {ind.code for ind, _source in pairs}
    if not codes:
        return {}, codes
    now = computed.live(pairs, unit_ids, period.start, period.end)
    kept = ReportValue.objects.filter(
        report__form=form,
        report__period_key=period.key,
        report__unit_id__in=list(unit_ids),
        indicator__code__in=codes,
    ).filter(~Q(override_reason="") | ~Q(report__status__in=EDITABLE))
    for uid, code in kept.values_list("report__unit_id", "indicator__code"):
        now[uid].pop(code, None)
    return now, codes


def computed_note(codes):
    return _(
        "Các chỉ tiêu %(codes)s được tính tự động từ hồ sơ của chính đơn vị trong kỳ (ô nền "
        "xám): số liệu theo hồ sơ lúc tải mẫu, không ghi từ tệp; muốn báo cáo số khác, sửa ở "
        "trang nhập báo cáo và ghi lý do."
    ) % {"codes": ", ".join(sorted(codes))}


def unit_template(form, period, unit):
    """One unit's report laid out like the paper form; returns the .xlsx bytes."""
    shape = FormShape.of(form, period)
    entries = entries_of(form, period.key, [unit.pk]).get(unit.pk, Entries())
    live, computed_codes = computed_cells(shape, form, period, [unit.pk])
    entries.values.update(live.get(unit.pk, {}))
    prev_period = periods.previous(period)
    previous = entries_of(form, prev_period.key, [unit.pk], SENT).get(unit.pk, Entries())
    deadline = deadline_for(form, unit.level, period)
    preamble = [
        (shape.title(), TITLE, 22),
        (unit_name(unit), LINE, None),
        (
            _("Kỳ báo cáo %(window)s; hạn gửi %(deadline)s; %(version)s.")
            % {
                "window": shape.window(),
                "deadline": f"{deadline:%d/%m/%Y}",
                "version": shape.version_label(),
            },
            LINE,
            None,
        ),
        (
            _(
                "Hướng dẫn: nhập số liệu vào cột “Số liệu kỳ này” và nội dung thuyết minh vào các "
                "ô nền vàng ở cuối; không sửa cột “Mã” và không xóa trang ẩn của tệp. Tải tệp lên "
                "ở trang “Nhập số liệu từ Excel” của đơn vị."
            ),
            replace(NOTE, wrap=True),
            30,
        ),
    ]
    if entries.status and entries.status not in EDITABLE:
        preamble.append(
            (
                _(
                    "Báo cáo kỳ này đang ở trạng thái “%(status)s”: tệp chỉ để tham khảo, "
                    "tải lên sẽ không ghi đè."
                )
                % {"status": Report.Status(entries.status).label},
                DEMO_NOTE,
                None,
            )
        )
    if computed_codes:
        preamble.append((computed_note(computed_codes), replace(NOTE, wrap=True), 30))
    if settings.DEMO or entries.is_demo or previous.is_demo:
        preamble.append((_(DEMO_TEXT), DEMO_NOTE, None))
    header = len(preamble) + 1
    wb = Workbook(write_only=True)
    sheet = Sheet(wb, _("Báo cáo"), [6, 9, 62, 13, 15, 15], f"A{header + 1}", fit_pages_wide=1)
    for text, style, height in preamble:
        sheet.add([(text, style)] + [(None, style)] * 5, height=height, merge=[(1, 6)])
    heads = [_("Mục"), _("Mã"), _("Chỉ tiêu"), _("Đơn vị tính")]
    heads += [_("Số liệu kỳ này"), _("Kỳ trước (tham khảo)")]
    sheet.add([(h, HEAD) for h in heads], height=32)
    for section, indicators, narratives in shape.sections:
        if narratives and not indicators:
            sheet.break_page()  # the narrative parts start a page of their own
        band = [(section.number, BAND), (None, BAND), (section.title, BAND)]
        sheet.add(band + [(None, BAND)] * 3, merge=[(3, 6)])
        for n, ind in enumerate(indicators, start=1):
            whole, own = ind.value_type == "int", ind.code in computed_codes
            row = sheet.add(
                [
                    (n, CENTER),
                    (ind.code, CODE),
                    (ind.name, TEXT),
                    (ind.unit_of_measure, CENTER),
                    (entries.values.get(ind.code), number_style(REF if own else INPUT, whole)),
                    (previous.values.get(ind.code), number_style(REF, whole)),
                ],
                height=30 if len(ind.name) > 75 else None,
            )
            if not own:
                shape.validate(sheet, ind, f"E{row}")
        for n, nar in enumerate(narratives, start=1):
            if n > 1 and n % NARRATIVES_PER_PAGE == 1:
                sheet.break_page()  # a title never ends a page without its box
            title = nar.title + (" " + _("(bắt buộc)") if nar.required else "")
            title_row = [(n, CENTER), (None, TEXT), (title, replace(TEXT, bold=True))]
            sheet.add(title_row + [(None, TEXT)] * 3, merge=[(3, 6)])
            text = entries.texts.get(nar.code) or None
            text_row = [(None, TEXT), (nar.code, CODE), (text, INPUT_TEXT)]
            sheet.add(text_row + [(None, INPUT_TEXT)] * 3, height=_box_height(text), merge=[(3, 6)])
    sheet.add([])
    note = _("Cột “Kỳ trước” lấy từ báo cáo đã gửi hoặc đã chấp nhận kỳ %(p)s của đơn vị.")
    sheet.add([(note % {"p": prev_period.label}, NOTE)])
    sheet.finish(title_rows=f"{header}:{header}")
    sheet.ws.print_options.horizontalCentered = True
    codes = [i.code for i in shape.indicators] + [n.code for n in shape.narratives]
    meta = base_meta(shape, UNIT, unit, sheet.title)
    meta.update(first_row=header + 1, code_col="B", value_col="E", text_col="C")
    write_meta(wb, {**meta, "codes": ",".join(codes)})
    return workbook_bytes(wb)


def _box_height(text, chars_per_line=110, line=14.5):
    """Points for a narrative box: room to write, and room for what is already written
    (Excel does not grow a row of merged cells by itself; it stops at 409 points)."""
    lines = sum(1 + len(part) // chars_per_line for part in (text or "").split("\n"))
    return min(409, max(112, line * (lines + 1)))


def subtree_template(form, period, node, units, sent=()):
    """One row per unit of `units` (see template_units); returns the .xlsx bytes."""
    shape = FormShape.of(form, period)
    entries = entries_of(form, period.key, [u.pk for u in units], EDITABLE)
    live, computed_codes = computed_cells(shape, form, period, [u.pk for u in units])
    columns = [*shape.indicators, *shape.narratives]
    preamble = [
        (shape.title(), TITLE),
        (
            unit_name(node)
            + " — "
            + _("%(n)s đơn vị thuộc diện báo cáo, mỗi đơn vị một dòng") % {"n": len(units)},
            LINE,
        ),
        (
            _("Kỳ báo cáo %(window)s; %(version)s.")
            % {"window": shape.window(), "version": shape.version_label()},
            LINE,
        ),
        (
            _(
                "Hướng dẫn: nhập số liệu vào các ô nền vàng trên dòng của từng đơn vị; dòng để "
                "trống hoàn toàn được bỏ qua khi tải lên. Không sửa hàng mã chỉ tiêu, cột mã "
                "đơn vị và không xóa trang ẩn của tệp."
            ),
            NOTE,
        ),
    ]
    if sent:
        listed = ", ".join(u.code for u in sent[:30]) + (" …" if len(sent) > 30 else "")
        preamble.append(
            (
                _(
                    "%(n)s đơn vị đã gửi hoặc đã được chấp nhận báo cáo kỳ này nên không có "
                    "trong mẫu: %(codes)s."
                )
                % {"n": len(sent), "codes": listed},
                NOTE,
            )
        )
    if computed_codes:
        preamble.append((computed_note(computed_codes), NOTE))
    if settings.DEMO or any(e.is_demo for e in entries.values()):
        preamble.append((_(DEMO_TEXT), DEMO_NOTE))
    band = len(preamble) + 1
    code_row, first_row = band + 1, band + 4
    widths = [12, 34] + [12] * len(shape.indicators) + [40] * len(shape.narratives)
    wb = Workbook(write_only=True)
    sheet = Sheet(
        wb, _("Số liệu các đơn vị"), widths, f"C{first_row}", fit_pages_wide=pages_wide(widths)
    )
    for text, style in preamble:
        sheet.add([(text, style)])
    cells, spans = shape.band([(_("Đơn vị"), BAND), (None, BAND)])
    sheet.add(cells, merge=[(1, 2), *spans])
    code_head = replace(HEAD, size=10)
    sheet.add(
        [(_("Mã đơn vị"), code_head), (_("Tên đơn vị"), HEAD_LEFT)]
        + [(c.code, code_head) for c in columns]
    )
    required = " " + _("(bắt buộc)")
    sheet.add(
        [(None, HEAD_SMALL), (_("Chỉ tiêu"), HEAD_LEFT)]
        + [(i.name, HEAD_SMALL) for i in shape.indicators]
        + [(n.title + (required if n.required else ""), HEAD_SMALL) for n in shape.narratives],
        height=80,
    )
    sheet.add(
        [(None, HEAD_SMALL), (_("Đơn vị tính"), HEAD_LEFT)]
        + [(i.unit_of_measure, HEAD_SMALL) for i in shape.indicators]
        + [(_("văn bản"), HEAD_SMALL) for _n in shape.narratives]
    )
    styles = [
        number_style(REF if i.code in computed_codes else INPUT, i.value_type == "int")
        for i in shape.indicators
    ]
    for unit in units:
        have = entries.get(unit.pk, Entries())
        have.values.update(live.get(unit.pk, {}))
        sheet.add(
            [(unit.code, CODE), (unit.name, TEXT)]
            + [
                (have.values.get(i.code), st)
                for i, st in zip(shape.indicators, styles, strict=True)
            ]
            + [(have.texts.get(n.code) or None, INPUT_TEXT) for n in shape.narratives]
        )
    last_row = max(first_row, sheet.row)
    for index, ind in enumerate(shape.indicators, start=3):
        if ind.code in computed_codes:
            continue
        letter = get_column_letter(index)
        shape.validate(sheet, ind, f"{letter}{first_row}:{letter}{last_row}")
    sheet.finish(title_rows=f"{band}:{first_row - 1}", title_cols="A:B")
    meta = base_meta(shape, SUBTREE, node, sheet.title)
    meta.update(code_row=code_row, first_row=first_row, unit_col="A", first_col="C")
    write_meta(wb, {**meta, "codes": ",".join(c.code for c in columns), "units": len(units)})
    return workbook_bytes(wb)
