"""What a user may see or change (phạm vi): the one place that turns roles into filters.

A user holds roles at units; each role grants actions over that unit's whole subtree,
never a sibling's. Objects reach a user's scope in two ways:

- they **belong** to a unit of the subtree (a report, a user, an audit entry): the
  model's queryset names the path(s) of that unit in `scope_paths`;
- they are **addressed** to a unit of the subtree (a directive, a campaign, a
  conference task issued above): the model's queryset names its recipient rows in
  `recipients`, and the object is visible to each recipient unit and its ancestors
  (as well as to the issuer's subtree, through `scope_paths`). The test is an EXISTS
  subquery, so an object addressed to many units of the subtree is still one row.

Every view, endpoint and export reaches objects through `Model.objects.restrict(user,
action)` (a `ScopedQuerySet`), through `get_in_scope_or_404`, and saves through
`save_in_scope`; templates hide links with `can`, which never replaces the query.
"""

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from giaoban.core import roles
from giaoban.core.paths import ancestor_paths, subtree_q
from giaoban.core.roles import ADMIN, LEADER, OFFICER, VIEWER

VIEW = "view"  # read anything in the subtree
CHANGE = "change"  # enter and edit data
APPROVE = "approve"  # sign off, accept, return
AUDIT = "audit"  # read the audit trail
ADMINISTER = "administer"  # manage units and users

ACTION_ROLES = {
    VIEW: (ADMIN, LEADER, OFFICER, VIEWER),
    CHANGE: (ADMIN, OFFICER),
    APPROVE: (LEADER,),
    AUDIT: (ADMIN, LEADER),
    ADMINISTER: (ADMIN,),
}

NOTHING = Q(pk__in=[])


def role_paths(user, action):
    """Paths of the units whose subtree `user` may act on with `action`, outermost only."""
    if user is None or not getattr(user, "is_active", False):
        return []
    return roles.role_paths(user, ACTION_ROLES[action])


def scope_q(user, action=VIEW, field="unit__path"):
    """A Q filter: the unit path at `field` lies in the user's subtree for `action`."""
    found = role_paths(user, action)
    if not found:
        return NOTHING
    return reduce(or_, (subtree_q(p, field) for p in found))


def can(user, action, unit):
    """Whether `user` may perform `action` on an object of `unit` (for links and labels)."""
    return can_path(user, action, unit.path)


def can_path(user, action, path):
    return any(path.startswith(p) for p in role_paths(user, action))


def may(user, action):
    """Whether the user may perform `action` anywhere (to show a menu entry)."""
    return bool(role_paths(user, action))


class ScopedQuerySet(models.QuerySet):
    """The queryset of every model that belongs, or is addressed, to units.

    A subclass declares:

    - `scope_paths`: lookups from the model to the path(s) of the unit(s) it belongs to,
      e.g. ("unit__path",); several mean "belongs to any of them";
    - `recipients` (optional): (name of the reverse relation to its recipient rows,
      lookup from a recipient row to its unit's path), e.g. ("recipients", "unit__path");
    - `subtree_of` (optional): the lookup to the path of the unit whose whole subtree the
      object is addressed to, e.g. "path" for a campaign.
    """

    scope_paths: tuple = ()
    recipients: tuple | None = None
    subtree_of: str | None = None

    def restrict(self, user, action=VIEW):
        """Objects in the user's scope for `action`: belonging or addressed to the subtree."""
        q = self.belonging_q(user, action)
        if self.recipients:
            q |= self.addressed_q(user, action)
        if self.subtree_of:
            q |= self.within_q(user, action)
        return self.filter(q)

    def within_q(self, user, action):
        """Objects addressed to a whole subtree that holds one of the user's units."""
        found = {a for p in role_paths(user, action) for a in ancestor_paths(p)}
        if not found:
            return NOTHING
        return Q(**{f"{self.subtree_of}__in": sorted(found)})

    def belonging_to(self, user, action=VIEW):
        return self.filter(self.belonging_q(user, action))

    def addressed_to(self, user, action=VIEW):
        return self.filter(self.addressed_q(user, action))

    def belonging_q(self, user, action):
        if not self.scope_paths:
            return NOTHING
        return reduce(or_, (scope_q(user, action, field) for field in self.scope_paths))

    def addressed_q(self, user, action):
        if not self.recipients:
            return NOTHING
        relation, path_lookup = self.recipients
        rel = self.model._meta.get_field(relation)
        rows = rel.related_model._base_manager.filter(**{rel.field.name: OuterRef("pk")})
        within = scope_q(user, action, path_lookup)
        if within is NOTHING:
            return NOTHING
        return Q(Exists(rows.filter(within)))


def _queryset(source):
    if isinstance(source, models.QuerySet):
        return source
    return source._default_manager.all()


def get_in_scope_or_404(source, user, action=VIEW, message=None, **lookup):
    """The object of `source` (a model or queryset) matching `lookup`, if the user may see it.

    Out of the user's view scope, or missing: Http404 (the same answer, so nothing is
    revealed). In view but without `action`: PermissionDenied (403).
    """
    qs = _queryset(source)
    obj = qs.restrict(user, action).filter(**lookup).first()
    if obj is not None:
        return obj
    if action != VIEW and qs.restrict(user, VIEW).filter(**lookup).exists():
        raise PermissionDenied
    raise Http404(message or "")


def save_in_scope(user, action, save):
    """Run `save()` (returning the saved object) and re-read it through the scope.

    If the change moved the object out of the user's scope for `action` (a unit put
    under another parent, a user moved to another unit), everything is rolled back and
    PermissionDenied raised.
    """
    with transaction.atomic():
        obj = save()
        if not _queryset(type(obj)).restrict(user, action).filter(pk=obj.pk).exists():
            raise PermissionDenied
    return obj
