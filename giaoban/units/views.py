"""Unit browser, unit page and unit administration (issue 2, points 3 and 5).

Every lookup goes through `Unit.objects.restrict(user, …)` first, so a unit outside the
user's subtree is a 404; a unit in view but without the needed role is a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from giaoban.accounts.models import RoleAssignment, User
from giaoban.core.paths import PATH_SEP
from giaoban.core.scope import (
    ADMINISTER,
    AUDIT,
    VIEW,
    can,
    get_in_scope_or_404,
    role_paths,
    save_in_scope,
)
from giaoban.units.forms import CloseUnitForm, UnitForm, UnitSearchForm, picker_label
from giaoban.units.models import Lineage, Unit

CHILDREN_PAGE_SIZE = 200  # one fetch of the lazy tree
DETAIL_CHILDREN_PAGE_SIZE = 50  # the table on the unit page; divides CHILDREN_PAGE_SIZE
SEARCH_PAGE_SIZE = 50
MEMBERS_LIMIT = 100
TREE_ORDER = ("level__rank", "level__code", "path")


def _units(request, action=VIEW):
    return Unit.objects.restrict(request.user, action).select_related("level")


def _get_unit(request, code, action=VIEW):
    """The unit if the user may see it (else 404) and may perform `action` on it (else 403)."""
    units = Unit.objects.select_related("level", "parent")
    return get_in_scope_or_404(units, request.user, action, code=code)


def _show_closed(request, unit=None):
    """Closed units are hidden unless asked for, or unless we are inside a closed unit."""
    if unit is not None and unit.active_to is not None and unit.active_to < timezone.localdate():
        return True
    return request.GET.get("closed") in ("1", "on", "true")


def _open_q(prefix=""):
    """Units not closed today (active_to unset or not yet passed)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}active_to__isnull": True}) | Q(**{f"{prefix}active_to__gte": today})


def _with_child_counts(qs, include_closed):
    counted = Q() if include_closed else _open_q("children__")
    return qs.annotate(n_children=Count("children", filter=counted))


def _children(unit, include_closed):
    qs = Unit.objects.filter(parent=unit).select_related("level")
    if not include_closed:
        qs = qs.filter(_open_q())
    return _with_child_counts(qs, include_closed).order_by(*TREE_ORDER)


def _children_page(request, unit, include_closed, number=None, size=CHILDREN_PAGE_SIZE):
    paginator = Paginator(_children(unit, include_closed), size)
    page = paginator.get_page(number if number is not None else request.GET.get("page"))
    # Without JavaScript, "xem thêm" opens the unit page at the table page that follows.
    page.detail_page_after = page.end_index() // DETAIL_CHILDREN_PAGE_SIZE + 1
    # A list of leaves (the communes of a province) is laid out in columns.
    page.all_leaves = not any(child.n_children for child in page.object_list)
    return page


def _attach_trails(user, units):
    """Give each unit `.trail`: the short names of its ancestors inside the user's scope."""
    codes = set()
    for unit in units:
        codes.update(unit.path.strip(PATH_SEP).split(PATH_SEP)[:-1])
    names = dict(
        Unit.objects.restrict(user).filter(code__in=codes).values_list("code", "short_name")
    )
    for unit in units:
        ancestors = unit.path.strip(PATH_SEP).split(PATH_SEP)[:-1]
        unit.trail = [names[c] for c in ancestors if c in names]
    return units


