"""Issue 11, point 4: the server killed (SIGKILL, every process of it) in the middle of a
bulk import — the activity log's, through the API — and of a report's Excel upload leaves
nothing of it: no row, no audit entry, no file; every table is exactly as before, the
tally and the roll-up equal their recomputations; after a restart the same imports go
through whole.

Real `giaoban serve` on a copy of the test run's database (SQLite or PostgreSQL). The
kill comes while the import's rows are written and its transaction is open: the server is
started with tests/faults/pause/sitecustomize.py, which holds the request right after the
bulk write of the named table returns, and the test checks from outside that the
transaction is indeed open (SQLite's write lock held; PostgreSQL's lock of a writer on
that table) before it kills."""

import re
import threading

import pytest
import requests

from tests.faults.support import Server, Site
from tests.ops.support import files_state
from tests.reports.test_excel import VALUES, book, data_sheet, fill_subtree, subtree_layout

# The test database must be set up (it is copied): pytest-django sets up only those the
# tests mark as used. The tests themselves use it for nothing.
pytestmark = pytest.mark.django_db

FORM, KEY = "CTD-CTCT-6T", "2026-H1"
UNITS = ["X05500", "X05800", "X00004", "T19", "T01"]
ROWS = 2000
# The API key's "last used" is stamped by the request before the import begins.
STAMPED = {"accounts_apitoken"}


@pytest.fixture(scope="module")
def site(tmp_path_factory, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        site = Site.from_test_database(tmp_path_factory.mktemp("faults") / "data")
    try:
        site.scene = site.step("build")
        yield site
    finally:
        site.close()


def items(tag):
    return [
        {
            "unit": UNITS[i % len(UNITS)],
            "date": "15/03/2026",
            "kind": "the-thao",
            "title": f"Giải thể thao {tag} số {i + 1}",
            "form": "direct",
            "party_members": 3,
            "officers": 10,
            "others": i % 4,
        }
        for i in range(ROWS)
    ]


def bulk(server, site, tag):
    return requests.post(
        server.url + "/api/activities/bulk",
        json={"items": items(tag)},
        headers={"Authorization": f"Bearer {site.scene['key']}"},
        timeout=120,
    )


def signed_in(server, site):
    session = requests.Session()
    session.cookies.set("sessionid", site.scene["session"])
    return session


def excel_upload(server, site):
    """The ministry's template for its subtree, every unit's figures typed in, uploaded."""
    session = signed_in(server, site)
    base = f"{server.url}/bao-cao/{FORM}/{KEY}/BCA/excel"
    template = session.get(base + "/mau/?subtree=1", timeout=60)
    assert template.status_code == 200, template.text[:500]
    units = subtree_layout(data_sheet(book(template.content)))[2]
    assert len(units) >= 4, units
    filled = fill_subtree(template.content, {code: VALUES for code in units})
    page = session.get(base + "/tai-len/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        base + "/tai-len/",
        data={"csrfmiddlewaretoken": token},
        files={"file": ("bao-cao.xlsx", filled)},
        timeout=120,
    )


def killed_mid_write(site, table, send):
    """Run `send(server)` against a server that pauses after writing `table`, and kill the
    server there (its transaction open); then let the database settle."""
    server = Server(site, pause=table)
    answer = {}

    def request():
        try:
            answer["response"] = send(server)
        except Exception as error:  # noqa: BLE001 — reported below, whatever it is
            answer["error"] = error

    thread = threading.Thread(target=request)
    thread.start()
    try:
        paused = server.wait_paused()
        assert paused["table"] == table
        assert site.writing(table), "the import's transaction should be open"
        server.kill()
    finally:
        server.stop()
        thread.join(timeout=60)
        failed = answer.get("error")
        if failed is not None and not isinstance(failed, requests.RequestException):
            raise failed  # the client broke before the server was killed
    assert "response" not in answer, answer  # the client got no answer: the server died
    site.settle()


def same(before, after):
    changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
    assert set(changed) <= STAMPED, changed
    for table in STAMPED:
        assert before[table][0] == after[table][0], table  # no key added or removed


def test_a_server_killed_mid_bulk_import_leaves_nothing_of_it(site):
    before, files = site.tables(), files_state(site.uploads)
    killed_mid_write(site, "activities_activity", lambda server: bulk(server, site, "bị ngắt"))
    same(before, site.tables())  # no activity, tally row or audit entry of it
    assert files_state(site.uploads) == files
    after = site.step("check")
    assert after["tally_equals_recomputation"] and after["rollup_equals_recomputation"]


def test_a_server_killed_mid_excel_upload_leaves_nothing_of_it(site):
    before, files = site.tables(), files_state(site.uploads)
    killed_mid_write(site, "reports_reportvalue", lambda server: excel_upload(server, site))
    same(before, site.tables())  # no report, figure, roll-up change or audit entry of it
    assert files_state(site.uploads) == files
    after = site.step("check")
    assert after["tally_equals_recomputation"] and after["rollup_equals_recomputation"]


def test_after_the_kills_the_same_imports_go_through_whole(site):
    before = {name: rows for name, (rows, _digest) in site.tables().items()}
    with Server(site) as server:
        response = bulk(server, site, "làm lại")
        assert response.status_code == 200, response.text[:1000]
        assert response.json()["created"] == ROWS
        response = excel_upload(server, site)
        assert response.status_code == 200, response.text[-2000:]
    after = site.step("check")
    assert after["tally_equals_recomputation"] and after["rollup_equals_recomputation"]
    assert after["activities"] == before["activities_activity"] + ROWS
    reports = after["reports"] - before["reports_report"]
    assert reports >= 4 and after["values"] > before["reports_reportvalue"]
    # One entry per activity and one per report, at least.
    assert after["audit_entries"] >= before["audit_auditentry"] + ROWS + reports
