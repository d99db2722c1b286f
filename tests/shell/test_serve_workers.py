"""`giaoban serve` with several worker processes (gunicorn), run for real as an operator
runs it, in production settings, on a database of its own: a SQLite file, or a PostgreSQL
database (owned by a role of its own) when the test run is on PostgreSQL.

Security holds whichever worker serves a request: failed logins served by different
workers add up to one lockout (axes' records are in the shared database); a session
outlives the workers that created it (SIGHUP replaces them all, SIGKILL too); the client's
address comes from X-Forwarded-For only when the trusted proxy sends it; passwords are
hashed with the measured Argon2 parameters; SIGTERM stops the master and every worker
(checked when the module's server stops). To know which worker serves a request, the test leaves
the master one worker at a time (SIGTTOU retires the oldest, SIGTTIN starts a new one), and
the access log's "<pid>" names the worker that served it. (Pausing a worker with SIGSTOP
instead would freeze it wherever it is, possibly holding SQLite's lock while it closes its
connection after the response, and block the other worker.)

SQLite with several processes: two processes writing at once wait for each other (busy
timeout, transactions that take the write lock when they begin) instead of failing with
"database is locked"; the same writers with SQLite's default transactions do fail, which
shows the test puts them in each other's way.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.ops.support import ROOT, Postgres, Site, giaoban_command, vendor

ENGINE = vendor()
PASSWORD = "Mat-khau-kiem-thu-2026"
FAILURE_LIMIT = 5
LOGIN = "/tai-khoan/dang-nhap/"
PROFILE = "/tai-khoan/ca-nhan/"
# The reverse proxy, as the server is told: another loopback address than the tests' own.
TRUSTED_PROXY = "127.0.0.2"

MIGRATE_AND_CREATE_USERS = f"""
from django.core.management import call_command
from giaoban.accounts.models import User
from giaoban.audit.context import acting_as
call_command("migrate", verbosity=0)
with acting_as(label="kiểm thử"):
    for name in ("bi.khoa", "giu.phien"):
        User.objects.create_user(username=name, password={PASSWORD!r}, full_name=name)
print("hash:", "$".join(User.objects.get(username="giu.phien").password.split("$")[:4]))
"""


@pytest.fixture(scope="module")
def pg():
    if ENGINE != "postgresql":
        yield None
        return
    server = Postgres(os.environ["DATABASE_URL"])
    yield server
    server.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, pg):
    data = tmp_path_factory.mktemp("serve") / "data"
    data.mkdir()
    site = Site(data)
    if pg is not None:
        name = pg.create("serve")
        site = Site(data, pg.url(name), pg, name)
    done = site.giaoban("shell", "-c", MIGRATE_AND_CREATE_USERS)
    site.hashed = done.stdout.split("hash: ", 1)[1].strip()
    return site


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid):
    """The processes whose parent is `pid` (gunicorn's workers, for its master)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return sorted(found)


def wait_for(what, check, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.1)


class Server:
    """`giaoban serve --workers 2` in a process of its own; its output read as it comes."""

    def __init__(self, site):
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603
            [*giaoban_command(), "serve", "--port", str(self.port), "--workers", "2"]
            + ["--threads", "2", "--trusted-proxy", TRUSTED_PROXY],
            env=site.env(GIAOBAN_HTTPS="0", GIAOBAN_LOGIN_FAILURE_LIMIT=str(FAILURE_LIMIT)),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        started = f"giaoban đang chạy tại http://127.0.0.1:{self.port}/"
        wait_for(
            "the server's start",
            lambda: self.process.poll() is not None or started in self.output,
            timeout=120,
        )
        assert started in self.output, self.output
        wait_for("two workers", lambda: len(children(self.process.pid)) == 2)

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self):
        return "".join(self.lines)

    def request(self, method, path, jar, form=None, headers=None, source="127.0.0.1"):
        """One request on a new connection; `jar` (a dict of cookies) is updated."""
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        headers = {"Connection": "close", **(headers or {})}
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            jar[name] = value
        return response.status, response.headers, text

    def log_pid(self, path):
        """The pid of the worker that served `path` (a unique query string), from the log."""
        pattern = re.compile(re.escape(f"{path} HTTP/1.1") + r'".* <(\d+)>$', re.M)
        return int(
            wait_for(f"the access log of {path}", lambda: pattern.search(self.output), 10)[1]
        )

    def stop(self):
        self.process.terminate()
        try:
            return self.process.wait(timeout=60)
        finally:
            self.reader.join(timeout=10)


@pytest.fixture(scope="module")
def server(site):
    served = Server(site)
    yield served
    master = served.process.pid
    code = served.stop()
    # SIGTERM stops the server cleanly, master and workers.
    assert code == 0, served.output[-3000:]
    assert "Đã dừng máy chủ." in served.output
    assert not children(master)


def only_workers(server, expected):
    """Wait until the master's workers are `expected` (a number, or a set of pids)."""
    master = server.process.pid

    def check():
        now = set(children(master))
        if isinstance(expected, int):
            return len(now) == expected and now
        return now == expected and now

    return wait_for(f"workers {expected}", check)


def retire_oldest(server):
    """SIGTTOU: the master stops its oldest worker (gracefully) and keeps one fewer."""
    before = set(children(server.process.pid))
    os.kill(server.process.pid, signal.SIGTTOU)
    return only_workers(server, len(before) - 1)


def add_one(server):
    """SIGTTIN: the master starts one more worker, a new process."""
    before = set(children(server.process.pid))
    os.kill(server.process.pid, signal.SIGTTIN)
    return only_workers(server, len(before) + 1) - before


