"""A unit's results for a requirement met by results (báo cáo kết quả): the form with its
files, sent again to correct it, the files downloaded by who may see them — and refused when
the file is bad, the requirement is not met by results, the unit owes nothing or the user
may not send for it; a refusal writes nothing."""

import os
import unicodedata

from django.test import Client

from giaoban.audit.models import AuditEntry
from giaoban.campaigns.models import Result
from giaoban.core import uploads
from tests.campaigns.conftest import day
from tests.campaigns.fixtures_pages import PDF, ROOT, pdf, rows_of, send, signed_in, text
from tests.campaigns.fixtures_pages import media as media  # noqa: F401
from tests.campaigns.fixtures_pages import scene as scene  # noqa: F401
from tests.conftest import make_unit


def results_url(requirement, code):
    return f"{ROOT}yeu-cau/{requirement.pk}/ket-qua/{code}/"


def file_url(stored):
    return f"{ROOT}ket-qua/tep/{stored.pk}/"


def test_a_commune_sends_its_results_with_a_file_and_its_province_downloads_it(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    client = signed_in(c.commune_officer)
    url = results_url(s.r_review, "x05500")  # the code in any case
    form = client.get(url)
    assert form.status_code == 200
    assert "Công an phường Phan Đình Phùng" in text(form) and s.r_review.title in text(form)
    response = client.post(url, {"text": "Chi bộ đã tự kiểm điểm.", "files": [pdf("bien-ban.pdf")]})
    assert response.status_code == 302
    assert response["Location"] == f"{ROOT}{s.campaign.pk}/?unit=X05500#own"
    result = Result.objects.get()
    assert (result.unit, result.requirement, result.text) == (
        c.commune_a1,
        s.r_review,
        "Chi bộ đã tự kiểm điểm.",
    )
    stored = result.files.get()
    assert stored.name == "bien-ban.pdf" and stored.size == len(PDF)
    assert os.path.exists(os.path.join(uploads.media_root(), stored.stored))
    models = set(AuditEntry.objects.values_list("model", "action"))
    assert {("campaigns.Result", "create"), ("campaigns.ResultFile", "create")} <= models
    page = client.get(response["Location"])
    assert "Đã gửi báo cáo kết quả của Công an phường Phan Đình Phùng" in text(page)
    assert file_url(stored) in text(page)
    for user in (c.commune_officer, c.commune_leader, c.officer_a, c.ministry_officer):
        download = signed_in(user).get(file_url(stored))
        assert download.status_code == 200, user.username
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Disposition"].startswith("attachment")
        assert "bien-ban.pdf" in download["Content-Disposition"]
        assert download["X-Content-Type-Options"] == "nosniff"


def test_sent_again_the_text_is_replaced_the_first_day_kept_and_files_added(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    first = send(c.commune_officer, s.r_review, c.commune_a1, "Bản đầu.", day(30), "mot.pdf")
    client = signed_in(c.commune_officer)
    url = results_url(s.r_review, "X05500")
    form = client.get(url)
    assert form.context["form"].initial == {"text": "Bản đầu."} and "mot.pdf" in text(form)
    response = client.post(url, {"text": "Bản đã sửa.", "files": [pdf("hai.pdf")]})
    assert response.status_code == 302
    result = Result.objects.get()
    assert (result.pk, result.text, result.sent_on) == (first.pk, "Bản đã sửa.", day(30))
    assert sorted(result.files.values_list("name", flat=True)) == ["hai.pdf", "mot.pdf"]


def test_who_may_not_see_the_unit_downloads_nothing(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    a1 = send(c.commune_officer, s.r_review, c.commune_a1, "Phường.", day(30), "phuong.pdf")
    t19 = send(c.officer_a, s.r_review, c.province_a, "Tỉnh.", day(30), "tinh.pdf")
    a1_file, t19_file = a1.files.get(), t19.files.get()
    assert signed_in(c.officer_b).get(file_url(a1_file)).status_code == 404
    assert signed_in(c.commune_officer).get(file_url(t19_file)).status_code == 404  # above it
    assert signed_in(c.commune_officer).get(f"{ROOT}ket-qua/tep/999999/").status_code == 404
    anonymous = Client().get(file_url(a1_file))
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]


def test_a_bad_file_refuses_the_whole_sending_and_names_the_file(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    before = rows_of()
    data = {
        "text": "Chi bộ đã tự kiểm điểm.",
        "files": [pdf("tot.pdf"), pdf("gia.pdf", b"Day khong phai PDF")],
    }
    response = signed_in(c.commune_officer).post(results_url(s.r_review, "X05500"), data)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["files"])
    assert "Tệp “gia.pdf”: nội dung không phải tệp .pdf" in errors
    assert "tot.pdf" not in errors
    assert rows_of() == before
    assert not [p for p in media.rglob("*") if p.is_file()]  # the good file not kept either


def test_empty_text_or_a_nul_is_refused_beside_the_field(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    client = signed_in(c.commune_officer)
    url = results_url(s.r_review, "X05500")
    before = rows_of()
    for words, message in (
        ("", "Trường này là bắt buộc."),
        ("   ", "Nội dung là bắt buộc."),
        ("Có ký tự\x00rỗng", "Không được chứa ký tự rỗng (NUL)."),
    ):
        response = client.post(url, {"text": words})
        assert response.status_code == 400, repr(words)
        assert response.context["form"].errors["text"] == [message]
    assert rows_of() == before


def test_the_text_is_stored_in_nfc(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    nfd = "Chi bộ đã tự kiểm điểm."  # "ộ", "đ", "ự", "ể" as base letters + combining marks
    decomposed = unicodedata.normalize("NFD", nfd)
    assert decomposed != nfd
    response = signed_in(c.commune_officer).post(
        results_url(s.r_review, "X05500"), {"text": decomposed}
    )
    assert response.status_code == 302
    assert Result.objects.get().text == unicodedata.normalize("NFC", nfd)


def test_a_requirement_not_met_by_results_refuses_the_form(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    response = signed_in(c.commune_officer).get(results_url(s.r_session, "X05500"))
    assert response.status_code == 400
    assert "không đáp ứng bằng báo cáo kết quả của Công an phường Phan Đình Phùng" in text(response)
    response = signed_in(c.commune_officer).post(results_url(s.r_session, "X05500"), {"text": "x"})
    assert response.status_code == 400 and not Result.objects.exists()


def test_a_leader_reads_but_does_not_send(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    url = results_url(s.r_review, "X05500")
    for response in (
        signed_in(c.commune_leader).get(url),
        signed_in(c.commune_leader).post(url, {"text": "Lãnh đạo gửi."}),
    ):
        assert response.status_code == 403
        assert "Đồng chí không gửi được báo cáo kết quả của Công an phường Phan Đình Phùng" in (
            text(response)
        )
    assert not Result.objects.exists()


def test_a_unit_outside_the_users_scope_is_missing(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    for code in ("X05800", "T19", "X00004", "NOPE"):
        response = signed_in(c.commune_officer).post(results_url(s.r_review, code), {"text": "x"})
        assert response.status_code == 404, code
    assert signed_in(c.officer_b).get(results_url(s.r_review, "X05500")).status_code == 404
    assert not Result.objects.exists()


def test_a_unit_created_after_the_campaign_began_owes_nothing(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    new = make_unit("X05999", "Công an xã Mới Lập", "Mới Lập", "xa", c.province_a, day(60))
    response = signed_in(c.officer_a).post(results_url(s.r_review, new.code), {"text": "Báo cáo."})
    assert response.status_code == 400
    assert "Yêu cầu này không áp dụng cho đơn vị." in text(response)
    assert not Result.objects.exists()
