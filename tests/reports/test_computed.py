"""Indicators that fill themselves from the records (issue 10, point 3): the demo form's
GD01 (sessions of the kind "quán triệt") and GD02 (party members and officers at them)
follow the activity log while the report is a draft, are frozen by submission, may be
overridden only with a reason, and the reviewer is told when the records changed since."""

import datetime
import json
import re
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse

from giaoban.audit.models import AuditEntry
from giaoban.reports import bulk, computed, rollup, workflow
from giaoban.reports.models import Report, ReportValue, Rollup
from giaoban.reports.workflow import WorkflowError
from tests.api.conftest import token_client
from tests.reports.conftest import TEXTS, record_session

KEY = "2026-H1"  # 15/12/2025 – 14/06/2026
FIRST, LAST = datetime.date(2025, 12, 15), datetime.date(2026, 6, 14)
IN = datetime.date(2026, 3, 2)
FIGURES = {"XD01": 3, "XD02": 40, "GD09": "95,5"}


def url(name, unit, form):
    return reverse(f"reports:{name}", kwargs={"form": form.code, "period": KEY, "code": unit.code})


def stored(report):
    return {
        code: (value, records, reason)
        for code, value, records, reason in ReportValue.objects.filter(report=report).values_list(
            "indicator__code", "value", "computed", "override_reason"
        )
    }


def shown(html, code):
    """The figure the fill-in or review page shows for a computed indicator."""
    match = re.search(rf'data-live-for="{code}"[^>]*>([^<]*)<', html)
    return match.group(1) if match else None


def opened(form, cast, unit=None):
    report = workflow.open_report(form, unit or cast.commune_a1, KEY, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, FIGURES, TEXTS)
    return report


def counted(form, unit, code):
    row = Rollup.objects.get(node=unit, form=form, period_key=KEY)
    entry = row.counted.get(code)
    return entry and Decimal(entry[0])


# --------------------------------------------------------------------------- what counts


def test_only_the_units_own_records_of_the_kinds_in_the_window_count(computed_form, cast):
    officer = cast.ministry_officer
    record_session(officer, cast.commune_a1, FIRST, members=10, officers=5, others=3)
    record_session(officer, cast.commune_a1, LAST, members=7, officers=1, others=40)
    record_session(officer, cast.commune_a1, FIRST - datetime.timedelta(days=1))  # before
    record_session(officer, cast.commune_a1, LAST + datetime.timedelta(days=1))  # after
    record_session(officer, cast.commune_a1, IN, kind="the-thao")  # another kind
    record_session(officer, cast.province_a, IN)  # the province's own, not its commune's
    record_session(officer, cast.commune_a2, IN)  # a sibling's
    report = opened(computed_form, cast)
    assert computed.current_values(report)["GD01"] == 2
    assert computed.current_values(report)["GD02"] == 23  # party members and officers only
    province = opened(computed_form, cast, cast.province_a)
    assert computed.current_values(province)["GD01"] == 1  # never its subtree: no double count


def test_the_fill_in_page_shows_the_records_with_a_link_and_writes_nothing(
    client, computed_form, cast
):
    record_session(cast.ministry_officer, cast.commune_a1, IN, members=12, officers=8)
    client.force_login(cast.commune_officer)
    before = AuditEntry.objects.count()
    response = client.get(url("fill", cast.commune_a1, computed_form))
    html = response.content.decode()
    assert response.status_code == 200
    assert not Report.objects.exists() and AuditEntry.objects.count() == before
    assert shown(html, "GD01") == "1" and shown(html, "GD02") == "20"
    link = (
        f"{reverse('activities:log')}?unit=X05500&amp;scope=own&amp;start=15%2F12%2F2025"
        "&amp;end=14%2F06%2F2026&amp;kind=quan-triet"
    )
    assert link in html
    assert "Học tập, quán triệt văn bản" in html  # the rule in words
    # The link leads to exactly that activity.
    log = client.get(link.replace("&amp;", "&"))
    assert log.status_code == 200 and log.content.decode().count("act-table") == 1
    assert "Hội nghị quán triệt nghị quyết" in log.content.decode()


