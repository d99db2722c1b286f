"""The directive documents API: lists, one document, draft → review → issue, recipients.

The cast (tests/conftest.py): the ministry (BCA) issues to its children (CTDCT, T19, T01);
province A (T19) implements it with a plan to its communes (X05500, X05800).
"""

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
from giaoban.audit.models import AuditEntry
from giaoban.documents import services
from giaoban.documents.models import Document, DocumentLink, DocumentVersion, Recipient
from tests.api.conftest import api_client, token_client
from tests.conftest import make_user
from tests.documents.conftest import draft, issued

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def ministry_leader(cast):
    return make_user("ministry_leader", cast.root, "leader")


@pytest.fixture
def central(cast, ministry_leader):
    """A ministry resolution to its children: disseminate in 10 days, a plan in 20."""
    return issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        body="party",
        abbr="NQ",
        subject="Nghị quyết về tăng cường xây dựng, chỉnh đốn Đảng",
        body_text="Quán triệt sâu rộng trong toàn lực lượng.",
        disseminate_by=TODAY + 10 * DAY,
        plan_by=TODAY + 20 * DAY,
    )


@pytest.fixture
def plan(cast, central):
    """Province A's plan implementing the central resolution, to its communes."""
    document = draft(
        cast.officer_a,
        cast.province_a,
        subject="Kế hoạch quán triệt nghị quyết",
        disseminate_by=TODAY + 5 * DAY,
    )
    services.add_link(document, central, DocumentLink.Kind.IMPLEMENTS, cast.officer_a)
    services.send_for_review(document, cast.officer_a)
    document, _warnings = services.issue(document, cast.leader_a)
    return document


def written():
    return (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        DocumentLink.objects.count(),
        Recipient.objects.count(),
        # Issuing a test's API key is audited too; what the endpoints write is counted.
        AuditEntry.objects.exclude(model="accounts.ApiToken").count(),
    )


def fields_of(response):
    return {e["field"]: e["message"] for e in response.json()["detail"]}


# ------------------------------------------------------------------ authentication


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/documents"),
        ("get", "/api/document-kinds"),
        ("get", "/api/documents/1"),
        ("get", "/api/documents/1/recipients"),
        ("post", "/api/documents"),
        ("post", "/api/documents/1/send"),
        ("post", "/api/documents/1/issue"),
    ],
)
def test_anonymous_is_refused_with_401(cast, method, url):
    before = written()
    response = getattr(Client(), method)(url)
    assert response.status_code == 401
    assert "chưa đăng nhập" in response.json()["detail"]
    assert written() == before


def test_kinds_are_listed_by_body(cast):
    kinds = token_client(cast.officer_a).get("/api/document-kinds").json()
    party = {k["abbreviation"] for k in kinds if k["body"] == "party"}
    assert {"NQ", "CT", "KH", "HD"} <= party
    assert {k["body"] for k in kinds} == {"party", "state"}


# ------------------------------------------------------------------ lists


def test_incoming_lists_what_was_addressed_with_what_is_owed(cast, central):
    response = token_client(cast.officer_a).get("/api/documents?box=incoming")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["box"] == "incoming"
    assert body["unit"]["code"] == "T19"
    assert body["total"] == 1
    (row,) = body["items"]
    assert row["id"] == central.pk
    assert row["symbol"] == central.symbol
    assert row["number_label"] == f"Số {central.symbol}"
    assert row["issuer"]["unit"]["code"] == "BCA"
    assert row["status"] == "issued"
    assert row["in_force"] is True
    assert [(o["obligation"], o["status"]) for o in row["owed"]] == [
        ("disseminate", "pending"),
        ("plan", "pending"),
    ]
    assert row["owed"][0]["deadline"] == (TODAY + 10 * DAY).isoformat()
    assert row["owed"][0]["status_name"] == "Chưa thực hiện, còn hạn"


def test_incoming_of_a_unit_outside_the_subtree_is_404(cast, central):
    client = token_client(cast.commune_officer)
    response = client.get("/api/documents?box=incoming&unit=X05800")
    assert response.status_code == 404
    assert "X05800" in response.json()["detail"]
    # A commune is not a recipient of the ministry's document: it does not see it.
    assert client.get("/api/documents?box=incoming").json()["total"] == 0
    assert client.get(f"/api/documents/{central.pk}").status_code == 404


