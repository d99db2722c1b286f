"""What the operations tests share: a data directory with its own database (a SQLite file,
or a PostgreSQL database owned by a role of its own, as in production), `giaoban` run as a
separate process the way an operator runs it, and the exact state of a site.

The engine is the test run's: SQLite, or the PostgreSQL server of DATABASE_URL, on which
these tests create (and drop) a role and databases named gb_ops_<pid>_….
"""

import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg
from django.db import connection
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
SECRET = secrets.token_urlsafe(64)


def vendor():
    return connection.vendor  # of the test run: "sqlite" or "postgresql"


def clean_env(data_dir, database_url=None, **extra):
    """A production-like environment: none of the test run's settings, a real key."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIAOBAN_", "DJANGO_", "PYTEST_", "PG")) and k != "DATABASE_URL"
    }
    env.update(GIAOBAN_DATA_DIR=str(data_dir), GIAOBAN_SECRET_KEY=SECRET, PYTHONPATH=str(ROOT))
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def giaoban_command():
    script = Path(sys.executable).with_name("giaoban")  # the console entry point
    return [str(script)] if script.exists() else [sys.executable, "-m", "giaoban.cli"]


def run(args, env, cwd=ROOT, check=True, stdin=None, timeout=600):
    done = subprocess.run(
        args,
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


class Postgres:
    """A role (not a superuser: the database's owner, as in production) and its databases
    on the test run's server, dropped at close."""

    def __init__(self, url):
        self.server = urlsplit(url)
        self.role = f"gb_ops_{os.getpid()}_{secrets.token_hex(3)}"
        self.password = secrets.token_urlsafe(16)
        self.databases = []
        with self.admin() as admin:
            admin.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(self.role), sql.Literal(self.password)
                )
            )

    def admin(self):
        return psycopg.connect(
            host=self.server.hostname or "127.0.0.1",
            port=self.server.port or 5432,
            user=self.server.username or "postgres",
            password=self.server.password,
            dbname="postgres",
            autocommit=True,
        )

    def create(self, suffix, template=None):
        name = f"{self.role}_{suffix}"
        query = sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(name), sql.Identifier(self.role)
        )
        if template:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.admin() as admin:
            admin.execute(query)
        self.databases.append(name)
        return name

    def url(self, name):
        host = self.server.hostname or "127.0.0.1"
        return (
            f"postgres://{self.role}:{quote(self.password, safe='')}@{host}:"
            f"{self.server.port or 5432}/{name}"
        )

    def connect(self, name):
        return psycopg.connect(self.url(name), autocommit=True)

    def drop(self, name):
        with self.admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        if name in self.databases:
            self.databases.remove(name)

    def close(self):
        for name in list(self.databases):
            self.drop(name)
        with self.admin() as admin:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(self.role)))


@dataclass
class Site:
    """A data directory and its database, and `giaoban` run against them."""

    data: Path
    url: str | None = None  # PostgreSQL; None for the SQLite file in `data`
    pg: Postgres | None = None
    name: str | None = None

    @property
    def sqlite_path(self):
        return self.data / "giaoban.sqlite3"

    @property
    def uploads(self):
        return self.data / "uploads"

    def env(self, **extra):
        return clean_env(self.data, self.url, **extra)

    def giaoban(self, *args, check=True, stdin=None, **extra):
        return run(
            [*giaoban_command(), *map(str, args)], self.env(**extra), check=check, stdin=stdin
        )

    def scenario(self, step):
        """A step of tests/ops/scenario.py (fill, mutate) in its own process."""
        env = self.env(GIAOBAN_TESTING="1", GIAOBAN_DEMO="1")
        return run([sys.executable, "-m", "tests.ops.scenario", step], env)

    def state(self):
        """{"schema", "tables", "uploads"} — enough to tell any difference apart."""
        tables = sqlite_tables(self.sqlite_path) if self.url is None else pg_tables(self)
        return {**tables, "uploads": files_state(self.uploads)}


def digest(rows):
    lines = sorted(repr(tuple(row)) for row in rows)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def files_state(root):
    root = Path(root)
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def sqlite_tables(path):
    conn = sqlite3.connect(path)
    try:
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        names = [row[1] for row in schema if row[0] == "table"]
        tables = {
            name: digest(conn.execute(f'SELECT * FROM "{name}"').fetchall())  # noqa: S608
            for name in names
        }
    finally:
        conn.close()
    return {"schema": schema, "tables": tables}


PG_SCHEMA = [
    """SELECT table_name, column_name, data_type, is_nullable, column_default
         FROM information_schema.columns WHERE table_schema = 'public'""",
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    """SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t
         JOIN pg_class c ON c.oid = t.tgrelid
        WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace""",
    """SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace""",
    """SELECT relname, relkind, reloptions FROM pg_class
        WHERE relnamespace = 'public'::regnamespace""",
    """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace""",
]


def pg_tables(site):
    with site.pg.connect(site.name) as conn:
        schema = [sorted(map(repr, conn.execute(query).fetchall())) for query in PG_SCHEMA]
        names = [
            row[0]
            for row in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relkind IN ('r', 'p') ORDER BY relname"
            )
        ]
        tables = {
            name: digest(conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(name))))
            for name in names
        }
        sequences = {
            name: conn.execute(
                sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(name))
            ).fetchone()
            for (name,) in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relkind = 'S'"
            )
        }
    return {"schema": schema, "tables": tables, "sequences": sequences}


def new_site(tmp_path, template, pg=None, template_db=None):
    """A copy of the `template` site (data directory and database) for one test."""
    data = tmp_path / "data"
    shutil.copytree(template, data)
    if pg is None:
        return Site(data)
    name = pg.create(secrets.token_hex(3), template=template_db)
    return Site(data, pg.url(name), pg, name)
