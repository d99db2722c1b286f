"""The documents app's writing pages, by role: draft, edit with versions, review, issue with
each recipient rule, metadata after issue, links, files, results and plans, issuing bodies.

Every bad input gets a 4xx with a Vietnamese message naming the field, and nothing written
(row counts compared before and after).
"""

import datetime
import unicodedata

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from giaoban.audit.models import AuditEntry
from giaoban.core import uploads
from giaoban.documents import services
from giaoban.documents.models import (
    Attachment,
    Document,
    DocumentLink,
    DocumentVersion,
    IssuingBody,
    NumberCounter,
    Recipient,
)
from giaoban.units.models import Level
from tests.browser import conftest as browser_fixtures
from tests.documents.conftest import PARTY, STATE, draft, issued, kind

# The browser test's fixtures (pytest finds fixtures by module attribute).
browser = browser_fixtures.browser
live_cast = browser_fixtures.live_cast
desktop = browser_fixtures.desktop
phone = browser_fixtures.phone

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
MODELS = (Document, DocumentVersion, DocumentLink, Recipient, Attachment, NumberCounter)


def dmy(day):
    return day.strftime("%d/%m/%Y")


def later(days):
    return TODAY + datetime.timedelta(days=days)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def url(name, **kwargs):
    return reverse(f"documents:{name}", kwargs=kwargs)


def text_of(response):
    return response.content.decode()


def as_user(client, user):
    client.force_login(user)
    return client


def draft_data(unit, body=STATE, abbr="KH", **extra):
    data = {
        "unit": unit.code,
        "body": body,
        "kind": str(kind(body, abbr).pk),
        "subject": "Kế hoạch tuyên truyền nghị quyết",
        "body_text": "Dòng một.\nDòng hai.\nDòng ba.",
        "secrecy": "",
        "recipient_rule": Document.Rule.CHILDREN,
        "disseminate_by": dmy(later(10)),
    }
    data.update(extra)
    return data


def edit_data(document, **extra):
    data = draft_data(document.unit, document.issuer.body, document.kind.abbreviation)
    del data["unit"], data["body"]
    data["kind"] = str(document.kind_id)
    data.update(extra)
    return data


def in_review(officer, unit, **fields):
    document = draft(officer, unit, **fields)
    return services.send_for_review(document, officer)