def test_incoming_owes_filter(cast, central):
    client = token_client(cast.officer_a)
    assert client.get("/api/documents?box=incoming&owes=owed").json()["total"] == 1
    assert client.get("/api/documents?box=incoming&owes=done").json()["total"] == 0
    assert client.get("/api/documents?box=incoming&owes=overdue").json()["total"] == 0
    response = client.get("/api/documents?owes=owed")
    assert response.status_code == 422
    assert fields_of(response)["owes"].startswith("Việc đơn vị phải làm (owes):")


def test_outgoing_shows_drafts_first_and_the_recipients_progress(cast, central, plan):
    draft(cast.ministry_officer, cast.root, subject="Dự thảo hướng dẫn")
    response = token_client(cast.ministry_officer).get("/api/documents?box=outgoing")
    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["code"] == "BCA"
    assert [row["status"] for row in body["items"]] == ["draft", "issued"]
    progress = body["items"][1]["progress"]
    assert [(p["obligation"], p["recipients"], p["done"]) for p in progress] == [
        ("disseminate", 3, 0),
        ("plan", 3, 1),  # province A's plan meets its plan obligation
    ]
    assert body["items"][0]["progress"] == []


def test_drafts_are_read_only_by_who_writes_or_approves(cast, central):
    document = draft(cast.officer_a, cast.province_a, subject="Dự thảo của tỉnh")
    for user, seen in [
        (cast.officer_a, True),
        (cast.leader_a, True),
        (cast.ministry_officer, True),  # writes over the whole tree
        (cast.officer_b, False),
        (cast.commune_officer, False),
    ]:
        client = token_client(user)
        assert (client.get(f"/api/documents/{document.pk}").status_code == 200) is seen, user
        ids = [row["id"] for row in client.get("/api/documents").json()["items"]]
        assert (document.pk in ids) is seen, user


def test_search_ignores_diacritics_and_case(cast, central, plan):
    client = token_client(cast.officer_a)
    for q in ("chinh don dang", "CHỈNH ĐỐN", "xay dung"):
        ids = [row["id"] for row in client.get("/api/documents", {"q": q}).json()["items"]]
        assert ids == [central.pk], q
    found = client.get("/api/documents", {"q": "quan triet"}).json()
    assert {row["id"] for row in found["items"]} == {central.pk, plan.pk}
    symbol = client.get("/api/documents", {"q": central.symbol}).json()
    assert [row["id"] for row in symbol["items"]] == [central.pk]


def test_filters_kind_body_year_status_in_force_and_unit(cast, central, plan):
    client = token_client(cast.officer_a)

    def ids(**query):
        response = client.get("/api/documents", query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["items"]}

    assert ids(kind="NQ") == {central.pk}
    assert ids(kind=str(plan.kind_id)) == {plan.pk}
    assert ids(body="party") == {central.pk}
    assert ids(body="state") == {plan.pk}
    assert ids(year=TODAY.year) == {central.pk, plan.pk}
    assert ids(year=TODAY.year - 1) == set()
    assert ids(status="issued") == {central.pk, plan.pk}
    assert ids(status="draft") == set()
    assert ids(in_force="true") == {central.pk, plan.pk}
    assert ids(unit="BCA") == {central.pk}
    assert ids(unit="BCA", below="true") == {central.pk, plan.pk}
    assert ids(box="incoming", kind="NQ") == {central.pk}
    assert ids(box="incoming", status="replaced") == set()


def test_a_replaced_document_says_so_in_lists(cast, central, ministry_leader):
    newer = draft(cast.ministry_officer, cast.root, "party", "NQ", subject="Nghị quyết mới")
    services.add_link(newer, central, DocumentLink.Kind.REPLACES, cast.ministry_officer)
    services.send_for_review(newer, cast.ministry_officer)
    newer, _warnings = services.issue(newer, ministry_leader)
    client = token_client(cast.officer_a)
    rows = {r["id"]: r for r in client.get("/api/documents").json()["items"]}
    assert rows[central.pk]["status"] == "replaced"
    assert rows[central.pk]["status_name"] == "Đã bị thay thế"
    assert rows[central.pk]["in_force"] is False
    assert rows[central.pk]["ended_by"] == [
        {"id": newer.pk, "symbol": newer.symbol, "subject": "Nghị quyết mới", "status": "issued"}
    ]
    in_force = client.get("/api/documents?in_force=false").json()["items"]
    assert [r["id"] for r in in_force] == [central.pk]


