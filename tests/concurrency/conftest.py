"""Races between real transactions (issue 11, point 3): each test commits, its sides run in
threads with connections of their own (`race.py`), and afterwards the roll-up and the
activity tally equal their recomputation (`checks.py`). The tables are emptied after each
test and the migrations' rows (levels, kinds of documents) put back."""

import sqlite3

import pytest
from django.db import connection

from tests.conftest import make_user
from tests.reports.conftest import computed_form, form, leaders  # noqa: F401 — fixtures


@pytest.fixture(autouse=True)
def database_file(request, transactional_db, django_db_serialized_rollback, tmp_path):
    """On SQLite, the test's database as a file, as the server runs it.

    The test database is in memory, shared between connections through SQLite's shared
    cache, where a writer does not wait for another (its lock is refused at once: "database
    table is locked"). Production runs on a file in WAL mode, where each write transaction
    begins IMMEDIATE and the next writer waits for the lock (up to 20 s). So each test
    here runs on a copy of the in-memory database in a file: the threads' connections open
    the file, and the in-memory database — kept open meanwhile — is back afterwards.
    PostgreSQL needs nothing: every connection is a real one.
    """
    if connection.vendor != "sqlite" or "live_server" in request.fixturenames:
        yield  # a browser test's live server shares the in-memory database's connection
        return
    settings = connection.settings_dict  # the dict every new connection is made from
    memory_name, file_name = settings["NAME"], str(tmp_path / "concurrency.sqlite3")
    connection.ensure_connection()
    memory = connection.connection  # keeps the in-memory database alive
    with sqlite3.connect(file_name) as target:
        memory.backup(target)
    target.close()
    settings["NAME"], connection.connection = file_name, None
    try:
        yield
    finally:
        connection.close()
        settings["NAME"], connection.connection = memory_name, memory


@pytest.fixture
def second_leader(cast):
    """A second leader of province A (T19): two people who may decide on a commune's report."""
    return make_user("leader_a2", cast.province_a, "leader")


@pytest.fixture
def second_officer(cast):
    """A second officer of commune A1 (X05500): two people filling one draft."""
    return make_user("commune_officer2", cast.commune_a1, "officer")
