"""The API docs page in a real browser: every endpoint, Vietnamese, under the CSP, offline."""

import pytest
from playwright.sync_api import expect

from giaoban.api.api import api
from tests.api.test_openapi import api_routes
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE

# The live server reads committed data; serialized_rollback brings back the rows the
# migrations wrote (the levels) after each flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Added before any page script runs (through the DevTools protocol, so the CSP does not
# apply to it): every policy violation the page causes is kept for the test to read.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def browser_page(live_server, browser):
    # The session's one Chromium (tests/browser/conftest.py): a second sync Playwright
    # cannot start while the first one's event loop runs.
    context = browser.new_context(locale="vi-VN")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.seen = {"requests": [], "errors": []}
    page.on("request", lambda r: page.seen["requests"].append(r.url))
    page.on("pageerror", lambda e: page.seen["errors"].append(str(e)))
    page.on(
        "console",
        lambda m: m.type == "error" and page.seen["errors"].append(m.text),
    )
    yield page
    context.close()


def assert_clean(page, origin):
    outside = [u for u in page.seen["requests"] if not u.startswith(origin + "/")]
    assert outside == []
    assert page.evaluate("window.__cspViolations") == []
    assert page.seen["errors"] == []


ENGLISH = ("Try it out", "Execute", "Parameters", "Responses", "Unauthorized", "Not Found")


def operation_count():
    return sum(len(methods) for methods in api.get_openapi_schema()["paths"].values())


def test_the_docs_render_every_endpoint_offline(live_server, browser_page):
    page = browser_page
    page.goto(live_server.url + "/api/docs")
    expect(page.locator("article.api-op")).to_have_count(operation_count())
    paths = page.locator("article.api-op .api-path").all_inner_texts()
    assert set(paths) == api_routes()
    expect(page.get_by_role("heading", name="Đơn vị", exact=True)).to_be_visible()
    expect(page.locator("#listUnits").get_by_text("Danh sách đơn vị trong phạm vi")).to_be_visible()
    text = page.inner_text("main")
    assert [word for word in ENGLISH if word in text] == []
    assert_clean(page, live_server.url)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_contents_lead_to_each_operation(live_server, browser_page, size):
    page = browser_page
    page.set_viewport_size(DESKTOP if size == "desktop" else PHONE)
    page.goto(live_server.url + "/api/docs")
    page.screenshot(path=ARTIFACTS / f"api-docs-{size}.png")
    page.locator("nav.api-toc").get_by_role(
        "link", name="Gửi số liệu của nhiều đơn vị trong một yêu cầu"
    ).click()
    page.wait_for_url("**/api/docs#importReportValues")
    operation = page.locator("#importReportValues")
    expect(operation).to_be_in_viewport()
    expect(operation.get_by_role("heading", name="Nội dung gửi lên (JSON)")).to_be_visible()
    # The body's shape is one link away.
    operation.get_by_role("link", name="BulkIn").first.click()
    expect(page.locator("#schema-BulkIn")).to_be_in_viewport()
    page.screenshot(path=ARTIFACTS / f"api-docs-{size}-bulk.png")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {size} size"
    assert_clean(page, live_server.url)
