"""What the shell answers when the database is out of reach or the data disk refuses a write
(giaoban/shell/middleware.py), built from real errors: a PostgreSQL port nobody listens on, a
SQLite file that cannot be opened, a SQLite database that is full. Errors that are not the
server's fault — a syntax error, a violated constraint — keep their 500."""

import json

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError, OperationalError, ProgrammingError, connection, transaction
from django.db.utils import ConnectionHandler, load_backend
from django.test import Client, RequestFactory
from django.urls import get_resolver

from giaoban.accounts.models import ApiToken
from giaoban.audit.middleware import AuditContextMiddleware
from giaoban.shell import middleware
from giaoban.shell.middleware import DATABASE, STORAGE, classify, fault_response, server_error
from giaoban.units.models import Unit
from tests.faults.support import free_port

OUTAGE = "Tạm thời không kết nối được cơ sở dữ liệu"


def wrapper(**settings_dict):
    """A connection of its own (not the test run's) with these settings."""
    configured = ConnectionHandler().configure_settings({"default": settings_dict})["default"]
    return load_backend(configured["ENGINE"]).DatabaseWrapper(configured, "probe")


def raised(action):
    try:
        action()
    except Exception as error:  # noqa: BLE001 — the error is what is under test
        return error
    raise AssertionError("no error raised")


@pytest.fixture(scope="module")
def failures(tmp_path_factory, django_db_blocker):
    """Real errors: {what: the exception Django raised}."""
    tmp = tmp_path_factory.mktemp("faults")
    postgres = wrapper(
        ENGINE="django.db.backends.postgresql",
        NAME="giaoban",
        USER="postgres",
        HOST="127.0.0.1",
        PORT=str(free_port()),
    )
    sqlite_missing = wrapper(ENGINE="django.db.backends.sqlite3", NAME=str(tmp / "khong" / "x.db"))
    full = wrapper(ENGINE="django.db.backends.sqlite3", NAME=str(tmp / "day.db"))

    def fill_up():
        with full.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 8")
            cursor.execute("CREATE TABLE t (b blob)")
            for _ in range(20):
                cursor.execute("INSERT INTO t VALUES (zeroblob(4000))")

    with django_db_blocker.unblock():  # connections of their own, not the test database
        found = {
            "postgres refused": raised(postgres.ensure_connection),
            "sqlite cannot open": raised(sqlite_missing.ensure_connection),
            "sqlite full": raised(fill_up),
        }
        for conn in (postgres, sqlite_missing, full):
            conn.close()
    return found


def test_real_connection_failures_and_a_full_database_are_recognised(failures):
    for what, error in failures.items():
        assert isinstance(error, OperationalError), (what, error)
    assert classify(failures["postgres refused"]) == DATABASE
    assert classify(failures["sqlite cannot open"]) == DATABASE
    assert classify(failures["sqlite full"]) == STORAGE
    assert "full" in str(failures["sqlite full"])


def test_real_errors_that_are_not_faults_are_not_masked(cast):
    def bad_sql():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELEC 1")

    def duplicate():
        with transaction.atomic():
            Unit.objects.create(code=cast.root.code, name="Trùng mã", level=cast.root.level)

    syntax, constraint = raised(bad_sql), raised(duplicate)
    assert isinstance(syntax, (OperationalError, ProgrammingError))  # SQLite / PostgreSQL
    assert isinstance(constraint, IntegrityError)
    request = RequestFactory().get("/bao-cao/")
    for error in (syntax, constraint, ValueError("lỗi lập trình")):
        assert classify(error) is None
        assert fault_response(request, error) is None
        try:
            raise error
        except Exception:  # noqa: BLE001 — as Django calls handler500: inside the except
            response = server_error(request)
        assert response.status_code == 500
        assert "Lỗi máy chủ" in response.content.decode()


def test_the_outage_page_and_the_apis_answer(failures):
    error = failures["postgres refused"]
    page = fault_response(RequestFactory().get("/bao-cao/"), error)
    assert page.status_code == 503 and page["Retry-After"] == "30"
    html = page.content.decode()
    assert '<html lang="vi">' in html and f"<h1>{OUTAGE}</h1>" in html
    assert "/static/giaoban/app.css" in html and "Traceback" not in html
    api = fault_response(RequestFactory().post("/api/activities/bulk"), error)
    assert api.status_code == 503 and api["Content-Type"] == "application/json"
    assert json.loads(api.content) == {
        "detail": f"{OUTAGE}; đồng chí vui lòng thử lại sau ít phút."
    }
    full = fault_response(RequestFactory().post("/hoat-dong/moi/"), failures["sqlite full"])
    assert full.status_code == 507
    assert "Không ghi được dữ liệu: ổ đĩa dữ liệu của máy chủ đã đầy" in full.content.decode()


def test_a_page_and_the_api_meet_the_outage_through_the_whole_stack(cast, failures, monkeypatch):
    """The error raised where a request first needs the database — the session behind a
    page, the key of an API call — reaches the answer through every middleware and ninja."""
    error = failures["postgres refused"]
    client = Client(raise_request_exception=False)
    client.force_login(cast.officer_a)
    key = ApiToken.issue(cast.officer_a, "khóa thử")[1]

    def unreachable(*args, **kwargs):
        raise error

    monkeypatch.setattr(SessionStore, "load", unreachable)
    monkeypatch.setattr(ApiToken, "authenticate", unreachable)
    page = client.get("/")
    assert page.status_code == 503 and OUTAGE in page.content.decode()
    api = client.get("/api/units", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 503 and api.json()["detail"].startswith(OUTAGE)


def test_an_outage_met_in_a_middleware_is_answered_by_handler500(failures, monkeypatch, db):
    assert get_resolver().resolve_error_handler(500) is middleware.server_error
    error = failures["postgres refused"]

    def outage(self, request):
        raise error

    monkeypatch.setattr(AuditContextMiddleware, "__call__", outage)
    response = Client(raise_request_exception=False).get("/tai-khoan/dang-nhap/")
    assert response.status_code == 503 and OUTAGE in response.content.decode()
