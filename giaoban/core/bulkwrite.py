"""Bulk inserts at load speed: executemany on SQLite, COPY on PostgreSQL.

Used by the unit importers and the reports' bulk path, where Django's `bulk_create`
(which compiles a multi-row statement value by value) was most of the run time.
"""

from itertools import islice

from django.db import DEFAULT_DB_ALIAS, connections, models

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


def insert_values(model, fields, rows, batch=5000, prepare=True):
    """Insert rows of Python values (lists, one value per field of `fields`).

    `rows` may be any iterable, a generator included: it is consumed `batch` rows at a
    time, so a caller need not hold a million rows at once. With prepare=False the
    values go to the driver as they are (ints, strings, Decimals: what both drivers
    take), skipping `get_db_prep_save`.
    """
    rows = iter(rows)
    chunk = list(islice(rows, batch))
    if not chunk:
        return
    conn = connections[DEFAULT_DB_ALIAS]  # the real one: the proxy costs a lookup per use
    prepared = [(i, f) for i, f in enumerate(fields) if prepare and not isinstance(f, PLAIN_FIELDS)]
    quote = conn.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with conn.cursor() as cursor:
        while chunk:
            if prepared:
                for row in chunk:
                    for i, field in prepared:
                        row[i] = field.get_db_prep_save(row[i], conn)
            if conn.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
                cursor.executemany(sql, chunk)
            chunk = list(islice(rows, batch))