def test_a_draft_follows_the_records_and_each_save_stores_them(client, computed_form, cast):
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    report = opened(computed_form, cast)
    assert stored(report)["GD01"] == (1, 1, "")
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    assert stored(report)["GD01"][0] == 1  # stored as of the last save …
    assert computed.current_values(report)["GD01"] == 2  # … the draft shows the records now
    client.force_login(cast.commune_officer)
    assert shown(client.get(url("fill", cast.commune_a1, computed_form)).content.decode(), "GD01")
    assert stored(report)["GD01"][0] == 1  # the GET wrote nothing
    client.post(url("fill", cast.commune_a1, computed_form), {"v-XD01": "4"})
    assert stored(report)["GD01"] == (2, 2, "")


# --------------------------------------------------------------------------- overrides


def test_an_override_needs_a_reason(client, computed_form, cast):
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    report = opened(computed_form, cast)
    client.force_login(cast.commune_officer)
    fill = url("fill", cast.commune_a1, computed_form)
    response = client.post(fill, {"v-GD01": "3", "r-GD01": "  ", "v-XD01": "5"})
    assert response.status_code == 200
    assert "phải ghi rõ lý do" in response.content.decode()
    assert stored(report)["GD01"] == (1, 1, "")  # not written; the rest of the sheet is
    assert stored(report)["XD01"][0] == 5
    reason = "Hai buổi ghi nhầm sang đơn vị khác, đã báo bộ phận quản trị."
    nfd = unicodedata.normalize("NFD", reason)
    response = client.post(
        fill, {"v-GD01": "3", "r-GD01": nfd}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    body = json.loads(response.content)
    assert body["ok"] and body["unsaved"] == [] and body["values"]["GD01"] == "3"
    assert stored(report)["GD01"] == (3, 1, reason)  # stored NFC, the records' value beside
    assert computed.current_values(report)["GD01"] == 3
    html = client.get(fill).content.decode()
    assert shown(html, "GD01") == "3" and reason in html and "theo hồ sơ hiện nay: 1" in html
    # Blank again: back to the records.
    client.post(fill, {"v-GD01": "", "r-GD01": ""}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert stored(report)["GD01"] == (1, 1, "")


def test_an_override_equal_to_the_records_is_no_override_and_nul_is_refused(computed_form, cast):
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    report = opened(computed_form, cast)
    saved = workflow.save_entries(report, cast.commune_officer, {"GD01": 1}, {})
    assert saved.unread == set() and stored(report)["GD01"] == (1, 1, "")
    saved = workflow.save_entries(
        report, cast.commune_officer, {"GD01": 4}, {}, raw_reasons={"GD01": "lý do\x00"}
    )
    assert saved.unread == {"GD01"}
    assert "NUL" in saved.unread_problems[0].message
    assert stored(report)["GD01"] == (1, 1, "")


# --------------------------------------------------------------------------- submission


def test_submission_freezes_and_the_reviewer_is_told_when_the_records_change(
    client, computed_form, cast, leaders
):
    record_session(cast.ministry_officer, cast.commune_a1, IN, members=9, officers=1)
    report = opened(computed_form, cast)
    record_session(cast.ministry_officer, cast.commune_a1, IN, members=4, officers=0)
    workflow.submit(report, cast.commune_leader)  # the second session counted at submission
    assert stored(report)["GD01"] == (2, 2, "") and stored(report)["GD02"] == (14, 14, "")
    assert counted(computed_form, cast.province_a, "GD01") == 2
    entry = AuditEntry.objects.filter(model="reports.Report", action="transition").first()
    assert entry.before["values.GD01"] == "1" and entry.after["values.GD01"] == "2"
    session = record_session(cast.ministry_officer, cast.commune_a1, IN)
    assert stored(report)["GD01"] == (2, 2, "")  # frozen
    assert counted(computed_form, cast.province_a, "GD01") == 2
    client.force_login(cast.leader_a)
    html = client.get(url("review", cast.commune_a1, computed_form)).content.decode()
    assert "Hồ sơ đã thay đổi" in html and "hồ sơ nay cho 3 (lúc gửi: 2)" in html
    assert "2 chỉ tiêu có hồ sơ thay đổi sau khi gửi" in html  # GD01 and GD02
    # Returned, it follows the records again; submitted again, it freezes them anew.
    workflow.return_report(report, cast.leader_a, "Bổ sung buổi quán triệt tháng 3")
    assert computed.current_values(report)["GD01"] == 3
    workflow.submit(report, cast.commune_leader)
    assert stored(report)["GD01"] == (3, 3, "")
    assert counted(computed_form, cast.province_a, "GD01") == 3
    from giaoban.activities import services

    services.delete(session, cast.ministry_officer)
    html = client.get(url("review", cast.commune_a1, computed_form)).content.decode()
    assert "hồ sơ nay cho 2 (lúc gửi: 3)" in html


def test_an_override_reaches_the_roll_up_and_the_reviewer_with_its_reason(
    client, computed_form, cast
):
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    report = opened(computed_form, cast)
    reason = "Một buổi tổ chức chung với xã bạn, chưa ghi vào nhật ký."
    workflow.save_entries(
        report,
        cast.commune_officer,
        {"GD01": 2, "GD02": 30},
        {},
        raw_reasons={"GD01": reason, "GD02": reason},
    )
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    workflow.submit(report, cast.commune_leader)
    assert stored(report)["GD01"] == (2, 2, reason)  # the records caught up by submission
    assert counted(computed_form, cast.province_a, "GD02") == 30
    client.force_login(cast.leader_a)
    html = client.get(url("review", cast.commune_a1, computed_form)).content.decode()
    assert reason in html and "Đơn vị đã sửa số liệu" in html and "theo hồ sơ lúc gửi: 2" in html


def test_a_submission_refused_by_the_rules_freezes_nothing(computed_form, cast):
    """GD02 ≥ GD01 is a rule of the form: a session recorded without participants breaks it
    at submission, and the refused submission leaves the draft as it was."""
    report = opened(computed_form, cast)
    record_session(cast.ministry_officer, cast.commune_a1, IN, members=0, officers=0, others=0)
    with pytest.raises(WorkflowError):
        workflow.submit(report, cast.commune_leader)
    report.refresh_from_db()
    assert report.status == "draft" and stored(report)["GD01"] == (0, 0, "")


# --------------------------------------------------------------------------- bulk and API


def test_bulk_values_never_overwrite_a_computed_figure_silently(computed_form, cast):
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    user = cast.officer_a
    item = {"unit": "X05500", "values": {"GD01": 5, "XD01": 2}, "texts": {}}
    with pytest.raises(bulk.BulkError) as refused:
        bulk.import_values(computed_form, KEY, [item], user)
    [problem] = refused.value.problems
    assert problem.field == "GD01" and "phải ghi rõ lý do" in problem.message
    assert not Report.objects.exists()  # nothing half-written
    item["values"]["GD01"] = 1  # what the records say: no override
    bulk.import_values(computed_form, KEY, [item], user)
    report = Report.objects.get(unit=cast.commune_a1)
    assert stored(report)["GD01"] == (1, 1, "") and stored(report)["GD02"] == (15, 15, "")
    item["values"]["GD01"] = 5
    item["reasons"] = {"GD01": "Số liệu tổng hợp từ sổ tay của chi bộ."}
    bulk.import_values(computed_form, KEY, [item], user)
    assert stored(report)["GD01"] == (5, 1, "Số liệu tổng hợp từ sổ tay của chi bộ.")


def test_accepted_history_is_stored_as_given_and_marked(computed_form, cast):
    record_session(cast.ministry_officer, cast.commune_a2, IN)
    item = {"unit": "X05800", "values": {"GD01": 6, "GD02": 90}, "texts": TEXTS}
    bulk.import_values(computed_form, KEY, [item], cast.ministry_admin, accept_history=True)
    report = Report.objects.get(unit=cast.commune_a2)
    assert stored(report)["GD01"] == (6, None, str(computed.HISTORY))
    state = computed.report_states(report)["GD01"]
    assert state.overridden and not state.changed  # nothing was computed, nothing changed
    assert counted(computed_form, cast.province_a, "GD01") == 6


def test_the_api_read_shows_the_source_the_override_and_what_changed(computed_form, cast):
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    report = opened(computed_form, cast)
    workflow.submit(report, cast.commune_leader)
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    client = token_client(cast.officer_a)
    body = client.get(f"/api/reports/{computed_form.code}/{KEY}/X05500").json()
    gd01 = body["computed"]["GD01"]
    assert body["values"]["GD01"] == 1
    assert gd01["source"] == {
        "key": "activities.count",
        "label": "Số hoạt động (theo loại)",
        "group": "Nhật ký hoạt động",
        "params": {"kinds": ["quan-triet"]},
    }
    assert gd01["records_value"] == 2 and gd01["submitted_records_value"] == 1
    assert gd01["changed_since_submission"] is True and gd01["overridden"] is False
    assert "XD01" not in body["computed"]


def test_the_api_refuses_an_override_without_a_reason_with_422(computed_form, cast):
    client = token_client(cast.officer_a)
    items = [{"unit": "X05500", "values": {"GD01": 3, "XD01": 2}}]
    response = client.post(
        f"/api/reports/{computed_form.code}/{KEY}/values",
        json.dumps({"items": items}),
        content_type="application/json",
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "GD01" and "phải ghi rõ lý do" in error["message"]
    assert not Report.objects.exists()
    items[0]["reasons"] = {"GD01": "Buổi học tập chung ở huyện cũ."}
    response = client.post(
        f"/api/reports/{computed_form.code}/{KEY}/values",
        json.dumps({"items": items}),
        content_type="application/json",
    )
    assert response.status_code == 200
    report = Report.objects.get(unit=cast.commune_a1)
    assert stored(report)["GD01"] == (3, 0, "Buổi học tập chung ở huyện cũ.")


def test_rollup_rows_hold_what_was_frozen(computed_form, cast, leaders):
    """The province's roll-up equals a recomputation from the reports, whatever the records
    do after submission."""
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    report = opened(computed_form, cast)
    workflow.submit(report, cast.commune_leader)
    workflow.accept(report, cast.leader_a)
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    fresh = rollup.recompute(computed_form, KEY)
    row = Rollup.objects.get(node=cast.province_a, form=computed_form, period_key=KEY)
    assert row.accepted == fresh[cast.province_a.pk]["accepted"]
    assert row.accepted["GD01"][:2] == ["1", 1]


# --------------------------------------------------------------------------- Excel


def test_excel_shows_the_records_and_never_writes_a_computed_cell(computed_form, cast):
    from giaoban.reports import excel
    from tests.reports.test_excel import book, data_sheet, fill_unit, unit_rows

    record_session(cast.ministry_officer, cast.commune_a1, IN)
    period = computed_form.period(KEY)
    data = excel.unit_template(computed_form, period, cast.commune_a1)
    ws = data_sheet(book(data))
    rows = unit_rows(ws)
    assert ws.cell(rows["GD01"], 5).value == 1 and ws.cell(rows["GD02"], 5).value == 15
    notes = [ws.cell(r, 1).value or "" for r in range(1, 8)]
    assert any("GD01, GD02 được tính tự động từ hồ sơ" in n for n in notes)
    # The officer types over GD01 and fills XD01: XD01 is written, GD01 is not, and said so.
    result = excel.read_upload(
        fill_unit(data, {"GD01": 5, "XD01": 3}),
        computed_form,
        period,
        cast.commune_a1,
        cast.officer_a,
    )
    report = Report.objects.get(unit=cast.commune_a1)
    assert stored(report)["XD01"][0] == 3 and stored(report)["GD01"] == (1, 1, "")
    [warning] = result.warnings
    assert warning.code == "GD01" and "không được ghi" in warning.message
    assert warning.row == rows["GD01"] and warning.column == "E"
    # The template pre-filled with the records reads back as no change at all.
    record_session(cast.ministry_officer, cast.commune_a1, IN)
    again = excel.unit_template(computed_form, period, cast.commune_a1)
    result = excel.read_upload(again, computed_form, period, cast.commune_a1, cast.officer_a)
    assert result.warnings == [] and result.unchanged_rows == 1
