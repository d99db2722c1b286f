"""Issue 3, point 10: a commune's report through its whole cycle in a real Chromium.

The commune officer fills it in (saved as they type, then with the button), the commune
leader signs it off, the province leader accepts it from the review page, and the
province's accepted total moves on the roll-up page and on the review page.
"""

import re

import pytest
from playwright.sync_api import expect

from giaoban.reports.demo_form import ensure_demo_form
from giaoban.reports.models import Report
from tests.reports.conftest import GOOD, TEXTS

pytestmark = pytest.mark.browser

KEY = "2026-H1"


def cell(page, code):
    """The figure of one indicator in the roll-up page's totals table."""
    row = page.locator("#totals-title ~ .an-table tr", has=page.locator("td.code", has_text=code))
    return row.locator("td.num strong")


def test_fill_submit_accept_and_see_the_province_total_move(live_cast, desktop):
    cast = live_cast
    form = ensure_demo_form()
    kwargs = {"form": form.code, "period": KEY}
    commune = {**kwargs, "code": cast.commune_a1.code}
    province = {**kwargs, "code": cast.province_a.code}
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompts

    # 1. The commune officer finds the report on the home page and fills it in.
    desktop.log_in("commune_officer", cast.password)
    due = page.locator("section.due-list")
    expect(due).to_contain_text("6 tháng đầu năm 2026")
    due.get_by_role("link", name=form.name).first.click()
    expect(page.locator(".report-head h1")).to_have_text("Báo cáo của đơn vị")
    page.locator("nav.tabs").get_by_role("link", name="Nhập số liệu").click()
    expect(page.locator("#row-GD01")).to_contain_text("Số buổi học tập")
    page.fill("#id_v-GD01", "4")
    page.fill("#id_v-GD02", "1")  # fewer participants than sessions: an error, inline
    expect(page.locator("#problems-GD02")).to_contain_text("phải lớn hơn hoặc bằng", timeout=10_000)
    expect(page.locator(".autosave-status")).to_contain_text("Đã lưu lúc")
    for code, value in GOOD.items():
        page.fill(f"#id_v-{code}", str(value))
    page.fill("#id_v-GD02", "1.234")  # Vietnamese thousands
    for code, text in TEXTS.items():
        page.fill(f"#id_t-{code}", text)
    # Let the autosave finish first: the live server's in-memory SQLite has one connection
    # for all its threads, so two requests at once would trip over each other's savepoints.
    expect(page.locator(".autosave-status")).to_contain_text("Đã lưu lúc", timeout=10_000)
    page.click(".entry-bar button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Đã lưu lúc")
    expect(page.locator("#id_v-GD02")).to_have_value("1.234")
    expect(page.locator("#id_v-GD09")).to_have_value("95,5")
    expect(page.locator("#problems-GD02")).to_be_empty()
    expect(page.locator(".summary-counts")).to_contain_text("Không có lỗi hay cảnh báo nào.")
    report = Report.objects.get(unit=cast.commune_a1, period_key=KEY)
    assert report.status == "draft"
    assert desktop.csp_violations() == []

    # 2. The commune leader signs it off.
    desktop.context.clear_cookies()
    desktop.log_in("commune_leader", cast.password)
    page.goto(desktop.url("reports:report", **commune))
    page.get_by_role("button", name="Ký gửi báo cáo lên cấp trên").click()
    expect(page.locator(".messages")).to_contain_text("Đã ký gửi báo cáo lên cấp trên.")
    expect(page.locator(".report-state .status")).to_have_text("Đã gửi, chờ duyệt")

    # 3. The province leader sees it waiting, and the province total without it.
    desktop.context.clear_cookies()
    desktop.log_in("leader_a", cast.password)
    page.goto(desktop.url("reports:rollup", **province))
    expect(cell(page, "GD01")).not_to_have_text("4")
    page.goto(desktop.url("home"))
    awaiting = page.locator(".due-awaiting")
    expect(awaiting).to_contain_text("1 việc chờ đồng chí quyết định")
    expect(awaiting).to_contain_text("Báo cáo chờ duyệt")
    awaiting.get_by_role("link", name="Phan Đình Phùng").click()
    expect(page.locator(".report-head h1")).to_have_text("Xem xét báo cáo")
    expect(page.locator("#fig-GD02 .own")).to_have_text("1.234")
    expect(page.locator("main")).to_contain_text("Tổ chức quán triệt đầy đủ (số liệu thử nghiệm).")
    page.get_by_role("button", name="Chấp nhận báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã chấp nhận báo cáo")
    expect(page.locator(".report-state .status")).to_have_text("Đã chấp nhận")
    expect(page).to_have_url(re.compile(r"/xem-xet/$"))

    # 4. …and the province total has moved, the moment it was accepted.
    page.goto(desktop.url("reports:rollup", **province))
    expect(cell(page, "GD01")).to_have_text("4")
    expect(cell(page, "GD02")).to_have_text("1.234")
    # The province's own report is reviewed by the ministry's leaders, not by its own:
    # the review page asks what the workflow asks.
    page.goto(desktop.url("reports:review", **province))
    expect(page.locator("main")).to_contain_text("Chỉ lãnh đạo Bộ Công an mới xem xét")
    desktop.screenshot("report-cycle-province-after-accept")
    page.goto(desktop.url("reports:report", **commune))
    history = page.locator("ol.report-history")
    expect(history).to_contain_text("Commune Leader")
    expect(history).to_contain_text("Leader A")
    desktop.screenshot("report-cycle-commune-history")
    assert desktop.csp_violations() == []
    report.refresh_from_db()
    assert report.status == "accepted"


