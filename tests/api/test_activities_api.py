"""The activity log API: list with filters, record one, record many all or nothing."""

import datetime
import json

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from schemathesis.specs.openapi.checks import positive_data_acceptance

from giaoban.accounts.models import ApiToken
from giaoban.activities import services
from giaoban.activities.models import Activity, ActivityTally
from giaoban.audit.models import AuditEntry
from giaoban.documents.models import Recipient
from tests.api.conftest import api_client, token_client
from tests.conftest import make_user
from tests.documents.conftest import issued

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def written():
    return (
        Activity.objects.count(),
        ActivityTally.objects.count(),
        AuditEntry.objects.exclude(model="accounts.ApiToken").count(),
        list(Recipient.objects.values_list("disseminated_on", "sessions").order_by("pk")),
    )


def item(unit="X05500", **fields):
    return {
        "unit": unit,
        "date": (TODAY - 3 * DAY).strftime("%d/%m/%Y"),
        "kind": "gd-truyen-thong",
        "title": "Giáo dục truyền thống đơn vị",
        "form": "direct",
        "party_members": 12,
        "officers": "1.020",  # written the Vietnamese way
        "others": 0,
        **fields,
    }


@pytest.fixture
def plan(cast):
    """Province A's plan to its communes, to disseminate within 5 days."""
    leader = cast.leader_a
    return issued(
        cast.officer_a,
        leader,
        cast.province_a,
        body="party",
        abbr="KH",
        subject="Kế hoạch quán triệt nghị quyết",
        disseminate_by=TODAY + 5 * DAY,
    )


@pytest.fixture
def logged(cast):
    """A few activities across province A and province B."""
    record = services.record
    return {
        "a1": record(
            cast.commune_officer,
            cast.commune_a1,
            date=TODAY - 10 * DAY,
            kind="van-hoa",
            title="Hội diễn văn nghệ chào mừng",
            party_members=5,
        ),
        "a2": record(
            cast.officer_a,
            cast.commune_a2,
            date=TODAY - 2 * DAY,
            kind="the-thao",
            title="Giải bóng đá",
            others=30,
        ),
        "t19": record(
            cast.officer_a,
            cast.province_a,
            date=TODAY - 5 * DAY,
            kind="dieu-lenh",
            title="Hội thao điều lệnh",
            officers=40,
        ),
        "b": record(
            cast.officer_b,
            cast.province_b,
            date=TODAY - DAY,
            kind="dan-van",
            title="Dân vận khéo",
        ),
    }


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/activities"),
        ("get", "/api/activity-kinds"),
        ("post", "/api/activities"),
        ("post", "/api/activities/bulk"),
    ],
)
def test_anonymous_is_refused_with_401(cast, method, url):
    before = written()
    response = getattr(Client(), method)(url)
    assert response.status_code == 401
    assert "chưa đăng nhập" in response.json()["detail"]
    assert written() == before


# ------------------------------------------------------------------ list


def test_the_kinds_are_listed(cast):
    kinds = token_client(cast.commune_officer).get("/api/activity-kinds").json()
    assert {"code": "dan-van", "name": "Dân vận"} in kinds
    assert len(kinds) == 9


def ids(client, **query):
    response = client.get("/api/activities", query)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_the_list_is_the_callers_subtree_newest_first(cast, logged):
    a1, a2, t19, b = (logged[k].pk for k in ("a1", "a2", "t19", "b"))
    assert ids(token_client(cast.officer_a)) == [a2, t19, a1]
    assert ids(token_client(cast.commune_officer)) == [a1]
    assert ids(token_client(cast.ministry_officer)) == [b, a2, t19, a1]
    body = token_client(cast.commune_officer).get("/api/activities").json()
    (row,) = body["items"]
    assert row["unit"]["code"] == "X05500"
    assert row["kind"] == {"code": "van-hoa", "name": "Văn hóa, văn nghệ"}
    assert (row["party_members"], row["participants"], row["files"]) == (5, 5, 0)
    assert row["form_name"] == "Trực tiếp"
    assert row["document"] is None