@login_required
@require_GET
def browser(request):
    """Cây đơn vị: the user's role units with their first level below; deeper levels on demand."""
    paths = role_paths(request.user, VIEW)
    if not paths:
        raise PermissionDenied
    form = UnitSearchForm(request.GET or None)
    include_closed = _show_closed(request)
    results = None
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.cleaned_data["q"].strip():
        found = _units(request).search(form.cleaned_data["q"])
        if not include_closed:
            found = found.filter(_open_q())
        found = found.order_by("depth", "path")
        results = Paginator(found, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        _attach_trails(request.user, results.object_list)
    roots = list(
        _with_child_counts(Unit.objects.filter(path__in=paths), include_closed)
        .select_related("level")
        .order_by(*TREE_ORDER)
    )
    for root in roots:
        root.children_page = _children_page(request, root, include_closed, number=1)
    context = {
        "form": form,
        "roots": roots,
        "results": results,
        "include_closed": include_closed,
        "closed_param": "1" if include_closed else "",
    }
    return render(request, "units/browser.html", context, status=status)


PICK_LIMIT = 20
PICK_ACTIONS = (VIEW, ADMINISTER, AUDIT)


@login_required
@require_GET
def pick(request):
    """JSON for the unit picker (units.js): units of the user's scope for `action` that
    match `q` by name or code, with or without diacritics, open ones first."""
    action = request.GET.get("action") or VIEW
    if action not in PICK_ACTIONS:
        action = VIEW
    text = (request.GET.get("q") or "").strip()[:100]
    if not text or "\x00" in text:
        return JsonResponse({"results": []})
    found = (
        Unit.objects.restrict(request.user, action)
        .search(text)
        .filter(_open_q())
        .select_related("level")
        .order_by("depth", "path")[:PICK_LIMIT]
    )
    units = _attach_trails(request.user, list(found))
    results = [
        {
            "code": u.code,
            "name": u.name,
            "label": picker_label(u),
            "trail": " › ".join(u.trail),
            "level": u.level.name,
        }
        for u in units
    ]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def children(request, code):
    """HTML fragment: one page of a unit's children, fetched by units.js when a node opens."""
    unit = _get_unit(request, code)
    include_closed = _show_closed(request, unit)
    page = _children_page(request, unit, include_closed)
    context = {
        "unit": unit,
        "page": page,
        "include_closed": include_closed,
        "closed_param": "1" if include_closed else "",
    }
    response = render(request, "units/_children.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _members(unit):
    """Users of the unit and users holding a role at it, each with their roles here."""
    rows = {}
    for user in User.objects.filter(unit=unit).order_by("full_name", "username")[:MEMBERS_LIMIT]:
        rows[user.pk] = {"user": user, "roles": []}
    roles = (
        RoleAssignment.objects.filter(unit=unit)
        .select_related("user")
        .order_by("user__full_name", "role")
    )
    for ra in roles[:MEMBERS_LIMIT]:
        rows.setdefault(ra.user_id, {"user": ra.user, "roles": []})["roles"].append(ra)
    return list(rows.values())


def _lineage(request, unit):
    def visible(other):
        return other is not None and can(request.user, VIEW, other)

    related = ("predecessor", "successor", "old_parent", "new_parent")
    predecessors, successors, moves = [], [], []
    # One query for the links on both sides (a move names the unit on both: listed once).
    links = (
        Lineage.objects.filter(Q(successor=unit) | Q(predecessor=unit))
        .select_related(*related)
        .order_by("date", "pk")
    )
    for link in links:
        if link.successor_id == unit.pk:  # one of unit.predecessor_links
            if link.kind == link.Kind.MOVE:
                moves.append(link)
            else:
                predecessors.append({"link": link, "other": link.predecessor})
        if link.predecessor_id == unit.pk and link.kind != link.Kind.MOVE:
            successors.append({"link": link, "other": link.successor})
    for row in predecessors + successors:
        row["linkable"] = visible(row["other"])
        row["percent"] = row["link"].share * 100
    for move in moves:
        move.old_linkable = visible(move.old_parent)
        move.new_linkable = visible(move.new_parent)
    return {"predecessors": predecessors, "successors": successors, "moves": moves}


@login_required
@require_GET
def detail(request, code):
    unit = _get_unit(request, code)
    include_closed = _show_closed(request, unit)
    user = request.user
    children_page = _children_page(request, unit, include_closed, size=DETAIL_CHILDREN_PAGE_SIZE)
    hidden_closed = 0 if include_closed else unit.children.count() - children_page.paginator.count
    breadcrumbs = [a for a in unit.ancestors() if can(user, VIEW, a)]
    parent = unit.parent
    context = {
        "unit": unit,
        "breadcrumbs": breadcrumbs,
        "parent_linkable": parent is not None and can(user, VIEW, parent),
        "children_page": children_page,
        "hidden_closed": hidden_closed,
        "include_closed": include_closed,
        "closed_param": "1" if include_closed else "",
        "members": _members(unit),
        "members_limit": MEMBERS_LIMIT,
        "may_administer": can(user, ADMINISTER, unit),
        "may_add_below": can(user, ADMINISTER, unit) and unit.lower_levels().exists(),
        "may_audit": can(user, AUDIT, unit),
        **_lineage(request, unit),
    }
    return render(request, "units/detail.html", context)


def _refused(request, unit, message):
    """An action that makes no sense for this unit: say why on its page (400)."""
    messages.error(request, message)
    return redirect("units:detail", code=unit.code)


@login_required
def create(request, code):
    """Thêm đơn vị cấp dưới of the unit `code`."""
    parent = _get_unit(request, code, ADMINISTER)
    if not parent.lower_levels().exists():
        return _refused(
            request,
            parent,
            _("%(name)s ở cấp thấp nhất của cây: không có cấp nào để thêm đơn vị cấp dưới.")
            % {"name": parent.name},
        )
    form = UnitForm(request.POST or None, parent=parent, instance=Unit(parent=parent))
    if request.method == "POST":
        if form.is_valid():
            unit = save_in_scope(request.user, ADMINISTER, form.save)
            messages.success(request, _("Đã thêm đơn vị %(name)s.") % {"name": unit.name})
            return redirect("units:detail", code=unit.code)
        status = 400
    else:
        status = 200
    context = {"form": form, "parent": parent, "unit": None}
    return render(request, "units/form.html", context, status=status)


@login_required
def edit(request, code):
    unit = _get_unit(request, code, ADMINISTER)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST":
        if form.is_valid():
            unit = save_in_scope(request.user, ADMINISTER, form.save)
            messages.success(request, _("Đã lưu đơn vị %(name)s.") % {"name": unit.name})
            return redirect("units:detail", code=unit.code)
        status = 400
    else:
        status = 200
    context = {"form": form, "parent": unit.parent, "unit": unit}
    return render(request, "units/form.html", context, status=status)


@login_required
def close(request, code):
    """Giải thể: a unit with history is closed (active_to), never deleted."""
    unit = _get_unit(request, code, ADMINISTER)
    if unit.is_root:
        return _refused(request, unit, _("Không giải thể đơn vị cao nhất của cây."))
    form = CloseUnitForm(request.POST or None, unit=unit)
    if request.method == "POST":
        if form.is_valid():
            day = form.cleaned_data["active_to"]
            with transaction.atomic():
                closing = [unit]
                if form.cleaned_data["with_descendants"]:
                    closing += list(form.open_descendants(day).select_related("parent"))
                for each in closing:
                    each.active_to = day
                    each.save()
            messages.success(
                request,
                _("Đã giải thể %(name)s từ sau ngày %(day)s (%(n)s đơn vị).")
                % {"name": unit.name, "day": day.strftime("%d/%m/%Y"), "n": len(closing)},
            )
            return redirect("units:detail", code=unit.code)
        status = 400
    else:
        status = 200
    return render(request, "units/close.html", {"form": form, "unit": unit}, status=status)


@login_required
def delete(request, code):
    """Xóa: only a unit with nothing recorded against it; anything else must be closed."""
    unit = _get_unit(request, code, ADMINISTER)
    if unit.is_root:
        return _refused(request, unit, _("Không xóa đơn vị cao nhất của cây."))
    has_history = unit.has_history()
    if request.method == "POST" and not has_history:
        parent = unit.parent
        try:
            with transaction.atomic():
                unit.delete()
        except ProtectedError:
            # Something was recorded against the unit since the page was shown.
            has_history = True
        else:
            messages.success(request, _("Đã xóa đơn vị %(name)s.") % {"name": unit.name})
            if parent is not None and can(request.user, VIEW, parent):
                return redirect("units:detail", code=parent.code)
            return HttpResponseRedirect(reverse("units:browser"))
    status = 400 if (request.method == "POST" and has_history) else 200
    context = {"unit": unit, "has_history": has_history}
    return render(request, "units/delete.html", context, status=status)
