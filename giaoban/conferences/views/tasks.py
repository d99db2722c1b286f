"""Nhiệm vụ sau hội nghị: the task list (its pages are in tasks_page.py).

Two tabs for a unit (the user's own by default, or one of its subtree): "Nhiệm vụ của đơn
vị" — the tasks of the unit and the units below it —, and "Nhiệm vụ đơn vị giao" — the
tasks the unit gave at its conferences. Filtered by standing (the documents' matrix),
status, conference, owing unit and words without diacritics; owed first, nearest deadline
first, 50 a page; above the list, one row per unit directly below with its counts, each
count a link to the list filtered so.
"""

from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from giaoban.conferences import tasks
from giaoban.conferences.forms_tasks import ASSIGNED, TABS, UNIT, TaskFilterForm
from giaoban.conferences.views import tasks_page
from giaoban.conferences.views import tasks_query as query
from giaoban.core import due, roles
from giaoban.core.formatting import format_number
from giaoban.core.scope import VIEW, can
from giaoban.units.models import Unit

PAGE_SIZE = 50
TABLE_PAGE = "nhom"  # the page parameter of the per-subtree table


def home_unit(user):
    """The unit a list opens on: the user's own, else the first unit they hold a role at."""
    if user.unit_id is not None and can(user, VIEW, user.unit):
        return user.unit
    ids = roles.role_unit_ids(user)
    return Unit.objects.filter(pk__in=ids[:1]).first()


def role_units(user):
    """The units the user switches between in one click: their own and their role units."""
    ids = [i for i in dict.fromkeys([user.unit_id, *roles.role_unit_ids(user)]) if i]
    return sorted(Unit.objects.restrict(user, VIEW).filter(pk__in=ids), key=lambda u: u.path)


def _form(request):
    """The filters. Only a chosen conference is checked against the conferences the user may
    see (an empty choice is valid whatever they are): the page sets the choices it shows."""
    names = ("tab", "q", "unit", "owner", "only", "standing", "status", "conference")
    if any(name in request.GET for name in names):
        visible = ()
        if request.GET.get("conference"):
            visible = query.conferences_of(tasks.Task.objects.restrict(request.user, VIEW))
        return TaskFilterForm(request.GET, user=request.user, conferences=visible)
    return TaskFilterForm(user=request.user)


def _link(base, **params):
    wanted = {k: v for k, v in {**base, **params}.items() if v not in (None, "", False)}
    return f"{reverse('conferences:tasks')}?{urlencode(wanted)}"


class Figure(int):
    """A count with its words as the page shows them (`vnnum`): `text`."""

    text = ""


def _number(memo, n):
    """`n` as a Figure, each number formatted once a page."""
    shown = memo.get(n)
    if shown is None:
        shown = memo[n] = Figure(n)
        shown.text = str(n) if 0 <= n < 1000 else format_number(n)  # no thousands to group
    return shown


def _tally_table(request, prefix, rows, total, node, labels):
    """The per-subtree table, paged: each shown row's counts as (label, count — a Figure,
    with its words —, link to the list filtered so). `prefix` is the list's link with the
    filters every count keeps; `labels` the columns' (str, translated once)."""
    memo = {}

    def counts(tally, owner, only):
        head = f"{prefix}&owner={quote(owner.code)}" + ("&only=1" if only else "")
        out = [(labels[0], _number(memo, tally.items), head)]
        out += [
            (label, _number(memo, n), f"{head}&standing={s}")
            for label, (s, n) in zip(labels[1:], query.cells(tally), strict=True)
        ]
        return out

    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get(TABLE_PAGE))
    table = [
        {
            "unit": t.unit,
            "itself": t.itself,
            "drill": None if t.itself else f"{prefix}&owner={quote(t.unit.code)}",
            "counts": counts(t, t.unit, t.itself),
        }
        for t in page.object_list
    ]
    return page, table, counts(total, node, False)


def _rows(base, data, unit, today, valid):
    """The list's tasks: the base narrowed by every filter (none when the form is wrong)."""
    if not valid:
        return base.none()
    owner = data.get("owner")
    rows = query.narrowed(
        base,
        today,
        owner,
        data.get("standing"),
        data.get("status"),
        data.get("conference"),
        data.get("q"),
    )
    return rows.filter(unit=owner or unit) if data.get("only") else rows


def _known_count(data, tab, total, found):
    """The list's length as the per-subtree count already has it, or None. The list is the
    counted tasks themselves when it keeps only their subtree: the node's (the unit's, or
    the owing unit's), narrowed by no status and not to the unit alone; by a standing, it is
    that standing's count."""
    if data.get("only") or data.get("status"):
        return None
    if tab != UNIT and data.get("owner") is None:
        return None  # the units a tab=assigned list holds may lie outside the node's subtree
    standing = data.get("standing")
    if not standing:
        return found
    if standing == tasks.DONE:
        return None  # a task marked done without its day is "done" but in neither column
    wanted = due.OWED if standing == tasks.OWED else (standing,)
    return sum(total.count(tasks.TASK, s) for s in wanted)


@login_required
@require_GET
def task_list(request):
    user, today = request.user, timezone.localdate()
    form = _form(request)
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    unit = data.get("unit") or home_unit(user)
    if unit is None:
        raise PermissionDenied
    tab = data.get("tab") or UNIT
    base = query.listed(user, unit, tab)
    owner = data.get("owner")
    node = owner if owner is not None and not data.get("only") else unit
    counted = query.narrowed(base, today, conference=data.get("conference"), q=data.get("q"))
    # One grouped count gives the table, and often the list's length and its conferences.
    total, tally_rows, found, conclusions = query.subtree_rows_in_detail(
        counted if valid else base.none(), node, today
    )
    paginator = Paginator(query.ordered(_rows(base, data, unit, today, valid)), PAGE_SIZE)
    known = _known_count(data, tab, total, found) if valid else 0
    if known is not None:
        paginator.count = known  # a cached property: no COUNT(*) over the same tasks again
    page = paginator.get_page(request.GET.get("page"))
    labels = [_("Số nhiệm vụ"), *(str(due.STANDING_LABELS[s]) for s in due.STANDINGS)]
    keep = {"tab": tab, "unit": unit.code, "conference": data.get("conference"), "q": data.get("q")}
    table_page, table, totals = _tally_table(request, _link(keep), tally_rows, total, node, labels)
    # The choices are the conferences of the tab's tasks: those just counted when the count
    # was over them all (the unit's own subtree, no conference, no words).
    whole = valid and tab == UNIT and node == unit and not data.get("conference")
    conferences = (
        query.conferences_among(conclusions)
        if whole and not data.get("q")
        else query.conferences_of(base)
    )
    form.fields["conference"].choices = form.fields["conference"].choices[:1] + [
        (str(c.pk), c.title) for c in conferences
    ]
    context = {
        "form": form,
        "tab": tab,
        "tabs": [
            (key, label, _link({"tab": key, "unit": unit.code})) for key, label in TABS.items()
        ],
        "unit": unit,
        "node": node,
        "page": page,
        "rows": query.decorate(query.page_of(page.object_list), today),
        "table": table,
        "table_page": table_page,
        "table_param": TABLE_PAGE,
        "totals": totals,
        "standings": labels[1:],
        "switch_units": role_units(user),
        "filtered": form.is_bound,
        "assigned": tab == ASSIGNED,
        "reset": _link({"tab": tab, "unit": unit.code}),
    }
    return render(request, "conferences/tasks/list.html", context, status=200 if valid else 400)


urlpatterns = [path("nhiem-vu/", task_list, name="tasks"), *tasks_page.urlpatterns]
