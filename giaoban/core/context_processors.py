from django.conf import settings


def shell(request):
    """What the header needs on every page: the user's unit and roles, demo mode."""
    user = getattr(request, "user", None)
    roles = []
    if user is not None and user.is_authenticated:
        roles = [
            (ra.unit, ra.get_role_display())
            for ra in user.role_assignments.select_related("unit").order_by("unit__path", "role")
        ]
    return {"shell_roles": roles, "demo_mode": settings.DEMO}
