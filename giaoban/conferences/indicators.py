"""What a report's indicator may be computed from in the conferences' follow-up tasks (chỉ
tiêu tính từ nhiệm vụ sau hội nghị): the number of tasks a unit did in the window.

Registered as `core.registry.indicator_sources` by `ConferencesConfig.ready()`; the reports
app asks by key and never imports this module. A task is done when its status is done
(reported by the unit's leader) or accepted, on its `done_on` day — the task-tracking
matrix's own rule (`tasks.met_on`). A value counts the unit's OWN tasks (its unit id),
never its subtree's: the report's roll-up adds the subtree up.
"""

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from giaoban.conferences.forms_tasks import UNIT
from giaoban.conferences.models import Task
from giaoban.conferences.tasks import DONE, DONE_STATES
from giaoban.core import registry


def done(unit_ids, start, end, params):
    """{unit id: its own tasks done from start to end}."""
    rows = (
        Task.objects.filter(
            unit_id__in=list(unit_ids),
            status__in=DONE_STATES,
            done_on__gte=start,
            done_on__lte=end,
        )
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
    )
    return {row["unit_id"]: row["n"] for row in rows}


def link(unit, start, end, params):
    """The unit's own tasks done (the list has no window of days: every done task)."""
    query = {"tab": UNIT, "unit": unit.code, "owner": unit.code, "only": "1", "standing": DONE}
    return f"{reverse('conferences:tasks')}?{urlencode(query)}"


TASKS_DONE = registry.IndicatorSource(
    key="conferences.tasks_done",
    label=_("Số nhiệm vụ sau hội nghị đơn vị đã thực hiện trong kỳ"),
    group=_("Nhiệm vụ sau hội nghị giao ban"),
    compute=done,
    link=link,
    order=30,
)


def register():
    registry.indicator_sources.register(TASKS_DONE)
