"""The periodic reports API: bulk values, one report, its workflow, roll-up, completeness."""

import datetime
import json
import re

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from schemathesis.specs.openapi.checks import positive_data_acceptance

from giaoban.accounts.models import ApiToken, RoleAssignment
from giaoban.api.report_schemas import PERIOD_PATTERN
from giaoban.audit.models import AuditEntry
from giaoban.core import periods
from giaoban.reports import services, workflow
from giaoban.reports.demo_form import ensure_demo_form
from giaoban.reports.models import Report, ReportEvent, ReportText, ReportValue, Rollup
from giaoban.units import history
from giaoban.units.models import Level, Unit
from tests.api.conftest import api_client, token_client
from tests.conftest import make_user
from tests.reports.conftest import GOOD, TEXTS

FORM = "CTD-CTCT-6T"
KEY = "2026-H1"
VALUES_URL = f"/api/reports/{FORM}/{KEY}/values"


@pytest.fixture
def form(cast):
    return ensure_demo_form()


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def bulk(client, items, **options):
    return post(client, VALUES_URL, {"items": items, **options})


def item(unit, values=GOOD, texts=TEXTS):
    return {"unit": unit, "values": values, "texts": texts}


def written():
    """Everything a bulk request could write."""
    return (
        Report.objects.count(),
        ReportValue.objects.count(),
        ReportText.objects.count(),
        Rollup.objects.count(),
        AuditEntry.objects.filter(model="reports.Report").count(),
    )


def report_of(unit):
    return Report.objects.get(form__code=FORM, period_key=KEY, unit=unit)


def accepted_report(form, cast, unit, values=GOOD):
    """A report filled, submitted by its unit's leader and accepted by the parent's leader."""
    report = workflow.open_report(form, unit, KEY, cast.ministry_admin, check_scope=False)
    workflow.save_entries(report, cast.ministry_admin, values, TEXTS)
    workflow.submit(report, leader_of(unit))
    workflow.accept(report, leader_of(Unit.objects.get(pk=unit.parent_id)))
    return report


def leader_of(unit):
    found = RoleAssignment.objects.filter(unit=unit, role="leader").order_by("pk").first()
    return found.user if found else make_user(f"lead_{unit.code.lower()}", unit, "leader")


# ------------------------------------------------------------------ bulk values


def test_bulk_creates_the_drafts_of_many_units_in_one_call(form, cast):
    client = token_client(cast.officer_a)
    response = bulk(client, [item("X05500"), item("x05800", {"GD01": "1.234"}, {}), item("T19")])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "dry_run": False,
        "items": 3,
        "reports_created": 3,
        "reports_updated": 0,
        "values_written": len(GOOD) * 2 + 1,
        "warnings": [],
    }
    for unit in (cast.commune_a1, cast.commune_a2, cast.province_a):
        assert report_of(unit).status == Report.Status.DRAFT
    assert report_of(cast.commune_a2).values.get().value == 1234  # Vietnamese thousands
    gd09 = report_of(cast.commune_a1).values.get(indicator__code="GD09").value
    assert str(gd09.normalize()) == "95.5"  # "95,5"
    assert report_of(cast.commune_a1).texts.get(field__code="KQ").text == TEXTS["KQ"]
    entries = AuditEntry.objects.filter(model="reports.Report", action="import")
    assert entries.count() == 3
    assert {e.actor for e in entries} == {cast.officer_a}  # attributed to the token's owner


def test_bulk_updates_the_cells_it_sends_and_keeps_the_others(form, cast):
    client = token_client(cast.officer_a)
    assert bulk(client, [item("X05500")]).status_code == 200
    response = bulk(client, [item("X05500", {"GD01": 7, "GD03": None}, {})])
    assert response.status_code == 200
    assert response.json()["reports_created"] == 0
    assert response.json()["reports_updated"] == 1
    values = dict(report_of(cast.commune_a1).values.values_list("indicator__code", "value"))
    assert values["GD01"] == 7
    assert values["GD02"] == GOOD["GD02"]


