"""The audit trail page: scoped to the subtree, for leaders and admins, filterable, paginated."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from giaoban.audit.context import acting_as
from giaoban.audit.models import AuditEntry
from giaoban.units.models import Unit
from tests.conftest import make_unit, make_user

URL = "/nhat-ky/"


def login(client, user):
    client.force_login(user)
    return client


def entries_on_page(html):
    return html.count('class="card audit-entry"')


def test_the_url_name(cast):
    assert reverse("audit:list") == URL


def test_a_leader_sees_the_trail_of_their_subtree_only(client, cast):
    with acting_as(cast.ministry_admin):
        for unit in (cast.commune_a1, cast.province_b):
            unit.short_name += " (sửa)"
            unit.save()
    html = login(client, cast.leader_a).get(URL).content.decode()
    assert "Phan Đình Phùng (sửa)" in html
    assert "Hà Nội (sửa)" not in html
    assert "Ba Đình" not in html  # a unit of province B, created by the fixture


def test_the_trail_validates_role(client, cast):
    assert login(client, cast.officer_a).get(URL).status_code == 403
    assert login(client, cast.ministry_officer).get(URL).status_code == 403
    assert login(client, cast.commune_leader).get(URL).status_code == 200


def test_the_trail_redirects_an_anonymous_user(client, cast):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_changes_made_through_the_pages_appear_with_before_and_after(client, cast):
    admin = make_user("admin_a", cast.province_a, "admin")
    login(client, admin)
    client.post(
        reverse("units:edit", kwargs={"code": "X05500"}),
        {
            "name": "Công an phường Phan Đình Phùng",
            "short_name": "P. Phan Đình Phùng",
            "level": cast.commune_a1.level.pk,
            "party_name": "",
            "command_name": "",
            "active_from": "01/07/2025",
            "active_to": "",
        },
    )
    client.post(
        reverse("accounts:role_add", kwargs={"pk": cast.commune_officer.pk}),
        {"role": "viewer", "unit": "X05500"},
    )
    client.post(
        reverse("accounts:user_edit", kwargs={"pk": cast.commune_officer.pk}),
        {"full_name": "Đỗ Văn Xã", "position": "", "email": "", "unit": "X05500"},
    )
    html = client.get(URL, {"unit": "X05500"}).content.decode()
    # The unit: the changed fields by their Vietnamese names, before → after, dates dd/mm/yyyy.
    assert "Tên ngắn" in html and "Phan Đình Phùng" in html and "P. Phan Đình Phùng" in html
    assert "Hoạt động từ" in html and "01/07/2025" in html
    # The role and the user, each with who did it.
    assert "Vai trò:" in html and "Xem" in html
    assert "Người dùng:" in html and "Đỗ Văn Xã" in html and "Commune Officer" in html
    assert html.count("admin_a") >= 3


def test_filters_narrow_the_trail(client, cast):
    with acting_as(cast.ministry_admin):
        cast.commune_a2.short_name = "Đại Phúc mới"
        cast.commune_a2.save()
    login(client, cast.leader_a)
    html = client.get(URL, {"unit": "x05800"}).content.decode()
    assert "Đại Phúc mới" in html and "Phan Đình Phùng" not in html
    html = client.get(URL, {"unit": "T19", "action": "update"}).content.decode()
    assert entries_on_page(html) == 1
    html = client.get(URL, {"model": "accounts.RoleAssignment"}).content.decode()
    assert entries_on_page(html) == 4  # leader_a, officer_a, commune_officer, commune_leader
    html = client.get(URL, {"actor": "ministry_ad"}).content.decode()
    assert entries_on_page(html) == 1
    today = timezone.localdate().strftime("%d/%m/%Y")
    html = client.get(URL, {"date_from": today, "date_to": today}).content.decode()
    assert entries_on_page(html) > 0
    html = client.get(URL, {"date_to": "01/01/2020"}).content.decode()
    assert entries_on_page(html) == 0


def test_a_unit_filter_covers_the_subtree(client, cast):
    html = login(client, cast.leader_a).get(URL, {"unit": "T19"}).content.decode()
    assert "Công an phường Phan Đình Phùng" in html  # created below T19
    assert "Công an xã Đại Phúc" in html


@pytest.mark.parametrize(
    "params,message",
    [
        ({"date_from": "32/13/2025"}, "Từ ngày: Nhập một ngày hợp lệ."),
        ({"date_from": "02/01/2026", "date_to": "01/01/2026"}, "Đến ngày: Đến ngày phải sau"),
        ({"unit": "T01"}, "Đơn vị: Không có đơn vị nào khớp “T01” trong phạm vi"),
        ({"action": "explode"}, "Thao tác: Hãy chọn một lựa chọn hợp lệ."),
        ({"model": "auth.Permission"}, "Loại đối tượng: Hãy chọn một lựa chọn hợp lệ."),
    ],
)
def test_bad_filters_get_a_message_naming_the_field(client, cast, params, message):
    response = login(client, cast.leader_a).get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert entries_on_page(response.content.decode()) == 0


def test_the_trail_is_paginated(client, cast):
    with acting_as(cast.ministry_admin):
        for i in range(120):
            make_unit(f"XA{i:03}", f"Công an xã A{i}", f"A{i}", "xa", cast.province_a)
    login(client, cast.leader_a)
    first = client.get(URL, {"unit": "T19", "model": "units.Unit"}).content.decode()
    assert entries_on_page(first) == 50
    assert "Trang 1/3" in first
    last = client.get(URL, {"unit": "T19", "model": "units.Unit", "page": 3}).content.decode()
    assert entries_on_page(last) == 123 - 100  # 120 made + T19, X05500, X05800
    assert client.get(URL, {"page": "zzz"}).status_code == 200


def test_a_unit_out_of_scope_is_shown_as_a_number_in_foreign_keys(client, cast):
    leader_b = make_user("leader_b", cast.province_b, "leader")
    with acting_as(cast.ministry_admin):
        cast.commune_a1.parent = cast.province_b  # moves from province A to province B
        cast.commune_a1.save()
    html = login(client, leader_b).get(URL, {"action": "update"}).content.decode()
    assert "Đơn vị cấp trên" in html
    assert f"#{cast.province_a.pk}" in html  # the old parent is outside B's scope
    assert "Công an thành phố Hà Nội" in html
    assert "Công an tỉnh Thái Nguyên" not in html
    # The entry belongs to where the unit now is: province A's leader no longer sees it.
    html = login(client, cast.leader_a).get(URL, {"action": "update"}).content.decode()
    assert entries_on_page(html) == 0


def test_the_unit_page_links_to_its_trail(client, cast):
    html = (
        login(client, cast.leader_a)
        .get(reverse("units:detail", kwargs={"code": "X05500"}))
        .content.decode()
    )
    assert f'href="{URL}?unit=X05500"' in html
    page = client.get(URL, {"unit": "X05500"}).content.decode()
    assert 'value="X05500 — Công an phường Phan Đình Phùng"' in page


def test_entries_at_the_end_of_a_day_are_in_that_day(client, cast):
    # "Đến ngày" includes the whole day in local time.
    unit = Unit.objects.get(code="X05800")
    entry = AuditEntry.objects.filter(object_id=str(unit.pk), model="units.Unit").first()
    day = timezone.localtime(entry.at).date()
    login(client, cast.leader_a)
    html = client.get(URL, {"unit": "X05800", "date_to": day.strftime("%d/%m/%Y")})
    assert entries_on_page(html.content.decode()) == 1
    before = (day - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    html = client.get(URL, {"unit": "X05800", "date_to": before})
    assert entries_on_page(html.content.decode()) == 0


def test_a_report_entry_reads_in_vietnamese_field_by_field(client, cast):
    from giaoban.reports import bulk, workflow
    from giaoban.reports.demo_form import ensure_demo_form
    from tests.reports.conftest import GOOD, TEXTS

    form = ensure_demo_form()
    with acting_as(cast.officer_a):
        report = workflow.open_report(form, cast.commune_a1, "2026-H1", cast.officer_a)
        workflow.save_entries(report, cast.officer_a, GOOD, TEXTS)
        workflow.save_entries(report, cast.officer_a, {"GD01": 5}, {})
        bulk.import_values(
            form, "2026-H1", [{"unit": "X05500", "values": {"GD02": 130}}], cast.officer_a
        )
    html = login(client, cast.leader_a).get(URL, {"model": "reports.Report"}).content.decode()
    entry = html[html.index('class="card audit-entry"') :]
    # The object in words: the form, the period, the unit.
    assert (
        "Báo cáo: <strong>Báo cáo công tác đảng, công tác chính trị — 6 tháng đầu năm 2026 — "
        "Công an phường Phan Đình Phùng</strong>" in html
    )
    # What changed, indicator by indicator, before → after — for the bulk import too.
    assert "Chỉ tiêu GD01 — Số buổi học tập, quán triệt nghị quyết, chỉ thị" in entry
    assert "Chỉ tiêu GD02 — Lượt cán bộ, chiến sĩ tham gia học tập, quán triệt" in entry
    rows = re.findall(
        r'<td class="lead">(.*?)</td><td class="before"[^>]*>(.*?)</td>.*?'
        r'<td class="after"[^>]*>(.*?)</td>',
        entry,
        re.S,
    )
    shown = {}  # newest entry first: keep the first time each field appears
    for field, before, after in rows:
        shown.setdefault(field, (before, after))
    assert shown["Chỉ tiêu GD01 — Số buổi học tập, quán triệt nghị quyết, chỉ thị"] == ("4", "5")
    assert shown["Chỉ tiêu GD02 — Lượt cán bộ, chiến sĩ tham gia học tập, quán triệt"] == (
        "120",
        "130",
    )
    assert "Nhập số liệu nhiều đơn vị" in entry
    # The unit shown is the object's unit, labelled so; nothing in English or Python.
    assert "Đơn vị của đối tượng" in entry
    for english in ("Report", "Created", "Values", "True", "False", "{'", "superuser"):
        assert english not in entry, english