def test_paging(cast, central, plan):
    client = token_client(cast.officer_a)
    first = client.get("/api/documents?limit=1").json()
    second = client.get("/api/documents?limit=1&offset=1").json()
    assert first["total"] == second["total"] == 2
    assert first["limit"] == 1 and second["offset"] == 1
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {central.pk, plan.pk}


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("limit=0", "limit", "Số bản ghi mỗi trang (limit): phải lớn hơn hoặc bằng 1."),
        ("box=inbox", "box", "Hộp văn bản (box): phải là một trong"),
        ("kind=ZZ", "kind", "Loại (kind): không có loại văn bản “ZZ”."),
        ("year=1800", "year", "Năm ban hành (year): phải lớn hơn hoặc bằng 1945."),
        ("status=lost", "status", "Trạng thái (status): phải là một trong"),
        ("in_force=có", "in_force", "Đang có hiệu lực (in_force): phải là true hoặc false."),
        ("q=a%00b", "q", "chứa ký tự điều khiển"),
        ("kind=N%00Q", "kind", "chứa ký tự điều khiển"),  # never reaches PostgreSQL
        ("unit=ZZ9&below=true", "unit", "không có đơn vị mã “ZZ9”"),
        ("box=incoming&below=true", "below", "chỉ dùng với box=all"),
    ],
)
def test_bad_filters_are_422_naming_the_field(cast, central, query, field, words):
    response = token_client(cast.officer_a).get(f"/api/documents?{query}")
    assert response.status_code == 422, response.content
    detail = fields_of(response)
    assert words in detail[field], detail


# ------------------------------------------------------------------ one document


def test_detail_has_metadata_links_both_ways_obligations_and_summary(cast, central, plan):
    client = token_client(cast.ministry_officer)
    body = client.get(f"/api/documents/{central.pk}").json()
    assert body["symbol"] == central.symbol
    assert body["kind"]["abbreviation"] == "NQ"
    assert body["issuer"]["body"] == "party"
    assert body["body_text"] == "Quán triệt sâu rộng trong toàn lực lượng."
    assert body["recipient_rule"] == "children"
    assert [(o["key"], o["deadline"]) for o in body["obligations"]] == [
        ("disseminate", (TODAY + 10 * DAY).isoformat()),
        ("plan", (TODAY + 20 * DAY).isoformat()),
    ]
    assert body["links"] == [
        {
            "kind": "implements",
            "direction": "in",
            "label": "Được triển khai bởi",
            "document": {
                "id": plan.pk,
                "symbol": plan.symbol,
                "subject": plan.subject,
                "status": "issued",
            },
        }
    ]
    assert body["recipients"] == 3
    summary = body["summary"]
    assert summary["node"]["code"] == "BCA"
    assert summary["recipients"] == 3
    plan_total = {t["obligation"]: t for t in summary["obligations"]}["plan"]
    assert (plan_total["done"], plan_total["on_time"], plan_total["pending"]) == (1, 1, 2)
    groups = {g["unit"]["code"]: g for g in summary["groups"]}
    assert set(groups) == {"CTDCT", "T19", "T01"}
    assert groups["T19"]["obligations"][1]["on_time"] == 1
    assert body["actions"] == {"edit": False, "send": False, "review": False, "metadata": True}
    # The plan links out to the document it implements.
    out = token_client(cast.officer_a).get(f"/api/documents/{plan.pk}").json()["links"]
    assert [(link["direction"], link["document"]["id"]) for link in out] == [("out", central.pk)]


def test_a_recipient_reads_its_own_subtree_and_what_it_owes(cast, central, plan):
    body = token_client(cast.officer_a).get(f"/api/documents/{central.pk}").json()
    assert body["summary"]["node"]["code"] == "T19"
    assert body["summary"]["recipients"] == 1
    assert body["recipients"] == 1  # not the siblings
    (own,) = body["own"]
    assert own["unit"]["code"] == "T19"
    assert [(s["obligation"], s["status"]) for s in own["standings"]] == [
        ("disseminate", "pending"),
        ("plan", "on_time"),
    ]
    assert body["versions"] == 0  # the issuer's drafts are not a recipient's to read