def test_one_bad_item_writes_nothing_and_every_problem_is_listed(form, cast):
    client = token_client(cast.officer_a)
    assert bulk(client, [item("X05500")]).status_code == 200
    before = written()
    response = bulk(
        client,
        [
            item("X05500", {"GD01": 99}),  # fine on its own
            item("X05800", {"GD01": "mười", "GD02": -3, "ZZ99": 1}),
            item("T19", {"GD01": 2.5}),  # an integer indicator
        ],
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    found = {(e["index"], e["unit"], e["field"]) for e in detail}
    assert found == {(1, "X05800", "GD01"), (1, "X05800", "GD02"), (1, "X05800", "ZZ99"),
                     (2, "T19", "GD01")}  # fmt: skip
    for error in detail:
        assert error["location"] == "body"
        assert error["message"].startswith(f"Mục items[{error['index']}] (đơn vị {error['unit']})")
    messages = " ".join(e["message"] for e in detail)
    assert "“mười” không phải là số" in messages
    assert "không được là số âm" in messages
    assert "phải là số nguyên" in messages
    assert "“ZZ99” không có trong mẫu" in messages
    assert written() == before
    assert report_of(cast.commune_a1).values.get(indicator__code="GD01").value == GOOD["GD01"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "không phải là số"),
        (True, "phải là một số"),
        ([1, 2], "không phải là số"),
        ({"n": 1}, "không phải là số"),
        ("1e400", "số quá lớn"),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_of_its_item(form, cast, value, message):
    before = written()
    response = bulk(token_client(cast.officer_a), [item("X05500"), item("X05800", {"GD01": value})])
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert (error["index"], error["unit"], error["field"]) == (1, "X05800", "GD01")
    assert message in error["message"]
    assert written() == before


def test_a_malformed_item_is_an_error_of_its_item(form, cast):
    response = bulk(
        token_client(cast.officer_a),
        [{"values": {"GD01": 1}}, {"unit": 5500}, item("X05500", texts={"KQ": 12})],
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [(e["index"], e["field"]) for e in detail] == [(0, "unit"), (1, "unit"), (2, "KQ")]
    assert "thiếu mã đơn vị" in detail[0]["message"]
    assert "phải là một chuỗi ký tự" in detail[2]["message"]
    assert Report.objects.count() == 0


def test_a_body_that_is_not_a_list_of_items_is_refused_naming_the_field(form, cast):
    client = token_client(cast.officer_a)
    response = post(client, VALUES_URL, {"items": "X05500", "dry_run": "có"})
    assert response.status_code == 422
    by_field = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert by_field["payload.items"].startswith("Danh sách mục (items):")
    assert by_field["payload.dry_run"] == "Chạy thử (dry_run): phải là true hoặc false."
    # Only JSON true/false: a 0 or 1 is not taken for a yes or a no.
    response = post(client, VALUES_URL, {"items": [item("X05500")], "accept_history": 0})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "payload.accept_history"
    response = client.post(VALUES_URL, "{không phải JSON", content_type="application/json")
    assert response.status_code in (400, 422)
    assert Report.objects.count() == 0


def test_units_outside_the_subtree_are_refused_without_being_named(form, cast):
    before = written()
    response = bulk(token_client(cast.commune_officer), [item("X05500"), item("X05800")])
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert (error["index"], error["unit"], error["field"]) == (1, "X05800", "unit")
    assert "không có đơn vị mã “X05800” trong phạm vi" in error["message"]
    assert "Đại Phúc" not in response.content.decode()
    # …in the same words as a code that does not exist.
    response = bulk(token_client(cast.commune_officer), [item("X99999")])
    assert "không có đơn vị mã “X99999” trong phạm vi" in response.json()["detail"][0]["message"]
    response = bulk(token_client(cast.officer_a), [item("X00004")])
    assert response.status_code == 422
    assert "Ba Đình" not in response.content.decode()
    assert written() == before


def test_a_leader_may_read_but_not_enter_figures(form, cast):
    response = bulk(token_client(cast.leader_a), [item("X05500")])
    assert response.status_code == 422
    assert "không có quyền nhập báo cáo" in response.json()["detail"][0]["message"]
    assert Report.objects.count() == 0


def test_a_submitted_or_accepted_report_is_not_overwritten(form, cast):
    client = token_client(cast.officer_a)
    bulk(client, [item("X05500")])
    workflow.submit(report_of(cast.commune_a1), cast.commune_leader)
    before = written()
    response = bulk(client, [item("X05800"), item("X05500", {"GD01": 50})])
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert (error["index"], error["field"]) == (1, "unit")
    assert "đã gửi hoặc đã chấp nhận" in error["message"]
    assert written() == before


def test_warnings_do_not_block_and_are_reported(form, cast):
    response = bulk(token_client(cast.officer_a), [item("X05500", dict(GOOD, VH02=1))])
    assert response.status_code == 200
    (warning,) = response.json()["warnings"]
    assert (warning["index"], warning["unit"], warning["field"]) == (0, "X05500", "VH02")
    assert "đề nghị kiểm tra lại" in warning["message"]
    assert Report.objects.count() == 1


def test_dry_run_checks_everything_and_writes_nothing(form, cast):
    client = token_client(cast.officer_a)
    before = written()
    response = bulk(client, [item("X05500"), item("X05800")], dry_run=True)
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True
    assert (body["reports_created"], body["values_written"]) == (2, 2 * len(GOOD))
    assert written() == before
    response = bulk(client, [item("X05500", {"GD01": "x"})], dry_run=True)
    assert response.status_code == 422
    assert written() == before


def test_two_thousand_units_in_one_request(form, cast):
    xa = Level.objects.get(code="xa")
    province = cast.province_a
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"XT{i:05d}",
                name=f"Công an xã Thử nghiệm {i}",
                short_name=f"Thử nghiệm {i}",
                level=xa,
                parent=province,
                path=f"{province.path}XT{i:05d}/",
                depth=province.depth + 1,
            )
            for i in range(2000)
        ],
        batch_size=1000,
    )
    history.invalidate()
    items = [item(f"XT{i:05d}", {**GOOD, "GD01": i % 7}) for i in range(2000)]
    response = bulk(token_client(cast.officer_a), items)
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert (body["items"], body["reports_created"]) == (2000, 2000)
    assert body["values_written"] == 2000 * len(GOOD)
    assert Report.objects.filter(unit__code__startswith="XT").count() == 2000
    assert ReportValue.objects.filter(indicator__code="GD01", value=6).count() == 2000 // 7
    drafts = Rollup.objects.get(node=province, form=form, period_key=KEY).statuses["draft"]
    assert drafts == 2000


