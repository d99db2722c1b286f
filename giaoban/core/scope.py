"""What a user may see or change: the one place that turns roles into a queryset filter.

A user holds roles at units; each role grants actions over that unit's whole subtree
(never a sibling's). Every view, API endpoint and export narrows its queryset with
`scope_q` (or a model's `.restrict(user, action)`, which calls it).
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from giaoban.units.models import subtree_q

ADMIN = "admin"
LEADER = "leader"
OFFICER = "officer"
VIEWER = "viewer"

VIEW = "view"  # read anything in the subtree
CHANGE = "change"  # enter and edit data
APPROVE = "approve"  # sign off, accept, return
AUDIT = "audit"  # read the audit trail
ADMINISTER = "administer"  # manage units and users

ACTION_ROLES = {
    VIEW: {ADMIN, LEADER, OFFICER, VIEWER},
    CHANGE: {ADMIN, OFFICER},
    APPROVE: {LEADER},
    AUDIT: {ADMIN, LEADER},
    ADMINISTER: {ADMIN},
}

NOTHING = Q(pk__in=[])


def role_paths(user, action):
    """Paths of the units whose subtree `user` may act on with `action` (cached on the user)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cache = user.__dict__.setdefault("_scope_cache", {})
    if action not in cache:
        roles = ACTION_ROLES[action]
        paths = sorted(
            {
                ra.unit.path
                for ra in user.role_assignments.select_related("unit")
                if ra.role in roles
            }
        )
        # A path below another one adds nothing.
        cache[action] = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return cache[action]


def scope_q(user, action=VIEW, field="unit__path"):
    """A Q filter for objects whose unit lies in the user's subtree for `action`."""
    paths = role_paths(user, action)
    if not paths:
        return NOTHING
    return reduce(or_, (subtree_q(p, field) for p in paths))


def can(user, action, unit):
    """Whether `user` may perform `action` on an object of `unit`."""
    return any(unit.path.startswith(p) for p in role_paths(user, action))


def forget(user):
    user.__dict__.pop("_scope_cache", None)