def test_filters_unit_subtree_kind_dates_and_words(cast, logged):
    client = token_client(cast.officer_a)
    a1, a2, t19 = (logged[k].pk for k in ("a1", "a2", "t19"))
    assert ids(client, unit="T19") == [a2, t19, a1]
    assert ids(client, unit="t19", subtree="false") == [t19]
    assert ids(client, unit="X05800") == [a2]
    assert ids(client, kind="the-thao") == [a2]
    assert ids(client, kind="dieu lenh, le tiet, tac phong") == [t19]  # a name, no diacritics
    since = (TODAY - 5 * DAY).strftime("%d/%m/%Y")
    assert ids(client, date_from=since) == [a2, t19]
    assert ids(client, date_to=(TODAY - 5 * DAY).isoformat()) == [t19, a1]
    assert ids(client, q="hoi dien van nghe") == [a1]
    assert ids(client, q="BÓNG ĐÁ") == [a2]
    page = client.get("/api/activities", {"limit": 1, "offset": 1}).json()
    assert (page["total"], [r["id"] for r in page["items"]]) == (3, [t19])


def test_sessions_of_a_document(cast, plan):
    session = services.record(
        cast.commune_officer,
        cast.commune_a1,
        date=TODAY,
        kind="quan-triet",
        title="Quán triệt kế hoạch",
        document=plan.pk,
    )
    client = token_client(cast.officer_a)
    assert ids(client, document=plan.pk) == [session.pk]
    row = client.get("/api/activities").json()["items"][0]
    assert row["document"] == {
        "id": plan.pk,
        "symbol": plan.symbol,
        "subject": plan.subject,
        "status": "issued",
    }


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"unit": "X05800"}, None, "X05800"),  # out of scope: a 404
        ({"kind": "bơi lội"}, "kind", "Loại (kind): “bơi lội” không có trong danh mục"),
        ({"date_from": "32/01/2026"}, "date_from", "ngày không hợp lệ"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to", "date_from"),
        ({"limit": 501}, "limit", "phải nhỏ hơn hoặc bằng 500"),
        ({"subtree": "có"}, "subtree", "phải là true hoặc false"),
    ],
)
def test_bad_filters(cast, query, field, words):
    response = token_client(cast.commune_officer).get("/api/activities", query)
    if field is None:
        assert response.status_code == 404
        assert words in response.json()["detail"]
        return
    assert response.status_code == 422, response.content
    detail = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert words in detail[field], detail


# ------------------------------------------------------------------ one


def test_an_officer_records_an_activity(cast):
    response = post(token_client(cast.commune_officer), "/api/activities", item())
    assert response.status_code == 201, response.content
    body = response.json()
    activity = Activity.objects.get(pk=body["id"])
    assert activity.unit == cast.commune_a1
    assert activity.officers == 1020
    assert activity.created_by == cast.commune_officer
    assert body["participants"] == 1032
    assert body["date"] == (TODAY - 3 * DAY).isoformat()
    assert AuditEntry.objects.filter(
        model="activities.Activity", object_id=str(activity.pk), actor=cast.commune_officer
    ).exists()
    total = services.totals(cast.root, TODAY - 30 * DAY, TODAY)
    assert (total.activities, total.participants) == (1, 1032)


def test_a_session_meets_the_dissemination_obligation(cast, plan):
    body = item(kind="quan-triet", title="Quán triệt kế hoạch", document=plan.symbol)
    body["date"] = TODAY.isoformat()
    response = post(token_client(cast.commune_officer), "/api/activities", body)
    assert response.status_code == 201, response.content
    assert response.json()["document"]["id"] == plan.pk
    recipient = Recipient.objects.get(document=plan, unit=cast.commune_a1)
    assert (recipient.disseminated_on, recipient.sessions) == (TODAY, 1)