def login(server, jar, username, password, tag):
    status, _headers, page = server.request("GET", LOGIN, jar)
    assert status == 200, status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    path = f"{LOGIN}?lan={tag}"  # names the request in the access log
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    status, _headers, page = server.request("POST", path, jar, form)
    return status, page, path


def test_production_hashes_passwords_with_the_measured_argon2(site):
    assert site.hashed == "argon2$argon2id$v=19$m=19456,t=2,p=1"  # docs/decisions.md


def test_failed_logins_served_by_different_workers_add_up_to_one_lockout(server):
    jar = {}

    def fail(number):
        status, page, path = login(server, jar, "bi.khoa", "sai-mat-khau", number)
        return status, page, server.log_pid(path)

    # Three wrong passwords, all served by one worker (the only one left)...
    (first,) = retire_oldest(server)
    for number in (1, 2, 3):
        status, page, pid = fail(number)
        assert pid == first
        assert status == 200 and "Tên đăng nhập hoặc mật khẩu không đúng." in page, server.output[
            -3000:
        ]
        assert f"Còn {FAILURE_LIMIT - number} lần thử" in page

    # ...then by another worker process, started after them: it counts on from three.
    (second,) = add_one(server)
    assert retire_oldest(server) == {second}
    status, page, pid = fail(4)
    assert pid == second
    assert status == 200 and "Còn 1 lần thử" in page
    status, page, pid = fail(5)
    assert pid == second
    assert status == 429 and "Tạm khóa đăng nhập" in page

    # The right password, now, is refused too, by a worker of either age; no session.
    add_one(server)
    for attempt in (1, 2, 3):
        status, page, _path = login(server, jar, "bi.khoa", PASSWORD, f"dung{attempt}")
        assert status == 429 and "Tạm khóa đăng nhập" in page
        assert "sessionid" not in jar


def test_a_session_outlives_the_workers(server):
    jar = {}
    status, _page, _path = login(server, jar, "giu.phien", PASSWORD, "phien")
    assert status == 302 and "sessionid" in jar

    def signed_in():
        status, _headers, page = server.request("GET", PROFILE, jar)
        return status == 200 and "giu.phien" in page

    assert signed_in()
    master = server.process.pid

    # SIGHUP: the master replaces every worker.
    before = set(children(master))
    os.kill(master, signal.SIGHUP)
    workers = wait_for(
        "new workers after SIGHUP",
        lambda: (now := set(children(master))) and not now & before and len(now) == 2 and now,
    )
    assert signed_in()

    # SIGKILL: both workers die at once; the master starts others.
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    fresh = wait_for(
        "new workers after SIGKILL",
        lambda: (now := set(children(master))) and not now & workers and len(now) == 2 and now,
    )
    assert fresh and signed_in()


def test_proxy_headers_count_from_the_trusted_proxy_only(server):
    """The client's address (the access log's, and axes' for its lockouts) comes from
    X-Forwarded-For only when the trusted proxy sends it; anyone else's is dropped."""
    spoofed = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    for source, shown in (("127.0.0.1", "127.0.0.1"), (TRUSTED_PROXY, "203.0.113.7")):
        path = f"{LOGIN}?tu={source}"
        status, _headers, _page = server.request("GET", path, {}, headers=spoofed, source=source)
        assert status == 200
        line = wait_for(
            "the access log", lambda p=path: re.search(f".*{re.escape(p)} .*", server.output)
        )[0]
        assert line.startswith(f"{shown} "), line


# --- SQLite: two processes writing at once -------------------------------------------------

WRITER = """
import json, os, time
from pathlib import Path
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection, transaction
from django.utils import timezone

name, mode, gate = os.environ["WRITER"], os.environ["MODE"], Path(os.environ["GATE"])
if mode != "settings":
    connection.settings_dict["OPTIONS"]["transaction_mode"] = mode
(gate / name).touch()
while len(list(gate.iterdir())) < 2:
    time.sleep(0.005)
waits, errors = [], []
for i in range(6):
    asked = time.monotonic()
    try:
        with transaction.atomic():
            waits.append(time.monotonic() - asked)
            Session.objects.filter(session_key__startswith="w").count()
            time.sleep(0.05)
            Session.objects.create(
                session_key=f"w{name}{mode}{i}", session_data="x", expire_date=timezone.now()
            )
            time.sleep(0.05)
    except OperationalError as exc:
        errors.append(str(exc))
print(json.dumps({"waits": waits, "errors": errors}))
"""


def write_at_once(site, tmp_path, mode):
    gate = tmp_path / f"gate-{mode}"
    gate.mkdir()
    writers = [
        subprocess.Popen(  # noqa: S603
            [*giaoban_command(), "shell", "-c", WRITER],
            env=site.env(WRITER=name, MODE=mode, GATE=str(gate)),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    results = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.skipif(ENGINE != "sqlite", reason="SQLite's locking; PostgreSQL has row locks")
def test_two_processes_writing_sqlite_at_once_wait_for_each_other(site, tmp_path):
    results = write_at_once(site, tmp_path, "settings")
    assert [r["errors"] for r in results] == [[], []]
    # They did get in each other's way: some transaction waited for the other's lock.
    assert max(w for r in results for w in r["waits"]) > 0.04

    # Control: SQLite's default (deferred) transactions read, then fail to write.
    results = write_at_once(site, tmp_path, "DEFERRED")
    errors = [e for r in results for e in r["errors"]]
    assert errors and all("database is locked" in e for e in errors)