def test_more_than_five_thousand_items_are_refused_in_vietnamese(form, cast):
    response = bulk(token_client(cast.officer_a), [{"unit": "X05500"}] * 5001)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == "payload.items"
    assert "tối đa 5.000 mục" in error["message"]
    assert Report.objects.count() == 0


def test_unknown_form_bad_period_and_future_period(form, cast):
    client = token_client(cast.officer_a)
    response = post(client, f"/api/reports/KHONG-CO/{KEY}/values", {"items": []})
    assert response.status_code == 404
    assert "Không có mẫu báo cáo “KHONG-CO”" in response.json()["detail"]
    for key in ("2026-Q1", "2026-13", "abc", "0000-H1", "0001-H1"):
        response = post(client, f"/api/reports/{FORM}/{key}/values", {"items": [item("X05500")]})
        assert response.status_code == 422, key
        (error,) = response.json()["detail"]
        assert (error["field"], error["location"]) == ("period", "path")
        assert error["message"].startswith("Kỳ báo cáo (period): ")
        assert "2026-H1" in error["message"] or "từ 1901 đến 2998" in error["message"]
    future = periods.shift(form.period(KEY), 4).key
    response = post(client, f"/api/reports/{FORM}/{future}/values", {"items": [item("X05500")]})
    assert response.status_code == 422
    assert "chưa bắt đầu" in response.json()["detail"][0]["message"]
    assert Report.objects.count() == 0