def test_a_title_in_nfd_is_stored_nfc(cast):
    nfd = "Gia\u0301o du\u0323c truyê\u0300n thô\u0301ng"
    response = post(token_client(cast.commune_officer), "/api/activities", item(title=nfd))
    assert response.status_code == 201
    assert Activity.objects.get().title == "Giáo dục truyền thống"


def test_who_may_not_record(cast):
    before = written()
    response = post(token_client(cast.commune_leader), "/api/activities", item())
    assert response.status_code == 403
    assert "không ghi được hoạt động" in response.json()["detail"]
    response = post(token_client(cast.commune_officer), "/api/activities", item("X05800"))
    assert response.status_code == 404
    assert written() == before


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"date": None}, "payload.date", "bắt buộc nhập"),
        ({"date": "31/02/2026"}, "payload.date", "không phải là ngày"),
        ({"date": "01/01/2999"}, "payload.date", "không được sau hôm nay"),
        ({"kind": "bơi lội"}, "payload.kind", "không có trong danh mục"),
        ({"title": ""}, "payload.title", "bắt buộc nhập"),
        ({"title": "a\x00b"}, "payload.title", "ký tự rỗng (NUL)"),
        ({"party_members": -1}, "payload.party_members", "không được âm"),
        ({"officers": 2.5}, "payload.officers", "số nguyên"),
        ({"others": "nhiều"}, "payload.others", "không phải là số"),
        ({"form": "thư"}, "payload.form", "không phải hình thức hợp lệ"),
        ({"document": 999999}, "payload.document", "không có trong các văn bản"),
    ],
)
def test_a_bad_activity_is_422_naming_the_field_and_writes_nothing(cast, fields, field, words):
    client = token_client(cast.commune_officer)
    before = written()
    response = post(client, "/api/activities", item(**fields))
    assert response.status_code == 422, response.content
    detail = {e["field"]: e for e in response.json()["detail"]}
    assert field in detail, detail
    assert detail[field]["location"] == "body"
    assert words in detail[field]["message"], detail
    assert written() == before


def test_a_session_before_the_document_was_issued_is_refused(cast, plan):
    body = item(kind="quan-triet", document=plan.pk, date=(TODAY - DAY).isoformat())
    before = written()
    response = post(token_client(cast.commune_officer), "/api/activities", body)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == "payload.date"
    assert "trước ngày ban hành văn bản" in error["message"]
    assert written() == before


# ------------------------------------------------------------------ many


def test_bulk_records_many_units_in_one_call(cast, plan):
    client = token_client(cast.officer_a)
    session = item("x05800", kind="quan-triet", document=plan.pk, date=TODAY.isoformat())
    response = post(
        client, "/api/activities/bulk", {"items": [item(), session, item("T19", officers=3)]}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["dry_run"], body["items"], body["created"], body["sessions"]) == (
        False,
        3,
        3,
        1,
    )
    assert len(body["ids"]) == 3
    units = list(
        Activity.objects.filter(pk__in=body["ids"])
        .order_by("pk")
        .values_list("unit__code", flat=True)
    )
    assert units == ["X05500", "X05800", "T19"]
    entries = AuditEntry.objects.filter(model="activities.Activity", action="create")
    assert entries.count() == 3
    assert {e.actor for e in entries} == {cast.officer_a}
    recipient = Recipient.objects.get(document=plan, unit=cast.commune_a2)
    assert (recipient.disseminated_on, recipient.sessions) == (TODAY, 1)


