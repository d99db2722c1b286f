"""The log's pages by role and scope, filters, search, files, totals and the dashboard panel."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from giaoban.activities import panels, services
from giaoban.activities.models import Activity, ActivityFile
from giaoban.documents.models import Recipient
from tests.activities.conftest import DAY, values
from tests.activities.test_services import PDF
from tests.dbstate import fingerprint as db_snapshot

LOG = reverse("activities:log")
CREATE = reverse("activities:create")


def login(client, user):
    client.force_login(user)
    return client


def form_data(**fields):
    data = {
        "date": "",
        "kind": "the-thao",
        "title": "Hội thao chào mừng",
        "form": "direct",
        "party_members": "10",
        "officers": "1.250",
        "others": "",
        "document": "",
        "notes": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def logged(scene):
    c = scene.cast
    services.record(c.commune_officer, c.commune_a1, **values(title="Quán triệt nghị quyết"))
    services.record(c.commune_officer, c.commune_a1, **values(title="Hội thao"))
    services.record(c.officer_a, c.commune_a2, **values(title="Văn nghệ mừng Đảng", kind="van-hoa"))
    services.record(
        c.officer_a, c.province_a, **values(title="Giáo dục truyền thống", kind="gd-truyen-thong")
    )
    services.record(c.officer_b, c.province_b, **values(title="Dân vận khéo", kind="dan-van"))
    return scene


def titles(response):
    return [a.title for a in response.context["activities"]]


def test_the_log_opens_on_the_users_unit_and_any_unit_in_scope(client, logged):
    c = logged.cast
    login(client, c.commune_officer)
    response = client.get(LOG)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Hội thao", "Quán triệt nghị quyết"]
    login(client, c.officer_a)
    assert client.get(LOG, {"unit": "X05500"}).status_code == 200
    response = client.get(LOG, {"unit": "T19", "scope": "subtree"})
    assert len(titles(response)) == 4
    # Out of scope: the unit reads like one that does not exist.
    assert client.get(LOG, {"unit": "T01"}).status_code == 404
    login(client, c.officer_b)
    assert client.get(LOG, {"unit": "X05500"}).status_code == 404


def test_filters_and_search_without_diacritics(client, logged):
    c = logged.cast
    login(client, c.officer_a)
    base = {"unit": "T19", "scope": "subtree"}
    assert titles(client.get(LOG, {**base, "q": "van nghe dang"})) == ["Văn nghệ mừng Đảng"]
    assert titles(client.get(LOG, {**base, "q": "QUÁN TRIỆT"})) == ["Quán triệt nghị quyết"]
    assert titles(client.get(LOG, {**base, "kind": "gd-truyen-thong"})) == ["Giáo dục truyền thống"]
    assert titles(client.get(LOG, {"unit": "T19", "scope": "own"})) == ["Giáo dục truyền thống"]
    day = logged.today - 3 * DAY
    window = {"start": f"{day:%d/%m/%Y}", "end": f"{day:%d/%m/%Y}"}
    assert len(titles(client.get(LOG, {**base, **window}))) == 4
    before = {"end": f"{day - DAY:%d/%m/%Y}"}
    assert titles(client.get(LOG, {**base, **before})) == []
    month = f"{day.year}-M{day.month:02d}"
    assert len(titles(client.get(LOG, {**base, "period": month, "window": "1"}))) == 4
    bad = client.get(LOG, {**base, "kind": "khong-co"})
    assert bad.status_code == 400 and "Loại hoạt động" in bad.content.decode()


def test_create_by_role_and_scope(client, scene):
    c = scene.cast
    login(client, scene.viewer)
    assert client.get(CREATE, {"unit": "T19"}).status_code == 403
    assert client.post(CREATE + "?unit=T19", form_data(date="01/11/2026")).status_code == 403
    login(client, c.officer_b)
    assert client.get(CREATE, {"unit": "X05500"}).status_code == 404
    login(client, c.officer_a)
    day = scene.today - 2 * DAY
    response = client.post(CREATE + "?unit=X05500", form_data(date=f"{day:%d/%m/%Y}"))
    a = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "activities:detail", kwargs={"pk": a.pk}
    )
    assert (a.unit, a.date, a.officers, a.others) == (c.commune_a1, day, 1250, 0)


def test_create_shows_every_problem_beside_its_field_and_writes_nothing(client, scene):
    login(client, scene.cast.commune_officer)
    response = client.post(CREATE, form_data(date="hôm qua", title="", party_members="-2", kind=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ngày tổ chức: “hôm qua” không phải là ngày" in page
    assert "Tên hoạt động: bắt buộc nhập." in page
    assert "Số đảng viên tham dự: không được âm." in page
    assert "Loại hoạt động: bắt buộc chọn." in page
    assert not Activity.objects.exists()


def test_a_session_from_the_document_page_meets_the_obligation(client, scene):
    c = scene.cast
    login(client, c.commune_officer)
    page = client.get(CREATE, {"document": scene.document.pk})
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["document"] == str(scene.document.pk)
    assert form.initial["kind"] == "quan-triet"
    offered = [value for value, _label in form.fields["document"].widget.choices]
    assert str(scene.document.pk) in offered
    data = form_data(
        date=f"{scene.due:%d/%m/%Y}", kind="quan-triet", document=str(scene.document.pk)
    )
    assert client.post(CREATE, data).status_code == 302
    r = Recipient.objects.get(document=scene.document, unit=c.commune_a1)
    assert (r.disseminated_on, r.sessions) == (scene.due, 1)
    # A document not received: a warning, nothing pre-selected.
    page = client.get(CREATE, {"document": 999999})
    assert page.status_code == 200 and page.context["warning"]


def test_edit_and_delete_by_role_and_scope(client, scene):
    c = scene.cast
    a = services.record(c.commune_officer, c.commune_a1, **values())
    edit = reverse("activities:edit", kwargs={"pk": a.pk})
    delete = reverse("activities:delete", kwargs={"pk": a.pk})
    login(client, c.officer_b)
    assert client.get(edit).status_code == 404
    assert client.post(delete).status_code == 404
    login(client, scene.viewer)
    assert client.get(reverse("activities:detail", kwargs={"pk": a.pk})).status_code == 200
    assert client.get(edit).status_code == 403
    assert client.post(delete).status_code == 403
    login(client, c.officer_a)
    day = scene.today - DAY
    response = client.post(edit, form_data(date=f"{day:%d/%m/%Y}", title="Đã sửa"))
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.title, a.date) == ("Đã sửa", day)
    assert client.get(delete).status_code == 200  # the confirmation page
    assert Activity.objects.exists()
    response = client.post(delete)
    assert response.status_code == 302 and not Activity.objects.exists()


def test_evidence_download_headers_and_removal(client, scene):
    c = scene.cast
    upload = SimpleUploadedFile("biên bản.pdf", PDF, content_type="application/pdf")
    a = services.record(c.commune_officer, c.commune_a1, files=[upload], **values())
    f = ActivityFile.objects.get(activity=a)
    url = reverse("activities:file", kwargs={"pk": f.pk})
    login(client, c.officer_b)
    assert client.get(url).status_code == 404
    login(client, scene.viewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    remove = reverse("activities:file_remove", kwargs={"pk": f.pk})
    assert client.post(remove).status_code == 403
    assert client.get(remove).status_code == 405
    login(client, c.commune_officer)
    assert client.post(remove).status_code == 302
    assert not ActivityFile.objects.exists()


def test_files_added_on_the_form_are_checked(client, scene):
    login(client, scene.cast.commune_officer)
    bad = SimpleUploadedFile("anh.png", b"not a png", content_type="image/png")
    data = form_data(date=f"{scene.today:%d/%m/%Y}", files=bad)
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert "nội dung không phải tệp .png" in response.content.decode()
    assert not Activity.objects.exists()


def test_totals_page_and_dashboard_panel(client, logged):
    c = logged.cast
    login(client, c.ministry_officer)
    response = client.get(reverse("activities:totals"), {"unit": "BCA"})
    assert response.status_code == 200
    assert response.context["total"].activities == 5
    per_child = {child.code: row.activities for child, row in response.context["child_rows"]}
    assert per_child == {"CTDCT": 0, "T19": 4, "T01": 1}
    kinds = {k.code: row.activities for k, row in response.context["kinds"]}
    assert kinds["the-thao"] == 2 and kinds["dan-van"] == 1
    day = logged.today - 3 * DAY
    response = client.get(
        reverse("activities:totals"),
        {"unit": "T19", "start": f"{day + DAY:%d/%m/%Y}", "end": f"{logged.today:%d/%m/%Y}"},
    )
    assert response.context["total"].activities == 0
    request = RequestFactory().get("/")
    request.user = c.officer_a
    html = panels.dashboard_panel(request, c.province_a, day, logged.today)
    assert "Hoạt động theo loại" in html and "Thể dục, thể thao" in html
    request.user = c.officer_b
    assert panels.dashboard_panel(request, c.province_a, day, logged.today) is None


def test_gets_write_nothing(client, logged):
    c = logged.cast
    a = Activity.objects.filter(unit=c.province_a).get()
    login(client, c.officer_a)
    before = db_snapshot()
    for url in [
        LOG + "?unit=T19&scope=subtree",
        CREATE + f"?unit=X05500&document={logged.document.pk}",
        reverse("activities:detail", kwargs={"pk": a.pk}),
        reverse("activities:edit", kwargs={"pk": a.pk}),
        reverse("activities:delete", kwargs={"pk": a.pk}),
        reverse("activities:totals") + "?unit=T19",
        reverse("activities:export") + "?unit=T19",
        reverse("activities:template") + "?unit=T19",
        reverse("activities:upload") + "?unit=T19",
    ]:
        assert client.get(url).status_code == 200, url
    assert db_snapshot() == before
