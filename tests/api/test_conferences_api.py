"""The conferences API: conferences (read), tasks (list, read, progress, done, accept, send
back), the consolidated report (its compiled structure, the .docx) — in and out of scope,
bad input answered in Vietnamese with nothing half-written."""

import io
import json
import unicodedata

import pytest
from django.test import Client
from docx import Document as Docx

from giaoban.audit.models import AuditEntry
from giaoban.conferences import consolidation, services, tasks
from giaoban.conferences.models import ConsolidationExport, Progress, Task
from giaoban.reports import workflow
from tests import dbstate
from tests.api.conftest import api_client, token_client
from tests.conferences.test_tasks import activity_of, hold
from tests.conftest import make_user
from tests.reports.conftest import GOOD


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def ministry_leader(cast):
    return make_user("ministry_leader", cast.root, "leader")


@pytest.fixture
def scene(cast, ministry_leader):
    return hold(cast, ministry_leader)


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def fields_of(response):
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def written():
    return (
        Progress.objects.count(),
        list(Task.objects.order_by("pk").values_list("status", flat=True)),
        AuditEntry.objects.exclude(model="accounts.ApiToken").count(),
    )


def task_path(task, action=""):
    return f"/api/tasks/{task.pk}" + (f"/{action}" if action else "")


# ------------------------------------------------------------------ authentication


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/conferences"),
        ("get", "/api/conferences/1"),
        ("get", "/api/tasks"),
        ("get", "/api/tasks/1"),
        ("post", "/api/tasks/1/progress"),
        ("post", "/api/tasks/1/done"),
        ("post", "/api/tasks/1/accept"),
        ("post", "/api/tasks/1/return"),
        ("get", "/api/consolidations"),
        ("get", "/api/consolidations/1"),
        ("post", "/api/consolidations/1/docx"),
    ],
)
def test_anonymous_is_refused_with_401(cast, method, url):
    response = getattr(Client(), method)(url)
    assert response.status_code == 401
    assert "chưa đăng nhập" in response.json()["detail"]


# ------------------------------------------------------------------ conferences


def test_the_ministry_reads_its_conference_whole(cast, scene):
    body = token_client(cast.ministry_officer).get(f"/api/conferences/{scene.conference.pk}")
    assert body.status_code == 200, body.content
    data = body.json()
    assert data["title"] == scene.conference.title and data["status"] == "closed"
    assert data["period"] == {"key": "2026-H1", "label": "6 tháng đầu năm 2026"}
    rows = {p["unit"]["code"]: p for p in data["participants"]}
    assert set(rows) == {"CTDCT", "T19", "T01"}
    assert rows["T01"]["attendance"] == "absent"
    assert rows["T01"]["absence_reason"] == "Trùng lịch công tác"
    assert rows["T19"]["attendance_name"] == "Có mặt" and rows["T19"]["delegates"] == 3
    (conclusion,) = data["conclusions"]
    assert conclusion["number"] == 1 and conclusion["text"] == scene.conclusion.text
    assert {t["unit"]["code"] for t in conclusion["tasks"]} == {"T19", "T01"}
    assert conclusion["tasks"][0]["standing"] == "pending"
    assert data["notice"]["id"] == scene.conference.notice_id


def test_a_province_reads_its_own_row_of_the_ministrys_conference(cast, scene):
    response = token_client(cast.officer_a).get(f"/api/conferences/{scene.conference.pk}")
    assert response.status_code == 200
    data = response.json()
    assert [p["unit"]["code"] for p in data["participants"]] == ["T19"]
    assert [t["unit"]["code"] for t in data["conclusions"][0]["tasks"]] == ["T19"]
    assert "Hà Nội" not in response.content.decode()
    listing = token_client(cast.officer_a).get("/api/conferences").json()
    assert [c["id"] for c in listing["items"]] == [scene.conference.pk]


def test_a_conference_out_of_scope_is_missing(cast, scene):
    conference = services.create(
        cast.officer_b, cast.province_b, scene.form, "2026-H1", scene.today
    )
    response = token_client(cast.officer_a).get(f"/api/conferences/{conference.pk}")
    assert response.status_code == 404
    assert "Không tìm thấy hội nghị" in response.json()["detail"]
    listing = token_client(cast.officer_a).get("/api/conferences?status=preparing").json()
    assert listing["total"] == 0


# ------------------------------------------------------------------ task lists


