"""What the database holds, table by table, to prove that a request wrote nothing — or
that what it wrote was audited."""

import hashlib

from django.apps import apps
from django.db import connection

from giaoban.audit import registry
from giaoban.audit.models import AuditEntry

# Written by Django itself when a test logs in, never by a page.
IGNORED = {"django_migrations"}


def fingerprint():
    """{table: digest of its rows} for every table of the database."""
    out = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in IGNORED:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 — table names only
            rows = sorted(repr(row) for row in cursor.fetchall())
            out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def changed(before, after):
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))


def models_of(tables):
    by_table = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    return [by_table[t] for t in tables if t in by_table]


def unaudited_changes(tables, since_entry_id):
    """Audited models whose table changed but got no audit entry after `since_entry_id`."""
    audited = set(registry.audited_models())
    logged = set(AuditEntry.objects.filter(id__gt=since_entry_id).values_list("model", flat=True))
    return [
        m._meta.label for m in models_of(tables) if m in audited and m._meta.label not in logged
    ]


def last_entry_id():
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
