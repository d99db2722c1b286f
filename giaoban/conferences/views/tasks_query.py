"""The task lists' queries, shared by the pages and the API.

- `listed(user, unit, tab)`: the tasks of `unit`'s subtree ("unit"), or those `unit`
  assigned ("assigned"), as far as the user's scope reaches (`Task.objects.restrict`).
- `narrowed(...)`: the filters — the owing unit's subtree, the standing in the documents'
  matrix (computed in SQL from the deadline and the day it was marked done, never stored),
  the status, the conference, words without diacritics.
- `ordered(...)`: what is still owed first, nearest deadline first; paged in SQL.
- `subtree_rows(...)`: the per-subtree counts (`tasks.tally`, one SQL row per owing unit).

Nothing here loads every task: the ministry's list over 10,000 tasks is two counts, one page
and one grouped count.
"""

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from giaoban.conferences import tasks
from giaoban.conferences.forms_tasks import ASSIGNED
from giaoban.conferences.models import Conference, Task
from giaoban.core import due
from giaoban.core.paths import PATH_SEP, subtree_q
from giaoban.core.scope import VIEW
from giaoban.core.text import fold
from giaoban.units.models import Unit

MAX_WORDS = 12
OWED_FIRST = Case(
    When(status__in=tasks.OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def listed(user, unit, tab):
    """The tasks of the tab for `unit`, in the user's scope."""
    found = Task.objects.restrict(user, VIEW)
    if tab == ASSIGNED:
        return found.filter(assigner=unit)
    return found.filter(subtree_q(unit.path, "path"))


def search(queryset, text):
    """Each word, folded (no diacritics, lower case, đ→d), must occur in the task's title,
    its conference's title or its unit's name. The titles are read once, distinct (a
    conclusion's tasks share theirs), and folded here: no folded column is needed."""
    words = fold(text).split()[:MAX_WORDS]
    if not words:
        return queryset
    titles = set(queryset.order_by().values_list("title", flat=True).distinct())
    conferences = dict(
        queryset.order_by()
        .values_list("conclusion__conference_id", "conclusion__conference__title")
        .distinct()
    )
    folded = {t: fold(t) for t in titles}
    hosts = {pk: fold(t) for pk, t in conferences.items()}
    for word in words:
        queryset = queryset.filter(
            Q(title__in=[t for t, f in folded.items() if word in f])
            | Q(conclusion__conference_id__in=[pk for pk, f in hosts.items() if word in f])
            | Q(unit__search_text__contains=word)
        )
    return queryset


def narrowed(queryset, today, owner=None, standing=None, status=None, conference=None, q=None):
    if owner is not None:
        queryset = queryset.filter(subtree_q(owner.path, "path"))
    if standing:
        queryset = queryset.filter(tasks.standing_q(standing, today))
    if status:
        queryset = queryset.filter(status=status)
    if conference:
        queryset = queryset.filter(conclusion__conference_id=conference)
    if q:
        queryset = search(queryset, q)
    return queryset


def ordered(queryset):
    """The ids, owed first, nearest deadline first, then the tree's order: sorted on the
    task's own columns, without joins; `page_of` loads the page's rows."""
    return queryset.order_by(OWED_FIRST, "deadline", "path", "pk").values_list("pk", flat=True)


def page_of(ids):
    """The tasks of a page of ids, in that order, with what a row shows."""
    ids = list(ids)
    found = Task.objects.select_related(
        "unit", "assigner", "conclusion", "conclusion__conference"
    ).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def conferences_of(queryset):
    """The conferences whose tasks the list holds (the filter's choices), newest first."""
    held = queryset.filter(conclusion__conference=OuterRef("pk"))
    return (
        Conference.objects.filter(Exists(held)).only("pk", "title", "date").order_by("-date", "-pk")
    )


def decorate(rows, today):
    """Attach each task's link, standing, timing and status in words."""
    rows = list(rows)
    labels = {s: str(label) for s, label in due.STANDING_LABELS.items()}
    statuses = {key: str(label) for key, label in Task.Status.choices}
    for t in rows:
        t.url = tasks.url(t)
        t.standing = tasks.standing(t, today)
        t.standing_label = labels[t.standing]
        t.standing_css = due.STANDING_CSS[t.standing]
        t.timing = tasks.timing(t, today)
        t.timing_label = t.timing.label
        t.status_label = statuses[t.status]
        t.conclusion_label = _("Kết luận %(n)s") % {"n": t.conclusion.number}
        t.assigned_by = _("%(unit)s giao") % {"unit": t.assigner.short_name}
    return rows


def subtree_rows(queryset, node, today):
    """(total, rows): the node's tasks counted, and one row per unit directly below it that
    has tasks (the node itself first when it has its own), each a SubtreeTally with its
    `unit` and whether it is the node `itself`."""
    total, groups = tasks.tally(queryset, node.path, today)
    prefix = node.path
    units = {
        u.path: u
        for u in Unit.objects.filter(
            path__in=[f"{prefix}{head}{PATH_SEP}" for head in groups if head]
        )
    }
    rows = []
    for head, tally in groups.items():
        if head:
            tally.unit = units.get(f"{prefix}{head}{PATH_SEP}")
            tally.itself = False
            if tally.unit is None:  # a unit moved since its tasks were given: by code
                tally.unit = Unit.objects.filter(code=head).first()
        else:
            tally.unit, tally.itself = node, True
        if tally.unit is not None:
            rows.append(tally)
    rows.sort(key=lambda t: (not t.itself, t.unit.path))
    return total, rows


def cells(tally):
    """[(standing key, count)] in the matrix's order."""
    return [(s, tally.count(tasks.TASK, s)) for s in due.STANDINGS]
