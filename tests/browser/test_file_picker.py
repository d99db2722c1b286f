"""The Excel upload page in a real browser: no English from the browser's own file control
and no validation bubble; the server's Vietnamese message beside the field instead."""

import pytest
from playwright.sync_api import expect

from giaoban.reports.demo_form import ensure_demo_form
from tests.reports.test_excel_views import url

pytestmark = pytest.mark.browser

# What Chromium itself writes on and around a file input, in English.
BROWSER_ENGLISH = ("Choose File", "Choose file", "No file chosen", "Please fill out this field")


def open_upload_page(session, cast):
    ensure_demo_form()
    page = session.log_in(cast.officer_a.username, cast.password)
    page.goto(session.base_url + url("upload", "T19"))
    return page


def assert_no_browser_english(page):
    # innerText of the body, plus what the file input would say about itself.
    text = page.inner_text("body")
    assert [word for word in BROWSER_ENGLISH if word in text] == []
    native = page.locator("input[type=file]")
    box = native.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1, box


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_file_box_speaks_vietnamese(live_cast, request, size, tmp_path):
    session = request.getfixturevalue(size)
    page = open_upload_page(session, live_cast)
    form = page.locator("form.excel-upload")
    picker = form.locator(".file-picker")
    expect(picker.get_by_text("Chọn tệp…")).to_be_visible()
    expect(picker.locator(".file-name")).to_have_text("Chưa chọn tệp")
    assert_no_browser_english(page)
    # The native input is still there for the keyboard and screen readers, and required.
    native = form.locator("input[type=file]")
    assert native.get_attribute("required") is not None
    assert "Chọn tệp…" in native.evaluate(
        "el => Array.from(el.labels).map(l => l.textContent).join(' ')"
    )
    native.focus()
    expect(native).to_be_focused()

    # Sent empty: no browser bubble (the form does not validate itself), the server's
    # Vietnamese message beside the field.
    assert form.evaluate("f => f.noValidate") is True
    form.get_by_role("button", name="Kiểm tra và ghi").click()
    error = page.locator(".field.has-error .field-error")
    expect(error).to_have_text("Tệp Excel đã điền (.xlsx): Chưa chọn tệp để tải lên.")
    assert_no_browser_english(page)
    session.screenshot(f"file-picker-{size}-empty")

    # A chosen file is named beside the button.
    chosen = tmp_path / "so-lieu-thai-nguyen.xlsx"
    chosen.write_bytes(b"PK")
    page.set_input_files("form.excel-upload input[type=file]", str(chosen))
    expect(page.locator("form.excel-upload .file-name")).to_have_text("so-lieu-thai-nguyen.xlsx")
    assert session.csp_violations() == []
    session.screenshot(f"file-picker-{size}-chosen")