def test_a_missing_document_reads_like_one_out_of_scope(cast, central):
    client = token_client(cast.commune_officer)
    missing = client.get("/api/documents/999999")
    hidden = client.get(f"/api/documents/{central.pk}")
    assert missing.status_code == hidden.status_code == 404
    assert "trong phạm vi của đồng chí" in hidden.json()["detail"]
    response = client.get("/api/documents/0")
    assert response.status_code == 422
    assert fields_of(response)["pk"].startswith("Mã số văn bản (pk):")


# ------------------------------------------------------------------ draft, review, issue


def draft_body(**fields):
    return {
        "unit": "T19",
        "body": "state",
        "kind": "KH",
        "subject": "Kế hoạch tuyên truyền",
        "body_text": "Nội dung kế hoạch.",
        "recipient_rule": "children",
        "disseminate_by": (TODAY + 30 * DAY).strftime("%d/%m/%Y"),
        **fields,
    }


def test_an_officer_creates_a_draft_implementing_a_received_document(cast, central):
    client = token_client(cast.officer_a)
    response = post(client, "/api/documents", draft_body(implements=central.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get(pk=body["document"]["id"])
    assert document.status == Document.Status.DRAFT
    assert document.unit == cast.province_a
    assert document.created_by == cast.officer_a
    assert document.disseminate_by == TODAY + 30 * DAY
    assert body["document"]["status"] == "draft"
    assert body["document"]["symbol"] == ""
    assert body["document"]["links"][0]["kind"] == "implements"
    # Its deadline is after the central one's: a warning, and it is still written.
    assert len(body["warnings"]) == 1
    assert "muộn hơn hạn" in body["warnings"][0]
    entry = AuditEntry.objects.filter(model="documents.Document", object_id=str(document.pk))
    assert entry.filter(action="create", actor=cast.officer_a).exists()


def test_a_draft_to_chosen_units_at_a_level_is_stored_nfc(cast):
    client = token_client(cast.officer_a)
    nfd = "Ke\u0302\u0301 hoa\u0323ch"  # "Kế hoạch" decomposed
    body = draft_body(
        subject=nfd, recipient_rule="explicit", recipient_units=["x05500"], body="party"
    )
    response = post(client, "/api/documents", body)
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["document"]["id"])
    assert document.subject == "Kế hoạch"
    assert services.explicit_codes(document) == ["X05500"]
    response = post(
        client, "/api/documents", draft_body(recipient_rule="level", recipient_level="xa")
    )
    assert response.status_code == 201, response.content
    assert response.json()["document"]["recipient_level"] == "xa"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"subject": ""}, "payload.subject", "Trích yếu là bắt buộc"),
        ({"subject": "a\x00b"}, "payload.subject", "ký tự rỗng (NUL)"),
        ({"body_text": "x\x07"}, "payload.body_text", "ký tự điều khiển"),
        ({"kind": "NQ"}, "payload.kind", "không có loại văn bản “NQ” của chỉ huy"),
        ({"kind": True}, "payload.kind", "mã số loại văn bản"),
        ({"kind": "K\x00H"}, "payload.kind", "ký tự điều khiển"),
        ({"kind": 2**40}, "payload.kind", "không có loại văn bản mã số này"),
        ({"body": "church"}, "payload.body", "phải là một trong"),
        ({"disseminate_by": "31/02/2026"}, "payload.disseminate_by", "ngày không hợp lệ"),
        (
            {"effective_from": "2026-03-01", "effective_to": "2026-02-01"},
            "payload.effective_to",
            "phải sau ngày có hiệu lực",
        ),
        ({"recipient_rule": "explicit"}, "payload.recipient_units", "ít nhất một đơn vị"),
        (
            {"recipient_rule": "explicit", "recipient_units": ["X00004"]},
            "payload.recipient_units",
            "không có đơn vị mã X00004 trong phạm vi",
        ),
        (
            {"recipient_rule": "explicit", "recipient_units": ["T19"]},
            "payload.recipient_units",
            "chỉ gửi cho đơn vị cấp dưới",
        ),
        ({"recipient_units": ["X05500"]}, "payload.recipient_units", "quy tắc explicit"),
        ({"recipient_rule": "level"}, "payload.recipient_level", "bắt buộc"),
        (
            {"recipient_rule": "level", "recipient_level": "tinh"},
            "payload.recipient_level",
            "không phải cấp thấp hơn",
        ),
        (
            {"recipient_rule": "level", "recipient_level": "huyen"},
            "payload.recipient_rule",
            "không chọn được đơn vị nào",
        ),
        ({"implements": 999999}, "payload.implements", "không có văn bản đã ban hành"),
    ],
)
def test_a_bad_draft_is_422_naming_the_field_and_writes_nothing(cast, fields, field, words):
    before = written()
    response = post(token_client(cast.officer_a), "/api/documents", draft_body(**fields))
    assert response.status_code == 422, response.content
    detail = fields_of(response)
    assert field in detail, detail
    assert words in detail[field], detail
    assert detail[field].split(":")[0].endswith(")")  # starts with the field's label
    assert written() == before