def test_the_ministry_lists_the_tasks_it_gave_with_counts(cast, scene):
    response = token_client(cast.ministry_officer).get("/api/tasks?tab=assigned")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["unit"]["code"] == "BCA" and data["total"] == 2
    first = data["items"][0]
    assert first["standing"] == "pending" and first["standing_name"] == "Chưa thực hiện, còn hạn"
    assert first["timing"] == "còn 20 ngày" and first["assigner"]["code"] == "BCA"
    summary = data["summary"]
    assert summary["counts"] == {"tasks": 2, "on_time": 0, "late": 0, "pending": 2, "overdue": 0}
    assert [g["unit"]["code"] for g in summary["groups"]] == ["T01", "T19"]


def test_filters_narrow_the_list(cast, scene):
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.")
    tasks.mark_done(cast.leader_a, scene.task_a)
    client = token_client(cast.ministry_officer)

    def codes(query):
        response = client.get(f"/api/tasks?{query}")
        assert response.status_code == 200, response.content
        return [t["unit"]["code"] for t in response.json()["items"]]

    assert codes("standing=on_time") == ["T19"]
    assert codes("standing=owed") == ["T01"]
    assert codes("status=done") == ["T19"]
    assert codes("owner=T19") == ["T19"]
    assert codes("only=true") == []  # the ministry's own tasks: none
    assert codes("q=ha%20noi") == ["T01"]
    assert codes(f"conference={scene.conference.pk}") == ["T01", "T19"]  # owed first
    assert token_client(cast.officer_a).get("/api/tasks").json()["total"] == 1


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ("standing=soon", "standing", "Tình hình thực hiện (standing): phải là một trong"),
        ("limit=1&limit=500", "limit", "chỉ được gửi một lần"),
        ("tab=all", "tab", "Danh sách (tab): phải là một trong"),
        ("conference=0", "conference", "phải lớn hơn hoặc bằng 1"),
        ("q=a%00b", "q", "ký tự điều khiển"),
    ],
)
def test_bad_list_parameters_are_422_in_vietnamese(cast, scene, query, field, says):
    response = token_client(cast.officer_a).get(f"/api/tasks?{query}")
    assert response.status_code == 422
    assert says in fields_of(response)[field]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/conferences?period=2026-H%00", "period"),
        ("/api/consolidations?period=2026-H%00", "period"),
        ("/api/consolidations?form=CTD%00", "form"),
    ],
)
def test_a_nul_in_a_filter_is_a_422_not_a_server_error(cast, url, field):
    """PostgreSQL refuses NUL in any text, a filter's too (found by test_api_fuzz)."""
    response = token_client(cast.officer_a).get(url)
    assert response.status_code == 422
    assert "ký tự điều khiển" in fields_of(response)[field]
    assert token_client(cast.officer_a).get(url.replace("%00", "1")).status_code == 200


def test_a_unit_out_of_scope_is_missing_from_the_list(cast, scene):
    response = token_client(cast.officer_a).get("/api/tasks?unit=T01")
    assert response.status_code == 404
    response = token_client(cast.ministry_officer).get("/api/tasks?unit=T19&owner=T01")
    assert response.status_code == 422
    assert "không thuộc Công an tỉnh Thái Nguyên" in fields_of(response)["owner"]


# ------------------------------------------------------------------ one task, and acting on it


def test_a_task_reads_with_its_progress_and_evidence(cast, scene):
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã ban hành.", "document", scene.plan.pk)
    response = token_client(cast.leader_a).get(task_path(scene.task_a))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["conference"]["id"] == scene.conference.pk
    assert data["expected_result"] == "Kế hoạch triển khai và báo cáo kết quả quán triệt."
    (progress,) = data["progress"]
    assert progress["evidence"] == {
        "kind": "document",
        "kind_name": "Văn bản đơn vị ban hành",
        "id": scene.plan.pk,
        "label": str(scene.plan),
    }
    assert progress["created_by"] == cast.officer_a.full_name
    assert data["actions"] == {"report": False, "mark_done": True, "decide": False}


@pytest.mark.parametrize("who", ["officer_b", "commune_officer"])
def test_out_of_scope_a_task_is_missing_even_with_a_body(cast, scene, who):
    client = token_client(getattr(cast, who))
    before = written()
    assert client.get(task_path(scene.task_a)).status_code == 404
    for action in ("progress", "done", "accept", "return"):
        response = post(client, task_path(scene.task_a, action), {"text": "x", "reason": "x"})
        assert response.status_code == 404, action
        assert "Không tìm thấy nhiệm vụ" in response.json()["detail"]
    assert written() == before


