"""What the database holds, table by table, to prove that a request wrote nothing — or
that what it wrote was audited."""

import hashlib

from django.apps import apps
from django.db import connection

from giaoban.audit import registry
from giaoban.audit.models import AuditEntry

# Written by Django itself when a test logs in, never by a page.
IGNORED = {"django_migrations"}


# {table: (when, digest)}: a table's digest, kept while nothing can have changed its rows.
_DIGESTS = {}


def fingerprint():
    """{table: digest of its rows} for every table of the database."""
    out = {}
    with connection.cursor() as cursor:
        when = _change_marks(cursor)
        for table in connection.introspection.table_names(cursor):
            if table in IGNORED:
                continue
            mark = when(table)
            kept = _DIGESTS.get(table)
            if mark is not None and kept is not None and kept[0] == mark:
                out[table] = kept[1]
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 — table names only
            rows = sorted(repr(row) for row in cursor.fetchall())
            out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            if mark is not None:
                _DIGESTS[table] = (mark, out[table])
    return out


def _change_marks(cursor):
    """table → a mark that moves whenever a row of the table may have changed, or None
    where that cannot be told (then the table is read again).

    Reading every table is most of a request's time in the walk, and most requests write
    nothing. The database counts the rows each statement writes: SQLite per connection
    (total_changes), PostgreSQL per table and transaction (pg_stat_xact_user_tables). A
    rollback undoes rows without counting, but it ends a transaction (a new outermost
    atomic block) or a savepoint (whose names Django never reuses): the mark holds both.
    Only inside a test's transaction: then no other connection can have changed what this
    one reads."""
    if not connection.in_atomic_block:
        return lambda table: None
    where = (connection.connection, connection.atomic_blocks[0], tuple(connection.savepoint_ids))
    if connection.vendor == "sqlite":
        total = connection.connection.total_changes
        return lambda table: (*where, total)
    if connection.vendor == "postgresql" and _counts_tracked(cursor):
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE schemaname = current_schema()"
        )
        counts = {name: tuple(row) for name, *row in cursor.fetchall()}
        return lambda table: (*where, counts[table]) if table in counts else None
    return lambda table: None


def _counts_tracked(cursor):
    cursor.execute("SHOW track_counts")
    return cursor.fetchone()[0] == "on"


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
