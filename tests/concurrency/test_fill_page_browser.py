"""Two officers fill in the same draft in two real Chromium windows, each page loaded
before the other saved: report-entry.js sends, with each box, what the page showed there,
and moves that on once the box is saved. A box both typed in keeps the first save, and
the second officer reads beside it who saved it and what it holds; a box only one of them
typed in is saved; correcting one's own saved figure, or pressing "Lưu" after autosaves,
is no conflict with oneself, and does not undo what the other saved."""

import pytest
from playwright.sync_api import expect

from giaoban.reports import workflow
from giaoban.reports.models import ReportValue
from tests.browser import conftest as browser_fixtures
from tests.concurrency.checks import KEY
from tests.conftest import PASSWORD
from tests.reports.conftest import GOOD, TEXTS

pytestmark = pytest.mark.browser

# The browser tests' fixtures (pytest finds fixtures by module attribute).
browser = browser_fixtures.browser
live_cast = browser_fixtures.live_cast
desktop = browser_fixtures.desktop


def figures(report):
    rows = ReportValue.objects.filter(report=report).values_list("indicator__code", "value")
    return dict(rows)


def test_two_officers_typing_in_one_draft(live_cast, desktop, browser, live_server, form):
    cast = live_cast
    from tests.conftest import make_user

    make_user("commune_officer2", cast.commune_a1, "officer")
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.commune_officer)
    workflow.save_entries(report, cast.commune_officer, GOOD, TEXTS)
    other = browser_fixtures.Session(browser, live_server.url, browser_fixtures.DESKTOP)
    try:
        url = desktop.url("reports:fill", form=form.code, period=KEY, code="X05500")
        one = desktop.log_in("commune_officer", cast.password)
        one.goto(url)
        two = other.log_in("commune_officer2", PASSWORD)
        two.goto(url)

        one.fill("#id_v-GD01", "7")
        one.locator("#id_v-GD01").blur()
        expect(one.locator(".autosave-status")).to_contain_text("Đã lưu lúc")
        two.fill("#id_v-GD01", "9")  # on a page that still shows 4
        two.locator("#id_v-GD01").blur()
        status = two.locator(".autosave-status")
        expect(status).to_contain_text("trong đó 1 ô người khác vừa lưu")
        expect(two.locator("#problems-GD01")).to_contain_text("Commune Officer đã lưu ô này")
        expect(two.locator("#problems-GD01")).to_contain_text("(nay là 7)")
        expect(two.locator("#id_v-GD01")).to_have_value("9")  # kept as typed
        two.fill("#id_v-GD02", "130")
        with two.expect_response(lambda r: r.request.method == "POST") as saved:
            two.locator("#id_v-GD02").blur()
        assert saved.value.json()["unsaved"] == ["GD01"]  # GD01 is still refused, GD02 saved
        assert (figures(report)["GD01"], figures(report)["GD02"]) == (7, 130)

        # Officer 1 corrects their own figure: no conflict with their own earlier save (the
        # box's "shown" moved on with it); then presses "Lưu", GD02 still 120 on the sheet.
        one.fill("#id_v-GD01", "8")
        with one.expect_response(lambda r: r.request.method == "POST") as saved:
            one.locator("#id_v-GD01").blur()
        assert saved.value.json()["unsaved"] == []
        one.fill("#id_v-GD03", "3")
        with one.expect_response(lambda r: r.request.method == "POST") as saved:
            one.locator("#id_v-GD03").blur()
        assert saved.value.json()["unsaved"] == []
        one.click(".entry-bar button[type=submit]")
        expect(one.locator(".messages")).to_contain_text("Đã lưu lúc")
        expect(one.locator(".messages")).not_to_contain_text("chưa lưu")
        expect(one.locator("#id_v-GD02")).to_have_value("130")  # the other's save stays
        got = figures(report)
        assert (got["GD01"], got["GD02"], got["GD03"]) == (8, 130, 3)
        assert desktop.csp_violations() == [] and other.csp_violations() == []
    finally:
        other.context.close()
