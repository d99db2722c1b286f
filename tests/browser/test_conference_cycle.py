"""Issue 9's whole cycle in one real Chromium session, as the people who do it:

the ministry's officer drafts the consolidated report for 2026-H1 from what Thái Nguyên and
Hà Nội sent, picks an excerpt and exports the Word file; the conference is held and closed
with a conclusion that gives Thái Nguyên a task; Thái Nguyên's officer reports progress with
the province's implementing plan as evidence and its leader marks it done; the ministry's
leader accepts it; and the ministry's draft of the next period shows it under "Kết quả thực
hiện kết luận hội nghị kỳ trước".
"""

import io

import pytest
from docx import Document as Docx
from playwright.sync_api import expect

from giaoban.conferences.models import Conference, Consolidation, Task
from giaoban.documents import services as documents
from tests.browser.test_conference_page import (
    agenda,
    attendance,
    create,
    log_in_as,
    minutes_and_conclusion,
)
from tests.conferences import conftest as scene
from tests.conferences.conftest import KEY, KQ_A
from tests.documents.conftest import draft as document_draft

pytestmark = pytest.mark.browser

form = scene.form
ministry_leader = scene.ministry_leader
leader_b = scene.leader_b
sent = scene.sent


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def draft_report(desktop, sent):
    page = desktop.page
    page.locator("header nav").get_by_role("link", name="Giao ban").click()
    page.get_by_role("link", name="Lập báo cáo tổng hợp").click()
    page.select_option("#id_unit", "BCA")
    page.check("input[name=body][value=party]")
    page.select_option("#id_period", KEY)
    page.get_by_role("button", name="Lập dự thảo").click()
    expect(page.locator(".cs-submitted")).to_contain_text("2/3 đơn vị đã gửi báo cáo")
    candidate = page.locator(f"#ung-vien-{sent['T19'].pk}")
    candidate.get_by_role("button", name="Trích toàn bộ").click()
    expect(page.locator("li.cs-excerpt")).to_contain_text("Công an tỉnh Thái Nguyên")
    with page.expect_download() as info:
        page.get_by_role("button", name="Xuất tệp Word").click()
    with open(info.value.path(), "rb") as file:
        quoted = [p.text for p in Docx(io.BytesIO(file.read())).paragraphs]
    first_line = KQ_A.split("\n")[0]
    assert any(text.startswith(f"Công an tỉnh Thái Nguyên: {first_line}") for text in quoted)


def test_report_conference_task_and_the_next_report(
    live_cast, form, sent, ministry_leader, desktop
):
    cast = live_cast
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())
    # Thái Nguyên has issued a plan of its own: the evidence it will name.
    plan = document_draft(cast.officer_a, cast.province_a, subject="Kế hoạch mô hình điểm")
    documents.send_for_review(plan, cast.officer_a)
    plan, _warnings = documents.issue(plan, cast.leader_a)

    # 1. The consolidated report of 2026-H1.
    log_in_as(desktop, "ministry_officer", cast.password)
    draft_report(desktop, sent)
    assert Consolidation.objects.get().exports.count() == 1

    # 2. The conference, held; its conclusion gives Thái Nguyên a task; the leader closes it.
    create(page, form)
    conference = Conference.objects.get()
    agenda(page)
    attendance(page, conference)
    minutes_and_conclusion(page)
    log_in_as(desktop, "ministry_leader", cast.password)
    page.goto(desktop.url("conferences:conference", pk=conference.pk))
    page.get_by_role("link", name="Kết thúc hội nghị").click()
    page.get_by_role("button", name="Kết thúc hội nghị, ban hành thông báo kết luận").click()
    expect(page.locator(".cf-closed")).to_contain_text("Hội nghị đã kết thúc")
    task = Task.objects.get()

    # 3. Thái Nguyên's officer finds the task on its home page and reports progress.
    log_in_as(desktop, "officer_a", cast.password)
    page.locator("main").get_by_role("link", name=task.title[:40]).first.click()
    page.fill("#id_text", "Đã ban hành kế hoạch xây dựng mô hình điểm.")
    page.select_option("#id_evidence", value=f"document:{plan.pk}")
    page.get_by_role("button", name="Gửi báo cáo tiến độ").click()
    expect(page.locator("#progress")).to_contain_text(plan.symbol)

    # 4. Its leader marks it done; the ministry's leader accepts it.
    log_in_as(desktop, "leader_a", cast.password)
    page.goto(desktop.url("conferences:task", pk=task.pk))
    page.get_by_role("button", name="Báo hoàn thành").click()
    expect(page.locator(".task-state")).to_contain_text("chờ nghiệm thu")
    log_in_as(desktop, "ministry_leader", cast.password)
    page.locator(".due-awaiting").get_by_role("link", name="Thái Nguyên").click()
    page.get_by_role("button", name="Nghiệm thu", exact=True).click()
    expect(page.locator(".task-state")).to_contain_text("Đã thực hiện đúng hạn")

    # 5. The next period's draft counts it.
    log_in_as(desktop, "ministry_officer", cast.password)
    page.goto(desktop.url("conferences:consolidation_new"))
    page.select_option("#id_unit", "BCA")
    page.check("input[name=body][value=party]")
    page.select_option("#id_period", "2026-H2")
    page.get_by_role("button", name="Lập dự thảo").click()
    records = page.locator("main")
    expect(records).to_contain_text("Kết quả thực hiện kết luận hội nghị kỳ trước")
    expect(records).to_contain_text("giao 1 nhiệm vụ cho các đơn vị")
    expect(records).to_contain_text("1 hoàn thành đúng hạn")
    desktop.screenshot("cycle-next-report-desktop")
    assert desktop.csp_violations() == []
