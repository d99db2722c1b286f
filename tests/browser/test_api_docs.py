"""The interactive API docs work in a real browser under the CSP, with nothing from outside."""

import pytest
from playwright.sync_api import expect

from tests.api.test_openapi import api_routes

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


def test_the_docs_render_every_endpoint_offline(live_server, browser_page):
    page = browser_page
    page.goto(live_server.url + "/api/docs")
    expect(page.locator(".opblock-summary-path")).to_have_count(len(api_routes()))
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {p.replace("\u200b", "") for p in paths} == api_routes()
    expect(page.get_by_text("Danh sách đơn vị trong phạm vi")).to_be_visible()
    assert_clean(page, live_server.url)


def test_try_it_out_calls_the_api_with_the_session(
    live_server, browser_page, cast, client, tmp_path
):
    client.force_login(cast.officer_a)
    browser_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = browser_page
    page.goto(live_server.url + "/api/docs")
    me = page.locator(".opblock", has=page.locator(".opblock-summary-path", has_text="/api/me"))
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    body = me.locator(".live-responses-table tbody .response-col_description pre")
    expect(body.first).to_contain_text('"username": "officer_a"')
    expect(me.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    page.screenshot(path=tmp_path / "api-docs.png", full_page=True)
    assert_clean(page, live_server.url)
