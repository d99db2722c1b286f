"""Issue 10, point 8: no double entry, in a real Chromium.

A commune records a dissemination session in the activity log; its report's fill-in page
for the period shows the session counted in the computed dissemination indicators (GD01,
GD02), each with a link to the records behind it; the officer overrides one with a reason;
on a phone the sheet still fits the screen. The form editor shows how an indicator is
configured. Screenshots go to tests/artifacts for a person to look at.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from giaoban.activities.models import Activity
from giaoban.core import periods
from giaoban.reports.demo_form import ensure_computed, ensure_demo_form
from giaoban.reports.models import Indicator, ReportValue
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_directive_cycle import fill_date, fits, log_in_as

pytestmark = pytest.mark.browser


def shot(locator, name):
    """A screenshot of one part of the page (the full page is too tall to read)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_a_session_recorded_in_the_log_is_counted_in_the_report(live_cast, desktop, phone):
    cast = live_cast
    form = ensure_computed(ensure_demo_form())
    today = timezone.localdate()
    period = periods.containing(today, form.period_type, form.cutoff_day)
    fill = {"form": form.code, "period": period.key, "code": cast.commune_a1.code}
    page = desktop.page

    # 1. The commune officer records a session in the activity log.
    desktop.log_in("commune_officer", cast.password)
    page.goto(desktop.url("activities:create") + f"?unit={cast.commune_a1.code}")
    page.select_option("#id_kind", value="quan-triet")
    fill_date(page, "#id_date", today)
    page.fill("#id_title", "Hội nghị quán triệt nghị quyết của Đảng ủy (kiểm thử)")
    page.fill("#id_party_members", "14")
    page.fill("#id_officers", "6")
    page.fill("#id_others", "25")  # guests: not cán bộ, chiến sĩ
    page.get_by_role("button", name="Ghi hoạt động").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi")
    assert Activity.objects.filter(unit=cast.commune_a1).count() == 1

    # 2. Its report's fill-in page shows the session counted, with the link to it.
    page.goto(desktop.url("reports:fill", **fill))
    gd01, gd02 = page.locator("#row-GD01"), page.locator("#row-GD02")
    expect(gd01.locator("output.computed-value")).to_have_text("1")
    expect(gd02.locator("output.computed-value")).to_have_text("20")
    expect(gd01).to_contain_text("Tự tính")
    expect(gd01).to_contain_text("Học tập, quán triệt văn bản")
    desktop.screenshot("computed-fill-desktop")
    shot(page.locator("section.entry-section").first, "computed-fill-section-desktop")
    with page.expect_navigation():
        gd01.get_by_role("link", name="Xem hồ sơ").click()
    expect(page.locator("table.act-table")).to_contain_text("Hội nghị quán triệt nghị quyết")
    expect(page.locator("table.act-table tbody tr")).to_have_count(1)
    shot(page.locator("main"), "computed-records-log-desktop")
    page.go_back()

    # 3. An override needs a reason: without one the autosave refuses it beside the figure;
    #    with one, the figure and its reason are saved together.
    gd01 = page.locator("#row-GD01")
    gd01.locator("summary", has_text="Sửa số liệu").click()
    page.fill("#id_v-GD01", "2")
    expect(page.locator("#problems-GD01")).to_contain_text("phải ghi rõ lý do")
    page.fill("#id_r-GD01", "Một buổi học tập chung với xã bạn, ghi ở nhật ký của xã bạn.")
    expect(page.locator(".autosave-status")).to_contain_text("Đã lưu lúc")
    expect(page.locator("#row-GD01 output.computed-value")).to_have_text("2")
    expect(page.locator("#problems-GD01")).not_to_contain_text("lý do")
    page.reload()
    expect(page.locator("#row-GD01 output.computed-value")).to_have_text("2")
    expect(page.locator("#row-GD01")).to_contain_text("theo hồ sơ hiện nay: 1")
    expect(page.locator("#row-GD01 details.override")).to_have_attribute("open", "")
    shot(page.locator("section.entry-section").first, "computed-fill-override-desktop")
    gd01_row = ReportValue.objects.get(report__unit=cast.commune_a1, indicator__code="GD01")
    assert (gd01_row.value, gd01_row.computed) == (2, 1) and gd01_row.override_reason
    assert not desktop.csp_violations()

    # 4. On a phone the sheet fits the screen.
    log_in_as(phone, "commune_officer", cast.password)
    phone.page.goto(phone.url("reports:fill", **fill))
    expect(phone.page.locator("#row-GD02 output.computed-value")).to_have_text("20")
    fits(phone)
    shot(phone.page.locator("section.entry-section").first, "computed-fill-phone")

    # The register's link lands on incoming documents filtered by a window of days.
    window = f"?unit={cast.commune_a1.code}&by=on_time&start=15/06/2026&end=14/12/2026"
    phone.page.goto(phone.url("documents:incoming") + window)
    expect(phone.page.locator("#id_by")).to_have_value("on_time")
    fits(phone)
    shot(phone.page.locator("main"), "computed-incoming-window-phone")

    # 5. The form editor shows how an indicator is computed, and where to change it.
    log_in_as(desktop, "ministry_admin", cast.password)
    page.goto(desktop.url("reports:form_edit", form=form.code))
    expect(page.locator("#sections")).to_contain_text("Lượt người tham dự hoạt động")
    gd02 = Indicator.objects.get(version=form.current_version(), code="GD02")
    page.goto(desktop.url("reports:indicator_edit", form=form.code, pk=gd02.pk))
    expect(page.locator("#id_source")).to_have_value("activities.participants")
    expect(page.locator(".fa-param", has_text="Người tham dự được tính")).to_be_visible()
    shot(page.locator("main"), "computed-form-editor-desktop")
    page.select_option("#id_source", value="documents.received")
    expect(page.locator(".fa-param", has_text="Người tham dự được tính")).to_be_hidden()
    log_in_as(phone, "ministry_admin", cast.password)
    phone.page.goto(phone.url("reports:indicator_edit", form=form.code, pk=gd02.pk))
    fits(phone)
    shot(phone.page.locator("main"), "computed-form-editor-phone")
