"""The conference's files read back: the agenda and the participants with attendance as
.docx (the host body's header) and .xlsx, the minutes as .docx (marked as a draft until the
close); each scoped as its page is (a participant gets its own row; out of scope: 404)."""

import io

import pytest
from django.urls import reverse
from docx import Document as Docx
from openpyxl import load_workbook

from giaoban.conferences import services
from giaoban.exports.docx import DOCX_TYPE, PARTY_HEADER
from giaoban.exports.xlsx import XLSX_TYPE
from tests.conferences.test_conference_fixtures import A, participant
from tests.conferences.test_conference_fixtures import conference as conference  # noqa: F401

HEAD = ("TT", "Nội dung", "Đơn vị trình bày", "Thời lượng (phút)", "Văn bản liên quan")


def url(name, conference):
    return reverse(f"conferences:{name}", kwargs={"pk": conference.pk})


@pytest.fixture
def kept(cast, conference, ministry_leader):
    officer = cast.ministry_officer
    services.add_item(officer, conference, "Khai mạc", cast.root, 10)
    services.add_item(officer, conference, "Báo cáo sơ kết 6 tháng", cast.department, 30)
    rows = {p.unit.code: p for p in conference.participants.select_related("unit")}
    services.set_attendance(
        officer,
        conference,
        {
            rows["T19"].pk: (A.PRESENT, "", 3),
            rows["T01"].pk: (A.ABSENT, "Trực sẵn sàng chiến đấu", None),
            rows["CTDCT"].pk: (A.PRESENT, "", 2),
        },
    )
    services.save_minutes(officer, conference, "Đồng chí Cục trưởng báo cáo.\nCác tỉnh phát biểu.")
    services.add_conclusion(officer, conference, "Tiếp tục quán triệt nghị quyết.")
    return conference


def get(client, user, name, conference, content_type):
    client.force_login(user)
    response = client.get(url(name, conference))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "attachment" in response["Content-Disposition"]
    return response.content


def docx_text(data):
    doc = Docx(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return doc, paragraphs, tables


def test_the_agenda_as_word_in_the_party_layout(client, cast, kept):
    data = get(client, cast.ministry_officer, "conference_agenda_docx", kept, DOCX_TYPE)
    doc, paragraphs, tables = docx_text(data)
    assert any(PARTY_HEADER in cell for row in tables[0] for cell in row)  # the masthead
    assert "CHƯƠNG TRÌNH" in paragraphs and kept.title in paragraphs
    assert any(p.startswith("Thời gian: 08 giờ 00 đến 11 giờ 30, ngày") for p in paragraphs)
    agenda = tables[-1]
    assert agenda[0] == list(HEAD)
    assert agenda[1][:4] == ["1", "Khai mạc", "Bộ Công an", "10"]
    assert agenda[2][:4] == ["2", "Báo cáo sơ kết 6 tháng", cast.department.name, "30"]
    assert agenda[3][1:4] == ["Tổng thời lượng", "", "40"]
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 30


def test_the_participants_with_attendance_as_word(client, cast, kept):
    data = get(client, cast.ministry_officer, "conference_participants_docx", kept, DOCX_TYPE)
    _doc, paragraphs, tables = docx_text(data)
    assert "DANH SÁCH" in paragraphs
    rows = tables[-1]
    assert rows[0] == ["TT", "Đơn vị", "Điểm danh", "Lý do vắng", "Số đại biểu"]
    body = {r[1]: r[2:] for r in rows[1:-1]}
    assert body["Công an tỉnh Thái Nguyên"] == ["Có mặt", "", "3"]
    assert body["Công an thành phố Hà Nội"] == ["Vắng mặt", "Trực sẵn sàng chiến đấu", ""]
    assert rows[-1][1:] == ["Cộng: 3 đơn vị", "Có mặt 2/3", "Vắng 1", "5"]


def test_the_minutes_as_word_are_a_draft_until_the_close(client, cast, kept, ministry_leader):
    data = get(client, cast.ministry_officer, "conference_minutes_docx", kept, DOCX_TYPE)
    _doc, paragraphs, _tables = docx_text(data)
    assert any("DỰ THẢO" in p for p in paragraphs) and "BIÊN BẢN" in paragraphs
    assert "Đồng chí Cục trưởng báo cáo." in paragraphs and "Các tỉnh phát biểu." in paragraphs
    assert "1. Tiếp tục quán triệt nghị quyết." in paragraphs
    assert any("2/3 đơn vị được triệu tập (5 đại biểu)" in p for p in paragraphs)
    services.close(ministry_leader, kept)
    data = get(client, cast.ministry_officer, "conference_minutes_docx", kept, DOCX_TYPE)
    _doc, paragraphs, _tables = docx_text(data)
    assert not any("DỰ THẢO" in p for p in paragraphs)


def test_the_workbook_has_the_agenda_and_the_attendance(client, cast, kept):
    data = get(client, cast.ministry_officer, "conference_xlsx", kept, XLSX_TYPE)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Chương trình", "Đơn vị dự"]
    agenda = [r for r in wb["Chương trình"].iter_rows(values_only=True) if any(r)]
    head = agenda.index(HEAD)
    assert agenda[head + 1][:4] == (1, "Khai mạc", "Bộ Công an", 10)
    assert agenda[head + 3][1] == "Tổng thời lượng" and agenda[head + 3][3] == 40
    people = [r for r in wb["Đơn vị dự"].iter_rows(values_only=True) if any(r)]
    by_code = {r[1]: r for r in people if r[1] in ("T19", "T01", "CTDCT")}
    assert by_code["T19"][3:] == ("Có mặt", None, 3)
    assert by_code["T01"][3:5] == ("Vắng mặt", "Trực sẵn sàng chiến đấu")
    assert people[-1][3:] == ("Có mặt 2/3", "Vắng 1", 5)


def test_a_participant_exports_its_own_row_and_out_of_scope_gets_404(client, cast, kept):
    data = get(client, cast.officer_a, "conference_xlsx", kept, XLSX_TYPE)
    people = [r for r in load_workbook(io.BytesIO(data))["Đơn vị dự"].iter_rows(values_only=True)]
    names = {r[2] for r in people if r and r[2]}
    assert "Công an tỉnh Thái Nguyên" in names and "Công an thành phố Hà Nội" not in names
    data = get(client, cast.officer_a, "conference_participants_docx", kept, DOCX_TYPE)
    _doc, paragraphs, tables = docx_text(data)
    assert "Hà Nội" not in " ".join(c for row in tables[-1] for c in row)
    assert any("thuộc phạm vi của người lập danh sách" in p for p in paragraphs)
    data = get(client, cast.officer_a, "conference_minutes_docx", kept, DOCX_TYPE)
    assert not any("đơn vị được triệu tập" in p for p in docx_text(data)[1])
    client.force_login(cast.commune_officer)
    for name in ("conference_agenda_docx", "conference_minutes_docx", "conference_xlsx"):
        assert client.get(url(name, kept)).status_code == 404


def test_a_state_host_prints_the_national_header(client, cast, form):
    from tests.conferences.conftest import KEY
    from tests.conferences.test_conference_fixtures import DAY

    conference = services.create(cast.ministry_officer, cast.root, form, KEY, DAY, body="state")
    data = get(client, cast.ministry_officer, "conference_agenda_docx", conference, DOCX_TYPE)
    _doc, paragraphs, tables = docx_text(data)
    cells = " ".join(c for row in tables[0] for c in row)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert "(Chương trình chưa có mục nào.)" in paragraphs
    assert participant(conference, cast.province_a).attendance == ""
