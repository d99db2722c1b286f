"""Trang chủ: who the user is, where they can go, and one list of everything that is due."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from giaoban.core import registry, roles
from giaoban.core.due import merge
from giaoban.core.scope import VIEW, can
from giaoban.shell.context_processors import role_assignments
from giaoban.units import history
from giaoban.units.models import Unit


def anchor_units(user):
    """The units where the user holds a role, outermost first, each once (with its level)."""
    ids = roles.role_unit_ids(user)
    units = Unit.objects.filter(pk__in=ids).select_related("level").in_bulk()
    return [units[pk] for pk in ids if pk in units and can(user, VIEW, units[pk])]


def due_list(user, today=None):
    """Every registered app's contribution for the user, merged (None: nothing to show)."""
    today = today or timezone.localdate()
    anchors = anchor_units(user)
    contributions = [provider(user, anchors, today) for provider in registry.due]
    if not anchors and not any(c.awaiting for c in contributions):
        return None
    return merge(contributions)


@login_required
@require_GET
def home(request):
    user = request.user
    assignments = role_assignments(request)  # the page frame's list too: read once
    # Every app's part of the list reads the tree of units: its stamp is read once.
    with history.pinned():
        context = {
            "roles": assignments,
            "unit_visible": user.unit_id is not None and can(user, VIEW, user.unit),
            "due": due_list(user),
        }
        return render(request, "shell/home.html", context)
