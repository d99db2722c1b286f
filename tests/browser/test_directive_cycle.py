"""Issue 8, point 11: a directive down the tree in a real Chromium.

The ministry issues a plan to every province; a province officer finds it in incoming,
records a dissemination session and issues the province's implementing plan to its
communes; a commune records its session; the ministry's document page shows the progress.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from giaoban.activities.models import Activity
from giaoban.documents.models import STATE, Document, DocumentKind, DocumentLink, Recipient
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def fill_date(page, selector, day):
    page.fill(selector, day.strftime("%d/%m/%Y"))


def fits(session):
    """Nothing wider than the phone's screen: no sideways scrolling."""
    width = session.page.evaluate("document.documentElement.scrollWidth")
    wide = session.page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert width <= session.page.viewport_size["width"], (session.page.url, wide)


def log_in_as(session, username, password):
    session.context.clear_cookies()
    return session.log_in(username, password)


def draft_a_plan(page, subject, deadline, unit_code=None):
    """The draft form, as the officer fills it in: a state plan to the units below."""
    if unit_code:
        page.fill("#id_unit", unit_code)
    page.check("input[name=body][value=state]")
    plan = DocumentKind.objects.get(body=STATE, abbreviation="KH")
    page.select_option("#id_kind", value=str(plan.pk))
    page.fill("#id_subject", subject)
    page.fill("#id_body_text", "Nội dung kế hoạch (dữ liệu kiểm thử).")
    fill_date(page, "#id_disseminate_by", deadline)
    fill_date(page, "#id_plan_by", deadline)
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator(".messages")).to_be_visible()


def send_and_issue(session, leader, password, officer=None):
    page = session.page
    page.get_by_role("button", name="Gửi thẩm định").click()
    expect(page.locator(".messages")).to_contain_text("thẩm định")
    url = page.url
    log_in_as(session, leader, password)
    page.goto(url)
    page.get_by_role("link", name="Ban hành…").click()
    page.get_by_role("button", name="Ban hành", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã ban hành")


def record_session(page, title, party_members):
    expect(page.locator("#id_document")).not_to_have_value("")
    fill_date(page, "#id_date", timezone.localdate())
    page.fill("#id_title", title)
    page.fill("#id_party_members", str(party_members))
    page.fill("#id_officers", "30")
    page.get_by_role("button", name="Ghi hoạt động").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi")


def test_a_directive_goes_down_the_tree_and_its_progress_comes_back(live_cast, desktop, phone):
    cast = live_cast
    make_user("ministry_leader", cast.root, "leader")
    make_user("commune_a2_officer", cast.commune_a2, "officer")
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())
    deadline = timezone.localdate() + datetime.timedelta(days=15)

    # 1. The ministry drafts a plan to every province, and its leader issues it.
    log_in_as(desktop, "ministry_officer", cast.password)
    page.locator("header nav").get_by_role("link", name="Văn bản").click()
    page.get_by_role("link", name="Soạn văn bản mới").first.click()
    page.check("input[name=recipient_rule][value=level]")
    page.select_option("#id_recipient_level", label="Công an tỉnh, thành phố")
    draft_a_plan(page, "Triển khai nghị quyết về xây dựng, chỉnh đốn Đảng", deadline, "BCA")
    send_and_issue(desktop, "ministry_leader", cast.password)
    directive = Document.objects.get(unit=cast.root)
    assert directive.status == Document.Status.ISSUED and directive.symbol == "01/KH-BCA"
    assert set(directive.recipients.values_list("unit__code", flat=True)) == {"T19", "T01"}
    desktop.screenshot("directive-issued")

    # 2. The province officer finds it in incoming, records a session, issues its own plan.
    log_in_as(desktop, "officer_a", cast.password)
    page.locator("header nav").get_by_role("link", name="Văn bản").click()
    expect(page.locator("main")).to_contain_text("01/KH-BCA")
    page.get_by_role("link", name="Triển khai nghị quyết về xây dựng").first.click()
    expect(page.locator("main")).to_contain_text("Chưa thực hiện, còn hạn")
    page.get_by_role("link", name="Ghi buổi quán triệt").first.click()
    record_session(page, "Hội nghị quán triệt kế hoạch của Bộ", 40)
    assert Recipient.objects.get(document=directive, unit=cast.province_a).sessions == 1
    page.goto(desktop.url("documents:detail", pk=directive.pk))
    page.get_by_role("link", name="Ban hành kế hoạch triển khai").first.click()
    draft_a_plan(page, "Kế hoạch triển khai của Công an tỉnh", deadline)
    send_and_issue(desktop, "leader_a", cast.password)
    plan = Document.objects.get(unit=cast.province_a)
    assert plan.symbol.endswith("/KH-CAT")
    assert DocumentLink.objects.filter(source=plan, target=directive, kind="implements").exists()
    assert set(plan.recipients.values_list("unit__code", flat=True)) == {"X05500", "X05800"}
    assert Recipient.objects.get(document=directive, unit=cast.province_a).plan_on is not None

    # 3. A commune records its dissemination session of the province's plan.
    log_in_as(desktop, "commune_officer", cast.password)
    page.locator("header nav").get_by_role("link", name="Văn bản").click()
    page.get_by_role("link", name="Kế hoạch triển khai của Công an tỉnh").first.click()
    page.get_by_role("link", name="Ghi buổi quán triệt").first.click()
    record_session(page, "Sinh hoạt chi bộ quán triệt kế hoạch", 12)
    assert Activity.objects.filter(unit=cast.commune_a1, document=plan).count() == 1

    # 4. The ministry's page shows the province's row and its communes' progress.
    log_in_as(desktop, "ministry_officer", cast.password)
    page.goto(desktop.url("documents:detail", pk=directive.pk))
    row = page.locator("tr", has_text="Thái Nguyên").first
    expect(row).to_contain_text("1/1")  # disseminated, and its plan issued
    expect(row).to_contain_text("1 đúng hạn")
    page.goto(desktop.url("documents:chain", pk=directive.pk))
    expect(page.locator("main")).to_contain_text(plan.symbol)
    expect(page.locator("main")).to_contain_text("1/2")
    desktop.screenshot("directive-chain")
    page.goto(desktop.url("documents:detail", pk=directive.pk))
    desktop.screenshot("directive-ministry")
    assert desktop.csp_violations() == []

    # 5. On a phone: the commune's incoming register, its log, the province's page.
    phone.log_in("commune_officer", cast.password)
    phone.page.goto(phone.url("documents:incoming"))
    expect(phone.page.locator("main")).to_contain_text(plan.symbol)
    fits(phone)
    phone.screenshot("directive-phone-incoming")
    phone.page.goto(phone.url("activities:totals"))
    fits(phone)
    phone.page.goto(phone.url("activities:log"))
    expect(phone.page.locator("main")).to_contain_text("Sinh hoạt chi bộ quán triệt kế hoạch")
    fits(phone)
    phone.screenshot("directive-phone-log")
    phone.context.clear_cookies()
    phone.log_in("officer_a", cast.password)
    phone.page.goto(phone.url("documents:detail", pk=plan.pk))
    expect(phone.page.locator("main")).to_contain_text("Phan Đình Phùng")
    fits(phone)
    phone.screenshot("directive-phone-plan")
    assert phone.csp_violations() == []
