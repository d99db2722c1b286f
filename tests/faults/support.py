"""What the fault tests share: a site (a data directory and a database copied from the test
run's own, already migrated: a SQLite file through the backup API, or a PostgreSQL database
made from it as a template) and `giaoban serve` run on it as production runs it, in a
process group of its own that a test can SIGKILL whole.

The server is started with --host and --port only; GIAOBAN_HTTPS=0 lets the test speak
plain HTTP on the loopback (docs/operations.md: a closed test network)."""

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import requests
from django.db import connection, connections
from psycopg import sql

from tests.ops.support import ROOT, clean_env, digest, giaoban_command, run

PAUSE = Path(__file__).with_name("pause")  # its sitecustomize.py, see there
READY_PATH = "/tai-khoan/dang-nhap/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict, name):
    """postgres://… of database `name` on the server of Django's `settings_dict`."""
    user = quote(settings_dict["USER"] or "postgres", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def admin_connection(settings_dict, dbname="postgres"):
    return psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"] or "postgres",
        password=settings_dict["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


class Site:
    def __init__(self, data, url=None, name=None, server=None):
        self.data, self.url, self.name, self.server = data, url, name, server

    @classmethod
    def from_test_database(cls, data):
        """A copy of the test run's database as it stands (call it outside any test's
        transaction, with database access unblocked)."""
        data.mkdir(parents=True)
        assert not connection.in_atomic_block, "copy the test database outside a transaction"
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(data / "giaoban.sqlite3")
            connection.connection.backup(target)
            target.close()
            return cls(data)
        server = dict(connection.settings_dict)
        name = f"gb_faults_{os.getpid()}_{secrets.token_hex(3)}"
        connections.close_all()  # a template must have no session open on it
        with admin_connection(server) as admin:
            for attempt in range(50):
                try:
                    admin.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(name), sql.Identifier(server["NAME"])
                        )
                    )
                    break
                except psycopg.errors.ObjectInUse:
                    if attempt == 49:
                        raise
                    time.sleep(0.1)
        return cls(data, database_url(server, name), name, server)

    @property
    def sqlite_path(self):
        return self.data / "giaoban.sqlite3"

    @property
    def uploads(self):
        return self.data / "uploads"

    def env(self, **extra):
        return clean_env(self.data, self.url, GIAOBAN_HTTPS="0", **extra)

    def step(self, name):
        """A step of tests/faults/scene.py in its own process: its JSON."""
        done = run([sys.executable, "-m", "tests.faults.scene", name], self.env())
        return json.loads(done.stdout.strip().splitlines()[-1])

    def connect(self):
        if self.url is None:
            return sqlite3.connect(self.sqlite_path, timeout=0)
        return psycopg.connect(self.url, autocommit=True)

    def tables(self):
        """{table: (rows, digest)} of every table."""
        conn = self.connect()
        try:
            if self.url is None:
                query = "SELECT name FROM sqlite_master WHERE type = 'table'"
            else:
                query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            names = [row[0] for row in conn.execute(query).fetchall()]
            return {
                name: digest(conn.execute(f'SELECT * FROM "{name}"').fetchall())  # noqa: S608
                for name in names
            }
        finally:
            conn.close()

    def writing(self, table):
        """Whether a connection other than ours is inside a write transaction — on
        PostgreSQL, one that has written `table` (its RowExclusiveLock on it)."""
        conn = self.connect()
        try:
            if self.url is None:  # the write lock: the project's transactions take it first
                try:
                    conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as error:
                    return "locked" in str(error)
                conn.rollback()
                return False
            (count,) = conn.execute(
                """SELECT count(*) FROM pg_locks l
                     JOIN pg_class c ON c.oid = l.relation
                     JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.granted
                      AND a.datname = current_database() AND a.pid <> pg_backend_pid()
                      AND a.xact_start IS NOT NULL""",
                [table],
            ).fetchone()
            return count > 0
        finally:
            conn.close()

    def settle(self, timeout=20):
        """After a kill: PostgreSQL has ended the dead client's session (rolling back its
        transaction); SQLite needs nothing (the lock went with the process)."""
        if self.url is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with psycopg.connect(self.url, autocommit=True) as conn:
                (others,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchone()
            if not others:
                return
            time.sleep(0.05)
        raise AssertionError("PostgreSQL kept the killed server's session")

    def close(self):
        """Drop the PostgreSQL database this site made (none for SQLite, or one given)."""
        if self.server is None:
            return
        with admin_connection(self.server) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )


class Server:
    """`giaoban serve --host 127.0.0.1 --port P` on a site; `pause`: the table after whose
    bulk write a request waits to be killed (tests/faults/pause/sitecustomize.py)."""

    def __init__(self, site, pause=None, env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.marker = site.data.parent / f"pause-{self.port}.json"
        env = dict(env or site.env())
        if pause:
            env.update(
                GB_FAULT_PAUSE_TABLE=pause,
                GB_FAULT_MARKER=str(self.marker),
                PYTHONPATH=os.pathsep.join([str(PAUSE), env.get("PYTHONPATH", str(ROOT))]),
            )
        self.log_path = site.data.parent / f"server-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 — closed in stop()/kill()
        self.process = subprocess.Popen(
            [*giaoban_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: workers and all are killed
        )
        self.wait_ready()

    def output(self, tail=4000):
        """What the server printed (its last `tail` characters; None: all of it)."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return text if tail is None else text[-tail:]

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"giaoban serve stopped:\n{self.output()}")
            try:
                if requests.get(self.url + READY_PATH, timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.kill()
        raise AssertionError(f"giaoban serve did not answer in {timeout} s:\n{self.output()}")

    def wait_paused(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.marker.exists() and self.marker.read_text(encoding="utf-8"):
                return json.loads(self.marker.read_text(encoding="utf-8"))
            if self.process.poll() is not None:
                raise AssertionError(f"giaoban serve stopped:\n{self.output()}")
            time.sleep(0.01)
        raise AssertionError(f"the import never reached its pause:\n{self.output()}")

    def signal_group(self, signum):
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self):
        """SIGKILL to every process of the server at once."""
        self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self):
        if self.process.poll() is None:
            self.signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        self.signal_group(signal.SIGKILL)  # whatever of the group is left
        self.process.wait(timeout=30)
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