def test_the_workflow_through_the_api(cast, scene, ministry_leader):
    officer, leader = token_client(cast.officer_a), token_client(cast.leader_a)
    boss = token_client(ministry_leader)
    body = {
        "text": "Đã ban hành kế hoạch.",
        "evidence_kind": "document",
        "evidence_id": scene.plan.pk,
    }
    response = post(officer, task_path(scene.task_a, "progress"), body)
    assert response.status_code == 201, response.content
    assert response.json()["progress"][0]["evidence"]["id"] == scene.plan.pk
    response = post(leader, task_path(scene.task_a, "done"))
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert response.json()["done_on"] == scene.today.isoformat()
    response = post(boss, task_path(scene.task_a, "return"), {"reason": "Bổ sung số liệu."})
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert response.json()["return_reason"] == "Bổ sung số liệu."
    response = post(leader, task_path(scene.task_a, "done"))
    assert response.status_code == 422 and "bị trả lại" in fields_of(response)["progress"]
    post(officer, task_path(scene.task_a, "progress"), {"text": "Đã bổ sung."})
    assert post(leader, task_path(scene.task_a, "done")).status_code == 200
    response = post(boss, task_path(scene.task_a, "accept"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "accepted" and data["standing"] == "on_time"
    assert data["status_name"] == "Đã nghiệm thu"
    response = post(boss, task_path(scene.task_a, "accept"))
    assert response.status_code == 409 and "đã được nghiệm thu" in response.json()["detail"]


def test_roles_are_403_and_states_409(cast, scene, ministry_leader):
    before = written()
    response = post(token_client(cast.leader_a), task_path(scene.task_a, "progress"), {"text": "x"})
    assert response.status_code == 403
    assert "Chỉ cán bộ của Công an tỉnh Thái Nguyên" in response.json()["detail"]
    response = post(token_client(cast.ministry_officer), task_path(scene.task_a, "progress"), {})
    assert response.status_code == 403  # the assigning side does not report on its task
    response = post(token_client(cast.officer_a), task_path(scene.task_a, "done"))
    assert response.status_code == 403
    response = post(token_client(ministry_leader), task_path(scene.task_a, "accept"))
    assert response.status_code == 409 and "chưa được báo hoàn thành" in response.json()["detail"]
    response = post(token_client(cast.leader_a), task_path(scene.task_a, "return"), {})
    assert response.status_code == 403
    assert written() == before


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({}, "payload.text", "Nội dung (text): bắt buộc phải có."),
        ({"text": " "}, "payload.text", "Nội dung là bắt buộc."),
        ({"text": "Đã\x00 làm"}, "payload.text", "không được chứa ký tự rỗng (NUL)"),
        (
            {"text": "x", "evidence_kind": "photo", "evidence_id": 1},
            "payload.evidence_kind",
            "phải là một trong",
        ),
        ({"text": "x", "evidence_kind": "document"}, "payload.evidence_id", "Chọn văn bản"),
        (
            {"text": "x", "evidence_kind": "document", "evidence_id": 999999},
            "payload.evidence_id",
            "của chính Công an tỉnh Thái Nguyên",
        ),
        ({"text": "x", "evidence_id": 0}, "payload.evidence_id", "phải lớn hơn hoặc bằng 1"),
    ],
)
def test_bad_progress_is_422_and_writes_nothing(cast, scene, body, field, says):
    before = written()
    response = post(token_client(cast.officer_a), task_path(scene.task_a, "progress"), body)
    assert response.status_code == 422, response.content
    assert says in fields_of(response)[field]
    assert written() == before


def test_another_units_record_is_not_evidence(cast, scene):
    theirs = activity_of(cast.officer_b, cast.province_b)
    before = written()
    body = {"text": "x", "evidence_kind": "activity", "evidence_id": theirs.pk}
    response = post(token_client(cast.officer_a), task_path(scene.task_a, "progress"), body)
    assert response.status_code == 422
    assert "của chính Công an tỉnh Thái Nguyên" in fields_of(response)["payload.evidence_id"]
    assert written() == before


def test_nfd_text_is_stored_nfc(cast, scene):
    text = unicodedata.normalize("NFD", "Đã tổ chức quán triệt")
    response = post(
        token_client(cast.officer_a), task_path(scene.task_a, "progress"), {"text": text}
    )
    assert response.status_code == 201
    stored = Progress.objects.get().text
    assert stored == unicodedata.normalize("NFC", text) and stored != text


def test_a_session_must_send_csrf(cast, scene):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer_a)
    response = post(client, task_path(scene.task_a, "progress"), {"text": "x"})
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Progress.objects.exists()


