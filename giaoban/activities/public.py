"""What other domain apps may ask of the activity log (import-linter allows only this
module): a follow-up task of a conference may name an activity of its unit as the
evidence of its progress."""

from django.urls import reverse

from giaoban.activities.models import Activity, ActivityKind


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


# Up to this many units a read of sessions names them; past it, every session of the
# documents is read and the units picked here (a province's 170 units by a list cost the
# planner's choice of the (unit, date) index: SQLite read each unit's whole year).
FEW_UNITS = 20


def sessions_by_unit(document_ids, kind_ids, start, end, unit_ids=None):
    """{(unit id, kind id): [dates]} of the activities of one of `kind_ids` linked to one of
    `document_ids` (sessions of a campaign's chain of plans), dated start…end, each list in
    date order; only those of `unit_ids` when given.

    Reads the sessions' (document, unit) index: the kinds and the dates are picked here,
    not in the query. Named there, a database without statistics on the log reads every
    activity of the kind through the kind's index (SQLite: a tenth of the log) or
    intersects the window's whole range of the date index (PostgreSQL: a quarter of it) —
    hundreds of milliseconds, where a chain's sessions are a few thousand rows."""
    rows = Activity.objects.filter(document_id__in=list(document_ids))
    wanted = None
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        if len(unit_ids) <= FEW_UNITS:
            rows = rows.filter(unit_id__in=unit_ids)
        else:
            wanted = set(unit_ids)
    kinds = set(kind_ids)
    out = {}
    for unit_id, kind_id, day in rows.order_by("unit_id", "date").values_list(
        "unit_id", "kind_id", "date"
    ):
        if kind_id in kinds and start <= day <= end and (wanted is None or unit_id in wanted):
            out.setdefault((unit_id, kind_id), []).append(day)
    return out


def kinds():
    """The activity kinds in use: [(id, name)]."""
    return list(ActivityKind.objects.filter(is_active=True).values_list("pk", "name"))


def sessions_of(user, unit_id, document_ids, kind_ids, start, end, limit=20):
    """The activities of `unit_id` the user may see, of one of `kind_ids`, linked to one of
    `document_ids` (a campaign's chain of plans), dated start…end, oldest first (the records
    that met a campaign's requirement): [Activity] with `kind_id`, `date`, `title`."""
    return list(
        Activity.objects.restrict(user)
        .filter(
            unit_id=unit_id,
            document_id__in=list(document_ids),
            kind_id__in=list(kind_ids),
            date__gte=start,
            date__lte=end,
        )
        .order_by("date", "pk")
        .only("pk", "date", "title", "kind_id", "document_id")[:limit]
    )


def record_many(user, rows, **options):
    """Many activities at once, all or nothing, through the activity log's bulk path
    (`services.import_rows`: every row validated, the tally kept, the register's
    dissemination records set, one audit entry each) — a loader's way in (the campaigns'
    demo). `options` as import_rows takes them (is_demo, check_scope, message…). Returns
    its BulkResult; raises ActivityError."""
    from giaoban.activities import services

    return services.import_rows(user, rows, **options)


def kind_ids(codes):
    """{code: id} of the activity kinds in use among `codes` (a loader names kinds by code)."""
    return dict(
        ActivityKind.objects.filter(code__in=list(codes), is_active=True).values_list("code", "pk")
    )
