"""Role questions (vai trò), answered in one place.

A user holds roles at units (`accounts.RoleAssignment`); a role covers that unit's whole
subtree. Every "is this user a leader of …", "is this user an administrator at the top",
"where does this user hold a role" in the project is one of the functions below, so
that the answer is the same on every page, in the API and in the workflow.

The user's assignments are read once per user object (one query, cached on it), and
carry only what the questions need: the role and the unit's id, code and path.
"""

from dataclasses import dataclass

from giaoban.core import paths

ADMIN = "admin"  # Quản trị: units, users, report forms
LEADER = "leader"  # Lãnh đạo: sign off their unit's reports, decide on those directly below
OFFICER = "officer"  # Cán bộ chuyên trách: enter data
VIEWER = "viewer"  # Xem

ROLES = (ADMIN, LEADER, OFFICER, VIEWER)


@dataclass(frozen=True)
class Held:
    """One role held at one unit."""

    role: str
    unit_id: int
    unit_code: str
    unit_path: str


def held(user):
    """Every role the user holds, as `Held` rows (cached on the user object).

    An inactive account cannot sign in, and scope (`core.scope`) grants it nothing; its
    roles are still what they are (the demo's loader acts through such an account).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return ()
    cache = user.__dict__.get("_held_roles")
    if cache is None:
        rows = user.role_assignments.values_list("role", "unit_id", "unit__code", "unit__path")
        cache = tuple(Held(*row) for row in rows.order_by("unit__path", "role"))
        user.__dict__["_held_roles"] = cache
    return cache


def forget(user):
    """Drop the cached roles of a user object whose assignments changed meanwhile."""
    user.__dict__.pop("_held_roles", None)


def has_role_at(user, role, unit):
    """Whether the user holds `role` at exactly this unit (not above it)."""
    return any(h.role == role and h.unit_id == unit.pk for h in held(user))


def is_leader_of(user, unit):
    """Lãnh đạo of this very unit: who signs its reports off."""
    return has_role_at(user, LEADER, unit)


def holds(user, *roles):
    """Whether the user holds any of `roles` at some unit."""
    return any(h.role in roles for h in held(user))


def role_paths(user, roles):
    """The outermost paths of the units where the user holds one of `roles`."""
    return paths.outermost(h.unit_path for h in held(user) if h.role in roles)


def role_unit_ids(user, roles=ROLES):
    """Ids of the units where the user holds one of `roles`, outermost first, without units
    nested inside another of them."""
    wanted = set(role_paths(user, roles))
    by_path = {h.unit_path: h.unit_id for h in held(user) if h.unit_path in wanted}
    return [by_path[p] for p in sorted(by_path)]


def is_top_admin(user):
    """Quản trị viên cấp Bộ: an administrator at a root of the tree (the ministry)."""
    return any(h.role == ADMIN and paths.depth(h.unit_path) == 0 for h in held(user))
