from django.conf import settings
from django.urls import reverse

from giaoban.core import registry
from giaoban.notifications.services import unread_count


def shell(request):
    """What the page frame needs on every page: the user's roles, the navigation entries
    the apps registered that this user may use (the one the page belongs to marked), the
    number of unread notifications, demo mode."""
    user = getattr(request, "user", None)
    roles, nav, unread = [], [], 0
    if user is not None and user.is_authenticated:
        roles = [
            (ra.unit, ra.get_role_display())
            for ra in user.role_assignments.select_related("unit").order_by("unit__path", "role")
        ]
        for entry in registry.nav:
            if entry.visible(user):
                url = reverse(entry.url_name)
                nav.append({"entry": entry, "url": url, "current": request.path.startswith(url)})
        unread = unread_count(user)
    return {
        "shell_roles": roles,
        "shell_nav": nav,
        "shell_unread": unread,
        "demo_mode": settings.DEMO,
    }
