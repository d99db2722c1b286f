"""Issue 9: the ministry's briefing conference in a real Chromium.

The ministry's officer creates the conference for 2026-H1, sets the agenda, records the
attendance, starts it, writes the minutes and adds a conclusion that assigns a task to
Thái Nguyên (T19), picked by name; the ministry's leader closes it and the thông báo kết
luận is in the register. Thái Nguyên's officer reads the page on a phone (its own row
only, no editing); a commune out of scope gets 404. Screenshots go to tests/artifacts.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from giaoban.conferences.models import Conference, Task
from giaoban.documents.models import Document, Recipient
from giaoban.reports.demo_form import ensure_demo_form
from tests.conftest import make_user

pytestmark = pytest.mark.browser

DAY = timezone.localdate() - datetime.timedelta(days=3)


def dmy(day):
    return day.strftime("%d/%m/%Y")


def log_in_as(session, username, password):
    session.context.clear_cookies()
    return session.log_in(username, password)


def fits(session):
    """Nothing wider than the screen: no sideways scrolling."""
    width = session.page.evaluate("document.documentElement.scrollWidth")
    wide = session.page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert width <= session.page.viewport_size["width"], (session.page.url, wide)


def create(page, form):
    page.get_by_role("link", name="Giao ban", exact=True).first.click()
    page.get_by_role("link", name="Tạo hội nghị").first.click()
    expect(page.locator("#id_unit")).to_have_value("BCA — Bộ Công an")
    page.select_option("#id_period", value=f"{form.pk}:2026-H1")
    page.fill("#id_date", dmy(DAY))
    page.fill("#id_start_time", "08:00")
    page.fill("#id_end_time", "11:30")
    page.fill("#id_place", "Hội trường Bộ Công an (dữ liệu kiểm thử)")
    page.fill("#id_online_link", "https://hop.noibo.example/giao-ban")
    expect(page.locator("[data-rule-part=explicit]")).to_be_hidden()
    page.get_by_role("button", name="Tạo hội nghị").click()
    expect(page.locator(".messages")).to_contain_text("Đã tạo hội nghị với 3 đơn vị dự")


def agenda(page):
    page.get_by_role("link", name="Chương trình", exact=True).first.click()
    for title, presenter, minutes in [
        ("Khai mạc hội nghị", "BCA", "10"),
        ("Báo cáo sơ kết 6 tháng đầu năm 2026", "CTDCT", "30"),
    ]:
        page.fill("#id_title", title)
        page.fill("#id_presenter", presenter)
        page.fill("#id_duration", minutes)
        page.get_by_role("button", name="Thêm vào chương trình").click()
        expect(page.locator(".messages")).to_contain_text("Đã thêm mục")
    expect(page.locator("table.cf-agenda tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Về trang hội nghị").click()


def attendance(page, conference):
    page.get_by_role("link", name="Điểm danh", exact=True).first.click()
    rows = {p.unit.code: p.pk for p in conference.participants.select_related("unit")}
    page.select_option(f"#id_attendance-{rows['T19']}", "present")
    page.fill(f"#id_delegates-{rows['T19']}", "3")
    page.select_option(f"#id_attendance-{rows['CTDCT']}", "present")
    page.fill(f"#id_delegates-{rows['CTDCT']}", "2")
    page.select_option(f"#id_attendance-{rows['T01']}", "absent")
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator(".errorlist-box")).to_contain_text("Chưa lưu gì")
    expect(page.locator("table.cf-attendance")).to_contain_text("cần ghi lý do")
    page.fill(f"#id_reason-{rows['T01']}", "Trực sẵn sàng chiến đấu")
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu điểm danh")
    expect(page.locator("dl.cf-counts")).to_contain_text("2/3")


def minutes_and_conclusion(page):
    page.get_by_role("button", name="Bắt đầu hội nghị").click()
    expect(page.locator(".messages")).to_contain_text("Hội nghị đã bắt đầu")
    page.get_by_role("link", name="Ghi biên bản").first.click()
    page.fill(
        "#id_minutes",
        "Cục Công tác đảng và công tác chính trị báo cáo sơ kết.\nCác đơn vị thảo luận.",
    )
    page.get_by_role("button", name="Lưu biên bản").click()
    expect(page.locator("#minutes")).to_contain_text("Các đơn vị thảo luận.")
    page.get_by_role("link", name="Kết luận, giao nhiệm vụ").first.click()
    page.fill(
        "#id_text", "Công an tỉnh Thái Nguyên xây dựng mô hình điểm về quán triệt nghị quyết."
    )
    page.get_by_role("button", name="Thêm kết luận").click()
    expect(page.locator(".messages")).to_contain_text("Đã thêm kết luận 1")
    page.get_by_role("link", name="Giao nhiệm vụ").click()
    expect(page.locator("[data-add-unit]")).to_be_visible()
    page.fill("#id_add_unit", "thai nguyen")  # without diacritics, picked from the list
    page.locator(".unit-picker-list [role=option]").first.click()
    expect(page.locator("#id_units")).to_have_value("T19")
    page.fill("#id_deadline", dmy(DAY - datetime.timedelta(days=1)))
    page.get_by_role("button", name="Giao nhiệm vụ").click()
    expect(page.locator(".field-error")).to_contain_text("Hạn hoàn thành phải từ ngày họp")
    page.fill("#id_deadline", dmy(DAY + datetime.timedelta(days=60)))
    page.fill("#id_expected_result", "Mô hình điểm và báo cáo kết quả")
    page.get_by_role("button", name="Giao nhiệm vụ").click()
    expect(page.locator(".messages")).to_contain_text("Đã giao nhiệm vụ cho 1 đơn vị")
    expect(page.locator("table.cf-tasks")).to_contain_text("Công an tỉnh Thái Nguyên")


def test_the_ministry_holds_and_closes_its_conference(live_cast, desktop, phone):
    cast = live_cast
    form = ensure_demo_form()
    make_user("ministry_leader", cast.root, "leader")
    page = log_in_as(desktop, "ministry_officer", cast.password)
    create(page, form)
    conference = Conference.objects.get()
    agenda(page)
    attendance(page, conference)
    minutes_and_conclusion(page)
    page.goto(desktop.url("conferences:conference", pk=conference.pk))
    expect(page.locator(".cf-link-text")).to_have_text("https://hop.noibo.example/giao-ban")
    assert page.locator("a[href^='https://hop']").count() == 0
    desktop.screenshot("conference-officer-desktop")
    fits(desktop)

    page = log_in_as(desktop, "ministry_leader", cast.password)
    page.goto(desktop.url("conferences:conference", pk=conference.pk))
    expect(page.get_by_role("link", name="Sửa thông tin, đơn vị dự")).to_have_count(0)
    page.get_by_role("link", name="Kết thúc hội nghị").click()
    expect(page.locator("main")).to_contain_text("thông báo gửi 3 đơn vị")
    desktop.screenshot("conference-close-desktop")
    page.get_by_role("button", name="Kết thúc hội nghị, ban hành thông báo kết luận").click()
    expect(page.locator(".messages")).to_contain_text("ban hành thông báo kết luận số")
    expect(page.locator(".cf-closed")).to_contain_text("Hội nghị đã kết thúc")
    desktop.screenshot("conference-leader-closed-desktop")
    conference.refresh_from_db()
    notice = conference.notice
    assert notice.status == Document.Status.ISSUED and notice.kind.abbreviation == "TB"
    assert set(Recipient.objects.filter(document=notice).values_list("unit__code", flat=True)) == {
        "CTDCT",
        "T19",
        "T01",
    }
    page.locator(".cf-closed a").click()
    expect(page.locator("main")).to_contain_text("Công an tỉnh Thái Nguyên xây dựng mô hình điểm")
    page.get_by_role("link", name="Văn bản", exact=True).first.click()
    page.get_by_role("link", name="Văn bản đi").first.click()
    expect(page.locator("main")).to_contain_text(notice.symbol)
    assert Task.objects.get().unit.code == "T19"
    assert desktop.csp_violations() == []

    province = log_in_as(phone, "officer_a", cast.password)
    province.goto(phone.url("conferences:conference", pk=conference.pk))
    expect(province.locator("table.cf-participants tbody tr")).to_have_count(1)
    expect(province.locator("main")).not_to_contain_text("Công an thành phố Hà Nội")
    expect(province.locator("table.cf-tasks")).to_contain_text("Công an tỉnh Thái Nguyên")
    assert province.get_by_role("link", name="Điểm danh", exact=True).count() == 0
    assert province.get_by_role("link", name="Sửa thông tin, đơn vị dự").count() == 0
    phone.screenshot("conference-province-phone")
    fits(phone)
    province.goto(phone.url("conferences:index"))
    phone.screenshot("conferences-index-province-phone")
    fits(phone)
    assert phone.csp_violations() == []

    outsider = log_in_as(phone, "commune_officer", cast.password)
    response = outsider.goto(phone.url("conferences:conference", pk=conference.pk))
    assert response.status == 404
