"""Nhật ký hoạt động: a unit's log (filters, search, pages), its export, and the totals.

- log: the activities of a unit in the user's scope (?unit=code, the user's own by
  default) — of that unit only or of its whole subtree — by kind, period (the calendar's or
  Decree 09's windows, as reports use, or any range of days), document, and words without
  diacritics; paged;
- export: the same selection as .xlsx;
- totals: per kind, activities and participants over a unit's subtree and a period, and
  one row per unit directly below — read from the tally (`tally.by_kind`, `tally.by_node`).
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from giaoban.activities import excel, tally
from giaoban.activities.forms import LogFilterForm, TotalsForm
from giaoban.activities.models import ActivityKind
from giaoban.activities.panels import kind_rows
from giaoban.activities.records import may_record
from giaoban.activities.views import common
from giaoban.units.models import Unit


def _filters(request, unit):
    """(form, cleaned data with "window_days", valid)."""
    form = common.bound(LogFilterForm, request, unit=unit, initial={"unit": unit.code})
    if not form.is_bound:
        return form, {}, True
    if not form.is_valid():
        return form, {}, False
    data = dict(form.cleaned_data)
    data["window_days"] = form.window()
    return form, data, True


@login_required
@require_GET
def log(request):
    """Nhật ký hoạt động của một đơn vị."""
    unit = common.unit_from(request)
    form, data, valid = _filters(request, unit)
    rows = common.log_queryset(request.user, unit, data)
    if not valid:
        rows = rows.none()
    rows = rows.select_related("unit", "kind", "document").order_by("-date", "-pk")
    page = common.paginate(request, rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "unit": unit,
        "form": form,
        "page": page,
        "activities": common.decorate(request.user, page.object_list),
        "may_record": may_record(request.user, unit),
        "filtered": form.is_bound,
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    return render(request, "activities/log.html", context, status=200 if valid else 400)


@login_required
@require_GET
def export(request):
    """Xuất Excel: the log as filtered."""
    unit = common.unit_from(request)
    form, data, valid = _filters(request, unit)
    if not valid:
        context = {"unit": unit, "form": form, "page": None, "activities": [], "filtered": True}
        return render(request, "activities/log.html", context, status=400)
    rows = common.log_queryset(request.user, unit, data)
    kinds = dict(ActivityKind.objects.values_list("code", "name"))
    data_bytes = excel.export(rows, unit, common.describe(unit, data, kinds))
    stamp = f"{timezone.localdate():%Y%m%d}"
    return common.xlsx_response(data_bytes, f"nhat-ky-hoat-dong_{unit.code}_{stamp}.xlsx")


# ---------------------------------------------------------------------------- totals


def _default_window(today):
    """From the first of January to today."""
    return datetime.date(today.year, 1, 1), today


def children_of(node, start, end):
    """The units directly below `node` that existed at some time in start…end."""
    rows = Unit.objects.filter(parent=node).select_related("level").order_by("path")
    return [
        u
        for u in rows
        if (u.active_from is None or u.active_from <= end)
        and (u.active_to is None or u.active_to >= start)
    ]


@login_required
@require_GET
def totals(request):
    """Số liệu tổng hợp hoạt động: per kind over a unit's subtree and a period, and per
    unit directly below."""
    node = common.unit_from(request)
    form = common.bound(TotalsForm, request, initial={"unit": node.code})
    today = timezone.localdate()
    status, window = 200, None
    if form.is_bound:
        if form.is_valid():
            window = form.window()
        else:
            status = 400
    start, end = window or _default_window(today)
    kinds, total = kind_rows(node, start, end)
    children = children_of(node, start, end)
    per_child = tally.by_node(node, children, start, end)
    child_rows = [(c, per_child.get(c.pk, tally.Totals())) for c in children]
    context = {
        "unit": node,
        "form": form,
        "start": start,
        "end": end,
        "kinds": kinds,
        "total": total,
        "child_rows": child_rows,
        "log_url": common.log_url(
            node, scope="subtree", start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}"
        ),
    }
    return render(request, "activities/totals.html", context, status=status)


urlpatterns = [
    path("", log, name="log"),
    path("xuat-excel/", export, name="export"),
    path("tong-hop/", totals, name="totals"),
]