# ------------------------------------------------------------------ the consolidated report


@pytest.fixture
def report(cast, ministry_leader):
    """The ministry's draft for 2026-H1, Thái Nguyên's report sent and accepted."""
    from giaoban.reports.demo_form import ensure_demo_form

    form = ensure_demo_form()
    sent = workflow.open_report(form, cast.province_a, "2026-H1", cast.officer_a)
    workflow.save_entries(sent, cast.officer_a, GOOD, {"KQ": "Đã quán triệt đầy đủ.", "PH": "x"})
    workflow.submit(sent, cast.leader_a)
    workflow.accept(sent, ministry_leader)
    draft = consolidation.open_draft(cast.ministry_officer, cast.root, "party", form, "2026-H1")
    consolidation.add_excerpt(cast.ministry_officer, draft, "KQ", sent.pk, "KQ")
    return draft


def test_the_compiled_structure_is_read_writing_nothing(cast, report):
    before = (ConsolidationExport.objects.count(), AuditEntry.objects.count())
    response = api_client(cast.ministry_officer).get(f"/api/consolidations/{report.pk}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["consolidation"]["status"] == "draft"
    compiled = data["compiled"]
    assert compiled["unit"]["code"] == "BCA" and compiled["period"]["key"] == "2026-H1"
    (excerpt,) = [p for s in compiled["sections"] for p in s["paragraphs"]]
    assert excerpt["kind"] == "excerpt" and excerpt["text"] == "Đã quán triệt đầy đủ."
    assert excerpt["source"]["unit"]["code"] == "T19"
    assert compiled["submitted"]["sent"] == 1
    assert data["last_export"] is None and data["changes_since_export"] == []
    assert (ConsolidationExport.objects.count(), AuditEntry.objects.count()) == before
    listing = api_client(cast.ministry_officer).get("/api/consolidations?period=2026-H1")
    assert [c["id"] for c in listing.json()["items"]] == [report.pk]


def test_the_docx_is_exported_and_recorded(cast, report):
    client = api_client(cast.ministry_officer)
    response = client.post(f"/api/consolidations/{report.pk}/docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Docx(io.BytesIO(response.content)).paragraphs)
    assert "Đã quán triệt đầy đủ." in text
    assert ConsolidationExport.objects.filter(consolidation=report).count() == 1
    consolidation.add_own(cast.ministry_officer, report, "KQ", "Lời của Bộ.")
    data = client.get(f"/api/consolidations/{report.pk}").json()
    assert data["last_export"]["by"] == cast.ministry_officer.full_name
    assert any("Lời của Bộ." in c for c in data["changes_since_export"])


@pytest.mark.parametrize("who", ["officer_a", "officer_b"])
def test_a_consolidated_report_out_of_scope_is_missing(cast, report, who):
    client = api_client(getattr(cast, who))
    assert client.get(f"/api/consolidations/{report.pk}").status_code == 404
    assert client.post(f"/api/consolidations/{report.pk}/docx").status_code == 404
    assert not ConsolidationExport.objects.exists()
    assert client.get("/api/consolidations").json()["total"] == 0


def test_every_api_write_is_audited_and_reads_write_nothing(cast, scene, ministry_leader):
    def step(user, method, url, body=None):
        client = api_client(user)
        before, since = dbstate.fingerprint(), dbstate.last_entry_id()
        if method == "get":
            response = client.get(url)
        else:
            response = post(client, url, body)
        tables = dbstate.changed(before, dbstate.fingerprint())
        assert response.status_code in (200, 201), (url, response.content)
        if method == "get":
            assert tables == [], (url, tables)
        else:
            assert dbstate.unaudited_changes(tables, since) == [], url

    body = {"text": "Đã làm.", "evidence_kind": "document", "evidence_id": scene.plan.pk}
    step(cast.officer_a, "post", task_path(scene.task_a, "progress"), body)
    step(cast.officer_a, "get", task_path(scene.task_a))
    step(cast.officer_a, "get", "/api/tasks")
    step(cast.officer_a, "get", f"/api/conferences/{scene.conference.pk}")
    step(cast.leader_a, "post", task_path(scene.task_a, "done"))
    step(ministry_leader, "post", task_path(scene.task_a, "return"), {"reason": "x"})
    step(cast.officer_a, "post", task_path(scene.task_a, "progress"), {"text": "y"})
    step(cast.leader_a, "post", task_path(scene.task_a, "done"))
    step(ministry_leader, "post", task_path(scene.task_a, "accept"))
