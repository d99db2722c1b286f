"""Issue 2, point 8: the unit browser in a real Chromium, as a province and a commune officer."""

import pytest
from playwright.sync_api import expect

from giaoban.units.models import Level, Unit

pytestmark = pytest.mark.browser


def test_a_province_officer_searches_without_diacritics_and_opens_a_commune(live_cast, desktop):
    page = desktop.log_in("officer_a", live_cast.password)
    page.click("#site-nav >> text=Đơn vị")
    expect(page.locator("h1")).to_have_text("Cây đơn vị")

    page.fill("input[name=q]", "thai nguyen")
    page.click("form.unit-search button[type=submit]")
    results = page.locator("ol.results")
    expect(results).to_contain_text("Công an tỉnh Thái Nguyên")

    results.get_by_role("link", name="Công an tỉnh Thái Nguyên").click()
    expect(page.locator("h1")).to_contain_text("Công an tỉnh Thái Nguyên")
    expect(page.locator("dl.facts")).to_contain_text("Đảng ủy Công an tỉnh Thái Nguyên")

    page.locator("#children").get_by_role("link", name="Công an phường Phan Đình Phùng").click()
    expect(page.locator("h1")).to_have_text("Công an phường Phan Đình Phùng")
    expect(page.locator("nav.breadcrumbs")).to_contain_text("Thái Nguyên")
    expect(page.locator("dl.facts")).to_contain_text("X05500")
    path = desktop.screenshot("province-officer-opens-commune")
    assert path.stat().st_size > 10_000
    assert desktop.csp_violations() == []


def test_a_commune_officer_cannot_open_or_see_the_sibling_commune(live_cast, desktop):
    page = desktop.log_in("commune_officer", live_cast.password)
    response = page.goto(desktop.url("units:detail", code=live_cast.commune_a2.code))
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Không tìm thấy trang")
    desktop.screenshot("commune-officer-sibling-404")

    page.goto(desktop.url("units:browser"))
    tree = page.locator("ul.tree")
    expect(tree).to_contain_text("Công an phường Phan Đình Phùng")
    expect(tree).not_to_contain_text("Đại Phúc")
    page.fill("input[name=q]", "dai phuc")
    page.click("form.unit-search button[type=submit]")
    expect(page.locator("#results-title")).to_contain_text("0 đơn vị")
    expect(page.locator("main")).not_to_contain_text("Công an xã Đại Phúc")
    # The fragment the tree would fetch is refused too.
    response = page.goto(desktop.url("units:children", code=live_cast.province_a.code))
    assert response.status == 404


def test_the_tree_loads_children_lazily_and_pages_through_hundreds(live_cast, desktop):
    xa = Level.objects.get(code="xa")
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"XM{i:03}",
                name=f"Công an xã Mẫu {i:03}",
                short_name=f"Mẫu {i:03}",
                level=xa,
                parent=live_cast.province_b,
                path=f"BCA/T01/XM{i:03}/",
                depth=2,
            )
            for i in range(230)
        ]
    )
    page = desktop.log_in("ministry_officer", live_cast.password)
    page.goto(desktop.url("units:browser"))
    province = page.locator("li.tree-node:has(> a:text-is('Công an thành phố Hà Nội'))")
    expect(province.locator("ul.tree-children")).to_have_count(0)  # not rendered up front

    province.locator("> button.tree-toggle").click()
    communes = province.locator("ul.tree-children > li.tree-node")
    expect(communes).to_have_count(200)
    more = province.locator("li.tree-more a")
    expect(more).to_contain_text("200/231")
    more.click()
    expect(communes).to_have_count(231)
    expect(province.locator("li.tree-more")).to_have_count(0)

    province.locator("> button.tree-toggle").click()  # collapse
    expect(province.locator("ul.tree-children")).to_be_hidden()
    assert desktop.csp_violations() == []


def test_the_browser_works_on_a_phone(live_cast, phone):
    page = phone.log_in("officer_a", live_cast.password)
    page.click("button.nav-toggle")
    page.click("#site-nav >> text=Đơn vị")
    page.fill("input[name=q]", "THAI NGUYEN")
    page.click("form.unit-search button[type=submit]")
    expect(page.locator("ol.results")).to_contain_text("Công an tỉnh Thái Nguyên")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    phone.screenshot("phone-unit-search")
