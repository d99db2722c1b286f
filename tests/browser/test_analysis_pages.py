"""Issue 3, points 1, 4, 5 and 7 in a real Chromium: the dashboard, roll-up and completeness
pages on a desktop and a phone, and editing a form (a new version once the old one is used).
"""

import re

import pytest
from playwright.sync_api import expect

from giaoban.reports import bulk, workflow
from giaoban.reports.demo_form import ensure_demo_form
from tests.reports.conftest import GOOD, TEXTS

pytestmark = pytest.mark.browser

KEY = "2026-H1"
CODE = "CTD-CTCT-6T"


def test_the_analysis_pages_on_a_desktop_and_a_phone(live_cast, desktop, phone):
    cast = live_cast
    form = ensure_demo_form()
    bulk.import_values(
        form,
        KEY,
        [{"unit": "X05500", "values": dict(GOOD, GD02=1234), "texts": TEXTS}],
        cast.ministry_admin,
        accept_history=True,
    )
    kwargs = {"form": form.code, "period": KEY}
    desktop.log_in("ministry_officer", cast.password)
    page = desktop.page
    page.goto(desktop.url("reports:dashboard", code="BCA", **kwargs))
    wide = page.locator(".chart-wide svg.stacked")
    expect(wide).to_be_visible()
    expect(page.locator(".chart-narrow svg.stacked")).to_be_hidden()
    expect(page.locator(".an-kpis")).to_contain_text("1/6 đơn vị")
    # A child's bar leads to that child's dashboard.
    wide.get_by_role("link", name="Thái Nguyên").click()
    expect(page.locator("h1")).to_have_text("Công an tỉnh Thái Nguyên")
    page.locator(".an-tabs").get_by_role("link", name="Tổng hợp số liệu").click()
    row = page.locator("#totals-title ~ .an-table tr", has=page.locator("td.code", has_text="GD02"))
    expect(row.locator("td.num strong")).to_have_text("1.234")
    page.locator(".an-mode").get_by_role("link", name="cả báo cáo đã gửi, chờ duyệt").click()
    expect(page).to_have_url(re.compile(r"\?mode=counted$"))
    page.locator(".an-tabs").get_by_role("link", name="Tiến độ báo cáo").click()
    expect(page.locator("#chua-gui")).to_contain_text("Công an xã Đại Phúc")
    assert desktop.csp_violations() == [] and desktop.console_errors == []

    phone.log_in("leader_a", cast.password)
    phone.page.goto(phone.url("reports:dashboard", code="T19", **kwargs))
    expect(phone.page.locator(".chart-narrow svg.stacked")).to_be_visible()
    expect(phone.page.locator(".chart-wide svg.stacked")).to_be_hidden()
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing sticks out sideways on a phone
    assert phone.csp_violations() == []


def test_editing_a_form_makes_a_new_version_once_the_old_one_is_used(live_cast, desktop):
    cast = live_cast
    form = ensure_demo_form()
    workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)  # version 1 in use
    page = desktop.page
    desktop.log_in("ministry_admin", cast.password)
    page.goto(desktop.url("reports:form_list"))
    page.get_by_role("link", name=CODE).click()
    expect(page.locator(".fa-version-frozen")).to_contain_text("Phiên bản 1 đã có báo cáo.")
    code_cell = page.locator("td.code", has_text=re.compile("^GD01$"))
    page.locator("table.fa-items tr", has=code_cell).get_by_role("link", name="Sửa").click()
    page.fill("#id_name", "Số buổi quán triệt (mẫu mới)")
    page.fill("#id_version_note", "Đổi tên chỉ tiêu GD01")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("vào phiên bản 2 (mới tạo)")
    expect(page.locator("main")).to_contain_text("Số buổi quán triệt (mẫu mới)")
    # The rule page shows only the fields the chosen kind uses.
    page.goto(desktop.url("reports:rule_create", form=CODE))
    page.select_option("#id_kind", "compare")
    expect(page.locator(".fa-field-other")).to_be_visible()
    expect(page.locator(".fa-field-min_value")).to_be_hidden()
    page.select_option("#id_kind", "bounds")
    expect(page.locator(".fa-field-min_value")).to_be_visible()
    expect(page.locator(".fa-field-other")).to_be_hidden()
    page.select_option("#id_indicator", label="GD01 — Số buổi quán triệt (mẫu mới)")
    page.fill("#id_min_value", "10")
    page.fill("#id_max_value", "2,5")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".fa-field-max_value .field-error")).to_contain_text(
        "phải lớn hơn hoặc bằng giá trị nhỏ nhất"
    )
    assert desktop.csp_violations() == []
    # The only console error is the refused form's own status (400, re-rendered page).
    assert [e for e in desktop.console_errors if "status of 400" not in e] == []
    assert form.versions.count() == 2
    assert form.versions.get(number=1).indicators.get(code="GD01").name.startswith("Số buổi học")
