"""Issue 10, point 8: a campaign from its launch to a commune's report, in a real Chromium.

The ministry's officer launches the campaign through the pages only: from the start page
("Sinh hoạt chính trị"), creates it from the ministry's issued plan, adds its phases and its
requirements — among them "every commune holds a thematic session" (an activity "Học tập,
quán triệt văn bản" linked to the campaign's plan chain) — and launches it; the ministry's
leader reads it. A commune officer finds what the commune owes on the campaign's page,
records its thematic session in the activity log (linked to the plan) and sends its
self-review with a file; the campaign page shows the commune complete, from the commune,
from its province and from the ministry; and the commune's periodic report of the period
(the demo form, whose GD01/GD02 are computed from the activity log) counts the session.

Every page is reached by clicking from the home page or the navigation, as a person would:
no address is typed but the login page's. Screenshots go to tests/artifacts.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from giaoban.activities.models import Activity
from giaoban.campaigns.models import Campaign, Phase, Requirement, Result
from giaoban.core import periods
from giaoban.documents.models import Document
from giaoban.reports.demo_form import ensure_computed, ensure_demo_form
from tests.browser.test_directive_cycle import fits, log_in_as
from tests.conftest import make_user
from tests.documents.conftest import issued

pytestmark = pytest.mark.browser

TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=7)
P1_END = TODAY + datetime.timedelta(days=10)
P2_START = P1_END + datetime.timedelta(days=1)
END = TODAY + datetime.timedelta(days=40)
TITLE = "Đợt sinh hoạt chính trị về xây dựng, chỉnh đốn Đảng (kiểm thử)"
PLAN_SUBJECT = "Kế hoạch tổ chức đợt sinh hoạt chính trị về xây dựng, chỉnh đốn Đảng"
SESSION = "Sinh hoạt chuyên đề của chi bộ về xây dựng, chỉnh đốn Đảng"


def dmy(day):
    return day.strftime("%d/%m/%Y")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def plan(live_cast):
    """The ministry's plan for the campaign, issued (the register's own cycle is tested in
    test_directive_cycle) to every unit of the force, so that a commune can link its session
    to it."""
    cast = live_cast
    leader = make_user("ministry_leader", cast.root, "leader")
    return issued(
        cast.ministry_officer,
        leader,
        cast.root,
        subject=PLAN_SUBJECT,
        day=START - datetime.timedelta(days=1),
        recipient_rule=Document.Rule.SUBTREE,
    )


def open_campaigns(page):
    page.locator("header nav").get_by_role("link", name="Sinh hoạt chính trị").click()
    expect(page.locator("h1")).to_have_text("Đợt sinh hoạt chính trị")


def open_campaign(page):
    open_campaigns(page)
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)


def create_campaign(page, plan):
    open_campaigns(page)
    page.get_by_role("link", name="Phát động đợt mới").first.click()
    expect(page.locator("main")).to_contain_text("Đơn vị phát động: Bộ Công an")
    page.fill("#id_title", TITLE)
    page.select_option("#id_plan", value=str(plan.pk))
    page.fill("#id_start", dmy(START))
    page.fill("#id_end", dmy(END))
    page.fill("#id_description", "Mỗi chi bộ sinh hoạt chuyên đề; mỗi đơn vị tự kiểm điểm.")
    page.get_by_role("button", name="Lập đợt").click()
    expect(page.locator(".messages")).to_contain_text("Đã lập đợt")
    expect(page.locator(".cp-sub")).to_contain_text("Đang chuẩn bị")


def add_phase(page, title, start, end):
    page.locator(".cp-actions").get_by_role("link", name="Thêm giai đoạn").click()
    page.fill("#id_title", title)
    page.fill("#id_start", dmy(start))
    page.fill("#id_end", dmy(end))
    page.get_by_role("button", name="Thêm giai đoạn").click()
    expect(page.locator(".messages")).to_contain_text("Đã thêm giai đoạn")


def add_requirement(page, title, phase, level, kind, activity_kind=None):
    page.locator(".cp-actions").get_by_role("link", name="Thêm yêu cầu").click()
    page.fill("#id_title", title)
    page.select_option("#id_phase", label=phase)
    page.select_option("#id_level", label=level)
    page.locator("fieldset.cp-choices").get_by_label(kind).check()
    activity_part = page.locator("[data-kind-part=activity]")
    if activity_kind:
        expect(activity_part).to_be_visible()
        page.select_option("#id_activity_kind", label=activity_kind)
    else:
        expect(activity_part).to_be_hidden()
    page.get_by_role("button", name="Thêm yêu cầu").click()
    expect(page.locator(".messages")).to_contain_text("Đã thêm yêu cầu")


def launch_campaign(desktop, plan):
    page = desktop.page
    create_campaign(page, plan)
    add_phase(page, "Phát động, sinh hoạt chuyên đề", START, P1_END)
    add_phase(page, "Tự kiểm điểm, báo cáo kết quả", P2_START, END)
    phase1 = f"Giai đoạn 1: Phát động, sinh hoạt chuyên đề (đến {dmy(P1_END)})"
    phase2 = f"Giai đoạn 2: Tự kiểm điểm, báo cáo kết quả (đến {dmy(END)})"
    add_requirement(
        page,
        "Ban hành kế hoạch thực hiện của đơn vị",
        phase1,
        "Công an tỉnh, thành phố (2 đơn vị)",
        "Ban hành văn bản triển khai (kế hoạch của đơn vị)",
    )
    add_requirement(
        page,
        "Sinh hoạt chuyên đề của chi bộ",
        phase1,
        "Công an xã, phường, đặc khu (3 đơn vị)",
        "Tổ chức hoạt động (ghi vào nhật ký hoạt động)",
        "Học tập, quán triệt văn bản",
    )
    add_requirement(
        page,
        "Tự kiểm điểm, báo cáo kết quả",
        phase2,
        "Mọi đơn vị thuộc phạm vi đợt",
        "Gửi báo cáo kết quả (kèm tệp)",
    )
    phases = page.locator("#phases")
    expect(phases.locator(".cp-phase")).to_have_count(2)
    expect(phases.locator("table.cp-requirements tbody tr")).to_have_count(3)
    expect(phases).to_contain_text("Tổ chức hoạt động “Học tập, quán triệt văn bản”")
    desktop.screenshot("campaign-draft-desktop")

    page.locator(".cp-actions").get_by_role("link", name="Phát động").click()
    expect(page.locator("main")).to_contain_text("7 đơn vị thuộc phạm vi đợt")
    page.get_by_role("button", name="Phát động đợt").click()
    expect(page.locator(".messages")).to_contain_text("Đã phát động đợt: 7 đơn vị")
    expect(page.locator(".cp-sub")).to_contain_text("Đã phát động")


def test_a_campaign_from_its_launch_to_the_communes_report(live_cast, plan, desktop, phone):
    cast = live_cast
    form = ensure_computed(ensure_demo_form())
    period = periods.containing(TODAY, form.period_type, form.cutoff_day)
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The ministry's officer prepares the campaign from its plan, and launches it.
    log_in_as(desktop, "ministry_officer", cast.password)
    launch_campaign(desktop, plan)
    campaign = Campaign.objects.get()
    assert (campaign.unit, campaign.plan, campaign.start, campaign.end) == (
        cast.root,
        plan,
        START,
        END,
    )
    assert campaign.status == Campaign.Status.LAUNCHED
    assert list(Phase.objects.values_list("number", "end")) == [(1, P1_END), (2, END)]
    session_req = Requirement.objects.get(title="Sinh hoạt chuyên đề của chi bộ")
    assert (session_req.kind, session_req.level.code, session_req.activity_kind.code) == (
        Requirement.Kind.ACTIVITY,
        "xa",
        "quan-triet",
    )
    # Nothing is recorded yet: of 6 units below, none complete.
    counts = page.locator("#subtree dl.cp-counts").first
    expect(counts).to_contain_text("0/6")

    # The ministry's leader sees it on the start page, launched, and cannot change it.
    log_in_as(desktop, "ministry_leader", cast.password)
    open_campaign(page)
    expect(page.locator(".cp-actions")).not_to_contain_text("Sửa thông tin đợt")
    expect(page.locator("#children")).to_contain_text("Thái Nguyên")

    # 2. The commune's officer sees what the commune owes, from the start page.
    log_in_as(desktop, "commune_officer", cast.password)
    open_campaigns(page)
    row = page.locator("table.cp-table tbody tr").first
    expect(row).to_contain_text("Phan Đình Phùng")
    expect(row).to_contain_text("Đã thực hiện 0/2 yêu cầu")
    page.get_by_role("link", name=TITLE).click()
    own = page.locator("#own")
    expect(own).to_contain_text("Yêu cầu đối với Công an phường Phan Đình Phùng")
    expect(own.locator("li.cp-item")).to_have_count(2)
    session_item = own.locator("li.cp-item", has_text="Sinh hoạt chuyên đề của chi bộ")
    expect(session_item).to_contain_text("Chưa thực hiện, còn hạn")
    desktop.screenshot("campaign-commune-owes-desktop")

    # 3. It records its thematic session in the activity log, linked to the ministry's plan.
    session_item.get_by_role("link", name="Ghi hoạt động").click()
    expect(page.locator("h1")).to_contain_text("Ghi hoạt động")
    page.select_option("#id_kind", label="Học tập, quán triệt văn bản")
    page.fill("#id_date", dmy(TODAY))
    page.fill("#id_title", SESSION)
    page.fill("#id_party_members", "14")
    page.fill("#id_officers", "6")
    page.fill("#id_others", "3")  # guests: not counted in GD02
    page.select_option("#id_document", value=str(plan.pk))
    page.get_by_role("button", name="Ghi hoạt động").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi hoạt động")
    activity = Activity.objects.get(unit=cast.commune_a1)
    assert (activity.document_id, activity.kind.code) == (plan.pk, "quan-triet")

    # The campaign's page now shows the session against the requirement.
    open_campaign(page)
    session_item = page.locator("#own li.cp-item", has_text="Sinh hoạt chuyên đề của chi bộ")
    expect(session_item).to_contain_text("Đã thực hiện đúng hạn")
    expect(session_item.get_by_role("link", name=SESSION)).to_be_visible()
    expect(page.locator("#own .section-head")).to_contain_text("đã thực hiện 1/2 yêu cầu")

    # 4. It sends its self-review, with a file.
    review = page.locator("#own li.cp-item", has_text="Tự kiểm điểm, báo cáo kết quả")
    review.get_by_role("link", name="Gửi báo cáo kết quả").click()
    expect(page.locator("h1")).to_have_text("Báo cáo kết quả")
    page.fill("#id_text", "Chi bộ đã tự kiểm điểm; 14/14 đảng viên tham gia (kiểm thử).")
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "bien-ban-tu-kiem-diem.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n% kiem thu\n%%EOF\n",
            }
        ],
    )
    expect(page.locator(".file-name")).to_contain_text("bien-ban-tu-kiem-diem.pdf")
    page.get_by_role("button", name="Gửi báo cáo kết quả").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo cáo kết quả")
    result = Result.objects.get(unit=cast.commune_a1)
    assert [f.name for f in result.files.all()] == ["bien-ban-tu-kiem-diem.pdf"]

    # 5. The campaign page shows the commune complete: its own page …
    own = page.locator("#own")
    expect(own.locator(".section-head .badge")).to_have_text("Hoàn thành")
    expect(own).to_contain_text("đã thực hiện 2/2 yêu cầu")
    expect(own.get_by_role("link", name="bien-ban-tu-kiem-diem.pdf")).to_be_visible()
    desktop.screenshot("campaign-commune-complete-desktop")
    assert desktop.csp_violations() == []

    # … the province's row of communes …
    log_in_as(desktop, "officer_a", cast.password)
    open_campaign(page)
    children = page.locator("#children")
    commune_row = children.locator("tr", has_text="Phan Đình Phùng")
    expect(commune_row).to_contain_text("Hoàn thành")
    expect(commune_row).to_contain_text("2/2")
    expect(children.locator("tr", has_text="Đại Phúc")).to_contain_text("Đang thực hiện")
    expect(page.locator("#subtree dl.cp-counts").first).to_contain_text("1/2")
    # Its own plan is still owed, with the way to draft it from the campaign's plan.
    plan_item = page.locator("#own li.cp-item", has_text="Ban hành kế hoạch thực hiện")
    expect(plan_item).to_contain_text("Chưa thực hiện, còn hạn")
    expect(plan_item.get_by_role("link", name="Soạn kế hoạch triển khai")).to_have_attribute(
        "href", f"/van-ban/moi/?implements={plan.pk}"
    )

    # … and the ministry's, down through Thái Nguyên's row.
    log_in_as(desktop, "ministry_officer", cast.password)
    open_campaign(page)
    province_row = page.locator("#children tr", has_text="Thái Nguyên")
    expect(province_row).to_contain_text("1/2")  # of its 2 communes, 1 complete
    expect(page.locator("#subtree dl.cp-counts").first).to_contain_text("1/6")
    province_row.get_by_role("link", name="Thái Nguyên").click()
    expect(page.locator("#own")).to_contain_text("Yêu cầu đối với Công an tỉnh Thái Nguyên")
    expect(page.locator("#children tr", has_text="Phan Đình Phùng")).to_contain_text("Hoàn thành")
    desktop.screenshot("campaign-ministry-province-desktop")

    # 6. The commune's periodic report of the period counts the session (GD01, GD02).
    log_in_as(desktop, "commune_officer", cast.password)
    page.locator("header nav").get_by_role("link", name="Báo cáo định kỳ").click()
    current = page.locator("table.periods-table tr.current")
    expect(current).to_contain_text(period.label)
    current.locator("td").nth(2).get_by_role("link").click()
    page.get_by_role("link", name="Nhập số liệu").first.click()
    gd01, gd02 = page.locator("#row-GD01"), page.locator("#row-GD02")
    expect(gd01.locator("output.computed-value")).to_have_text("1")
    expect(gd02.locator("output.computed-value")).to_have_text("20")  # 14 + 6, not guests
    expect(gd01).to_contain_text("Học tập, quán triệt văn bản")
    desktop.screenshot("campaign-commune-report-desktop")
    with page.expect_navigation():
        gd01.get_by_role("link", name="Xem hồ sơ").click()
    expect(page.locator("table.act-table")).to_contain_text(SESSION)
    assert desktop.csp_violations() == []

    # 7. On a phone, the commune's campaign page fits the screen.
    log_in_as(phone, "commune_officer", cast.password)
    phone.page.get_by_role("button", name="Danh mục").click()
    open_campaign(phone.page)
    expect(phone.page.locator("#own .section-head .badge")).to_have_text("Hoàn thành")
    fits(phone)
    phone.screenshot("campaign-commune-phone")
    assert phone.csp_violations() == []
