"""Issue 11, point 4: PostgreSQL restarted under the running server. While it is down, a
page answers 503 with the Vietnamese "Tạm thời không kết nối được cơ sở dữ liệu" page and
the API a JSON 503 — never a 500, never a traceback; once it is back, the same server
process answers 200 again by itself (CONN_HEALTH_CHECKS: a connection kept from before
the restart is checked and replaced).

The PostgreSQL stopped here is a cluster of the test's own (initdb in a temporary folder,
a free port, run as the `postgres` user when the tests run as root: initdb refuses root),
never the server the test run uses — others use that one. The site's database is the test
run's migrated database, dumped into that cluster: this runs in the PostgreSQL run."""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import requests
from django.db import connection

from tests.faults.support import Server, Site, database_url, free_port

pytestmark = pytest.mark.django_db  # the test run's database is dumped: it must be set up

OUTAGE = "Tạm thời không kết nối được cơ sở dữ liệu"
WARM = 16  # requests at once before the outage: the server's threads each keep a connection
INITDB = ("-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")


def postgres_bin(major):
    """The folder of PostgreSQL's programs: the test server's major version, or the newest."""
    mine = Path(f"/usr/lib/postgresql/{major}/bin")
    if (mine / "initdb").exists():
        return mine
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


class Cluster:
    """A PostgreSQL cluster of the test's own: initdb, pg_ctl start, stop -m immediate."""

    def __init__(self, bin_dir):
        self.bin, self.port = bin_dir, free_port()
        self.root = Path(tempfile.mkdtemp(prefix="gb-faults-pg-"))
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.data = self.root / "data"
        try:
            self.run("initdb", "-D", self.data, *INITDB)
            self.start()
        except BaseException:
            self.close()
            raise

    def command(self, tool, *args):
        command = [str(self.bin / tool), *map(str, args)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return command

    def run(self, tool, *args, check=True):
        done = subprocess.run(
            self.command(tool, *args), capture_output=True, text=True, timeout=120
        )
        assert not check or done.returncode == 0, f"{tool} {args}\n{done.stdout}\n{done.stderr}"
        return done

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", self.data, "-l", self.root / "log", "-o", options, "-w", "start")

    def stop(self):
        """As a crash or a hard restart would: no checkpoint, every session cut."""
        self.run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def close(self):
        self.run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL restarts are tested in the PostgreSQL run (SQLite has no server)")
    with django_db_blocker.unblock():
        connection.ensure_connection()
        major = connection.pg_version // 10000
    bin_dir = postgres_bin(major)
    if bin_dir is None:
        pytest.skip("no PostgreSQL programs (initdb) under /usr/lib/postgresql")
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_user("postgres")):
        pytest.skip("running as root, and no `postgres` user to run initdb as (it refuses root)")
    made = Cluster(bin_dir)
    try:
        yield made
    finally:
        made.close()


def _has_user(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="module")
def site(cluster, tmp_path_factory):
    """The test run's database (migrated, as the suite set it up) in the private cluster,
    and the scene of tests/faults/scene.py built in it."""
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
        admin.execute("CREATE DATABASE giaoban")
    source = database_url(connection.settings_dict, connection.settings_dict["NAME"])
    dump = subprocess.run(
        [str(cluster.bin / "pg_dump"), "--format=custom", "--no-owner", "--dbname", source],
        capture_output=True,
        timeout=300,
    )
    assert dump.returncode == 0, dump.stderr.decode()
    restore = subprocess.run(
        [
            str(cluster.bin / "pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            cluster.url("giaoban"),
        ],
        input=dump.stdout,
        capture_output=True,
        timeout=300,
    )
    assert restore.returncode == 0, restore.stderr.decode()
    data = tmp_path_factory.mktemp("restart") / "data"
    data.mkdir()
    made = Site(data, cluster.url("giaoban"))
    made.scene = made.step("build")
    return made


def fetch(server, site, path, api=False):
    if api:
        headers = {"Authorization": f"Bearer {site.scene['key']}"}
        return requests.get(server.url + path, headers=headers, timeout=30)
    return requests.get(server.url + path, cookies={"sessionid": site.scene["session"]}, timeout=30)


def many(server, site, n):
    """n requests at once, pages and API calls alternating: their responses."""
    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [
            pool.submit(fetch, server, site, "/api/units" if i % 2 else "/", bool(i % 2))
            for i in range(n)
        ]
        return [f.result() for f in futures]


def test_a_postgres_restart_gets_503_in_vietnamese_then_service_resumes(cluster, site):
    with Server(site) as server:
        for response in many(server, site, WARM):
            assert response.status_code == 200, response.text[:300]
        pid = server.process.pid

        cluster.stop()
        page = fetch(server, site, "/")
        assert page.status_code == 503, page.text[:500]
        assert page.headers["Content-Type"].startswith("text/html")
        assert page.headers["Retry-After"] == "30"
        assert f"<h1>{OUTAGE}</h1>" in page.text and '<html lang="vi">' in page.text
        assert "Traceback" not in page.text and "OperationalError" not in page.text
        api = fetch(server, site, "/api/units", api=True)
        assert api.status_code == 503
        assert api.json() == {"detail": f"{OUTAGE}; đồng chí vui lòng thử lại sau ít phút."}
        write = requests.post(
            server.url + "/api/activities/bulk",
            json={"items": []},
            headers={"Authorization": f"Bearer {site.scene['key']}"},
            timeout=30,
        )
        assert write.status_code == 503 and write.json()["detail"].startswith(OUTAGE)
        for response in many(server, site, 8):  # whichever thread, kept connection or not
            assert response.status_code == 503, response.text[:300]

        cluster.start()
        for response in many(server, site, WARM) + many(server, site, WARM):
            assert response.status_code == 200, response.text[:300]
        assert server.process.poll() is None and server.process.pid == pid  # not restarted
    log = server.output(tail=None)
    assert "mất kết nối cơ sở dữ liệu" in log  # the operator reads the cause in the log
    assert "Internal Server Error" not in log
