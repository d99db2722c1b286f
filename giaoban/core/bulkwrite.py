"""Bulk inserts at load speed: executemany on SQLite, COPY on PostgreSQL.

Used by the unit importers and the reports' bulk path, where Django's `bulk_create`
(which compiles a multi-row statement value by value) was most of the run time.
"""

from itertools import islice

from django.db import DEFAULT_DB_ALIAS, connections, models
from psycopg.copy import QueuedLibpqWriter

# Values of these fields are stored as they are; the others go through get_db_prep_save.
PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.ForeignKey)


def insert_rows(model, objs, batch=5000):
    """Insert model instances like `bulk_create`, at bulk-load speed; no primary keys back.

    `bulk_create` compiles a multi-row statement value by value; for the ~70,000 rows of
    a legacy import (units, lineage, audit entries) that was most of the run: 11 s for
    the 34,855 audit rows alone on SQLite against 2 s through executemany, and on
    PostgreSQL 16 s against 2 s through COPY. Values go through each field's `pre_save`
    and, unless plain text or integers, `get_db_prep_save`, so dates, decimals, JSON and
    `auto_now_add` are stored as `bulk_create` would store them. Callers read primary
    keys back by natural key (SQLite's executemany and COPY cannot return them).
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    insert_values(model, fields, [[f.pre_save(obj, True) for f in fields] for obj in objs], batch)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS


def insert_values(model, fields, rows, batch=5000, prepare=True, meanwhile=None):
    """Insert rows of Python values (lists, one value per field of `fields`).

    `rows` may be any iterable, a generator included: it is consumed `batch` rows at a
    time, so a caller need not hold a million rows at once. With prepare=False the
    values go to the driver as they are (ints, strings, Decimals: what both drivers
    take), skipping `get_db_prep_save`.

    PostgreSQL: one COPY for all the rows, sent by a thread of the driver while this one
    goes on making rows, so that the server writes while Python works. `meanwhile()`,
    if given, is called once every row has been handed over — on PostgreSQL while the
    server is still writing them, so it must not use the database — and its result is
    returned.
    """
    rows = iter(rows)
    conn = connections[DEFAULT_DB_ALIAS]  # the real one: the proxy costs a lookup per use
    prepared = [(i, f) for i, f in enumerate(fields) if prepare and not isinstance(f, PLAIN_FIELDS)]
    quote = conn.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))

    def chunks():
        while chunk := list(islice(rows, batch)):
            if prepared:
                for row in chunk:
                    for i, field in prepared:
                        row[i] = field.get_db_prep_save(row[i], conn)
            yield chunk

    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            raw = cursor.cursor
            sql = f"COPY {table} ({columns}) FROM STDIN"
            with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
                write = copy.write_row
                for chunk in chunks():
                    for row in chunk:
                        write(row)
                return meanwhile() if meanwhile is not None else None
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        for chunk in chunks():
            cursor.executemany(sql, chunk)
    return meanwhile() if meanwhile is not None else None


def reserve_ids(model, n):
    """`n` new primary keys of `model`, increasing, for rows the caller then inserts with
    them (executemany and COPY return no keys, and reading them back was a scan).

    PostgreSQL: drawn from the table's own sequence, as an insert would draw them (other
    writers draw theirs in between, never the same). SQLite: the ones after the highest
    ever given (AUTOINCREMENT's counter, or the highest row), which the open transaction
    alone can take: the project's SQLite transactions begin IMMEDIATE, holding the write
    lock (had another writer taken them, the insert fails on the primary key: nothing is
    written twice)."""
    if n <= 0:
        return []
    conn = connections[DEFAULT_DB_ALIAS]
    table = model._meta.db_table
    pk = model._meta.pk.column
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, n],
            )
            return sorted(value for (value,) in cursor.fetchall())
        if conn.vendor != "sqlite":
            raise NotImplementedError(conn.vendor)
        quote = conn.ops.quote_name
        sql = (
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"coalesce((SELECT max({quote(pk)}) FROM {quote(table)}), 0))"
        )
        cursor.execute(sql, [table])
        (top,) = cursor.fetchone()
    return list(range(top + 1, top + 1 + n))
