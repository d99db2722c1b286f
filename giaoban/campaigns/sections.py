"""The campaigns' section of the consolidated report (registry.report_sections):
"Kết quả thực hiện các đợt sinh hoạt chính trị".

For the consolidating unit and the period's window: every launched campaign the unit takes
part in (launched by it or by a unit above it, on the tree of the campaign's first day)
that runs in the window — started by the day the report counts to and not ended before
the window opens. For each, from `progress.compute` as of that day and nothing else: its
title and plan, the unit's own requirements met of those that apply, its units below that
have something to do complete of how many (and lagging), and how the requirements of the
whole subtree stand in the task-tracking matrix. Campaigns launched by units below are
theirs to report on, in their own reports.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.campaigns import progress
from giaoban.campaigns.models import Campaign
from giaoban.core.due import LATE, ON_TIME, OVERDUE, PENDING, STANDING_LABELS
from giaoban.core.formatting import format_number
from giaoban.core.paths import ancestor_paths
from giaoban.core.registry import ReportSection
from giaoban.units import history

TITLE = gettext_lazy("Kết quả thực hiện các đợt sinh hoạt chính trị")
ORDER = (ON_TIME, LATE, PENDING, OVERDUE)


def campaigns_in(unit, start, as_of):
    """The launched campaigns concerning `unit` that run between `start` and `as_of`, with
    the unit's path on each one's first day (campaigns it was not part of are left out)."""
    rows = (
        Campaign.objects.filter(
            status=Campaign.Status.LAUNCHED,
            path__in=ancestor_paths(unit.path),
            start__lte=as_of,
            end__gte=start,
        )
        .select_related("plan")
        .order_by("start", "pk")
    )
    out = []
    for campaign in rows:
        path = history.paths_on(campaign.start).get(unit.pk)
        if path is not None:
            out.append((campaign, path))
    return out


def plan_label(campaign):
    plan = campaign.plan
    return plan.symbol or plan.subject


def _fraction(done, of):
    return f"{format_number(done)}/{format_number(of)}"


def _sentence(campaign, own, total, as_of):
    """ "<title> (kế hoạch …, từ ngày … đến ngày …), tính đến ngày …: …" — counts only."""
    head = _(
        "%(title)s (kế hoạch %(plan)s, từ ngày %(start)s đến ngày %(end)s), tính đến ngày %(day)s"
    ) % {
        "title": campaign.title,
        "plan": plan_label(campaign),
        "start": f"{campaign.start:%d/%m/%Y}",
        "end": f"{campaign.end:%d/%m/%Y}",
        "day": f"{as_of:%d/%m/%Y}",
    }
    if own is not None and own.applicable:
        parts = [
            _("đơn vị đã thực hiện %(met)s yêu cầu áp dụng cho đơn vị")
            % {"met": _fraction(own.met, own.applicable)}
        ]
    else:
        parts = [_("không có yêu cầu nào áp dụng cho đơn vị")]
    if total.below:
        parts.append(
            _("%(complete)s đơn vị cấp dưới hoàn thành, %(lagging)s đơn vị chậm tiến độ")
            % {
                "complete": _fraction(total.complete, total.below),
                "lagging": format_number(total.lagging),
            }
        )
    s = total.standings
    parts.append(
        _(
            "toàn đơn vị có %(on_time)s lượt yêu cầu thực hiện đúng hạn, %(late)s thực hiện "
            "muộn, %(pending)s chưa thực hiện còn hạn, %(overdue)s quá hạn"
        )
        % {
            "on_time": format_number(s[ON_TIME]),
            "late": format_number(s[LATE]),
            "pending": format_number(s[PENDING]),
            "overdue": format_number(s[OVERDUE]),
        }
    )
    return f"{head}: " + "; ".join(parts) + "."


def section(unit, period, as_of):
    """The ReportSection of the campaigns for `unit` over `period` (None: none ran)."""
    start, end = period.start, min(period.end, as_of)
    found = campaigns_in(unit, start, end)
    if not found:
        return None
    paragraphs, rows, data = [], [], {}
    for campaign, path in found:
        result = progress.compute(campaign, end, within=path)
        total, _groups, own = result.summary(path)
        paragraphs.append(_sentence(campaign, own, total, end))
        own_cell = _fraction(own.met, own.applicable) if own and own.applicable else "—"
        below_cell = _fraction(total.complete, total.below) if total.below else "—"
        rows.append(
            [
                f"{campaign.title} ({plan_label(campaign)})",
                own_cell,
                below_cell,
                *(total.standings[s] for s in ORDER),
            ]
        )
        data[str(campaign.pk)] = {
            "own": [own.met, own.applicable] if own else [0, 0],
            "below": [total.complete, total.below, total.lagging],
            "standings": [total.standings[s] for s in ORDER],
        }
    header = [
        _("Đợt sinh hoạt chính trị (kế hoạch)"),
        _("Yêu cầu của đơn vị đã thực hiện"),
        _("Đơn vị cấp dưới hoàn thành"),
        *(str(STANDING_LABELS[s]) for s in ORDER),
    ]
    return ReportSection(
        key="campaigns",
        title=str(TITLE),
        paragraphs=paragraphs,
        table=(header, rows),
        data=data,
        url=reverse("campaigns:index"),
    )
