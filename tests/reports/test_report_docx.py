"""A unit's report as .docx in the state layout of Decree 30/2020, read back."""

import io

from django.urls import reverse
from docx import Document

from giaoban.reports import workflow
from tests.reports.conftest import GOOD, TEXTS

KEY = "2026-H1"


def url(unit, form):
    return reverse(
        "reports:report_docx", kwargs={"form": form.code, "period": KEY, "code": unit.code}
    )


def test_the_report_downloads_as_a_word_document_in_the_state_layout(client, form, cast):
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)
    workflow.save_entries(report, cast.officer_a, GOOD, TEXTS)
    client.force_login(cast.leader_a)
    response = client.get(url(cast.commune_a1, form))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "X05500_bao-cao.docx" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size.pt == 14
    text = "\n".join(p.text for p in doc.paragraphs)
    head = "\n".join(c.text for t in doc.tables[:1] for row in t.rows for c in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head and "Độc lập - Tự do - Hạnh phúc" in head
    assert "CÔNG AN PHƯỜNG PHAN ĐÌNH PHÙNG" in " ".join(head.split())  # may wrap
    assert "/BC-X05500" in head  # the number is written in at signing
    assert "BÁO CÁO" in text and "6 tháng đầu năm 2026" in text
    # Figures as the unit entered them, and its own narrative, nothing else.
    figures = {
        row.cells[0].text: row.cells[3].text
        for table in doc.tables
        for row in table.rows
        if len(row.cells) == 4
    }
    assert figures["GD01"] == "4" and figures["GD02"] == "120" and figures["GD09"] == "95,5"
    assert TEXTS["KQ"] in text and TEXTS["PH"] in text
    assert "Nơi nhận:" in "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)


def test_the_report_docx_is_scoped_and_linked(client, form, cast):
    report = workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)
    client.force_login(cast.officer_b)
    assert client.get(url(cast.commune_a1, form)).status_code == 404
    client.force_login(cast.commune_officer)
    page = client.get(
        reverse("reports:report", kwargs={"form": form.code, "period": KEY, "code": "X05500"})
    ).content.decode()
    assert url(cast.commune_a1, form) in page
    assert report.pk
    # No report yet: nothing to download.
    assert client.get(url(cast.commune_a2, form)).status_code == 404