def test_a_retired_form_takes_no_new_figures(form, cast):
    form.is_active = False
    form.save()
    response = bulk(token_client(cast.officer_a), [item("X05500")])
    assert response.status_code == 409
    assert "ngừng sử dụng" in response.json()["detail"]


def test_historical_accepted_figures_are_for_top_administrators(form, cast):
    past = "2025-H1"
    url = f"/api/reports/{FORM}/{past}/values"
    body = {"items": [item("X05500")], "accept_history": True}
    response = post(token_client(cast.officer_a), url, body)
    assert response.status_code == 403
    assert "quản trị viên cấp Bộ" in response.json()["detail"]
    assert Report.objects.count() == 0
    response = post(token_client(cast.ministry_admin), url, body)
    assert response.status_code == 200, response.content
    report = Report.objects.get(unit=cast.commune_a1, period_key=past)
    assert report.status == Report.Status.ACCEPTED
    total = Rollup.objects.get(node=cast.root, form=form, period_key=past).accepted["GD01"]
    assert total[0] == str(GOOD["GD01"])


def test_anonymous_is_refused_with_401(form, cast):
    response = bulk(Client(), [item("X05500")])
    assert response.status_code == 401
    assert "chưa đăng nhập" in response.json()["detail"]
    assert Report.objects.count() == 0


