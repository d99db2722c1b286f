"""One consistent read of many queries (a compiled report, an export).

A page that reads a dozen tables one after another may see a transition commit between
two of its queries: a figure from before it beside a list of units from after it. A
compile that must be true to one moment runs inside `consistent_read()`: on PostgreSQL a
REPEATABLE READ transaction (every query sees the snapshot of its first one), on SQLite a
transaction, whose first read fixes the snapshot in WAL mode. Inside a transaction
already (a write that compiles, a test) that transaction's snapshot rules.
"""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def consistent_read():
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield
