"""Units chosen by a rule (quy tắc chọn đơn vị), on a given day.

A directive's recipients, a conference's participants and the owners of a conference's
follow-up task are chosen the same way: explicit units, the base unit's direct children,
every unit of a level in its subtree, or its whole subtree. The rule is read against the
tree as it stood on the day (`units.history`): units active then, under the base unit as
it was placed then — so a rule resolved for a day before the 2025 reorganisation reaches
the districts and old communes, after it the new ones.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from giaoban.units import history
from giaoban.units.models import Unit


class Rule(models.TextChoices):
    EXPLICIT = "explicit", _("Các đơn vị được chọn")
    CHILDREN = "children", _("Các đơn vị trực thuộc")
    LEVEL = "level", _("Mọi đơn vị của một cấp thuộc phạm vi")
    SUBTREE = "subtree", _("Toàn bộ các đơn vị thuộc phạm vi")


class RuleError(ValueError):
    """A rule that cannot be resolved (the message is for the user)."""


def resolve(base, rule, day, level=None, explicit_units=(), inactive=None):
    """[(unit, its path on `day`)] chosen by `rule` below `base` (never `base` itself),
    in path order. `level` is a Level or its id (rule LEVEL); `explicit_units` the units
    of rule EXPLICIT, each of which must lie in `base`'s subtree on that day."""
    paths = history.paths_on(day)
    root = paths.get(base.pk)
    if root is None:
        raise RuleError(
            inactive
            or gettext("%(unit)s không hoạt động vào ngày %(day)s.")
            % {"unit": base.name, "day": day.strftime("%d/%m/%Y")}
        )
    if rule == Rule.EXPLICIT:
        outside = [u for u in explicit_units if not paths.get(u.pk, "").startswith(root)]
        if outside:
            raise RuleError(
                gettext(
                    "Không chọn được %(units)s: chỉ chọn đơn vị thuộc phạm vi %(base)s và đang "
                    "hoạt động vào ngày %(day)s."
                )
                % {
                    "units": ", ".join(u.name for u in outside[:3]),
                    "base": base.name,
                    "day": day.strftime("%d/%m/%Y"),
                }
            )
        ids = sorted({u.pk for u in explicit_units} - {base.pk})
    elif rule == Rule.CHILDREN:
        ids = list(history.child_ids_on(base.pk, day))
    elif rule in (Rule.LEVEL, Rule.SUBTREE):
        ids = [pk for pk, path in paths.items() if path.startswith(root) and path != root]
        if rule == Rule.LEVEL:
            if level is None:
                raise RuleError(gettext("Chưa chọn cấp."))
            level_id = getattr(level, "pk", level)
            ids = list(
                Unit.objects.filter(pk__in=ids, level_id=level_id).values_list("pk", flat=True)
            )
    else:
        raise RuleError(gettext("Quy tắc chọn đơn vị không hợp lệ."))
    if not ids:
        raise RuleError(
            gettext("Quy tắc không chọn được đơn vị nào đang hoạt động vào ngày %(day)s.")
            % {"day": day.strftime("%d/%m/%Y")}
        )
    units = Unit.objects.in_bulk(ids)
    return sorted(((units[pk], paths[pk]) for pk in ids), key=lambda pair: pair[1])
