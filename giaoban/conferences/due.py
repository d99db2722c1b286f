"""The conferences' part of the home page's list of what is due (registry.due).

- Tasks given to the user's units, and to the units directly below, that are not done:
  within the deadline or overdue, nearest deadline first, in the documents' matrix.
- Papers (tham luận) the user's units were invited to send and have not sent, while the
  conference is not over.
- Tasks reported done, awaiting the decision of a leader of the assigning unit.
- For each of the user's units and each conference, one line saying how many units
  directly below have not finished its tasks, linking to the task list filtered so.

A few flat queries whatever the number of tasks: the owed tasks of the anchors and their
children in one, the invited participants in one, the awaiting ones in one.
"""

import functools
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from giaoban.conferences import tasks as task_rules
from giaoban.conferences.models import Conference, Paper, Participant, Task
from giaoban.core import due, roles
from giaoban.core.due import Awaiting, DueContribution, DueItem, DueSummary
from giaoban.core.scope import VIEW
from giaoban.units import history

AWAITING_CAP = due.AWAITING_CAP


def _item(task, own, today):
    s = task_rules.standing(task, today)
    detail = task.conclusion.conference.title
    if task.status == Task.Status.RETURNED:
        detail = f"{detail} · {Task.Status.RETURNED.label}"
    return DueItem(
        kind=_("Nhiệm vụ sau hội nghị"),
        title=task.title,
        detail=detail,
        unit=task.unit,
        own=own,
        deadline=task.deadline,
        timing=task_rules.timing(task, today),
        status_label=str(due.STANDING_LABELS[s]),
        status_css=due.STANDING_CSS[s],
        url=task_rules.url(task),
        sort_key=(2,),
    )


def _summaries(anchors, below, owed, today):
    """One line per anchor and conference whose tasks some unit directly below still owes:
    "Bộ Công an: 3/34 đơn vị trực thuộc chưa hoàn thành nhiệm vụ sau Hội nghị …"."""
    owing = {}  # (anchor id, conference id) -> [units owing, units overdue, conference]
    for task in owed:
        if task.unit_id not in below:
            continue
        conference = task.conclusion.conference
        key = (below[task.unit_id].pk, conference.pk)
        row = owing.setdefault(key, [set(), set(), conference])
        row[0].add(task.unit_id)
        if task.deadline < today:
            row[1].add(task.unit_id)
    if not owing:
        return []
    given = (
        Task.objects.filter(
            conclusion__conference_id__in={c for _a, c in owing}, unit_id__in=list(below)
        )
        .values_list("conclusion__conference_id", "unit__parent_id")
        .annotate(n=Count("unit_id", distinct=True))
        .order_by()
    )
    totals = {(parent, conference): n for conference, parent, n in given}
    by_id = {a.pk: a for a in anchors}
    out = []
    for (anchor_id, conference_id), (units, late, conference) in sorted(
        owing.items(), key=lambda pair: (by_id[pair[0][0]].path, pair[1][2].date, pair[0][1])
    ):
        text = _(
            "%(anchor)s: %(owing)s/%(total)s đơn vị trực thuộc chưa hoàn thành nhiệm vụ sau "
            "%(conference)s"
        ) % {
            "anchor": by_id[anchor_id].short_name,
            "owing": len(units),
            "total": totals.get((anchor_id, conference_id), len(units)),
            "conference": conference.title[:1].lower() + conference.title[1:],
        }
        query = urlencode(
            {"unit": by_id[anchor_id].code, "conference": conference_id, "standing": "owed"}
        )
        out.append(
            DueSummary(text=text, overdue=len(late), url=f"{reverse('conferences:tasks')}?{query}")
        )
    return out


def _papers(user, own_ids, today):
    sent = Paper.objects.filter(conference=OuterRef("conference"), unit=OuterRef("unit"))
    rows = (
        Participant.objects.restrict(user, VIEW)
        .filter(
            unit_id__in=own_ids,
            paper_invited=True,
            conference__papers_due__isnull=False,
            conference__status__in=(Conference.Status.PREPARING, Conference.Status.OPEN),
        )
        .exclude(Exists(sent))
        .select_related("unit", "conference")
    )
    out = []
    for p in rows:
        deadline = p.conference.papers_due
        timing = due.timing(deadline, None, today, verb=_("gửi"))
        out.append(
            DueItem(
                kind=_("Tham luận hội nghị"),
                title=p.conference.title,
                detail=_("Hạn gửi tham luận"),
                unit=p.unit,
                own=True,
                deadline=deadline,
                timing=timing,
                status_label=timing.label,
                status_css=timing.css,
                url=reverse("conferences:conference", kwargs={"pk": p.conference_id}),
                sort_key=(3,),
            )
        )
    return out


def _awaiting(user, today):
    leader_ids = [h.unit_id for h in roles.held(user) if h.role == roles.LEADER]
    if not leader_ids:
        return [], 0
    rows = (
        Task.objects.restrict(user, VIEW)
        .filter(assigner_id__in=leader_ids, status=Task.Status.DONE)
        .select_related("unit", "conclusion__conference")
        .order_by("deadline", "pk")
    )
    shown = list(rows[:AWAITING_CAP])
    total = rows.count() if len(shown) == AWAITING_CAP else len(shown)
    out = [
        Awaiting(
            kind=_("Nhiệm vụ chờ nghiệm thu"),
            title=t.title,
            detail=t.conclusion.conference.title,
            unit=t.unit,
            since=t.updated_at,
            url=task_rules.url(t),
            timing=task_rules.timing(t, today),
            sort_key=(t.deadline, n),
        )
        for n, t in enumerate(shown)
    ]
    return out, total


def contribution(user, anchors, today):
    """What the user's units and the units directly below owe on the conferences' tasks
    and papers, and the tasks awaiting the user's acceptance (registry.due)."""
    out = DueContribution(awaiting_url=reverse("conferences:tasks") + "?tab=assigned&status=done")
    if anchors:
        own_ids = {a.pk for a in anchors}
        below = {}
        for anchor in anchors:
            for child_id in history.child_ids_on(anchor.pk, today):
                below.setdefault(child_id, anchor)
        for pk in own_ids:
            below.pop(pk, None)  # an anchor below another anchor counts as the user's own
        owed = list(
            Task.objects.restrict(user, VIEW)
            .filter(
                unit_id__in=[*own_ids, *below],
                status__in=(Task.Status.OPEN, Task.Status.RETURNED),
            )
            .select_related("unit", "conclusion__conference")
            .order_by("deadline", "path")
        )
        # The home page shows a few of the units below' tasks: only those are built.
        out.items = [
            _item(task, True, today)
            if task.unit_id in own_ids
            else due.Deferred(
                functools.partial(_item, task, False, today),
                deadline=task.deadline,
                sort_key=(2,),
                unit=task.unit,
                title=task.title,
                own=False,
            )
            for task in owed
        ]
        out.items.extend(_papers(user, own_ids, today))
        out.summaries = _summaries(anchors, below, owed, today)
        out.own_expected = Task.objects.filter(unit_id__in=own_ids).count()
    out.awaiting, out.awaiting_total = _awaiting(user, today)
    return out
