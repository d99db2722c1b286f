"""The document pages (a document, its recipients, one recipient, the chain) and the
registers in a real Chromium: each fits a phone (390 px) and a desktop (1366×768) with
nothing sticking out sideways, and the summary and the status filters work by clicking."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from giaoban.documents import services
from tests.conftest import make_user
from tests.documents.conftest import PARTY, issued
from tests.documents.test_pages_read import DAY, R, today

pytestmark = pytest.mark.browser


def test_the_pages_fit_a_phone_and_a_desktop(live_cast, desktop, phone):
    c = live_cast
    ministry_leader = make_user("ministry_leader", c.root, "leader")
    t = today()
    central = issued(
        c.ministry_officer,
        ministry_leader,
        c.root,
        PARTY,
        "NQ",
        day=t - 20 * DAY,
        recipient_rule=R.SUBTREE,
        subject="Nghị quyết về tăng cường quán triệt, xây dựng và chỉnh đốn Đảng",
        disseminate_by=t - 5 * DAY,
        plan_by=t + 10 * DAY,
    )
    with transaction.atomic():  # as the activity log calls it
        services.set_dissemination(central.pk, c.commune_a1.pk, t - 10 * DAY, 2)
    pk = central.pk
    pages = [
        ("detail", {"pk": pk}),
        ("recipients", {"pk": pk}),
        ("recipient", {"pk": pk, "code": "T19"}),
        ("chain", {"pk": pk}),
        ("incoming", {}),
        ("outgoing", {}),
        ("register", {}),
    ]
    for session, username, width in ((desktop, "ministry_officer", 1366), (phone, "leader_a", 390)):
        session.log_in(username, c.password)
        for name, kwargs in pages:
            session.page.goto(session.url(f"documents:{name}", **kwargs))
            expect(session.page.locator("h1")).to_be_visible()
            scroll = session.page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (name, width, scroll)
            session.screenshot(f"documents-{name}-{width}")
        assert session.csp_violations() == [] and session.console_errors == []
    page = desktop.page
    page.goto(desktop.url("documents:detail", pk=pk))
    page.locator("#summary").get_by_role("link", name="Thái Nguyên").click()
    expect(page.locator("#summary h2")).to_contain_text("Công an tỉnh Thái Nguyên")
    page.locator("nav.tabs").get_by_role("link", name="Đơn vị nhận").click()
    page.locator(".doc-chips").get_by_role("link", name="Quá hạn, chưa thực hiện").first.click()
    expect(page.locator("table.doc-recipients")).to_contain_text("Công an xã Đại Phúc")
    expect(page.locator("table.doc-recipients")).not_to_contain_text("Phan Đình Phùng")