def test_implementing_a_document_not_received_is_refused(cast, central, ministry_leader):
    other = issued(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        units=[cast.province_b],
        recipient_rule="explicit",
        subject="Chỉ gửi Hà Nội",
    )
    before = written()
    # The ministry's officer sees it, but province A did not receive it.
    body = draft_body(implements=other.pk)
    response = post(token_client(cast.ministry_officer), "/api/documents", body)
    assert response.status_code == 422
    assert "không nhận văn bản" in fields_of(response)["payload.implements"]
    assert written() == before


def test_who_may_not_draft(cast):
    before = written()
    leader = post(token_client(cast.leader_a), "/api/documents", draft_body())
    assert leader.status_code == 403
    assert "không soạn được" in leader.json()["detail"]
    outside = post(token_client(cast.commune_officer), "/api/documents", draft_body())
    assert outside.status_code == 404
    assert written() == before


def test_the_lifecycle_send_then_issue(cast, central):
    officer, leader = token_client(cast.officer_a), token_client(cast.leader_a)
    pk = post(officer, "/api/documents", draft_body(implements=central.pk)).json()["document"]["id"]
    # Issue before review: a state conflict.
    response = post(leader, f"/api/documents/{pk}/issue")
    assert response.status_code == 409
    assert "gửi thẩm định trước" in response.json()["detail"]
    # A leader does not send (an officer writes), an officer does not issue.
    assert post(leader, f"/api/documents/{pk}/send").status_code == 403
    response = post(officer, f"/api/documents/{pk}/send")
    assert response.status_code == 200, response.content
    assert response.json()["document"]["status"] == "review"
    assert post(officer, f"/api/documents/{pk}/send").status_code == 409
    response = post(officer, f"/api/documents/{pk}/issue")
    assert response.status_code == 403
    assert "Chỉ lãnh đạo" in response.json()["detail"]
    response = post(leader, f"/api/documents/{pk}/issue")
    assert response.status_code == 200, response.content
    body = response.json()
    document = Document.objects.get(pk=pk)
    assert document.status == Document.Status.ISSUED
    assert body["document"]["symbol"] == document.symbol == f"01/KH-{document.issuer.symbol}"
    assert body["document"]["issue_date"] == TODAY.isoformat()
    assert set(document.recipients.values_list("unit__code", flat=True)) == {"X05500", "X05800"}
    assert body["document"]["summary"]["recipients"] == 2
    assert body["warnings"] and "muộn hơn hạn" in body["warnings"][0]
    # The central document's plan obligation is met for T19.
    assert Recipient.objects.get(document=central, unit=cast.province_a).plan_id == pk
    # Issuing twice is a conflict, and writes nothing more.
    before = written()
    again = post(leader, f"/api/documents/{pk}/issue")
    assert again.status_code == 409
    assert "không ban hành lại" in again.json()["detail"]
    assert written() == before


def sent(cast, **fields):
    document = draft(cast.officer_a, cast.province_a, **fields)
    return services.send_for_review(document, cast.officer_a)