def test_a_session_must_send_the_csrf_token(form, cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer_a)
    response = bulk(client, [item("X05500")])
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Report.objects.count() == 0
    token = "k" * 32  # a secret the browser holds in its cookie and echoes in the header
    client.cookies["csrftoken"] = token
    response = client.post(
        VALUES_URL,
        json.dumps({"items": [item("X05500")]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.content


# ------------------------------------------------------------------ one report


def report_url(unit="X05500", suffix=""):
    return f"/api/reports/{FORM}/{KEY}/{unit}{suffix}"


def test_a_report_reads_status_figures_texts_and_history(form, cast):
    report = accepted_report(form, cast, cast.commune_a1)
    workflow.reopen(report, cast.leader_a, "Điều chỉnh số liệu mục II")
    response = token_client(cast.officer_a).get(report_url("x05500"))
    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["code"] == "X05500"
    assert body["form"]["code"] == FORM
    assert body["period"] == {
        "key": KEY,
        "label": "6 tháng đầu năm 2026",
        "start": "2025-12-15",
        "end": "2026-06-14",
    }
    assert body["path"] == "BCA/T19/X05500/"
    assert body["version"] == 1
    assert (body["status"], body["status_name"]) == ("returned", "Bị trả lại")
    assert body["deadline"] == "2026-06-17"
    assert body["late"] == report_of(cast.commune_a1).is_late
    assert body["is_demo"] is False
    assert body["values"]["GD01"] == 4 and isinstance(body["values"]["GD01"], int)
    assert body["values"]["GD09"] == 95.5
    assert set(body["values"]) == set(GOOD)
    assert body["texts"]["KQ"] == TEXTS["KQ"]
    assert body["problems"] == []
    steps = [(e["from_status"], e["to_status"], e["reason"]) for e in body["events"]]
    assert steps == [
        ("draft", "submitted", ""),
        ("submitted", "accepted", ""),
        ("accepted", "returned", "Điều chỉnh số liệu mục II"),
    ]
    assert body["events"][1]["actor"] == str(cast.leader_a)
    assert body["events"][0]["at"]


def test_a_report_outside_the_subtree_reads_as_not_found(form, cast):
    accepted_report(form, cast, cast.commune_a1)
    for user in (cast.officer_b, cast.commune_officer):
        unit = "X05500" if user == cast.officer_b else "X05800"
        response = token_client(user).get(report_url(unit))
        assert response.status_code == 404
        assert "trong phạm vi của đồng chí" in response.json()["detail"]


def test_no_report_yet_is_a_clear_404(form, cast):
    response = token_client(cast.officer_a).get(report_url("X05800"))
    assert response.status_code == 404
    assert "chưa lập báo cáo" in response.json()["detail"]
    assert "Đại Phúc" in response.json()["detail"]


def test_reading_validates_form_period_and_code(form, cast):
    client = token_client(cast.officer_a)
    assert client.get(f"/api/reports/NOPE/{KEY}/X05500").status_code == 404
    response = client.get(f"/api/reports/{FORM}/2026-M01/X05500")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "period"
    response = client.get(f"/api/reports/{FORM}/{KEY}/có dấu")
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"].startswith("Mã đơn vị (code):")


# ------------------------------------------------------------------ workflow


def test_submit_accept_return_and_reopen_through_the_api(form, cast):
    bulk(token_client(cast.officer_a), [item("X05500")])
    leader = token_client(cast.commune_leader)
    parent = token_client(cast.leader_a)

    response = post(leader, report_url(suffix="/submit"), {})
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    response = post(leader, report_url(suffix="/submit"), {})
    assert response.status_code == 409
    assert "không gửi được" in response.json()["detail"]

    response = post(token_client(cast.officer_a), report_url(suffix="/accept"), {})
    assert response.status_code == 403
    assert "Chỉ lãnh đạo" in response.json()["detail"]
    response = post(parent, report_url(suffix="/return"), {"reason": "   "})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "payload.reason"
    response = post(parent, report_url(suffix="/return"), {"reason": "Thiếu số liệu mục II"})
    assert response.json()["status"] == "returned"

    post(leader, report_url(suffix="/submit"), {})
    response = post(parent, report_url(suffix="/accept"), {})
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    total = Rollup.objects.get(node=cast.root, form=form, period_key=KEY).accepted["GD01"]
    assert total[0] == str(GOOD["GD01"])  # in the ministry's total at once

    response = post(parent, report_url(suffix="/reopen"), {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"].startswith("Lý do (reason):")
    response = post(parent, report_url(suffix="/reopen"), {"reason": "Điều chỉnh"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "returned"
    assert [e["to_status"] for e in body["events"]] == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
        "returned",
    ]
    assert ReportEvent.objects.filter(report__unit=cast.commune_a1).count() == 5


def test_a_report_with_errors_is_not_submitted(form, cast):
    bulk(token_client(cast.officer_a), [item("X05500", texts={})])  # required narratives
    response = post(token_client(cast.commune_leader), report_url(suffix="/submit"), {})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"KQ", "PH"}
    assert report_of(cast.commune_a1).status == Report.Status.DRAFT


def test_the_reason_is_read_only_for_a_report_in_scope(form, cast):
    accepted_report(form, cast, cast.commune_a1)
    url = report_url(suffix="/reopen")
    # Whatever the body, a report outside the subtree is not found.
    response = token_client(cast.officer_b).post(url, "không phải JSON", content_type="text/plain")
    assert response.status_code == 404
    parent = token_client(cast.leader_a)
    response = parent.post(url, "không phải JSON", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"].startswith("Nội dung gửi lên:")
    response = post(parent, url, {"reason": "x" * 2001})
    assert response.status_code == 422
    assert "tối đa 2000 ký tự" in response.json()["detail"][0]["message"]
    assert report_of(cast.commune_a1).status == Report.Status.ACCEPTED


def test_workflow_out_of_scope_or_without_a_report_is_404(form, cast):
    bulk(token_client(cast.officer_a), [item("X05500")])
    response = post(token_client(cast.officer_b), report_url(suffix="/submit"), {})
    assert response.status_code == 404
    response = post(token_client(cast.officer_a), report_url("X05800", "/submit"), {})
    assert response.status_code == 404
    assert report_of(cast.commune_a1).status == Report.Status.DRAFT


# ------------------------------------------------------------------ roll-up


def rollup_number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def test_the_rollup_equals_the_services_rollup_view(form, cast):
    accepted_report(form, cast, cast.commune_a1)
    accepted_report(form, cast, cast.commune_a2, dict(GOOD, GD01=6, GD09="80"))
    accepted_report(form, cast, cast.commune_b1, dict(GOOD, GD01=10))
    client = token_client(cast.ministry_officer)
    for code in ("BCA", "T19", "X05500"):
        response = client.get(f"/api/rollups/{FORM}/{KEY}/{code}")
        assert response.status_code == 200
        body = response.json()
        node = Unit.objects.get(code=code)
        view = services.rollup_view(node, form, form.period(KEY))
        assert (body["covered"], body["expected"]) == (view.covered, view.expected)
        assert body["mode"] == body["default_mode"] == "accepted"
        by_code = {i["code"]: i for i in body["indicators"]}
        assert set(by_code) == {i.code for i in view.indicators}
        for ind_code, comparison in view.comparisons.items():
            assert by_code[ind_code]["value"] == rollup_number(comparison.value)
            assert by_code[ind_code]["previous"] == rollup_number(comparison.previous)
        children = {c["unit"]["code"]: c for c in body["children"]["items"]}
        assert set(children) == {c.unit.code for c in view.children}
        for child in view.children:
            got = children[child.unit.code]
            assert got["values"] == {k: rollup_number(v) for k, v in child.values.items()}
            assert (got["covered"], got["expected"]) == (child.covered, child.expected)
    body = client.get(f"/api/rollups/{FORM}/{KEY}/BCA").json()
    gd = {i["code"]: i for i in body["indicators"]}
    assert gd["GD01"]["value"] == 4 + 6 + 10
    assert gd["GD09"]["aggregation"] == "avg"
    assert gd["GD09"]["value"] == round((95.5 + 80 + 95.5) / 3, 2)
    t19 = client.get(f"/api/rollups/{FORM}/{KEY}/T19").json()
    assert {i["code"]: i["value"] for i in t19["indicators"]}["GD01"] == 10


def test_the_rollup_compares_with_the_previous_period(form, cast):
    accepted_report(form, cast, cast.commune_a1, dict(GOOD, GD01=5))
    previous = "2025-H2"
    report = workflow.open_report(form, cast.commune_a1, previous, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, GOOD, TEXTS)
    workflow.submit(report, cast.commune_leader)
    workflow.accept(report, cast.leader_a)
    body = token_client(cast.officer_a).get(f"/api/rollups/{FORM}/{KEY}/T19").json()
    assert body["previous_period"]["key"] == previous
    assert body["last_year_period"]["key"] == "2025-H1"
    gd01 = {i["code"]: i for i in body["indicators"]}["GD01"]
    assert (gd01["value"], gd01["previous"], gd01["vs_previous_pct"]) == (5, 4, 25.0)
    assert gd01["last_year"] is None
    # One of T19's two communes reported: compared like with like, over that one unit.
    basis = body["comparison_basis"]
    assert (basis["kind"], basis["units"]) == ("common", 1)
    assert (gd01["compared_value"], gd01["compared_previous"]) == (5, 4)
    assert "1/2 đơn vị trực thuộc đã đủ số liệu ở cả kỳ này và kỳ so sánh" in basis["notes"][0]


def test_the_rollup_mode_counts_submitted_reports_on_request(form, cast):
    bulk(token_client(cast.officer_a), [item("X05500")])
    workflow.submit(report_of(cast.commune_a1), cast.commune_leader)
    client = token_client(cast.officer_a)
    accepted = client.get(f"/api/rollups/{FORM}/{KEY}/T19").json()
    counted = client.get(f"/api/rollups/{FORM}/{KEY}/T19", {"mode": "counted"}).json()
    gd01 = {i["code"]: i["value"] for i in accepted["indicators"]}["GD01"]
    assert gd01 is None and accepted["covered"] == 0
    assert {i["code"]: i["value"] for i in counted["indicators"]}["GD01"] == 4
    assert counted["covered"] == 1
    response = client.get(f"/api/rollups/{FORM}/{KEY}/T19", {"mode": "tat-ca"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"].startswith("Cách tính (mode):")


def test_the_rollup_children_are_paginated(form, cast):
    client = token_client(cast.officer_a)
    body = client.get(f"/api/rollups/{FORM}/{KEY}/T19", {"limit": 1, "offset": 1}).json()
    page = body["children"]
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 1)
    assert [c["unit"]["code"] for c in page["items"]] == ["X05800"]
    response = client.get(f"/api/rollups/{FORM}/{KEY}/T19", {"limit": 501})
    assert response.status_code == 422


def test_the_rollup_outside_the_subtree_is_404(form, cast):
    accepted_report(form, cast, cast.commune_b1)
    for code in ("T01", "X00004", "BCA"):
        response = token_client(cast.officer_a).get(f"/api/rollups/{FORM}/{KEY}/{code}")
        assert response.status_code == 404
        assert "Hà Nội" not in response.content.decode()


# ------------------------------------------------------------------ completeness


def test_completeness_overall_per_child_and_missing(form, cast):
    accepted_report(form, cast, cast.commune_a1)
    client = token_client(cast.officer_a)
    response = client.get(f"/api/completeness/{FORM}/{KEY}/T19")
    assert response.status_code == 200
    body = response.json()
    overall, per_child = services.completeness(cast.province_a, form, form.period(KEY))
    for field in ("expected", "drafted", "submitted", "accepted", "returned", "missing", "late"):
        assert body["overall"][field] == getattr(overall, field), field
    assert body["overall"]["expected"] == 3  # the province and its two communes
    assert body["overall"]["accepted"] == 1
    assert body["overall"]["rate_pct"] == round(100 / 3, 1)
    children = {c["unit"]["code"]: c for c in body["children"]["items"]}
    for c in per_child:
        assert children[c.unit.code]["accepted"] == c.accepted
        assert children[c.unit.code]["missing"] == c.missing
    assert body["missing_total"] == 2

    response = client.get(f"/api/completeness/{FORM}/{KEY}/T19/missing", {"limit": 1})
    assert response.status_code == 200
    page = response.json()
    assert (page["total"], len(page["items"])) == (2, 1)
    first = page["items"][0]
    assert first["unit"]["code"] == "T19"
    assert (first["status"], first["deadline"], first["in_scope"]) == (None, "2026-06-22", True)
    page = client.get(f"/api/completeness/{FORM}/{KEY}/T19/missing", {"offset": 1}).json()
    assert [m["unit"]["code"] for m in page["items"]] == ["X05800"]
    assert page["items"][0]["overdue"] is (datetime.date.today() > datetime.date(2026, 6, 17))


def test_completeness_outside_the_subtree_is_404(form, cast):
    client = token_client(cast.commune_officer)
    for suffix in ("", "/missing"):
        for code in ("T19", "X05800", "X00004"):
            response = client.get(f"/api/completeness/{FORM}/{KEY}/{code}{suffix}")
            assert response.status_code == 404, (code, suffix)


def test_completeness_of_a_unit_that_did_not_exist_then_says_so(form, cast):
    young = Unit.objects.create(
        code="X09999",
        name="Công an xã Mới Lập",
        short_name="Mới Lập",
        level=Level.objects.get(code="xa"),
        parent=cast.province_a,
        active_from=datetime.date(2026, 7, 1),
    )
    response = token_client(cast.officer_a).get(f"/api/completeness/{FORM}/{KEY}/{young.code}")
    assert response.status_code == 404
    assert "không hoạt động vào ngày cuối kỳ" in response.json()["detail"]


# ------------------------------------------------------------------ every endpoint


ENDPOINTS = [
    ("post", VALUES_URL),
    ("get", report_url()),
    ("post", report_url(suffix="/submit")),
    ("post", report_url(suffix="/accept")),
    ("post", report_url(suffix="/return")),
    ("post", report_url(suffix="/reopen")),
    ("get", f"/api/rollups/{FORM}/{KEY}/X05500"),
    ("get", f"/api/completeness/{FORM}/{KEY}/X05500"),
    ("get", f"/api/completeness/{FORM}/{KEY}/X05500/missing"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_every_endpoint_refuses_anonymous_callers(form, cast, method, url):
    response = getattr(Client(), method)(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "url"), [e for e in ENDPOINTS if e[0] == "get"])
def test_reading_works_with_a_session_and_with_a_token(form, cast, method, url):
    accepted_report(form, cast, cast.commune_a1)
    for client in (api_client(cast.officer_a), token_client(cast.officer_a)):
        assert client.get(url).status_code == 200


def test_the_openapi_document_lists_the_report_endpoints(client, db):
    schema = client.get("/api/openapi.json").json()
    expected = {
        "/api/reports/{form}/{period}/values": "post",
        "/api/reports/{form}/{period}/{code}": "get",
        "/api/reports/{form}/{period}/{code}/submit": "post",
        "/api/reports/{form}/{period}/{code}/accept": "post",
        "/api/reports/{form}/{period}/{code}/return": "post",
        "/api/reports/{form}/{period}/{code}/reopen": "post",
        "/api/rollups/{form}/{period}/{code}": "get",
        "/api/completeness/{form}/{period}/{code}": "get",
        "/api/completeness/{form}/{period}/{code}/missing": "get",
    }
    for path, method in expected.items():
        operation = schema["paths"][path][method]
        assert operation["summary"]
        assert operation["security"]
        assert "401" in operation["responses"]
        assert "404" in operation["responses"]
    bulk_op = schema["paths"]["/api/reports/{form}/{period}/values"]["post"]
    assert {"200", "403", "409", "422"} <= set(bulk_op["responses"])
    body = bulk_op["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/BulkIn")
    assert schema["components"]["schemas"]["BulkIn"]["properties"]["items"]["maxItems"] == 5000


# ------------------------------------------------------------------ generated requests

# test_api_fuzz runs without any report form, so every report URL there is a 404. Here the
# demo form exists and the reports of commune A1 are in scope: generated bodies, periods and
# queries reach the endpoints' own checks. Valid-looking data refused by the form's rules
# (a 422 for "abc" as a figure) is by design, so "positive data acceptance" is not checked.
fuzz_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def fuzz_token(cast):
    # As in test_api_fuzz: the WSGI handler would close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    ensure_demo_form()
    yield ApiToken.issue(cast.officer_a, "schemathesis")[1]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@fuzz_schema.include(path_regex="^/api/(reports|rollups|completeness)/").parametrize()
@hypothesis.settings(
    max_examples=40, deadline=None, suppress_health_check=list(hypothesis.HealthCheck)
)
def test_the_reports_api_conforms_to_its_schema_with_a_real_form(case, fuzz_token):
    params = case.path_parameters
    if params and case.meta.generation.mode.is_positive:
        params["form"] = FORM
        if len(str(params.get("period"))) % 3 == 0:
            params["period"] = KEY
        if "code" in params and len(str(params["code"])) % 2:
            params["code"] = "X05500"
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_token}"},
        excluded_checks=[positive_data_acceptance],
    )


@pytest.mark.parametrize(
    "key", ["2026-H1", "2026-M12", "2026-M13", "2026-Q4", "2026-Q5", "2026-9M", "2026-Y", "26-H1"]
)
def test_the_documented_period_pattern_is_the_one_the_app_reads(key):
    assert bool(re.match(PERIOD_PATTERN, key)) == bool(periods.KEY_RE.match(key))


def test_a_body_over_the_upload_limit_is_a_vietnamese_413_and_writes_nothing(form, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    client = token_client(cast.officer_a)
    before = written()
    response = bulk(client, [item("X05500")] * 40)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "quá lớn (tối đa 2,0" in response.json()["detail"]
    assert written() == before


def test_a_nul_character_is_an_error_of_its_item_not_a_server_error(form, cast):
    """PostgreSQL refuses NUL in any text, even as a query parameter: refuse it first."""
    client = token_client(cast.officer_a)
    before = written()
    response = bulk(
        client,
        [item("X05\x00500"), item("X05800", texts={**TEXTS, "KQ": "Kết quả\x00"})],
    )
    assert response.status_code == 422, response.content
    problems = response.json()["detail"]
    assert problems[0]["index"] == 0 and "X05\x00500" in problems[0]["message"]
    assert any(p["index"] == 1 and "NUL" in p["message"] for p in problems)
    assert written() == before
