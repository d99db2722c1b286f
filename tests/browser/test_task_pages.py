"""Issue 9, point 3 in a real Chromium: Thái Nguyên's officer reports progress on the task
the ministry's conference gave it, naming its implementing document as evidence; the
province's leader marks it done; the ministry's leader accepts it. The pages are looked at
as the unit's officer, its leader, the assigning unit's leader and someone out of scope, at
1366×768 and on a phone."""

import pytest
from playwright.sync_api import expect

from giaoban.conferences.models import Progress, Task
from tests.browser.test_directive_cycle import fits, log_in_as
from tests.conferences.test_tasks import PDF, hold
from tests.conftest import make_user

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_task_is_reported_done_and_accepted(live_cast, desktop, phone):
    cast = live_cast
    leader = make_user("ministry_leader", cast.root, "leader")
    scene = hold(cast, leader)
    task = scene.task_a
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The province's officer finds the task in its list and reports progress.
    log_in_as(desktop, "officer_a", cast.password)
    page.locator("header nav").get_by_role("link", name="Giao ban").click()
    page.goto(desktop.url("conferences:tasks"))
    expect(page.locator("main")).to_contain_text("Chưa thực hiện, còn hạn")
    expect(page.locator("main")).not_to_contain_text("Hà Nội")
    desktop.screenshot("tasks-officer-list-desktop")
    page.get_by_role("link", name=task.title[:40]).first.click()
    expect(page.locator("h1")).to_contain_text(task.title[:40])
    page.fill("#id_text", "Đã ban hành kế hoạch triển khai và tổ chức quán triệt.")
    page.select_option("#id_evidence", value=f"document:{scene.plan.pk}")
    page.set_input_files(
        "#id_files", files=[{"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    desktop.screenshot("task-officer-form-desktop")
    page.get_by_role("button", name="Gửi báo cáo tiến độ").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi báo cáo tiến độ")
    history = page.locator("#progress")
    expect(history).to_contain_text(scene.plan.symbol)
    expect(history.get_by_role("link", name="bien-ban.pdf")).to_be_visible()
    progress = Progress.objects.get()
    assert progress.evidence_document == scene.plan and progress.files.count() == 1
    desktop.screenshot("task-officer-desktop")

    # 2. Its leader marks it done.
    log_in_as(desktop, "leader_a", cast.password)
    page.goto(desktop.url("conferences:task", pk=task.pk))
    expect(page.locator("#id_text")).to_have_count(0)  # a leader does not report progress
    page.get_by_role("button", name="Báo hoàn thành").click()
    expect(page.locator(".messages")).to_contain_text("Đã báo hoàn thành nhiệm vụ")
    expect(page.locator(".task-state")).to_contain_text("chờ nghiệm thu")
    assert Task.objects.get(pk=task.pk).status == Task.Status.DONE
    desktop.screenshot("task-leader-desktop")

    # 3. The ministry's leader finds it on the home page and accepts it.
    log_in_as(desktop, "ministry_leader", cast.password)
    awaiting = page.locator(".due-awaiting")
    expect(awaiting).to_contain_text("Nhiệm vụ chờ nghiệm thu")
    awaiting.get_by_role("link", name="Thái Nguyên").click()
    expect(page.get_by_role("button", name="Trả lại nhiệm vụ")).to_be_visible()
    desktop.screenshot("task-assigner-desktop")
    page.get_by_role("button", name="Nghiệm thu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã nghiệm thu")
    expect(page.locator(".task-state")).to_contain_text("Đã thực hiện đúng hạn")
    assert Task.objects.get(pk=task.pk).status == Task.Status.ACCEPTED
    page.goto(desktop.url("conferences:tasks") + "?tab=assigned")
    expect(page.locator("table.task-counts")).to_contain_text("Thái Nguyên")
    desktop.screenshot("tasks-assigner-list-desktop")
    assert desktop.csp_violations() == []

    # 4. Another province's officer: the task is not there.
    log_in_as(desktop, "officer_b", cast.password)
    response = page.goto(desktop.url("conferences:task", pk=task.pk))
    assert response.status == 404
    desktop.screenshot("task-out-of-scope-desktop")
    page.goto(desktop.url("conferences:tasks"))
    expect(page.locator("main")).not_to_contain_text("Thái Nguyên")

    # 5. On a phone: the list and the task page, no sideways scrolling.
    phone.log_in("officer_a", cast.password)
    phone.page.goto(phone.url("conferences:tasks"))
    expect(phone.page.locator("main")).to_contain_text("Đã thực hiện đúng hạn")
    fits(phone)
    phone.screenshot("tasks-officer-list-phone")
    phone.page.goto(phone.url("conferences:task", pk=task.pk))
    expect(phone.page.locator("#progress")).to_contain_text(scene.plan.symbol)
    fits(phone)
    phone.screenshot("task-officer-phone")
    phone.context.clear_cookies()
    phone.log_in("ministry_leader", cast.password)
    phone.page.goto(phone.url("conferences:task", pk=scene.task_b.pk))
    fits(phone)
    phone.screenshot("task-assigner-phone")
    assert phone.csp_violations() == []
