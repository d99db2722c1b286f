"""The activity log's panel on a unit's dashboard (registry.dashboard): activities and
participants per kind over the unit's subtree and the dashboard's period window, read from
the tally — the same figures as the totals page."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from giaoban.activities import tally
from giaoban.activities.models import ActivityKind
from giaoban.core.scope import VIEW, can


def kind_rows(node, start, end):
    """[(kind, Totals)] of every kind in use (and of any other that has activities), and
    the sum over them."""
    found = tally.by_kind(node, start, end)
    total = tally.Totals()
    out = []
    for kind in ActivityKind.objects.all():
        row = found.get(kind.pk, tally.Totals())
        if kind.is_active or row.activities:
            out.append((kind, row))
            total.merge(row)
    return out, total


def totals_url(node, start, end):
    query = {"unit": node.code, "start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
    return f"{reverse('activities:totals')}?{urlencode(query)}"


def dashboard_panel(request, node, start, end):
    """The HTML of the panel, or None when the user may not see the unit."""
    if not can(request.user, VIEW, node):
        return None
    kinds, total = kind_rows(node, start, end)
    context = {
        "unit": node,
        "start": start,
        "end": end,
        "kinds": kinds,
        "total": total,
        "totals_url": totals_url(node, start, end),
    }
    return render_to_string("activities/_dashboard_panel.html", context, request=request)