def test_the_fill_page_on_a_phone_saves_as_the_officer_types(live_cast, phone):
    ensure_demo_form()
    page = phone.log_in("commune_officer", live_cast.password)
    page.goto(
        phone.url("reports:fill", form="CTD-CTCT-6T", period=KEY, code=live_cast.commune_a1.code)
    )
    page.fill("#id_v-GD01", "12")
    page.fill("#id_v-GD03", "abc")
    expect(page.locator(".autosave-status")).to_contain_text("1 ô chưa lưu", timeout=10_000)
    expect(page.locator("#problems-GD03")).to_contain_text("không phải là số")
    expect(page.locator("#id_v-GD03")).to_have_value("abc")  # kept as typed, to be corrected
    report = Report.objects.get(unit=live_cast.commune_a1, period_key=KEY)
    # GD01 was saved (the first save opened the report); "abc" could not be read.
    assert dict(report.values.values_list("indicator__code", "value")) == {"GD01": 12}
    page.fill("#id_v-GD03", "3")
    expect(page.locator(".autosave-status")).to_contain_text("Đã lưu lúc", timeout=10_000)
    assert dict(report.values.values_list("indicator__code", "value")) == {"GD01": 12, "GD03": 3}
    phone.screenshot("report-fill-phone")
    assert phone.csp_violations() == []


def test_figures_typed_before_the_page_script_runs_are_saved_too(live_cast, desktop):
    """A slow page: the officer types before report-entry.js has run (or the browser puts
    values back on returning to the page). No input event reaches the script; it must
    find those figures by their changed value and save them."""
    cast = live_cast
    form = ensure_demo_form()
    page = desktop.page
    desktop.log_in("commune_officer", cast.password)
    page.route("**/report-entry*.js", lambda route: route.abort())
    page.goto(desktop.url("reports:fill", form=form.code, period=KEY, code=cast.commune_a1.code))
    page.fill("#id_v-GD01", "4")
    page.fill("#id_v-GD02", "1")
    src = page.locator("script[src*='report-entry']").get_attribute("src")
    page.unroute("**/report-entry*.js")
    page.add_script_tag(url=src)  # the script arrives late
    expect(page.locator(".autosave-status")).to_contain_text("Đã lưu lúc", timeout=10_000)
    expect(page.locator("#problems-GD02")).to_contain_text("phải lớn hơn hoặc bằng")
    report = Report.objects.get(form=form, period_key=KEY, unit=cast.commune_a1)
    saved = dict(report.values.values_list("indicator__code", "value"))
    assert (saved["GD01"], saved["GD02"]) == (4, 1)
