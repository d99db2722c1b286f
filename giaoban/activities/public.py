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


def sessions_by_unit(document_ids, kind_ids, start, end, unit_ids=None):
    """{(unit id, kind id): [dates]} of the activities of one of `kind_ids` linked to one of
    `document_ids` (sessions of a campaign's chain of plans), dated start…end, each list in
    date order.

    Reads the sessions' (document, unit) index only. The kinds are picked here, not in the
    query: named there, a database without statistics on the log (SQLite before ANALYZE)
    reads every activity of the kind through the kind's index — a tenth of the log."""
    rows = Activity.objects.filter(
        document_id__in=list(document_ids), date__gte=start, date__lte=end
    )
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    kinds = set(kind_ids)
    out = {}
    for unit_id, kind_id, day in rows.order_by("unit_id", "date").values_list(
        "unit_id", "kind_id", "date"
    ):
        if kind_id in kinds:
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
