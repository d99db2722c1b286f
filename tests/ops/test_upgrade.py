"""Upgrading a database made by an earlier giaoban to the current code keeps its data.

The earlier code is taken from git (`git archive`, read-only: the working tree is left
alone) into a temporary folder and run from there: its own migrations build the database
and its own demo loaders fill it. Then the current code migrates it, every row of every
table is compared with what the earlier code wrote, and the current code's demo runs on
the upgraded database.

UPGRADE_FROM is the earlier release. No release is tagged yet, so it is the last commit
before issue 8 (the documents register): the upgrade then crosses every migration added
since — documents, the activity log, the audit snapshots retyped on PostgreSQL, computed
indicators, conferences, campaigns. When releases are tagged, make it the previous tag.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections import Counter

import pytest
from psycopg import sql

from .support import ROOT, Postgres, clean_env, giaoban_command, run, vendor

UPGRADE_FROM = "2180a1497ece0d947f4ddf9a58f767441ae7bc32"  # before issue 8, 2026-12-02
ENGINE = vendor()

# What of the earlier release is run: the package, manage.py and the test cast's helpers.
OLD_PATHS = ["giaoban", "manage.py", "tests/__init__.py", "tests/conftest.py"]
# Django's bookkeeping, which gains the rows of the new migrations and models.
GROWING = {"django_migrations", "django_content_type", "auth_permission"}
# Columns a migration since UPGRADE_FROM removed on purpose: {table: {column, …}}.
DROPPED = {}

OLD_UNITS = """
import django
django.setup()
from giaoban.audit.context import acting_as
from tests.conftest import make_unit
with acting_as(label="kiểm thử nâng cấp"):
    root = make_unit("BCA", "Bộ Công an", "Bộ Công an", "bo")
    make_unit("CTDCT", "Cục Công tác đảng và công tác chính trị", "Cục CTĐ, CTCT", "cuc", root)
    a = make_unit("T19", "Công an tỉnh Thái Nguyên", "Thái Nguyên", "tinh", root)
    make_unit("X05500", "Công an phường Phan Đình Phùng", "Phan Đình Phùng", "xa", a)
    make_unit("X05800", "Công an xã Đại Phúc", "Đại Phúc", "xa", a)
    b = make_unit("T01", "Công an thành phố Hà Nội", "Hà Nội", "tinh", root)
    make_unit("X00004", "Công an phường Ba Đình", "Ba Đình", "xa", b)
"""


GIT = shutil.which("git")


def git(*args):
    return subprocess.run([GIT, "-C", str(ROOT), *args], capture_output=True, text=True)


def earlier_code(target):
    """The earlier release's code under `target`; skips where git has no history."""
    if GIT is None or git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("không phải bản sao git: không có mã của phiên bản trước")
    if git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        pytest.skip("bản sao git nông (shallow clone): không có mã của phiên bản trước")
    assert git("cat-file", "-e", f"{UPGRADE_FROM}^{{commit}}").returncode == 0, (
        f"commit {UPGRADE_FROM} không có trong kho git"
    )
    archive = target.with_suffix(".tar")
    with open(archive, "wb") as out:
        subprocess.run(
            [GIT, "-C", str(ROOT), "archive", "--format=tar", UPGRADE_FROM, *OLD_PATHS],
            stdout=out,
            check=True,
        )
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


@pytest.fixture
def database(tmp_path):
    """(DATABASE_URL or None for SQLite, a function reading every table)."""
    if ENGINE == "sqlite":
        path = tmp_path / "data" / "giaoban.sqlite3"
        yield None, lambda: sqlite_rows(path)
        return
    server = Postgres(os.environ["DATABASE_URL"])
    try:
        name = server.create("upgrade")
        yield server.url(name), lambda: pg_rows(server, name)
    finally:
        server.close()


def sqlite_rows(path):
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {}
        for name in names:
            cursor = conn.execute(f'SELECT * FROM "{name}"')  # noqa: S608 — table names
            out[name] = ([d[0] for d in cursor.description], cursor.fetchall())
        return out
    finally:
        conn.close()


def pg_rows(server, name):
    with server.connect(name) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relkind IN ('r', 'p')"
            )
        ]
        out = {}
        for table in names:
            cursor = conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
            out[table] = ([d.name for d in cursor.description], cursor.fetchall())
        return out


def projected(columns, rows, keep):
    at = [columns.index(c) for c in keep]
    return sorted(repr(tuple(row[i] for i in at)) for row in rows)


def applied(tables):
    columns, rows = tables["django_migrations"]
    app, name = columns.index("app"), columns.index("name")
    return {(row[app], row[name]) for row in rows}


def test_a_database_of_the_previous_release_upgrades_with_its_data(tmp_path, database):
    url, read = database
    old = earlier_code(tmp_path / "old")
    data = tmp_path / "data"
    old_env = clean_env(
        data,
        url,
        PYTHONPATH=str(old),
        DJANGO_SETTINGS_MODULE="giaoban.settings",
        GIAOBAN_TESTING="1",
        GIAOBAN_DEMO="1",
    )
    manage = [sys.executable, str(old / "manage.py")]
    run([*manage, "migrate", "-v", "0"], old_env, cwd=old)
    run([sys.executable, "-c", OLD_UNITS], old_env, cwd=old)
    run([*manage, "demo", "--no-serve", "--no-import"], old_env, cwd=old)
    before = read()
    assert ("documents", "0001_initial") not in applied(before)  # the earlier code's own
    assert len(before["reports_report"][1]) > 0 and len(before["audit_auditentry"][1]) > 0

    new_env = clean_env(data, url, GIAOBAN_TESTING="1", GIAOBAN_DEMO="1")
    run([*giaoban_command(), "migrate", "-v", "0"], new_env)
    after = read()

    for table, (columns, rows) in before.items():
        assert table in after, f"bảng {table} mất sau khi nâng cấp"
        new_columns, new_rows = after[table]
        assert set(columns) - set(new_columns) == DROPPED.get(table, set()), table
        keep = [c for c in columns if c in new_columns]
        was, now = projected(columns, rows, keep), projected(new_columns, new_rows, keep)
        if table == "sqlite_sequence":  # SQLite's counters of AUTOINCREMENT keys
            counters = dict(new_rows)
            assert all(counters.get(name, 0) >= n for name, n in rows), (rows, new_rows)
        elif table in GROWING:
            assert not Counter(was) - Counter(now), table  # every row kept, others added
        else:
            assert now == was, table
    assert ("documents", "0001_initial") in applied(after)
    assert run([*giaoban_command(), "migrate", "--check"], new_env, check=False).returncode == 0

    # The current code works on the upgraded database: its demo loads every app's data.
    run([*giaoban_command(), "demo", "--no-serve", "--no-import"], new_env)
    final = read()
    assert final["documents_document"][1] and final["conferences_conference"][1]
    assert len(final["reports_report"][1]) >= len(before["reports_report"][1])
