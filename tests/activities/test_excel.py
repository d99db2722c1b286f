"""The Excel template, its upload (all or nothing, problems by row and column), the export."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from giaoban.activities import services, tally
from giaoban.activities.models import Activity
from giaoban.documents.models import Recipient
from tests.activities.conftest import DAY, values

TEMPLATE = reverse("activities:template")
UPLOAD = reverse("activities:upload")
EXPORT = reverse("activities:export")
FIRST_ROW = 7


def template(client, user, unit="T19"):
    client.force_login(user)
    response = client.get(TEMPLATE, {"unit": unit})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def upload(client, wb, unit="T19"):
    out = io.BytesIO()
    wb.save(out)
    file = SimpleUploadedFile("hoat-dong.xlsx", out.getvalue())
    return client.post(f"{UPLOAD}?unit={unit}", {"file": file})


def fill(ws, row, cells):
    for column, value in cells.items():
        ws[f"{column}{row}"] = value


def test_the_template_has_headers_lists_and_instructions(client, scene):
    wb = template(client, scene.cast.officer_a)
    assert wb.sheetnames == ["Hoạt động", "Hướng dẫn", "Danh mục"]
    ws = wb["Hoạt động"]
    headers = [c.value for c in ws[FIRST_ROW - 1]]
    assert headers[:5] == [
        "Mã đơn vị",
        "Ngày tổ chức (dd/mm/yyyy)",
        "Loại hoạt động",
        "Tên hoạt động",
        "Hình thức",
    ]
    assert headers[8] == "Văn bản được quán triệt (số, ký hiệu)"
    assert wb["Danh mục"].sheet_state == "hidden"
    kinds = [r[0].value for r in wb["Danh mục"].iter_rows(min_row=2) if r[0].value]
    assert "Học tập, quán triệt văn bản" in kinds and len(kinds) == 9
    docs = [r[2].value for r in wb["Danh mục"].iter_rows(min_row=2) if r[2].value]
    assert docs == [f"{scene.document.symbol} ({scene.issued_on:%d/%m/%Y})"]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert f"C{FIRST_ROW}:C306" in lists and "'Danh mục'!$A$2" in lists[f"C{FIRST_ROW}:C306"]
    guide = [r[0].value for r in wb["Hướng dẫn"].iter_rows()]
    assert any("không ghi họ tên" in (line or "") for line in guide)
    assert client.get(TEMPLATE, {"unit": "T01"}).status_code == 404


def test_fill_and_upload_round_trip(client, scene):
    c = scene.cast
    wb = template(client, c.officer_a)
    ws = wb["Hoạt động"]
    day = scene.today - 2 * DAY
    fill(ws, FIRST_ROW, {"B": day, "C": "Thể dục, thể thao", "D": "Hội thao", "F": 10, "G": 20})
    fill(
        ws,
        FIRST_ROW + 1,
        {
            "A": "X05500",
            "B": f"{scene.due:%d/%m/%Y}",
            "C": "hoc tap, quan triet van ban",
            "D": "Quán triệt nghị quyết",
            "E": "Trực tuyến",
            "F": "1.200",
            "I": f"{scene.document.symbol} ({scene.issued_on:%d/%m/%Y})",
            "J": "Toàn thể chi bộ",
        },
    )
    fill(ws, FIRST_ROW + 3, {"A": "X05800"})  # a unit code alone: an empty row
    response = upload(client, wb)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response.context["result"].created == 2
    province = Activity.objects.get(unit=c.province_a)
    assert (province.date, province.kind.code, province.officers) == (day, "the-thao", 20)
    session = Activity.objects.get(unit=c.commune_a1)
    assert (session.form, session.party_members, session.document) == (
        "online",
        1200,
        scene.document,
    )
    r = Recipient.objects.get(document=scene.document, unit=c.commune_a1)
    assert (r.disseminated_on, r.sessions) == (scene.due, 1)
    assert tally.stored() == tally.recompute()


def test_an_upload_with_errors_names_rows_and_columns_and_writes_nothing(client, scene):
    c = scene.cast
    wb = template(client, c.officer_a)
    ws = wb["Hoạt động"]
    day = scene.today - 2 * DAY
    fill(ws, FIRST_ROW, {"B": day, "C": "Thể dục, thể thao", "D": "Hội thao đúng"})
    fill(ws, FIRST_ROW + 1, {"B": "32/13/2026", "C": "Bóng bàn", "D": "Sai", "F": -4})
    fill(ws, FIRST_ROW + 2, {"A": "T01", "B": day, "C": "Dân vận", "D": "Ngoài phạm vi"})
    fill(ws, FIRST_ROW + 3, {"B": day, "C": "Dân vận", "D": "Công thức", "G": "=1+1"})
    response = upload(client, wb)
    assert response.status_code == 400
    found = {(p.row, p.column) for p in response.context["problems"]}
    assert found == {(FIRST_ROW + 3, "G")}  # formulas are refused first, alone
    ws[f"G{FIRST_ROW + 3}"] = 3
    response = upload(client, wb)
    assert response.status_code == 400
    found = {(p.row, p.column, p.code) for p in response.context["problems"]}
    assert found == {
        (FIRST_ROW + 1, "B", "Ngày tổ chức (dd/mm/yyyy)"),
        (FIRST_ROW + 1, "C", "Loại hoạt động"),
        (FIRST_ROW + 1, "F", "Số đảng viên tham dự"),
        (FIRST_ROW + 2, "A", "Mã đơn vị"),
    }
    page = response.content.decode()
    assert "chưa ghi gì" in page and "“Bóng bàn” không có trong danh mục loại hoạt động" in page
    assert not Activity.objects.exists()


def test_upload_refuses_what_is_not_the_template(client, scene):
    client.force_login(scene.cast.officer_a)
    file = SimpleUploadedFile("x.xlsx", b"not a zip at all")
    response = client.post(f"{UPLOAD}?unit=T19", {"file": file})
    assert response.status_code == 400
    assert "không phải là bảng tính Excel" in response.content.decode()
    client.force_login(scene.viewer)
    assert client.get(UPLOAD, {"unit": "T19"}).status_code == 403


def test_the_export_reads_back(client, scene):
    c = scene.cast
    services.record(c.officer_a, c.commune_a1, **values(title="Hội thao xã", party_members=4))
    services.record(c.officer_a, c.province_a, **values(title="Dân vận tỉnh", kind="dan-van"))
    services.record(c.officer_b, c.province_b, **values(title="Hà Nội"))
    client.force_login(c.officer_a)
    response = client.get(EXPORT, {"unit": "T19", "scope": "subtree", "q": "hoi thao"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
    assert len(rows) == 2
    assert rows[0][1:6] == [
        "Công an phường Phan Đình Phùng",
        "Thể dục, thể thao",
        "Hội thao xã",
        "Trực tiếp",
        4,
    ]
    assert rows[0][8] == 4 + 30 + 5
    assert rows[1][0] == "Cộng: 1 hoạt động" and rows[1][8] == 39
    everything = client.get(EXPORT, {"unit": "T19", "scope": "subtree"})
    ws = load_workbook(io.BytesIO(everything.content)).active
    assert len(list(ws.iter_rows(min_row=6))) == 3