def test_one_bad_item_writes_nothing_and_every_problem_is_listed(cast):
    client = token_client(cast.officer_a)
    before = written()
    response = post(
        client,
        "/api/activities/bulk",
        {
            "items": [
                item(),  # fine on its own
                item("X05800", date="hôm qua", party_members=-2),
                item(None),
                item("T01"),  # another province: not named
                item("T19", title="x\x00"),
            ]
        },
    )
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    found = [(e["index"], e["unit"], e["field"]) for e in detail]
    assert found == [
        (1, "X05800", "date"),
        (1, "X05800", "party_members"),
        (2, None, "unit"),
        (3, "T01", "unit"),
        (4, "T19", "title"),
    ]
    for error in detail:
        assert error["location"] == "body"
        assert error["message"].startswith(f"Mục items[{error['index']}] (đơn vị ")
    assert "trong phạm vi của đồng chí" in detail[3]["message"]
    assert "Hà Nội" not in detail[3]["message"]
    assert written() == before


def test_a_unit_the_caller_only_views_is_an_item_error(cast):
    viewer = make_user("viewer_a", cast.province_a, "viewer")
    before = written()
    response = post(token_client(viewer), "/api/activities/bulk", {"items": [item()]})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert (error["index"], error["field"]) == (0, "unit")
    assert "không ghi được hoạt động" in error["message"]
    assert written() == before


def test_dry_run_checks_everything_and_writes_nothing(cast):
    client = token_client(cast.officer_a)
    before = written()
    response = post(client, "/api/activities/bulk", {"items": [item(), item()], "dry_run": True})
    assert response.status_code == 200, response.content
    assert response.json() == {"dry_run": True, "items": 2, "created": 2, "ids": [], "sessions": 0}
    assert written() == before
    bad = post(client, "/api/activities/bulk", {"items": [item(title="")], "dry_run": True})
    assert bad.status_code == 422
    assert written() == before


def test_a_body_that_is_not_a_list_of_items_is_refused(cast, monkeypatch):
    client = token_client(cast.officer_a)
    response = post(client, "/api/activities/bulk", {"items": "X05500", "dry_run": "có"})
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert fields["payload.items"].startswith("Danh sách mục (items):")
    assert fields["payload.dry_run"] == "Chạy thử (dry_run): phải là true hoặc false."
    monkeypatch.setattr("giaoban.api.activities.MAX_ITEMS", 2)
    response = post(client, "/api/activities/bulk", {"items": [item()] * 3})
    assert response.status_code == 422
    assert "tối đa" in response.json()["detail"][0]["message"]
    assert Activity.objects.count() == 0


def test_a_session_post_needs_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.commune_officer)
    for url, body in [("/api/activities", item()), ("/api/activities/bulk", {"items": [item()]})]:
        response = post(client, url, body)
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]
    assert Activity.objects.count() == 0
    token = "k" * 32
    client.cookies["csrftoken"] = token
    response = client.post(
        "/api/activities/bulk",
        json.dumps({"items": [item()]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.content
    assert Activity.objects.count() == 1


def test_a_session_reads_like_a_token(cast, logged):
    session = api_client(cast.officer_a).get("/api/activities").json()
    assert session == token_client(cast.officer_a).get("/api/activities").json()


def test_reading_writes_nothing(cast, logged):
    client = token_client(cast.officer_a)
    before = written()
    assert client.get("/api/activities", {"unit": "T19", "q": "giai"}).status_code == 200
    assert written() == before


# ------------------------------------------------------------------ generated requests

# As in test_documents_api: with activities and a received document in scope, generated
# filters and bodies reach the log's own checks; a well-formed value the log refuses (an
# unknown kind, a date in the future) is a 422 by design, so "positive data acceptance" is
# not checked — every other check is.
fuzz_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def fuzz_token(cast, logged, plan):
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield ApiToken.issue(cast.officer_a, "schemathesis")[1]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@fuzz_schema.include(path_regex="^/api/activities").parametrize()
@hypothesis.settings(
    max_examples=30, deadline=None, suppress_health_check=list(hypothesis.HealthCheck)
)
def test_the_activities_api_conforms_to_its_schema_with_real_data(case, fuzz_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_token}"},
        excluded_checks=[positive_data_acceptance],
    )
