"""The report pages: report, fill-in, review, inbox — every transition through the pages,
allowed and refused, by role and by scope."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from giaoban.reports import workflow
from giaoban.reports.models import Report, ReportEvent, ReportValue
from giaoban.units.models import Lineage
from tests.conftest import make_unit
from tests.reports.conftest import GOOD, TEXTS

KEY = "2026-H1"
PREV = "2025-H2"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def url(name, unit, form, key=KEY):
    return reverse(f"reports:{name}", kwargs={"form": form.code, "period": key, "code": unit.code})


def as_user(client, user):
    client.force_login(user)
    return client


def fill_post(values=None, texts=None):
    data = {f"v-{k}": str(v) for k, v in (values or {}).items()}
    data.update({f"t-{k}": v for k, v in (texts or {}).items()})
    return data


def draft(form, cast, unit=None, values=GOOD, texts=TEXTS, key=KEY):
    report = workflow.open_report(form, unit or cast.commune_a1, key, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, values, texts)
    return report


def submitted(form, cast, **kwargs):
    report = draft(form, cast, **kwargs)
    workflow.submit(report, cast.commune_leader)
    return report


def values_of(report):
    return dict(ReportValue.objects.filter(report=report).values_list("indicator__code", "value"))


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("name", ["report", "fill", "review"])
def test_anonymous_users_are_sent_to_login(client, form, cast, name):
    response = client.get(url(name, cast.commune_a1, form))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("name", ["submit", "accept", "return", "reopen", "fill"])
def test_anonymous_posts_change_nothing(client, form, cast, name):
    report = draft(form, cast)
    response = client.post(url(name, cast.commune_a1, form), fill_post({"GD01": 9}))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "draft"
    assert values_of(report)["GD01"] == 4


def test_the_inbox_needs_login(client):
    response = client.get(reverse("reports:inbox"))
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["report", "fill", "review"])
def test_an_officer_out_of_scope_gets_404(client, form, cast, name):
    draft(form, cast)
    response = as_user(client, cast.officer_b).get(url(name, cast.commune_a1, form))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["submit", "accept", "return", "reopen", "fill"])
def test_an_officer_out_of_scope_cannot_post(client, form, cast, name):
    report = draft(form, cast)
    response = as_user(client, cast.officer_b).post(
        url(name, cast.commune_a1, form),
        {"v-GD01": "9", "return-reason": "x", "reopen-reason": "x"},
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == "draft"
    assert values_of(report)["GD01"] == 4


def test_a_sibling_commune_is_out_of_scope(client, form, cast):
    response = as_user(client, cast.commune_officer).get(url("report", cast.commune_a2, form))
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_get_cannot_run_a_transition(client, form, cast):
    draft(form, cast)
    response = as_user(client, cast.commune_leader).get(url("submit", cast.commune_a1, form))
    assert response.status_code == 405


def test_a_bad_period_or_form_is_404(client, form, cast):
    as_user(client, cast.commune_officer)
    bad_type = reverse(
        "reports:report", kwargs={"form": form.code, "period": "2026-Q2", "code": "X05500"}
    )
    assert client.get(bad_type).status_code == 404
    assert client.get(f"/bao-cao/{form.code}/2026-H3/X05500/").status_code == 404
    no_form = reverse(
        "reports:report", kwargs={"form": "KHONG-CO", "period": KEY, "code": "X05500"}
    )
    assert client.get(no_form).status_code == 404


# --------------------------------------------------------------------------- report page


def test_an_officers_first_visit_writes_nothing_and_the_first_save_opens_the_draft(
    client, form, cast
):
    response = as_user(client, cast.commune_officer).get(url("report", cast.commune_a1, form))
    assert response.status_code == 200
    assert not Report.objects.exists()  # a GET never writes
    body = response.content.decode()
    assert "Chưa lập" in body and "17/06/2026" in body
    assert "báo cáo được lập khi lưu số liệu lần đầu" in body
    assert url("fill", cast.commune_a1, form) in body
    sheet = client.get(url("fill", cast.commune_a1, form))
    assert sheet.status_code == 200 and 'name="v-GD01"' in sheet.content.decode()
    assert not Report.objects.exists()
    client.post(url("fill", cast.commune_a1, form), fill_post({"GD01": "3"}))
    report = Report.objects.get(unit=cast.commune_a1, period_key=KEY)
    assert report.status == "draft"
    assert report.deadline == datetime.date(2026, 6, 17)
    assert values_of(report) == {"GD01": 3}


def test_a_leader_sees_no_report_yet_and_creates_nothing(client, form, cast):
    response = as_user(client, cast.commune_leader).get(url("report", cast.commune_a1, form))
    assert response.status_code == 200
    assert "chưa lập báo cáo" in response.content.decode()
    assert not Report.objects.exists()


def test_a_future_period_opens_no_draft(client, form, cast):
    response = as_user(client, cast.commune_officer).get(
        url("report", cast.commune_a1, form, key="2030-H1")
    )
    assert response.status_code == 200
    assert "chưa bắt đầu" in response.content.decode()
    assert not Report.objects.exists()


def test_a_unit_that_does_not_report_on_the_form_is_told_so(client, form, cast):
    response = as_user(client, cast.ministry_officer).get(url("report", cast.root, form))
    assert response.status_code == 200
    assert "không thuộc diện báo cáo" in response.content.decode()
    assert not Report.objects.exists()


def test_lateness_is_shown_in_days(client, form, cast):
    draft(form, cast)
    response = as_user(client, cast.commune_officer).get(url("report", cast.commune_a1, form))
    body = response.content.decode()
    from django.utils import timezone

    overdue = (timezone.localdate() - datetime.date(2026, 6, 17)).days
    assert f"quá hạn {overdue} ngày" in body


def test_the_actions_offered_follow_the_role(client, form, cast):
    draft(form, cast)
    page = as_user(client, cast.commune_leader).get(url("report", cast.commune_a1, form))
    assert url("submit", cast.commune_a1, form) in page.content.decode()
    page = as_user(client, cast.commune_officer).get(url("report", cast.commune_a1, form))
    assert url("submit", cast.commune_a1, form) not in page.content.decode()
    page = as_user(client, cast.leader_a).get(url("report", cast.commune_a1, form))
    assert url("accept", cast.commune_a1, form) not in page.content.decode()  # not yet sent


# --------------------------------------------------------------------------- fill-in


def test_the_fill_page_groups_indicators_by_section(client, form, cast):
    response = as_user(client, cast.commune_officer).get(url("fill", cast.commune_a1, form))
    assert response.status_code == 200
    body = response.content.decode()
    assert "I. Giáo dục chính trị tư tưởng" in body
    assert "VI. Công tác quần chúng, dân vận" in body
    assert 'name="v-GD01"' in body and 'inputmode="numeric"' in body
    assert 'name="v-GD09"' in body and 'inputmode="decimal"' in body
    assert 'name="t-KQ"' in body
    assert "lượt người" in body  # unit of measure
    assert "report-entry.js" in body


def test_saving_vietnamese_numbers(client, form, cast):
    as_user(client, cast.commune_officer).get(url("fill", cast.commune_a1, form))
    response = client.post(
        url("fill", cast.commune_a1, form),
        fill_post({"GD01": "12", "GD02": "1.234", "GD09": "12,5", "TT05": "1.234,75"}, TEXTS),
    )
    assert response.status_code == 200
    report = Report.objects.get(unit=cast.commune_a1)
    values = values_of(report)
    assert values["GD02"] == 1234
    assert values["GD09"] == Decimal("12.5")
    assert values["TT05"] == Decimal("1234.75")
    body = response.content.decode()
    assert "Đã lưu lúc" in body
    # Whole numbers are grouped; decimals are not, so "1.234" never reads back as 1,234.
    assert 'value="1.234"' in body and 'value="12,5"' in body and 'value="1234,75"' in body
    # Saving the page again as shown changes nothing.
    again = client.post(
        url("fill", cast.commune_a1, form),
        fill_post({"GD01": "12", "GD02": "1.234", "GD09": "12,5", "TT05": "1234,75"}, TEXTS),
    )
    assert again.status_code == 200
    assert values_of(report) == values


def test_a_draft_keeps_what_can_be_read_and_names_what_cannot(client, form, cast):
    report = draft(form, cast)
    response = as_user(client, cast.commune_officer).post(
        url("fill", cast.commune_a1, form),
        fill_post({"GD01": "mười", "GD02": "-7", "GD09": "1.5.5"}, {"KQ": "Đã sửa"}),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 ô chưa lưu vì chưa đọc được" in body
    row = body[body.index('id="row-GD01"') :]
    row = row[: row.index("</tr>")]
    assert "Số buổi học tập, quán triệt nghị quyết, chỉ thị: “mười” không phải là số." in row
    assert 'value="mười"' in body  # what was typed stays in the box to be corrected
    values = values_of(report)
    assert values["GD01"] == 4  # unreadable: the stored figure stays
    assert values["GD02"] == -7  # readable, breaks a rule: saved, and flagged as an error
    assert report.texts.get(field__code="KQ").text == "Đã sửa"
    assert "Khi lưu, mọi ô đọc được đều được giữ" in body  # the page says what is kept
    with pytest.raises(workflow.WorkflowError):
        workflow.submit(report, cast.commune_leader)  # never submitted with an error


def test_rule_errors_and_warnings_show_inline(client, form, cast):
    as_user(client, cast.commune_officer).get(url("fill", cast.commune_a1, form))
    response = client.post(
        url("fill", cast.commune_a1, form), fill_post(dict(GOOD, GD02=1, XD05=9), TEXTS)
    )
    assert response.status_code == 200  # saved: rules block submission, not saving
    body = response.content.decode()
    row_gd02 = body[body.index('id="row-GD02"') :]
    row_gd02 = row_gd02[: row_gd02.index("</tr>")]
    assert 'class="problem error"' in row_gd02
    assert "phải lớn hơn hoặc bằng số buổi quán triệt" in row_gd02
    row_xd05 = body[body.index('id="row-XD05"') :]
    row_xd05 = row_xd05[: row_xd05.index("</tr>")]
    assert 'class="problem warning"' in row_xd05
    assert "1 lỗi" in body and "1 cảnh báo" in body
    assert values_of(Report.objects.get())["GD02"] == 1


def test_required_narrative_is_flagged_next_to_it(client, form, cast):
    response = as_user(client, cast.commune_officer).get(url("fill", cast.commune_a1, form))
    body = response.content.decode()
    block = body[body.index('id="row-KQ"') :]
    block = block[: block.index('id="row-HC"')]
    assert "“Kết quả đạt được” là phần bắt buộc" in block


def test_the_previous_periods_value_is_shown(client, form, cast, leaders):
    old = draft(form, cast, key=PREV, values=dict(GOOD, GD01=7, GD02=210))
    workflow.submit(old, cast.commune_leader)
    workflow.accept(old, cast.leader_a)
    response = as_user(client, cast.commune_officer).get(url("fill", cast.commune_a1, form))
    body = response.content.decode()
    row = body[body.index('id="row-GD02"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num col-prev" data-label="Kỳ trước">210</td>' in row
    assert "6 tháng cuối năm 2025" in body


def test_a_draft_of_the_previous_period_is_not_a_figure(client, form, cast):
    draft(form, cast, key=PREV, values=dict(GOOD, GD02=210))
    response = as_user(client, cast.commune_officer).get(url("fill", cast.commune_a1, form))
    row = response.content.decode().split('id="row-GD02"')[1].split("</tr>")[0]
    assert ">—</td>" in row


def test_the_previous_value_goes_through_lineage(client, form, cast, leaders):
    """A commune formed on 01/01/2026 from two old ones: last period is theirs, by share."""
    merged = make_unit(
        "X99001",
        "Công an xã Hợp Nhất",
        "Hợp Nhất",
        "xa",
        cast.province_a,
        active_from=datetime.date(2026, 1, 1),
    )
    for old, share in ((cast.commune_a1, Decimal("0.5")), (cast.commune_a2, Decimal(1))):
        Lineage.objects.create(
            predecessor=old, successor=merged, kind="merge", date=merged.active_from, share=share
        )
    for old, gd02 in ((cast.commune_a1, 200), (cast.commune_a2, 30)):
        report = draft(form, cast, unit=old, key=PREV, values=dict(GOOD, GD02=gd02))
        leader = cast.commune_leader if old == cast.commune_a1 else leaders["X05800"]
        workflow.submit(report, leader)
        workflow.accept(report, cast.leader_a)
    response = as_user(client, cast.officer_a).get(url("fill", merged, form))
    body = response.content.decode()
    row = body.split('id="row-GD02"')[1].split("</tr>")[0]
    assert ">130</td>" in row  # 0.5 × 200 + 1 × 30
    assert "2 đơn vị tiền thân" in body


def test_autosave_saves_only_the_fields_sent(client, form, cast):
    report = draft(form, cast)
    response = as_user(client, cast.commune_officer).post(
        url("fill", cast.commune_a1, form), {"v-GD01": "5", "v-GD04": "2.000"}, **AJAX
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["ok"] is True
    assert data["message"].startswith("Đã lưu lúc")
    assert data["values"]["GD04"] == "2.000"
    values = values_of(report)
    assert values["GD01"] == 5 and values["GD04"] == 2000
    assert values["GD02"] == 120  # not sent, not touched
    assert data["problems"] == []


def test_autosave_reports_rule_problems(client, form, cast):
    draft(form, cast)
    response = as_user(client, cast.commune_officer).post(
        url("fill", cast.commune_a1, form), {"v-GD02": "1"}, **AJAX
    )
    data = json.loads(response.content)
    assert data["ok"] is True and data["errors"] == 1
    assert data["problems"][0]["field"] == "GD02"
    assert data["problems"][0]["severity"] == "error"


def test_autosave_with_a_bad_number_saves_the_rest_and_names_it(client, form, cast):
    report = draft(form, cast)
    response = as_user(client, cast.commune_officer).post(
        url("fill", cast.commune_a1, form), {"v-GD01": "5", "v-GD02": "abc"}, **AJAX
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["ok"] is True and data["unsaved"] == ["GD02"]
    assert "1 ô chưa lưu" in data["message"]
    assert data["problems"] == [
        {
            "field": "GD02",
            "message": "Lượt cán bộ, chiến sĩ tham gia học tập, quán triệt: "
            "“abc” không phải là số.",
            "severity": "error",
        }
    ]
    values = values_of(report)
    assert values["GD01"] == 5 and values["GD02"] == 120


def test_an_over_long_entry_is_refused_with_the_field_named(client, form, cast):
    report = draft(form, cast)
    response = as_user(client, cast.commune_officer).post(
        url("fill", cast.commune_a1, form), fill_post({"GD01": "1" * 60, "GD02": "130"})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Số buổi học tập, quán triệt nghị quyết, chỉ thị:" in body
    assert "1 ô chưa lưu" in body
    assert values_of(report)["GD01"] == 4


def test_a_leader_may_read_but_not_write_figures(client, form, cast):
    report = draft(form, cast)
    as_user(client, cast.commune_leader)
    page = client.get(url("fill", cast.commune_a1, form)).content.decode()
    assert "Đồng chí chỉ được xem báo cáo này" in page
    assert 'name="v-GD01"' in page and "disabled" in page
    response = client.post(url("fill", cast.commune_a1, form), fill_post({"GD01": 9}))
    assert response.status_code == 403
    assert "không có quyền nhập báo cáo" in response.content.decode()
    response = client.post(url("fill", cast.commune_a1, form), {"v-GD01": "9"}, **AJAX)
    assert response.status_code == 403
    assert values_of(report)["GD01"] == 4


def test_a_submitted_report_is_read_only(client, form, cast):
    report = submitted(form, cast)
    as_user(client, cast.commune_officer)
    page = client.get(url("fill", cast.commune_a1, form)).content.decode()
    assert "đã ký gửi lên cấp trên" in page
    assert 'data-autosave="1"' not in page
    response = client.post(url("fill", cast.commune_a1, form), fill_post({"GD01": 9}))
    assert response.status_code == 400
    assert "không sửa được" in response.content.decode()
    assert values_of(report)["GD01"] == 4


# --------------------------------------------------------------------------- transitions


def test_the_commune_leader_submits(client, form, cast):
    report = draft(form, cast)
    response = as_user(client, cast.commune_leader).post(url("submit", cast.commune_a1, form))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    page = client.get(response["Location"]).content.decode()
    assert "Đã ký gửi báo cáo lên cấp trên." in page
    assert "Đã gửi, chờ duyệt" in page


@pytest.mark.parametrize("who", ["commune_officer", "officer_a", "leader_a"])
def test_only_the_units_leader_may_submit(client, form, cast, who):
    report = draft(form, cast)
    response = as_user(client, getattr(cast, who)).post(url("submit", cast.commune_a1, form))
    assert response.status_code == 403
    assert "Chỉ lãnh đạo Công an phường Phan Đình Phùng" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"
    assert not ReportEvent.objects.exists()


def test_errors_block_submission_with_the_reasons_shown(client, form, cast):
    report = draft(form, cast, values=dict(GOOD, GD02=1))
    response = as_user(client, cast.commune_leader).post(url("submit", cast.commune_a1, form))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Báo cáo còn lỗi, chưa gửi được." in body
    assert "Lượt người tham gia quán triệt (GD02)" in body
    report.refresh_from_db()
    assert report.status == "draft"


def test_the_parent_leader_accepts(client, form, cast):
    report = submitted(form, cast)
    response = as_user(client, cast.leader_a).post(url("accept", cast.commune_a1, form))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"


@pytest.mark.parametrize(
    "who", ["commune_leader", "commune_officer", "officer_a", "ministry_admin"]
)
def test_only_the_parent_leader_accepts(client, form, cast, who):
    report = submitted(form, cast)
    response = as_user(client, getattr(cast, who)).post(url("accept", cast.commune_a1, form))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_leader_above_the_parent_cannot_accept(client, form, cast, leaders):
    report = submitted(form, cast)
    response = as_user(client, leaders["BCA"]).post(url("accept", cast.commune_a1, form))
    assert response.status_code == 403
    assert "Chỉ lãnh đạo Công an tỉnh Thái Nguyên" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


def test_accepting_a_draft_is_refused_on_the_page(client, form, cast):
    report = draft(form, cast)
    response = as_user(client, cast.leader_a).post(url("accept", cast.commune_a1, form))
    assert response.status_code == 400
    assert "Chỉ chấp nhận được báo cáo đã gửi." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"


def test_return_needs_a_reason(client, form, cast):
    report = submitted(form, cast)
    response = as_user(client, cast.leader_a).post(
        url("return", cast.commune_a1, form), {"return-reason": "   "}
    )
    assert response.status_code == 400
    assert "Cần ghi rõ lý do." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


def test_return_with_a_reason_reaches_the_unit(client, form, cast):
    report = submitted(form, cast)
    response = as_user(client, cast.leader_a).post(
        url("return", cast.commune_a1, form), {"return-reason": "Thiếu số liệu mục II"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "returned"
    page = as_user(client, cast.commune_officer).get(url("fill", cast.commune_a1, form))
    body = page.content.decode()
    assert "Báo cáo bị trả lại" in body and "Thiếu số liệu mục II" in body
    assert 'data-autosave="1"' in body  # editable again


def test_return_by_the_wrong_role_is_403_even_without_reason(client, form, cast):
    report = submitted(form, cast)
    response = as_user(client, cast.commune_leader).post(url("return", cast.commune_a1, form), {})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"


def test_reopen_needs_a_reason_and_the_parent_leader(client, form, cast):
    report = submitted(form, cast)
    workflow.accept(report, cast.leader_a)
    as_user(client, cast.commune_leader)
    assert (
        client.post(url("reopen", cast.commune_a1, form), {"reopen-reason": "x"}).status_code == 403
    )
    as_user(client, cast.leader_a)
    response = client.post(url("reopen", cast.commune_a1, form), {"reopen-reason": ""})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == "accepted"
    response = client.post(
        url("reopen", cast.commune_a1, form), {"reopen-reason": "Điều chỉnh số liệu"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "returned"


def test_the_history_shows_who_when_and_why(client, form, cast):
    report = submitted(form, cast)
    workflow.return_report(report, cast.leader_a, "Thiếu số liệu mục II")
    response = as_user(client, cast.commune_officer).get(url("report", cast.commune_a1, form))
    body = response.content.decode()
    history = body[body.index('id="history-title"') :]
    assert "Commune Leader" in history and "Leader A" in history
    assert "Thiếu số liệu mục II" in history
    assert history.index("Đã gửi, chờ duyệt") < history.index("Bị trả lại")


def test_next_only_redirects_inside_the_site(client, form, cast):
    submitted(form, cast)
    response = as_user(client, cast.leader_a).post(
        url("accept", cast.commune_a1, form), {"next": "https://example.org/"}
    )
    assert response["Location"] == url("report", cast.commune_a1, form)


# --------------------------------------------------------------------------- review


def test_the_parent_leader_reviews_and_accepts(client, form, cast):
    report = submitted(form, cast)
    as_user(client, cast.leader_a)
    response = client.get(url("review", cast.commune_a1, form))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tổ chức quán triệt đầy đủ (số liệu thử nghiệm)." in body  # narrative
    assert url("accept", cast.commune_a1, form) in body
    assert url("return", cast.commune_a1, form) in body
    assert "Đơn vị không có đơn vị trực thuộc" in body
    response = client.post(
        url("accept", cast.commune_a1, form),
        {"next": url("review", cast.commune_a1, form), "from": "review"},
    )
    assert response["Location"] == url("review", cast.commune_a1, form)
    report.refresh_from_db()
    assert report.status == "accepted"


def test_a_refused_return_from_the_review_page_stays_there(client, form, cast):
    submitted(form, cast)
    response = as_user(client, cast.leader_a).post(
        url("return", cast.commune_a1, form), {"return-reason": "", "from": "review"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="review-figures"' in body
    assert "Cần ghi rõ lý do." in body


@pytest.mark.parametrize("who", ["commune_officer", "officer_a"])
def test_review_is_for_leaders(client, form, cast, who):
    submitted(form, cast)
    response = as_user(client, getattr(cast, who)).get(url("review", cast.commune_a1, form))
    assert response.status_code == 403


def test_review_puts_a_province_beside_the_sum_of_its_communes(client, form, cast, leaders):
    province = draft(form, cast, unit=cast.province_a, values=dict(GOOD, GD01=10, GD02=300))
    workflow.submit(province, cast.leader_a)
    for unit, gd01 in ((cast.commune_a1, 4), (cast.commune_a2, 6)):
        report = draft(form, cast, unit=unit, values=dict(GOOD, GD01=gd01, GD02=100))
        workflow.submit(report, leaders[unit.code])
    as_user(client, leaders["BCA"])
    body = client.get(url("review", cast.province_a, form)).content.decode()
    row = body.split('id="fig-GD01"')[1].split("</tr>")[0]
    assert '<td class="num own">10</td>' in row
    assert '<td class="num children">10</td>' in row  # 4 + 6, submitted counted
    assert not row.startswith(' class="differs"')  # equal: not highlighted
    row = body.split('id="fig-GD02"')[1].split("</tr>")[0]
    assert row.startswith(' class="differs"')  # 300 against 200: highlighted
    assert '<td class="num children">200</td>' in row
    assert "100" in row.split('class="num diff"')[1]
    assert "2/2" in body
    # Accepted only: nothing is accepted yet.
    body = client.get(url("review", cast.province_a, form) + "?mode=accepted").content.decode()
    row = body.split('id="fig-GD01"')[1].split("</tr>")[0]
    assert '<td class="num children">—</td>' in row


# --------------------------------------------------------------------------- inbox


def test_the_inbox_lists_reports_awaiting_the_leader(client, form, cast, leaders):
    submitted(form, cast)
    other = draft(form, cast, unit=cast.commune_a2, key="2025-H2")
    workflow.submit(other, leaders["X05800"])
    draft(form, cast, unit=cast.province_a)  # a draft is not awaiting anyone
    response = as_user(client, cast.leader_a).get(reverse("reports:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Đại Phúc") < body.index("Phan Đình Phùng")  # 2025-H2 deadline first
    assert url("review", cast.commune_a1, form) in body
    assert url("review", cast.commune_a2, form, key="2025-H2") in body


def test_the_inbox_holds_only_direct_children(client, form, cast, leaders):
    submitted(form, cast)
    body = as_user(client, leaders["BCA"]).get(reverse("reports:inbox")).content.decode()
    assert "Phan Đình Phùng" not in body
    assert "Không có báo cáo nào chờ đồng chí duyệt." in body


def test_the_inbox_is_for_leaders(client, cast):
    response = as_user(client, cast.officer_a).get(reverse("reports:inbox"))
    assert response.status_code == 403


# --------------------------------------------------------------------------- index


def test_the_index_lists_forms_periods_and_the_users_report(client, form, cast):
    response = as_user(client, cast.commune_officer).get(reverse("reports:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert form.name in body
    assert "6 tháng đầu năm 2026" in body and "6 tháng cuối năm 2026" in body
    assert url("report", cast.commune_a1, form) in body
    assert "kỳ hiện tại" in body


def test_the_index_says_when_the_unit_does_not_report(client, form, cast):
    body = as_user(client, cast.ministry_officer).get(reverse("reports:index")).content.decode()
    assert "không thuộc diện báo cáo" in body
    assert url("report", cast.root, form) not in body
