"""The conferences' section of the consolidated report (registry.report_sections):
"Kết quả thực hiện kết luận hội nghị kỳ trước" — how the tasks of the previous period's
conferences stand, as of the day the report counts to: those the unit's own conference
gave to the units below (per conclusion), and those it was given from above."""

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giaoban.conferences import tasks as task_rules
from giaoban.conferences.models import Task
from giaoban.core import due, periods
from giaoban.core.due import LATE, ON_TIME, OVERDUE, PENDING, STANDING_LABELS
from giaoban.core.formatting import format_number
from giaoban.core.registry import ReportSection

TITLE = gettext_lazy("Kết quả thực hiện kết luận hội nghị kỳ trước")
ORDER = (ON_TIME, LATE, PENDING, OVERDUE)


def _standing(task, as_of):
    met = task_rules.met_on(task)
    return due.standing(task.deadline, met if met and met <= as_of else None, as_of)


def _accepted(task, as_of):
    """Accepted by the day counted to (a later acceptance is not known on that day)."""
    return (
        task.status == Task.Status.ACCEPTED
        and task.decided_at is not None
        and timezone.localtime(task.decided_at).date() <= as_of
    )


def _clip(text, n=120):
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def previous_tasks(unit, period, as_of):
    """None when the previous period's conferences gave no task to or from the unit."""
    previous = periods.previous(period)
    given = list(
        Task.objects.filter(assigner=unit, conclusion__conference__period_key=previous.key)
        .select_related("conclusion")
        .order_by("conclusion__conference_id", "conclusion__number", "path")
    )
    received = list(
        Task.objects.filter(unit=unit, conclusion__conference__period_key=previous.key)
        .select_related("assigner")
        .order_by("deadline", "pk")
    )
    if not given and not received:
        return None
    paragraphs, rows, data = [], [], {"given": {}, "received": {}}
    if given:
        per = defaultdict(lambda: defaultdict(int))
        texts, accepted, total = {}, defaultdict(int), defaultdict(int)
        for t in given:
            key = t.conclusion_id
            texts[key] = f"{t.conclusion.number}. {_clip(t.conclusion.text)}"
            per[key][_standing(t, as_of)] += 1
            accepted[key] += _accepted(t, as_of)
            total[key] += 1
        sums = defaultdict(int)
        for key, text in texts.items():
            rows.append([text, total[key], *(per[key][s] for s in ORDER), accepted[key]])
            for s in ORDER:
                sums[s] += per[key][s]
            data["given"][str(key)] = [total[key], *(per[key][s] for s in ORDER), accepted[key]]
        paragraphs.append(
            _(
                "Hội nghị giao ban %(previous)s giao %(n)s nhiệm vụ cho các đơn vị; tính đến ngày "
                "%(day)s: %(on_time)s hoàn thành đúng hạn, %(late)s hoàn thành muộn, %(pending)s "
                "đang thực hiện trong hạn, %(overdue)s quá hạn; %(accepted)s đã được nghiệm thu."
            )
            % {
                "previous": str(previous.label)[:1].lower() + str(previous.label)[1:],
                "n": format_number(len(given)),
                "day": as_of.strftime("%d/%m/%Y"),
                "on_time": format_number(sums[ON_TIME]),
                "late": format_number(sums[LATE]),
                "pending": format_number(sums[PENDING]),
                "overdue": format_number(sums[OVERDUE]),
                "accepted": format_number(sum(accepted.values())),
            }
        )
    for t in received:
        s = _standing(t, as_of)
        data["received"][str(t.pk)] = s
        paragraphs.append(
            _("Nhiệm vụ %(assigner)s giao: %(title)s (hạn %(d)s) — %(standing)s.")
            % {
                "assigner": t.assigner.name,
                "title": _clip(t.title),
                "d": t.deadline.strftime("%d/%m/%Y"),
                "standing": str(STANDING_LABELS[s]).lower(),
            }
        )
    header = [
        _("Kết luận"),
        _("Số đơn vị được giao"),
        *(str(STANDING_LABELS[s]) for s in ORDER),
        _("Đã nghiệm thu"),
    ]
    return ReportSection(
        key="conference_tasks",
        title=str(TITLE),
        paragraphs=paragraphs,
        table=(header, rows) if rows else None,
        data=data,
        url=reverse("conferences:tasks"),
    )