def test_issue_refusals_name_the_field_and_write_nothing(cast):
    leader = token_client(cast.leader_a)
    early = sent(cast, disseminate_by=TODAY - DAY)
    before = written()
    response = post(leader, f"/api/documents/{early.pk}/issue")
    assert response.status_code == 422
    assert "trước ngày ban hành" in fields_of(response)["disseminate_by"]
    tomorrow = (TODAY + DAY).strftime("%d/%m/%Y")
    response = post(leader, f"/api/documents/{early.pk}/issue", {"issue_date": tomorrow})
    assert response.status_code == 422
    assert "không được sau hôm nay" in fields_of(response)["payload.issue_date"]
    response = post(leader, f"/api/documents/{early.pk}/issue", {"issue_date": "hôm qua"})
    assert response.status_code == 422
    assert fields_of(response)["payload.issue_date"].startswith("Ngày ban hành (issue_date):")
    response = post(leader, f"/api/documents/{early.pk}/issue", {"recipient_units": ["X05500"]})
    assert response.status_code == 422
    assert (
        "quy tắc nơi nhận của dự thảo là explicit" in fields_of(response)["payload.recipient_units"]
    )
    assert written() == before
    assert Document.objects.get(pk=early.pk).status == Document.Status.REVIEW


def test_issue_to_explicit_units_given_at_issue(cast):
    document = sent(cast, recipient_rule="explicit")
    response = post(
        token_client(cast.leader_a),
        f"/api/documents/{document.pk}/issue",
        {"recipient_units": ["X05800"], "issue_date": TODAY.isoformat()},
    )
    assert response.status_code == 200, response.content
    assert list(document.recipients.values_list("unit__code", flat=True)) == ["X05800"]
    assert response.json()["warnings"] == []


def test_an_issue_body_is_read_after_the_document_is_found(cast):
    document = sent(cast)
    response = post(
        token_client(cast.officer_b), f"/api/documents/{document.pk}/issue", {"issue_date": 5}
    )
    assert response.status_code == 404


# ------------------------------------------------------------------ recipients


def test_recipients_are_paged_filtered_and_summarised(cast, central, plan):
    client = token_client(cast.ministry_officer)
    url = f"/api/documents/{central.pk}/recipients"
    body = client.get(url).json()
    assert body["document"]["id"] == central.pk
    assert body["total"] == 3
    assert [r["unit"]["code"] for r in body["items"]] == ["CTDCT", "T01", "T19"]
    t19 = body["items"][2]
    assert t19["plan"]["id"] == plan.pk
    assert t19["plan_on"] == TODAY.isoformat()
    assert [(s["obligation"], s["status"]) for s in t19["standings"]] == [
        ("disseminate", "pending"),
        ("plan", "on_time"),
    ]
    page = client.get(url, {"limit": 2, "offset": 2}).json()
    assert [r["unit"]["code"] for r in page["items"]] == ["T19"]
    assert page["total"] == 3
    done = client.get(url, {"obligation": "plan", "status": "done"}).json()
    assert [r["unit"]["code"] for r in done["items"]] == ["T19"]
    owed = client.get(url, {"obligation": "plan", "status": "owed"}).json()
    assert owed["total"] == 2
    assert client.get(url, {"status": "overdue"}).json()["total"] == 0
    assert client.get(url, {"q": "thai nguyen"}).json()["total"] == 1
    assert client.get(url, {"unit": "T01"}).json()["total"] == 1
    # The summary moves to a node of the caller's scope.
    summary = client.get(url, {"node": "T19"}).json()["summary"]
    assert summary["node"]["code"] == "T19"
    assert summary["recipients"] == 1


def test_recipients_as_a_commune_sees_them(cast, central, plan):
    client = token_client(cast.commune_officer)
    body = client.get(f"/api/documents/{plan.pk}/recipients").json()
    assert [r["unit"]["code"] for r in body["items"]] == ["X05500"]  # never the sibling
    assert body["summary"]["node"]["code"] == "X05500"
    response = client.get(f"/api/documents/{plan.pk}/recipients", {"node": "X05800"})
    assert response.status_code == 404
    assert client.get(f"/api/documents/{central.pk}/recipients").status_code == 404


def test_recipients_bad_input(cast, central):
    client = token_client(cast.ministry_officer)
    url = f"/api/documents/{central.pk}/recipients"
    response = client.get(url, {"obligation": "report"})
    assert response.status_code == 422
    assert "không yêu cầu việc" in fields_of(response)["obligation"]
    response = client.get(url, {"status": "late-ish"})
    assert response.status_code == 422
    assert "status" in fields_of(response)
    unissued = draft(cast.ministry_officer, cast.root)
    response = client.get(f"/api/documents/{unissued.pk}/recipients")
    assert response.status_code == 409
    assert "chưa ban hành" in response.json()["detail"]


# ------------------------------------------------------------------ sessions and tokens


