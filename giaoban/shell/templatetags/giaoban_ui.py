"""Small template helpers for the web shell: access checks for links, unit status."""

from django import template
from django.utils import timezone

from giaoban.core import scope

register = template.Library()


@register.filter
def may(user, action):
    """Whether `user` holds a role granting `action` anywhere (to show or hide a link).

    Only decides what is shown; every view checks scope and role again in its query.
    """
    if action not in scope.ACTION_ROLES:
        return False
    return scope.may(user, action)


@register.filter
def is_closed(unit):
    """Đã giải thể: the unit's last day of activity is in the past."""
    return unit.active_to is not None and unit.active_to < timezone.localdate()
