"""The Excel upload page in a real browser: every problem listed, nothing written."""

import pytest

from giaoban.reports import excel
from giaoban.reports.demo_form import ensure_demo_form
from tests.reports.test_excel_views import KEY, counts, fill_subtree, url


@pytest.fixture
def form(cast):
    return ensure_demo_form()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_upload_page_shows_each_problem_in_a_browser(
    browser, live_server, form, cast, client, tmp_path
):
    from playwright.sync_api import expect

    units, _sent = excel.template_units(form, form.period(KEY), cast.province_a, cast.officer_a)
    data = excel.subtree_template(form, form.period(KEY), cast.province_a, units)
    bad = tmp_path / "so-lieu-tinh.xlsx"
    bad.write_bytes(
        fill_subtree(data, {"X05500": {"GD01": "bốn", "GD02": 1}, "X00004": {"GD01": 2}})
    )
    client.force_login(cast.officer_a)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    errors = []
    for name, size in (("desktop", (1366, 768)), ("phone", (390, 844))):
        context = browser.new_context(
            locale="vi-VN", viewport={"width": size[0], "height": size[1]}
        )
        context.add_cookies([{**cookie, "url": live_server.url}])
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        # The refused upload is answered with 400, which Chromium logs; nothing else may be.
        page.on(
            "console",
            lambda m: m.type == "error" and "status of 400" not in m.text and errors.append(m.text),
        )
        page.goto(live_server.url + url("upload", "T19"))
        page.set_input_files("input[type=file]", str(bad))
        page.get_by_role("button", name="Kiểm tra và ghi").click()
        expect(page.get_by_role("heading", name="Tệp có 2 lỗi — chưa ghi gì")).to_be_visible()
        rows = page.locator("table.excel-problem-table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(1)).to_contain_text(
            "Không có đơn vị mã “X00004” trong phạm vi của đồng chí"
        )
        page.screenshot(path=tmp_path / f"upload-errors-{name}.png", full_page=True)
        context.close()
    assert errors == []
    assert counts() == (0, 0, 0)
