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
    visible = query.conferences_of(tasks.Task.objects.restrict(request.user, VIEW))
    names = ("tab", "q", "unit", "owner", "only", "standing", "status", "conference")
    if any(name in request.GET for name in names):
        return TaskFilterForm(request.GET, user=request.user, conferences=visible)
    return TaskFilterForm(user=request.user, conferences=visible)


def _link(base, **params):
    wanted = {k: v for k, v in {**base, **params}.items() if v not in (None, "", False)}
    return f"{reverse('conferences:tasks')}?{urlencode(wanted)}"


def _tally_table(request, prefix, rows, total, node):
    """The per-subtree table, paged: each shown row's counts as (label, count, link to the
    list filtered so). `prefix` is the list's link with the filters every count keeps."""
    labels = [_("Số nhiệm vụ"), *(due.STANDING_LABELS[s] for s in due.STANDINGS)]

    def counts(tally, owner, only):
        head = f"{prefix}&owner={quote(owner.code)}" + ("&only=1" if only else "")
        out = [(labels[0], tally.items, head)]
        out += [
            (label, n, f"{head}&standing={s}")
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
    page = Paginator(query.ordered(_rows(base, data, unit, today, valid)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    owner = data.get("owner")
    node = owner if owner is not None and not data.get("only") else unit
    counted = query.narrowed(base, today, conference=data.get("conference"), q=data.get("q"))
    total, tally_rows = query.subtree_rows(counted if valid else base.none(), node, today)
    keep = {"tab": tab, "unit": unit.code, "conference": data.get("conference"), "q": data.get("q")}
    table_page, table, totals = _tally_table(request, _link(keep), tally_rows, total, node)
    form.fields["conference"].choices = form.fields["conference"].choices[:1] + [
        (str(c.pk), c.title) for c in query.conferences_of(base)
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
        "standings": [due.STANDING_LABELS[s] for s in due.STANDINGS],
        "switch_units": role_units(user),
        "filtered": form.is_bound,
        "assigned": tab == ASSIGNED,
        "reset": _link({"tab": tab, "unit": unit.code}),
    }
    return render(request, "conferences/tasks/list.html", context, status=200 if valid else 400)


urlpatterns = [path("nhiem-vu/", task_list, name="tasks"), *tasks_page.urlpatterns]