def upload(name, content, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


# ---------------------------------------------------------------- the lifecycle


def test_the_whole_lifecycle_through_the_pages(client, cast):
    officer = as_user(client, cast.officer_a)
    assert officer.get(url("create")).status_code == 200
    response = officer.post(url("create"), draft_data(cast.province_a))
    assert response.status_code == 302, text_of(response)
    document = Document.objects.get()
    assert document.status == Document.Status.DRAFT
    assert response["Location"] == url("detail", pk=document.pk)

    page = officer.get(url("edit", pk=document.pk))
    assert page.status_code == 200
    assert "Phiên bản 1" in text_of(page)
    for body in ("Dòng một.\nDòng hai sửa.\nDòng ba.", "Dòng một.\nDòng hai sửa.\nDòng bốn."):
        response = officer.post(url("edit", pk=document.pk), edit_data(document, body_text=body))
        assert response.status_code == 302, text_of(response)
    assert list(document.versions.values_list("number", flat=True)) == [3, 2, 1]

    version = officer.get(url("version", pk=document.pk, number=2))
    assert version.status_code == 200
    html = text_of(version)
    assert "Thay đổi so với phiên bản 1" in html
    assert 'class="diff-del"' in html and "Dòng hai." in html
    assert 'class="diff-ins"' in html and "Dòng hai sửa." in html
    assert officer.get(url("version", pk=document.pk, number=1)).status_code == 200
    assert officer.get(url("version", pk=document.pk, number=9)).status_code == 404

    assert officer.post(url("send", pk=document.pk)).status_code == 302
    document.refresh_from_db()
    assert document.status == Document.Status.REVIEW
    # The officer may not review; the leader of the issuing unit does.
    assert officer.get(url("issue", pk=document.pk)).status_code == 403
    assert officer.post(url("issue", pk=document.pk), {"issue_date": dmy(TODAY)}).status_code == 403

    leader = as_user(client, cast.leader_a)
    page = leader.get(url("issue", pk=document.pk))
    assert page.status_code == 200
    assert "01/KH-CAT" in text_of(page)
    assert "Công an phường Phan Đình Phùng" in text_of(page)
    response = leader.post(url("issue", pk=document.pk), {"issue_date": dmy(TODAY)})
    assert response.status_code == 302, text_of(response)
    document.refresh_from_db()
    assert document.status == Document.Status.ISSUED
    assert document.symbol == "01/KH-CAT"
    assert set(document.recipients.values_list("unit__code", flat=True)) == {"X05500", "X05800"}


def test_a_user_out_of_scope_gets_404_and_a_non_leader_403(client, cast, ministry_leader):
    document = in_review(cast.officer_a, cast.province_a)
    as_user(client, cast.officer_b)
    for name in ("edit", "issue", "return", "link_add", "attach", "metadata"):
        assert client.get(url(name, pk=document.pk)).status_code == 404, name
    assert client.post(url("send", pk=document.pk)).status_code == 404
    # A leader above sees the draft but is not the issuing unit's leader.
    as_user(client, ministry_leader)
    response = client.post(url("issue", pk=document.pk), {"issue_date": dmy(TODAY)})
    assert response.status_code == 403
    assert "Chỉ lãnh đạo Công an tỉnh Thái Nguyên" in text_of(response)
    response = client.post(url("return", pk=document.pk), {"review_note": "Sửa lại"})
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.status == Document.Status.REVIEW


def test_the_leader_returns_a_draft_with_a_note(client, cast):
    document = in_review(cast.officer_a, cast.province_a)
    as_user(client, cast.leader_a)
    assert client.get(url("return", pk=document.pk)).status_code == 200
    response = client.post(url("return", pk=document.pk), {"review_note": "  "})
    assert response.status_code == 400
    assert "Ý kiến thẩm định: Cần ghi ý kiến thẩm định" in text_of(response)
    response = client.post(url("return", pk=document.pk), {"review_note": "Bổ sung hạn báo cáo."})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == Document.Status.DRAFT
    assert document.review_note == "Bổ sung hạn báo cáo."
    as_user(client, cast.officer_a)
    assert "Bổ sung hạn báo cáo." in text_of(client.get(url("edit", pk=document.pk)))


# ---------------------------------------------------------------- recipient rules


def _create_and_issue(client, cast, officer, leader, unit, **extra):
    as_user(client, officer)
    response = client.post(url("create"), draft_data(unit, **extra))
    assert response.status_code == 302, text_of(response)
    document = Document.objects.latest("pk")
    services.send_for_review(document, officer)
    as_user(client, leader)
    response = client.post(url("issue", pk=document.pk), {"issue_date": dmy(TODAY)})
    assert response.status_code == 302, text_of(response)
    return set(document.recipients.values_list("unit__code", flat=True))


@pytest.mark.parametrize(
    "rule, extra, expected",
    [
        ("children", {}, {"CTDCT", "T19", "T01"}),
        ("level", {"level": "xa"}, {"X05500", "X05800", "X00004"}),
        ("subtree", {}, {"CTDCT", "T19", "X05500", "X05800", "T01", "X00004"}),
        ("explicit", {"explicit_units": "X05500, T01"}, {"X05500", "T01"}),
    ],
)
def test_issue_with_each_recipient_rule(client, cast, ministry_leader, rule, extra, expected):
    data = {"recipient_rule": rule}
    if "level" in extra:
        data["recipient_level"] = str(Level.objects.get(code=extra["level"]).pk)
    if "explicit_units" in extra:
        data["explicit_units"] = extra["explicit_units"]
    got = _create_and_issue(client, cast, cast.ministry_officer, ministry_leader, cast.root, **data)
    assert got == expected


def test_the_explicit_units_finder_searches_and_filters_by_level(client, cast):
    as_user(client, cast.ministry_officer)
    xa = Level.objects.get(code="xa")
    data = client.get(url("pick_units"), {"level": xa.pk, "under": "BCA"}).json()
    assert {r["code"] for r in data["results"]} == {"X05500", "X05800", "X00004"}
    data = client.get(url("pick_units"), {"level": xa.pk, "within": "T19"}).json()
    assert {r["code"] for r in data["results"]} == {"X05500", "X05800"}
    data = client.get(url("pick_units"), {"q": "dai phuc"}).json()
    assert [r["code"] for r in data["results"]] == ["X05800"]
    # Scope: a province officer finds nothing of another province.
    as_user(client, cast.officer_b)
    assert client.get(url("pick_units"), {"q": "dai phuc"}).json()["results"] == []


# ---------------------------------------------------------------- bad input


def test_a_nul_character_is_refused_and_nfd_stored_nfc(client, cast):
    as_user(client, cast.officer_a)
    before = counts()
    response = client.post(url("create"), draft_data(cast.province_a, subject="Kế\x00 hoạch"))
    assert response.status_code == 400
    assert "Trích yếu:" in text_of(response)
    assert counts() == before
    nfd = unicodedata.normalize("NFD", "Quán triệt nghị quyết")
    response = client.post(url("create"), draft_data(cast.province_a, subject=nfd, body_text=nfd))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.subject == unicodedata.normalize("NFC", nfd)
    assert document.versions.get().body_text == unicodedata.normalize("NFC", nfd)


def test_a_deadline_before_the_issue_date_is_refused_naming_it(client, cast):
    document = in_review(cast.officer_a, cast.province_a, plan_by=later(-3))
    as_user(client, cast.leader_a)
    page = client.get(url("issue", pk=document.pk))
    assert "trước ngày ban hành" in text_of(page)
    before = counts()
    response = client.post(url("issue", pk=document.pk), {"issue_date": dmy(TODAY)})
    assert response.status_code == 400
    assert "Kế hoạch triển khai: hạn" in text_of(response)
    assert counts() == before
    document.refresh_from_db()
    assert document.status == Document.Status.REVIEW and document.number is None


def test_a_rule_that_reaches_no_unit_is_refused(client, cast):
    as_user(client, cast.commune_officer)
    before = counts()
    response = client.post(url("create"), draft_data(cast.commune_a1))
    assert response.status_code == 400
    assert "Nơi nhận:" in text_of(response) and "không chọn được đơn vị nào" in text_of(response)
    response = client.post(
        url("create"),
        draft_data(cast.commune_a1, recipient_rule="explicit", explicit_units="X05800"),
    )
    assert response.status_code == 400
    assert "Các đơn vị nhận:" in text_of(response)
    assert counts() == before
    # A draft saved with such a rule (through the API, say) is refused at issue too.
    document = in_review(cast.commune_officer, cast.commune_a1)
    as_user(client, cast.commune_leader)
    before = counts()
    response = client.post(url("issue", pk=document.pk), {"issue_date": dmy(TODAY)})
    assert response.status_code == 400
    assert "Nơi nhận" in text_of(response)
    assert counts() == before


def test_issuing_twice_and_editing_an_issued_text_are_refused(client, cast):
    document = issued(cast.officer_a, cast.leader_a, cast.province_a)
    as_user(client, cast.leader_a)
    before = counts()
    response = client.post(url("issue", pk=document.pk), {"issue_date": dmy(TODAY)})
    assert response.status_code == 409
    assert "không ban hành lại" in text_of(response)
    as_user(client, cast.officer_a)
    assert client.get(url("edit", pk=document.pk)).status_code == 409
    response = client.post(url("edit", pk=document.pk), edit_data(document, subject="Khác"))
    assert response.status_code == 409
    assert "nội dung không sửa được nữa" in text_of(response)
    response = client.post(
        url("metadata", pk=document.pk), {"subject": "Trích yếu khác", "secrecy": "mat"}
    )
    assert response.status_code == 400
    assert "Trích yếu: Văn bản đã ban hành" in text_of(response)
    assert counts() == before
    document.refresh_from_db()
    assert document.subject == "Triển khai thực hiện nghị quyết" and document.secrecy == ""


def test_the_issue_date_may_not_be_in_the_future(client, cast):
    document = in_review(cast.officer_a, cast.province_a)
    as_user(client, cast.leader_a)
    response = client.post(url("issue", pk=document.pk), {"issue_date": dmy(later(2))})
    assert response.status_code == 400
    assert "Ngày ban hành: Ngày ban hành không được sau hôm nay." in text_of(response)
    response = client.post(url("issue", pk=document.pk), {"issue_date": "31/02/2026"})
    assert response.status_code == 400
    assert "Ngày ban hành:" in text_of(response)


# ---------------------------------------------------------------- the cascade, metadata


def test_a_plan_later_than_its_parent_is_warned(client, cast, ministry_leader):
    parent = issued(
        cast.ministry_officer, ministry_leader, cast.root, plan_by=later(10), disseminate_by=None
    )
    as_user(client, cast.officer_a)
    page = client.get(url("create") + f"?implements={parent.pk}")
    assert page.status_code == 200
    assert "Không muộn hơn hạn của văn bản cấp trên" in text_of(page)
    data = draft_data(cast.province_a, plan_by=dmy(later(20)))
    del data["disseminate_by"]
    response = client.post(url("create") + f"?implements={parent.pk}", data)
    assert response.status_code == 302, text_of(response)
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any("muộn hơn hạn" in w for w in warnings)
    plan = Document.objects.get(unit=cast.province_a)
    assert plan.links_out.get().target == parent
    services.send_for_review(plan, cast.officer_a)
    as_user(client, cast.leader_a)
    assert "muộn hơn hạn" in text_of(client.get(url("issue", pk=plan.pk)))
    response = client.post(url("issue", pk=plan.pk), {"issue_date": dmy(TODAY)})
    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any("muộn hơn hạn" in w for w in warnings)
    # Issuing the plan met the province's plan obligation.
    assert Recipient.objects.get(document=parent, unit=cast.province_a).plan_on == TODAY


def test_metadata_change_after_issue_is_audited(client, cast):
    document = issued(cast.officer_a, cast.leader_a, cast.province_a)
    as_user(client, cast.officer_a)
    assert client.get(url("metadata", pk=document.pk)).status_code == 200
    response = client.post(
        url("metadata", pk=document.pk),
        {"effective_to": dmy(later(100)), "secrecy": "mat", "place": "Thái Nguyên"},
    )
    assert response.status_code == 302, text_of(response)
    document.refresh_from_db()
    assert document.effective_to == later(100) and document.secrecy == "mat"
    entry = AuditEntry.objects.filter(
        model="documents.Document", object_id=str(document.pk), action="update"
    ).latest("pk")
    assert entry.actor == cast.officer_a
    assert entry.after["secrecy"] == "mat" and entry.before["secrecy"] == ""
    # A draft has no separate metadata page, and an outsider gets 404.
    other = draft(cast.officer_a, cast.province_a)
    assert client.get(url("metadata", pk=other.pk)).status_code == 409
    as_user(client, cast.officer_b)
    assert client.get(url("metadata", pk=document.pk)).status_code == 404


# ---------------------------------------------------------------- links


def test_link_rules_of_quy_dinh_66(client, cast, ministry_leader):
    central = issued(cast.ministry_officer, ministry_leader, cast.root)  # to the provinces
    provincial = issued(cast.officer_a, cast.leader_a, cast.province_a)
    other = issued(cast.officer_b, make_leader_b(cast), cast.province_b)
    mine = draft(cast.officer_a, cast.province_a)
    as_user(client, cast.officer_a)
    page = client.get(url("link_add", pk=mine.pk) + "?kind=implements")
    assert page.status_code == 200 and central.symbol in text_of(page)
    before = counts()
    # A province may not amend the ministry's document (Quy định 66-QĐ/TW).
    response = client.post(url("link_add", pk=mine.pk), {"kind": "amends", "target": central.pk})
    assert response.status_code == 400
    assert "Văn bản được dẫn chiếu:" in text_of(response)
    assert "Chỉ cơ quan đã ban hành văn bản" in text_of(response)
    # Nor implement a document it did not receive (not even visible: another province's).
    response = client.post(url("link_add", pk=mine.pk), {"kind": "implements", "target": other.pk})
    assert response.status_code == 400
    assert counts() == before
    # It may amend its own, and implement what it received.
    for kind_, target in (("amends", provincial), ("implements", central)):
        response = client.post(url("link_add", pk=mine.pk), {"kind": kind_, "target": target.pk})
        assert response.status_code == 302, text_of(response)
    assert mine.links_out.count() == 2
    # The ministry may replace the province's document.
    above = draft(cast.ministry_officer, cast.root)
    as_user(client, cast.ministry_officer)
    response = client.post(
        url("link_add", pk=above.pk), {"kind": "replaces", "target": provincial.pk}
    )
    assert response.status_code == 302
    # Removing a link of a draft.
    link = mine.links_out.get(kind="amends")
    as_user(client, cast.officer_a)
    assert client.post(url("link_remove", pk=link.pk)).status_code == 302
    assert not DocumentLink.objects.filter(pk=link.pk).exists()
    as_user(client, cast.officer_b)
    assert client.post(url("link_remove", pk=mine.links_out.get().pk)).status_code == 404


def make_leader_b(cast):
    from tests.conftest import make_user

    return make_user("leader_b", cast.province_b, "leader")


# ---------------------------------------------------------------- files


def test_attachments_allowed_and_refused(client, cast, media, monkeypatch):
    document = draft(cast.officer_a, cast.province_a)
    as_user(client, cast.officer_a)
    assert client.get(url("attach", pk=document.pk)).status_code == 200
    cases = [
        (upload("chuong-trinh.exe", b"MZ\x90\x00"), "loại tệp không được chấp nhận"),
        (upload("ke-hoach.pdf", b"day khong phai PDF"), "nội dung không phải tệp .pdf"),
        (upload("rong.pdf", b""), "trống"),
    ]
    for file, message in cases:
        before = counts()
        response = client.post(url("attach", pk=document.pk), {"files": [file]})
        assert response.status_code == 400
        assert "Tệp đính kèm:" in text_of(response) and message in text_of(response)
        assert counts() == before and stored_files(media) == []
    monkeypatch.setattr(uploads, "MAX_BYTES", 40)
    response = client.post(
        url("attach", pk=document.pk), {"files": [upload("lon.pdf", PDF + b"x" * 100)]}
    )
    assert response.status_code == 400 and "quá giới hạn" in text_of(response)
    monkeypatch.undo()
    # One bad file among good ones: none is kept.
    response = client.post(
        url("attach", pk=document.pk),
        {"files": [upload("tot.pdf", PDF), upload("xau.pdf", b"nope")]},
    )
    assert response.status_code == 400
    assert Attachment.objects.count() == 0 and stored_files(media) == []

    response = client.post(url("attach", pk=document.pk), {"files": [upload("Kế hoạch.pdf", PDF)]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "Kế hoạch.pdf" and len(stored_files(media)) == 1
    download = client.get(url("file", pk=attachment.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    as_user(client, cast.officer_b)
    assert client.get(url("file", pk=attachment.pk)).status_code == 404
    assert client.post(url("file_delete", pk=attachment.pk)).status_code == 404
    as_user(client, cast.officer_a)
    assert client.post(url("file_delete", pk=attachment.pk)).status_code == 302
    assert Attachment.objects.count() == 0


# ---------------------------------------------------------------- what recipients send back


def test_results_text_and_files_meet_the_results_obligation(client, cast, media):
    document = issued(cast.officer_a, cast.leader_a, cast.province_a, report_by=later(5))
    target = url("results", pk=document.pk, code="X05500")
    as_user(client, cast.commune_officer)
    assert client.get(target).status_code == 200
    before = counts()
    response = client.post(target, {"results_text": ""})
    assert response.status_code == 400
    assert "Báo cáo kết quả: Nội dung báo cáo kết quả là bắt buộc." in text_of(response)
    response = client.post(target, {"results_text": "Đã làm.", "files": [upload("a.exe", b"MZ")]})
    assert response.status_code == 400 and counts() == before
    recipient = Recipient.objects.get(document=document, unit=cast.commune_a1)
    assert recipient.results_on is None
    response = client.post(
        target, {"results_text": "Đã tổ chức 3 buổi.", "files": [upload("kq.pdf", PDF)]}
    )
    assert response.status_code == 302, text_of(response)
    recipient.refresh_from_db()
    assert recipient.results_text == "Đã tổ chức 3 buổi." and recipient.results_on == TODAY
    assert recipient.attachments.get().role == Attachment.Role.RESULTS
    assert "Đã thực hiện đúng hạn" in text_of(client.get(target))
    # A sibling commune's officer cannot see it; the province sees the file.
    other = as_user(client, make_officer_a2(cast))
    assert other.get(target).status_code == 404
    as_user(client, cast.officer_a)
    assert client.get(url("file", pk=recipient.attachments.get().pk)).status_code == 200


def make_officer_a2(cast):
    from tests.conftest import make_user

    return make_user("officer_a2", cast.commune_a2, "officer")


def test_a_plan_upload_meets_the_plan_obligation(client, cast, media):
    document = issued(cast.officer_a, cast.leader_a, cast.province_a, plan_by=later(5))
    target = url("plan_upload", pk=document.pk, code="X05500")
    as_user(client, cast.commune_officer)
    assert client.get(target).status_code == 200
    response = client.post(target, {})
    assert response.status_code == 400
    assert "Tệp kế hoạch triển khai: Chưa chọn tệp" in text_of(response)
    response = client.post(target, {"files": [upload("ke-hoach.docx", b"PK\x03\x04rest")]})
    assert response.status_code == 302, text_of(response)
    recipient = Recipient.objects.get(document=document, unit=cast.commune_a1)
    assert recipient.plan_on == TODAY
    assert recipient.attachments.get().role == Attachment.Role.PLAN
    # A viewer of another province: 404; nobody may report for a document not issued.
    as_user(client, cast.officer_b)
    assert client.get(target).status_code == 404


# ---------------------------------------------------------------- issuing bodies


def test_the_issuing_bodies_page_and_who_may_edit(client, cast):
    as_user(client, cast.officer_a)
    before = IssuingBody.objects.count()
    page = client.get(url("bodies"))
    assert page.status_code == 200
    html = text_of(page)
    assert "Đảng ủy Công an tỉnh Thái Nguyên" in html and "Số: 01/KH-CAT" in html
    assert IssuingBody.objects.count() == before  # a GET writes nothing
    assert client.get(url("bodies"), {"unit": "T01"}).status_code == 400
    response = client.post(url("bodies"), {"unit": "T19", "body": PARTY})
    assert response.status_code == 403
    as_user(client, cast.leader_a)
    response = client.post(url("bodies"), {"unit": "T19", "body": PARTY})
    assert response.status_code == 302
    body = IssuingBody.objects.get(unit=cast.province_a, body=PARTY)
    assert response["Location"] == url("body_edit", pk=body.pk)
    assert client.get(url("body_edit", pk=body.pk)).status_code == 200
    as_user(client, cast.officer_a)
    assert client.get(url("body_edit", pk=body.pk)).status_code == 403
    as_user(client, cast.officer_b)
    assert client.get(url("body_edit", pk=body.pk)).status_code == 404
    # The register's tabs link the page for a leader, not for an officer.
    as_user(client, cast.leader_a)
    assert url("bodies") in text_of(client.get(url("outgoing")))
    as_user(client, cast.officer_a)
    assert url("bodies") not in text_of(client.get(url("outgoing")))


def _body_data(body, **extra):
    data = {
        "name": body.name,
        "superior": body.superior,
        "symbol": body.symbol,
        "place": body.place,
        "span": body.span,
        "term_start": "",
        "term_end": "",
    }
    data.update(extra)
    return data


def test_a_change_of_numbering_span_never_repeats_a_number(client, cast):
    first = issued(cast.officer_a, cast.leader_a, cast.province_a, body=PARTY, abbr="NQ")
    assert first.symbol == "01-NQ/ĐU"
    body = first.issuer
    as_user(client, cast.leader_a)
    before = counts()
    bad = [
        ({"span": "term"}, "Nhiệm kỳ từ: Đánh số theo nhiệm kỳ: cần ngày bắt đầu"),
        (
            {"span": "term", "term_start": dmy(later(10)), "term_end": dmy(later(5))},
            "Nhiệm kỳ đến: Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.",
        ),
        ({"symbol": "Đ U"}, "Ký hiệu cơ quan: Ký hiệu cơ quan không có dấu cách"),
        ({"name": "Đảng ủy\x00"}, "Tên cơ quan ban hành:"),
    ]
    for extra, message in bad:
        response = client.post(url("body_edit", pk=body.pk), _body_data(body, **extra))
        assert response.status_code == 400
        assert message in text_of(response), message
    assert counts() == before
    term = {
        "span": "term",
        "term_start": dmy(later(-400)),
        "term_end": dmy(later(1400)),
        "name": unicodedata.normalize("NFD", "Đảng ủy Công an tỉnh Thái Nguyên"),
    }
    response = client.post(url("body_edit", pk=body.pk), _body_data(body, **term))
    assert response.status_code == 302, text_of(response)
    body.refresh_from_db()
    assert body.span == "term" and body.name == "Đảng ủy Công an tỉnh Thái Nguyên"
    entry = AuditEntry.objects.filter(model="documents.IssuingBody", action="update").latest("pk")
    assert entry.before["span"] == "year" and entry.after["span"] == "term"
    # The next document of the term continues after the number already given this year.
    second = issued(cast.officer_a, cast.leader_a, cast.province_a, body=PARTY, abbr="NQ")
    assert second.symbol == "02-NQ/ĐU"
    assert second.span_key != first.span_key


# ---------------------------------------------------------------- in a real browser


@pytest.mark.browser
def test_the_draft_form_picks_units_by_level_in_a_browser(live_cast, desktop, phone):
    from playwright.sync_api import expect

    cast = live_cast
    page = desktop.log_in("ministry_officer", cast.password)
    page.goto(desktop.url("documents:create"))
    page.check("input[name=body][value=state]")
    page.select_option("select[name=kind]", str(kind(STATE, "KH").pk))
    page.fill("textarea[name=subject]", "Kế hoạch quán triệt nghị quyết")
    expect(page.locator("[data-units-finder]")).to_be_hidden()
    page.check("input[name=recipient_rule][value=explicit]")
    expect(page.locator("[data-units-finder]")).to_be_visible()
    page.select_option("[data-finder-level]", str(Level.objects.get(code="xa").pk))
    expect(page.locator("[data-finder-results] li")).to_have_count(3)
    page.click("[data-finder-all]")
    expect(page.locator(".doc-chips li")).to_have_count(3)
    page.fill("[data-finder-q]", "dai phuc")
    expect(page.locator("[data-finder-results] li")).to_have_count(1)
    page.locator(".doc-chips li", has_text="X00004").locator("button").click()
    expect(page.locator(".doc-chips li")).to_have_count(2)
    page.fill("input[name=disseminate_by]", dmy(later(7)))
    page.click("form.doc-edit-form button[type=submit]")
    page.wait_for_url("**/van-ban/*/")
    document = Document.objects.get()
    assert services.explicit_codes(document) == ["X05500", "X05800"]
    assert desktop.csp_violations() == []
    desktop.screenshot("documents-draft-created")

    small = phone.log_in("ministry_officer", cast.password)
    small.goto(phone.url("documents:edit", pk=document.pk))
    expect(small.locator(".doc-chips li")).to_have_count(2)
    phone.screenshot("documents-draft-edit-phone")
    wide = small.evaluate(
        """() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 8).map(e => e.tagName + '.' + e.className)"""
    )
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), wide
    phone.screenshot("documents-draft-edit-phone")
    assert phone.csp_violations() == []
