from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from giaoban.core.scope import VIEW, can
from giaoban.reports import due


@login_required
def home(request):
    user = request.user
    roles = user.role_assignments.select_related("unit").order_by("unit__path", "role")
    context = {
        "roles": roles,
        "unit_visible": user.unit_id is not None and can(user, VIEW, user.unit),
        "due": due.for_user(user),
    }
    return render(request, "core/home.html", context)
