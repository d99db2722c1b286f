from django.conf import settings
from django.urls import reverse

from giaoban.core import registry
from giaoban.notifications.services import unread_count

# Where one request keeps what the page frame read (a page rendering a panel through
# `render_to_string(request=…)` runs the context processors again: same answers, no query).
_MEMO = "_shell_context"
_ASSIGNMENTS = "_shell_assignments"


def role_assignments(request):
    """The user's role assignments with their units, by unit path then role: read once per
    request (the home page lists them too). The user's own unit, when it is one of them,
    is attached to the user, so `user.unit` costs no query of its own."""
    found = getattr(request, _ASSIGNMENTS, None)
    if found is None:
        user = request.user
        found = list(user.role_assignments.select_related("unit").order_by("unit__path", "role"))
        unit_field = user._meta.get_field("unit")
        if user.unit_id is not None and not unit_field.is_cached(user):
            unit = next((ra.unit for ra in found if ra.unit_id == user.unit_id), None)
            if unit is not None:
                unit_field.set_cached_value(user, unit)
        setattr(request, _ASSIGNMENTS, found)
    return found


def shell(request):
    """What the page frame needs on every page: the user's roles, the navigation entries
    the apps registered that this user may use (the one the page belongs to marked), the
    number of unread notifications, demo mode. Made once per request."""
    memo = getattr(request, _MEMO, None)
    if memo is not None:
        return memo
    user = getattr(request, "user", None)
    roles, nav, unread = [], [], 0
    if user is not None and user.is_authenticated:
        roles = [(ra.unit, ra.get_role_display()) for ra in role_assignments(request)]
        for entry in registry.nav:
            if entry.visible(user):
                url = reverse(entry.url_name)
                nav.append({"entry": entry, "url": url, "current": request.path.startswith(url)})
        unread = unread_count(user)
    memo = {
        "shell_roles": roles,
        "shell_nav": nav,
        "shell_unread": unread,
        "demo_mode": settings.DEMO,
    }
    if user is not None:  # the user is known: the answers cannot change within the request
        setattr(request, _MEMO, memo)
    return memo
