"""The activity log's section of the consolidated report (registry.report_sections):
activities and participants per kind over the unit's subtree in the period's window,
read from the tally — the figures of the totals page and the dashboard panel."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.activities import panels
from giaoban.core.formatting import format_number
from giaoban.core.registry import ReportSection

TITLE = gettext_lazy("Các hoạt động giáo dục chính trị tư tưởng, văn hóa, thể thao, dân vận")


def section(unit, period, as_of):
    """None when the subtree recorded nothing in the window."""
    start, end = period.start, min(period.end, as_of)
    kinds, total = panels.kind_rows(unit, start, end)
    if not total.activities:
        return None
    rows = [
        [kind.name, t.activities, t.party_members, t.officers, t.others, t.participants]
        for kind, t in kinds
        if t.activities
    ]
    rows.append(
        [
            _("Cộng"),
            total.activities,
            total.party_members,
            total.officers,
            total.others,
            total.participants,
        ]
    )
    header = [
        _("Loại hoạt động"),
        _("Số hoạt động"),
        _("Lượt đảng viên"),
        _("Lượt cán bộ, chiến sĩ"),
        _("Lượt người khác"),
        _("Tổng lượt người"),
    ]
    text = _(
        "Từ ngày %(start)s đến ngày %(end)s, toàn đơn vị (kể cả các đơn vị trực thuộc) ghi "
        "nhận %(n)s hoạt động với %(p)s lượt người tham gia, theo nhật ký hoạt động:"
    ) % {
        "start": f"{start:%d/%m/%Y}",
        "end": f"{end:%d/%m/%Y}",
        "n": format_number(total.activities),
        "p": format_number(total.participants),
    }
    data = {kind.code: [t.activities, t.party_members, t.officers, t.others] for kind, t in kinds}
    return ReportSection(
        key="activities",
        title=str(TITLE),
        paragraphs=[text],
        table=(header, rows),
        data=data,
        url=panels.totals_url(unit, start, end),
    )