def test_a_session_post_needs_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer_a)
    before = written()
    response = post(client, "/api/documents", draft_body())
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert written() == before
    token = "k" * 32
    client.cookies["csrftoken"] = token
    response = client.post(
        "/api/documents",
        json.dumps(draft_body()),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content
    # Reading needs no token.
    assert client.get("/api/documents").status_code == 200


def test_a_session_reads_like_a_token(cast, central):
    session = api_client(cast.officer_a).get(f"/api/documents/{central.pk}").json()
    token = token_client(cast.officer_a).get(f"/api/documents/{central.pk}").json()
    assert session == token


def test_a_revoked_token_is_refused(cast, central):
    client = token_client(cast.officer_a)
    client.token.delete()
    assert client.get("/api/documents").status_code == 401
    assert post(client, "/api/documents", draft_body()).status_code == 401


def test_reading_writes_nothing(cast, central, plan):
    client = token_client(cast.officer_a)
    before = written()
    for url in (
        "/api/documents",
        "/api/documents?box=incoming",
        "/api/documents?box=outgoing",
        f"/api/documents/{central.pk}",
        f"/api/documents/{central.pk}/recipients",
        "/api/document-kinds",
    ):
        assert client.get(url).status_code == 200, url
    assert written() == before


# ------------------------------------------------------------------ generated requests

# test_api_fuzz runs without any document: here the documents exist and are in scope, so
# generated queries and bodies reach the endpoints' own checks. A well-formed request
# refused by the data's rules (a kind that does not exist) is by design: "positive data
# acceptance" is not checked, every other check is (documented statuses, shapes, no 5xx).
fuzz_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def fuzz_world(cast, central, plan):
    # As in test_api_fuzz: the WSGI handler would close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield ApiToken.issue(cast.officer_a, "schemathesis")[1], [central.pk, plan.pk]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@fuzz_schema.include(path_regex="^/api/document").parametrize()
@hypothesis.settings(
    max_examples=30, deadline=None, suppress_health_check=list(hypothesis.HealthCheck)
)
def test_the_documents_api_conforms_to_its_schema_with_real_documents(case, fuzz_world):
    key, pks = fuzz_world
    params = case.path_parameters
    if params and "pk" in params and case.meta.generation.mode.is_positive:
        params["pk"] = pks[len(str(params["pk"])) % 2]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {key}"}, excluded_checks=[positive_data_acceptance]
    )


def test_the_schema_and_docs_page_describe_the_new_endpoints_in_vietnamese(client, db):
    schema = client.get("/api/openapi.json").json()
    expected = {
        ("/api/documents", "get"): "Văn bản chỉ đạo",
        ("/api/documents", "post"): "Văn bản chỉ đạo",
        ("/api/document-kinds", "get"): "Văn bản chỉ đạo",
        ("/api/documents/{pk}", "get"): "Văn bản chỉ đạo",
        ("/api/documents/{pk}/send", "post"): "Văn bản chỉ đạo",
        ("/api/documents/{pk}/issue", "post"): "Văn bản chỉ đạo",
        ("/api/documents/{pk}/recipients", "get"): "Văn bản chỉ đạo",
        ("/api/activities", "get"): "Nhật ký hoạt động",
        ("/api/activities", "post"): "Nhật ký hoạt động",
        ("/api/activities/bulk", "post"): "Nhật ký hoạt động",
        ("/api/activity-kinds", "get"): "Nhật ký hoạt động",
    }
    html = client.get("/api/docs").content.decode()
    for (path, method), tag in expected.items():
        operation = schema["paths"][path][method]
        assert operation["tags"] == [tag]
        assert operation["summary"] and operation["description"]
        assert "401" in operation["responses"], (method, path)
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in operation["responses"], (method, path)
        assert f'id="{operation["operationId"]}"' in html
    assert "201" in schema["paths"]["/api/documents"]["post"]["responses"]
    assert "Đã tạo" in html
    for said in (
        "## Văn bản chỉ đạo",
        "## Nhật ký hoạt động",
        "box=incoming",
        "không bao giờ ghi tên",
    ):
        assert said in schema["info"]["description"], said


def test_a_kind_that_is_not_a_plain_number_is_a_422_not_a_crash(cast, with_token):
    response = with_token(cast.officer_a).get("/api/documents", {"box": "all", "kind": "²"})
    assert response.status_code in (200, 422)
