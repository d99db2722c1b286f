"""The consolidated report in a real Chromium: the ministry's officer opens the draft for
2026-H1, picks two sentences of Thái Nguyên's report, shortens the excerpt to one, and
exports the Word file; the editor and the print view fit a desktop and a phone."""

import io

import pytest
from docx import Document as Docx
from playwright.sync_api import expect

from giaoban.conferences import consolidation as svc
from giaoban.conferences import excerpts
from giaoban.conferences.models import Consolidation, ConsolidationExport, Part
from tests.conferences import conftest as scene
from tests.conferences.conftest import KEY, KQ_A

pytestmark = pytest.mark.browser

# The conferences' fixtures (pytest finds fixtures by module attribute): the demo form, and
# Thái Nguyên's and Hà Nội's reports sent up for 2026-H1.
form = scene.form
ministry_leader = scene.ministry_leader
leader_b = scene.leader_b
sent = scene.sent


def _fits(session, width, name):
    page = session.page
    expect(page.locator("h1").first).to_be_visible()
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (name, width, scroll)
    session.screenshot(f"consolidation-{name}-{width}")


def test_the_officer_drafts_picks_shortens_and_exports(live_cast, form, sent, desktop, phone):
    c = live_cast
    page = desktop.page
    desktop.log_in("ministry_officer", c.password)
    page.goto(desktop.url("conferences:consolidation_new"))
    page.select_option("#id_unit", "BCA")
    page.check("input[name=body][value=party]")
    page.select_option("#id_period", KEY)
    page.get_by_role("button", name="Lập dự thảo").click()
    draft = Consolidation.objects.get()
    page.wait_for_url(desktop.url("conferences:consolidation", pk=draft.pk))
    expect(page.locator(".cs-submitted")).to_contain_text("2/3 đơn vị đã gửi báo cáo")
    _fits(desktop, 1366, "editor-empty")

    # Pick the first two sentences of Thái Nguyên's "Kết quả đạt được".
    spans = excerpts.sentences(KQ_A)
    candidate = page.locator(f"#ung-vien-{sent['T19'].pk}")
    candidate.get_by_text("Chọn câu…").click()
    boxes = candidate.locator("input[name=fragments]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    expect(candidate.locator("[data-cs-count]")).to_have_text("Đã chọn 2/3 câu")
    first, second = (KQ_A[s:e] for s, e in spans[:2])
    expect(candidate.locator("[data-cs-preview-text]")).to_have_text(f"{first} {second}")
    candidate.get_by_role("button", name="Trích các câu đã chọn").click()
    quoted = page.locator("li.cs-excerpt")
    expect(quoted).to_contain_text(second)
    expect(quoted).to_contain_text("Công an tỉnh Thái Nguyên")
    part = Part.objects.get()
    assert part.text == f"{first} {second}"

    # Shorten it to its first sentence.
    quoted.get_by_text("Rút gọn…").click()
    quoted.locator("input[name=fragments]").nth(1).uncheck()
    quoted.get_by_role("button", name="Lưu đoạn rút gọn").click()
    expect(page.locator(".messages")).to_contain_text("Đã rút gọn đoạn trích")
    expect(page.locator("li.cs-excerpt blockquote.cs-text")).to_have_text(first)
    part.refresh_from_db()
    assert part.text == first and excerpts.verify(KQ_A, part.fragments, part.text)

    # Export the Word file.
    with page.expect_download() as info:
        page.get_by_role("button", name="Xuất tệp Word").click()
    download = info.value
    assert download.suggested_filename == "bao-cao-tong-hop-BCA-2026-H1-du-thao.docx"
    with open(download.path(), "rb") as file:
        doc = Docx(io.BytesIO(file.read()))
    assert f"Công an tỉnh Thái Nguyên: {first}[1]" in [p.text for p in doc.paragraphs]
    assert ConsolidationExport.objects.filter(consolidation=draft).count() == 1

    # The pages with more in them, on a desktop and a phone.
    svc.add_own(c.ministry_officer, draft, "", "Thực hiện Chương trình công tác năm 2026.")
    svc.add_own(c.ministry_officer, draft, "KQ", "Công tác đảng được triển khai đồng bộ.")
    svc.add_excerpt(c.ministry_officer, draft, "KQ", sent["T01"].pk, "KQ")
    phone.log_in("ministry_officer", c.password)
    for session, width in ((desktop, 1366), (phone, 390)):
        session.page.goto(session.url("conferences:consolidation", pk=draft.pk))
        _fits(session, width, "editor")
        session.page.goto(session.url("conferences:consolidation_print", pk=draft.pk))
        _fits(session, width, "print")
        session.page.goto(session.url("conferences:consolidation_new"))
        _fits(session, width, "new")
        assert session.csp_violations() == [] and session.console_errors == []
