"""Printing a page ("In trang"): A4, the content without the navigation, a heading saying
what was printed and when, and the per-child table (a column per indicator) on landscape
pages. Chromium prints the page to PDF; pypdf reads the pages back.
"""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from giaoban.reports import bulk
from giaoban.reports.demo_form import ensure_demo_form
from tests.browser.conftest import ARTIFACTS
from tests.reports.conftest import GOOD, TEXTS

pytestmark = pytest.mark.browser

KEY = "2026-H1"
A4 = (595, 842)  # points, portrait


def page_sizes(pdf):
    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pdf.pages]


def test_a_rollup_prints_on_a4_with_its_heading_and_without_the_navigation(live_cast, desktop):
    cast = live_cast
    form = ensure_demo_form()
    bulk.import_values(
        form,
        KEY,
        [{"unit": "X05500", "values": dict(GOOD, GD02=1234), "texts": TEXTS}],
        cast.ministry_admin,
        accept_history=True,
    )
    desktop.log_in("ministry_officer", cast.password)
    page = desktop.page
    page.goto(desktop.url("reports:rollup", form=form.code, period=KEY, code="BCA"))
    heading = page.locator(".print-heading")
    expect(heading).to_be_hidden()  # on screen the page's own title says it
    expect(page.get_by_role("button", name="In trang")).to_be_visible()

    page.emulate_media(media="print")
    expect(heading).to_be_visible()
    expect(heading).to_contain_text("Bộ Công an")
    expect(heading).to_contain_text("6 tháng đầu năm 2026")  # the period in words
    expect(heading).to_contain_text("In lúc")
    for hidden in (".site-header", ".an-tabs", ".an-controls", ".toolbar"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".an-totals").first).to_be_visible()

    pdf_bytes = page.pdf(prefer_css_page_size=True, print_background=False)
    pdf = PdfReader(io.BytesIO(pdf_bytes))
    sizes = page_sizes(pdf)
    assert sizes[0] == A4  # the totals on portrait pages
    assert sizes[-1] == A4[::-1]  # the per-child table on landscape ones
    assert set(sizes) <= {A4, A4[::-1]}
    text = "\n".join(p.extract_text() for p in pdf.pages)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "print-rollup.pdf").write_bytes(pdf_bytes)
    assert "Số liệu tổng hợp" in text and "GD02" in text and "Thái Nguyên" in text
    assert "Đơn vị trực thuộc" in pdf.pages[-1].extract_text()  # the title goes with its table
    for chrome in ("Đăng xuất", "In trang", "Tải Excel", "Tất cả chỉ tiêu"):
        assert chrome not in text
    desktop.screenshot("print-rollup-screen")


def test_a_dashboard_prints_its_charts_with_their_tables_of_figures(live_cast, desktop):
    cast = live_cast
    form = ensure_demo_form()
    bulk.import_values(
        form,
        KEY,
        [{"unit": "X05500", "values": dict(GOOD, GD02=1234), "texts": TEXTS}],
        cast.ministry_admin,
        accept_history=True,
    )
    desktop.log_in("leader_a", cast.password)
    page = desktop.page
    page.goto(desktop.url("reports:dashboard", form=form.code, period=KEY, code="T19"))
    details = page.locator("details").first
    assert details.get_attribute("open") is None  # closed on screen
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert page_sizes(pdf)[0] == A4
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Thái Nguyên" in text and "In lúc" in text
    assert "So với cùng kỳ" in text  # the table inside the <details>, opened for paper
    assert "Xem đầy đủ" not in text and "Tất cả chỉ tiêu" not in text  # links, not printed
    assert details.get_attribute("open") is None  # closed again afterwards
