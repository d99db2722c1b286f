"""The task lists' queries, shared by the pages and the API.

- `listed(user, unit, tab)`: the tasks of `unit`'s subtree ("unit"), or those `unit`
  assigned ("assigned"), as far as the user's scope reaches (`Task.objects.restrict`).
- `narrowed(...)`: the filters — the owing unit's subtree, the standing in the documents'
  matrix (computed in SQL from the deadline and the day it was marked done, never stored),
  the status, the conference, words without diacritics.
- `ordered(...)`: what is still owed first, nearest deadline first; paged in SQL.
- `subtree_rows(...)`: the per-subtree counts (`tasks.tally`, one SQL row per owing unit).

Nothing here loads every task: the ministry's list over 10,000 tasks is one grouped count
(which also gives the list's length and its conferences, `subtree_rows_in_detail`) and one
page.
"""

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from giaoban.conferences import tasks
from giaoban.conferences.forms_tasks import ASSIGNED
from giaoban.conferences.models import Conclusion, Conference, Task
from giaoban.core import due
from giaoban.core.paths import PATH_SEP, subtree_q
from giaoban.core.scope import VIEW, can
from giaoban.core.text import fold
from giaoban.units.models import Unit

MAX_WORDS = 12
TITLE_CHARS = 160  # a title in the list, cut (as `truncatechars`)
PK_MARK = 987654321  # stands for a task's id in the link made once a page
OWED_FIRST = Case(
    When(status__in=tasks.OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def listed(user, unit, tab):
    """The tasks of the tab for `unit`, in the user's scope. When the unit lies in that
    scope, its subtree's tasks all do: the scope's filter is left out of the SQL."""
    found = Task.objects.restrict(user, VIEW)
    if tab == ASSIGNED:
        return found.filter(assigner=unit)
    if can(user, VIEW, unit):
        found = Task.objects.all()
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
    """The conferences whose tasks the list holds (the filter's choices), newest first:
    the conclusions its tasks belong to, distinct (an indexed column) and read first — one
    pass over the tasks, whatever plan a subquery would get —, then their conferences."""
    conclusions = queryset.order_by().values_list("conclusion_id", flat=True).distinct()
    return conferences_among(list(conclusions))


def conferences_among(conclusions):
    """The conferences of the conclusions of ids `conclusions`, newest first."""
    held = Conclusion.objects.filter(pk__in=sorted(conclusions)).values("conference_id")
    return (
        Conference.objects.filter(pk__in=held).only("pk", "title", "date").order_by("-date", "-pk")
    )


def decorate(rows, today):
    """Attach each task's link, standing, timing and status in words, the deadline as
    dd/mm/yyyy and the title cut to 160 characters. Every phrase is translated once a page
    (a timing's words once for each kind and number of days), every link made from one."""
    rows = list(rows)
    labels = {s: str(label) for s, label in due.STANDING_LABELS.items()}
    statuses = {key: str(label) for key, label in Task.Status.choices}
    conclusion, assigned = _("Kết luận %(n)s"), _("%(unit)s giao")
    verb = _("hoàn thành")
    link = tasks.url(Task(pk=PK_MARK)).split(str(PK_MARK))
    timings = {}
    for t in rows:
        t.url = f"{link[0]}{t.pk}{link[1]}"
        t.standing = tasks.standing(t, today)
        t.standing_label = labels[t.standing]
        t.standing_css = due.STANDING_CSS[t.standing]
        t.timing = due.timing(t.deadline, tasks.met_on(t), today, verb=verb)
        key = (t.timing.kind, t.timing.days)
        if key not in timings:
            timings[key] = t.timing.label
        t.timing_label = timings[key]
        t.status_label = statuses[t.status]
        t.conclusion_label = conclusion % {"n": t.conclusion.number}
        t.assigned_by = assigned % {"unit": t.assigner.short_name}
        t.deadline_text = t.deadline.strftime("%d/%m/%Y")
        title = t.title
        t.title_text = title if len(title) <= TITLE_CHARS else Truncator(title).chars(TITLE_CHARS)
    return rows


def subtree_rows(queryset, node, today):
    """(total, rows): the node's tasks counted, and one row per unit directly below it that
    has tasks (the node itself first when it has its own), each a SubtreeTally with its
    `unit` and whether it is the node `itself`."""
    total, rows, _found, _conclusions = subtree_rows_in_detail(queryset, node, today)
    return total, rows


def subtree_rows_in_detail(queryset, node, today):
    """`subtree_rows`, with the number of tasks counted and their conclusions' ids
    (`tasks.tally_in_detail`)."""
    total, groups, found, conclusions = tasks.tally_in_detail(queryset, node.path, today)
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
    return total, rows, found, conclusions


def cells(tally):
    """[(standing key, count)] in the matrix's order."""
    return [(s, tally.count(tasks.TASK, s)) for s in due.STANDINGS]
