"""The Excel pages: template download, upload page, roll-up export — scope, roles, messages."""

import pytest
from django.test import Client
from django.urls import reverse

from giaoban.reports import excel, workflow
from giaoban.reports.models import Report
from tests.reports.conftest import GOOD, TEXTS
from tests.reports.test_excel import (
    KEY,
    book,
    counts,
    data_sheet,
    fill_subtree,
    fill_unit,
    meta_of,
    plain_workbook,
    subtree_layout,
)

XLSX = excel.XLSX_TYPE


def url(name, unit_code, form_code="CTD-CTCT-6T", period=KEY):
    return reverse(
        f"reports:{name}", kwargs={"form": form_code, "period": period, "code": unit_code}
    )


def as_user(client, user):
    client.force_login(user)
    return client


def get_template(client, code, subtree=False):
    response = client.get(url("template", code) + ("?subtree=1" if subtree else ""))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    return response.content


def post_file(client, code, data, name="bao-cao.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data, content_type=XLSX)
    return client.post(url("upload", code), {"file": upload})


# --------------------------------------------------------------------------- templates


def test_an_officer_downloads_the_template_of_a_unit_in_scope(client, form, cast):
    as_user(client, cast.officer_a)
    response = client.get(url("template", "X05500"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="CTD-CTCT-6T_2026-H1_X05500.xlsx"'
    )
    assert meta_of(response.content)["unit"] == "X05500"
    data = get_template(client, "T19", subtree=True)
    assert list(subtree_layout(data_sheet(book(data)))[2]) == ["T19", "X05500", "X05800"]


def test_templates_validate_scope_and_role(client, form, cast):
    as_user(client, cast.commune_officer)
    assert client.get(url("template", "X05800")).status_code == 404  # sibling commune
    assert client.get(url("template", "T01")).status_code == 404
    as_user(client, cast.leader_a)  # sees the province, enters no data
    assert client.get(url("template", "X05500")).status_code == 403
    assert client.get(url("template", "T19") + "?subtree=1").status_code == 403
    as_user(client, cast.officer_b)
    assert client.get(url("template", "X05500")).status_code == 404
    client.logout()
    response = client.get(url("template", "X05500"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_unit_that_does_not_report_gets_a_message_not_a_file(client, form, cast):
    as_user(client, cast.ministry_officer)
    response = client.get(url("template", "BCA"))
    assert response.status_code == 400
    assert "không thuộc diện báo cáo mẫu này" in response.content.decode()
    data = get_template(client, "BCA", subtree=True)
    assert len(subtree_layout(data_sheet(book(data)))[2]) == 6


def test_unknown_form_or_period_is_404(client, form, cast):
    as_user(client, cast.officer_a)
    assert client.get(url("template", "X05500", form_code="KHONG-CO")).status_code == 404
    assert client.get(url("template", "X05500", period="2026-Q1")).status_code == 404
    assert client.get(url("template", "X05500", period="hôm-nay")).status_code == 404
    assert client.get(url("upload", "X05500", period="2026-13")).status_code == 404


# ------------------------------------------------------------------------------ upload


def test_the_upload_page_offers_both_templates(client, form, cast):
    as_user(client, cast.officer_a)
    response = client.get(url("upload", "T19"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nhập số liệu từ Excel" in html
    assert url("template", "T19") + "?subtree=1" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept=".xlsx,' in html


def test_a_commune_is_offered_its_own_template_only(client, form, cast):
    """No unit below a commune: a template "of the units below" would be an empty file."""
    as_user(client, cast.officer_a)
    html = client.get(url("upload", "X05500")).content.decode()
    assert url("template", "X05500") in html
    assert url("template", "X05500") + "?subtree=1" not in html
    rollup_page = reverse(
        "reports:rollup", kwargs={"form": form.code, "period": KEY, "code": "X05500"}
    )
    html = client.get(rollup_page).content.decode()
    assert "?subtree=1" not in html and url("upload", "X05500") in html
    html = client.get(rollup_page.replace("X05500", "T19")).content.decode()
    assert url("template", "T19") + "?subtree=1" in html


def test_uploading_a_filled_subtree_template_writes_the_drafts(client, form, cast):
    as_user(client, cast.officer_a)
    data = get_template(client, "T19", subtree=True)
    filled = fill_subtree(
        data,
        {"X05500": {"GD01": 4, "GD02": 120}, "X05800": {"GD01": 1, "GD02": 9, "KQ": "Tốt."}},
    )
    response = post_file(client, "T19", filled)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã ghi số liệu từ tệp" in html
    assert "Công an phường Phan Đình Phùng" in html and "Công an xã Đại Phúc" in html
    reports = Report.objects.filter(form=form, period_key=KEY)
    assert {r.unit.code: r.status for r in reports} == {"X05500": "draft", "X05800": "draft"}
    assert workflow.typed_entries(reports.get(unit__code="X05800"))[1] == {"KQ": "Tốt."}


def test_a_bad_file_lists_every_problem_with_its_cell_and_writes_nothing(client, form, cast):
    as_user(client, cast.officer_a)
    data = get_template(client, "T19", subtree=True)
    filled = fill_subtree(data, {"X05500": {"GD01": "bốn", "GD02": 1}, "X00004": {"GD01": 1}})
    before = counts()
    response = post_file(client, "T19", filled)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp có 2 lỗi — chưa ghi gì" in html
    assert "“bốn” không phải là số." in html
    assert "Không có đơn vị mã “X00004” trong phạm vi của đồng chí." in html
    assert '<span class="code">A</span>' in html
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "trong.xlsx", "Tệp trống (0 byte)"),
        (b"Ma;So lieu\nGD01;4\n", "bao-cao.csv", "không phải là bảng tính Excel .xlsx"),
        (plain_workbook([["GD01", 4]]), "tu-lap.xlsx", "không phải là mẫu nhập liệu của giaoban"),
    ],
)
def test_foreign_or_empty_files_get_a_clear_message(client, form, cast, data, name, message):
    as_user(client, cast.officer_a)
    before = counts()
    response = post_file(client, "T19", data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


def test_a_truncated_file_gets_a_clear_message(client, form, cast):
    as_user(client, cast.commune_officer)
    data = fill_unit(get_template(client, "X05500"), {"GD01": 1})
    response = post_file(client, "X05500", data[: len(data) - 300])
    assert response.status_code == 400
    assert "bị hỏng hoặc không trọn vẹn" in response.content.decode()
    assert counts() == (0, 0, 0)


def test_no_file_and_too_big_a_file_are_refused_before_reading(client, form, cast, monkeypatch):
    as_user(client, cast.officer_a)
    response = client.post(url("upload", "T19"), {})
    assert response.status_code == 400
    assert "Chưa chọn tệp để tải lên." in response.content.decode()
    monkeypatch.setattr(excel, "MAX_UPLOAD_BYTES", 1000)
    response = post_file(client, "T19", b"PK\x03\x04" + b"\x00" * 2000)
    assert response.status_code == 400
    assert "vượt giới hạn 5 MB" in response.content.decode()


def test_upload_validates_scope_role_method_and_csrf(client, form, cast):
    as_user(client, cast.commune_officer)
    assert client.get(url("upload", "X05800")).status_code == 404
    assert client.get(url("upload", "T19")).status_code == 404  # above the officer's unit
    as_user(client, cast.leader_a)
    assert client.get(url("upload", "T19")).status_code == 403
    assert client.put(url("upload", "T19")).status_code in (403, 405)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.officer_a)
    data = fill_unit(excel.unit_template(form, form.period(KEY), cast.commune_a1), {"GD01": 1})
    response = post_file(strict, "T19", data)
    assert response.status_code == 403
    assert counts() == (0, 0, 0)


def test_a_sent_report_is_refused_through_the_page(client, form, cast, leaders):
    as_user(client, cast.commune_officer)
    data = fill_unit(get_template(client, "X05500"), {"GD01": 9})
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, GOOD, TEXTS)
    workflow.submit(report, cast.commune_leader)
    response = post_file(client, "X05500", data)
    assert response.status_code == 400
    assert "đã gửi hoặc đã chấp nhận, không ghi đè được" in response.content.decode()
    assert workflow.typed_entries(report)[0]["GD01"] == 4


# ------------------------------------------------------------------------------ export


def test_the_rollup_export_downloads_for_anyone_who_sees_the_unit(client, form, cast, leaders):
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, GOOD, TEXTS)
    workflow.submit(report, cast.commune_leader)
    as_user(client, cast.leader_a)
    response = client.get(url("rollup_xlsx", "T19"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "CTD-CTCT-6T_2026-H1_T19_tong-hop_accepted.xlsx" in response["Content-Disposition"]
    ws = book(response.content).active
    assert ws["A5"].value == "Số đơn vị có số liệu: 0/3 đơn vị."
    response = client.get(url("rollup_xlsx", "T19") + "?mode=counted")
    assert book(response.content).active["A5"].value == "Số đơn vị có số liệu: 1/3 đơn vị."
    response = client.get(url("rollup_xlsx", "T19") + "?mode=tat-ca")
    assert response.status_code == 400
    assert "Tham số “mode”" in response.content.decode()


def test_the_rollup_export_validates_scope(client, form, cast):
    as_user(client, cast.officer_b)
    assert client.get(url("rollup_xlsx", "T19")).status_code == 404
    assert client.get(url("rollup_xlsx", "T01")).status_code == 200
    as_user(client, cast.commune_officer)
    assert client.get(url("rollup_xlsx", "T19")).status_code == 404
    assert client.get(url("rollup_xlsx", "X05500")).status_code == 200
    assert client.post(url("rollup_xlsx", "X05500")).status_code == 405


# ----------------------------------------------------------------------------- browser
