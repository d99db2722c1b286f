"""What other domain apps may ask of the activity log (import-linter allows only this
module): a follow-up task of a conference may name an activity of its unit as the
evidence of its progress."""

from django.urls import reverse

from giaoban.activities.models import Activity


def recorded_by(user, unit, limit=100):
    """The unit's own activities the user may see, newest first: [(id, label)]."""
    rows = (
        Activity.objects.restrict(user)
        .filter(unit=unit)
        .order_by("-date", "-pk")
        .only("pk", "date", "title")[:limit]
    )
    return [(a.pk, str(a)) for a in rows]


def activity_in_scope(user, activity_id, unit=None):
    """The activity if the user may see it (and it is `unit`'s, when given), else None."""
    qs = Activity.objects.restrict(user).filter(pk=activity_id)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.first()


def url(activity):
    return reverse("activities:detail", kwargs={"pk": activity.pk})
