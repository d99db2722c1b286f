"""The consolidated report: opening the draft, excerpts and own words, the compiled
snapshot against the roll-up, staleness, exports and their differences, issuing."""

import datetime
import io
import unicodedata
from decimal import Decimal

import pytest
from docx import Document as Docx

from giaoban.accounts.models import User
from giaoban.conferences import compile as compiled
from giaoban.conferences import consolidation as svc
from giaoban.conferences import excerpts
from giaoban.conferences.models import PARTY, STATE, ConsolidationExport, Part
from giaoban.documents import services as documents
from giaoban.documents.models import Attachment, Document
from giaoban.reports import services as report_services
from giaoban.reports import workflow
from tests.conferences.conftest import HC_A, KEY, KQ_A, KQ_B
from tests.documents.conftest import draft as doc_draft


@pytest.fixture
def draft(cast, form, sent):
    return svc.open_draft(cast.ministry_officer, cast.root, PARTY, form, KEY)


def excerpt(draft, user, report, field="KQ", section="KQ", fragments=None):
    return svc.add_excerpt(user, draft, section, report.pk, field, fragments)


# ------------------------------------------------------------------ opening


def test_a_draft_opens_with_the_layout_of_its_body(cast, form, sent):
    party = svc.open_draft(cast.ministry_officer, cast.root, PARTY, form, KEY)
    state = svc.open_draft(cast.ministry_officer, cast.root, STATE, form, KEY)
    assert party.signer_title == "T/M ĐẢNG ỦY" and party.signer_position == "BÍ THƯ"
    assert state.signer_title == "BỘ TRƯỞNG"
    assert party.subject.startswith(
        "Kết quả công tác đảng, công tác chính trị 6 tháng đầu năm 2026"
    )
    assert party.subject.endswith("phương hướng, nhiệm vụ 6 tháng cuối năm")
    assert svc.open_draft(cast.ministry_officer, cast.root, PARTY, form, KEY) == party


def test_a_period_not_yet_begun_is_refused(cast, form):
    with pytest.raises(svc.ConsolidationError) as error:
        svc.open_draft(cast.ministry_officer, cast.root, PARTY, form, "2030-H1")
    assert error.value.field == "period" and "chưa bắt đầu" in error.value.message


def test_out_of_scope_and_leaf_units_are_refused(cast, form):
    with pytest.raises(svc.ConsolidationError) as error:
        svc.open_draft(cast.officer_b, cast.province_a, PARTY, form, KEY)
    assert error.value.forbidden
    with pytest.raises(svc.ConsolidationError) as error:
        svc.open_draft(cast.commune_officer, cast.commune_a1, PARTY, form, KEY)
    assert error.value.field == "form"


# ------------------------------------------------------------------ paragraphs


def test_an_excerpt_is_the_childs_text_word_for_word(cast, draft, sent):
    part = excerpt(draft, cast.ministry_officer, sent["T19"])
    assert part.text == KQ_A
    assert part.source_unit == cast.province_a and part.source_version == 1
    assert excerpts.verify(KQ_A, part.fragments, part.text)


def test_shortening_leaves_sentences_out_and_marks_the_gap(cast, draft, sent):
    part = excerpt(draft, cast.ministry_officer, sent["T19"])
    spans = excerpts.sentences(KQ_A)
    svc.shorten(cast.ministry_officer, part, [list(spans[0]), list(spans[2])])
    part.refresh_from_db()
    first, third = KQ_A.split("\n")[0].split(". Đã")[0] + ".", "Phong trào thi đua được duy trì."
    assert part.text == f"{first} … {third}"
    with pytest.raises(svc.ConsolidationError) as error:
        svc.shorten(cast.ministry_officer, part, [[0, 5]])  # not a sentence
    assert error.value.field == "fragments"
    with pytest.raises(svc.ConsolidationError):
        svc.shorten(cast.ministry_officer, part, [])
    part.refresh_from_db()
    assert excerpts.verify(KQ_A, part.fragments, part.text)


def test_an_excerpt_cannot_be_edited_as_text(cast, draft, sent):
    part = excerpt(draft, cast.ministry_officer, sent["T19"])
    with pytest.raises(svc.ConsolidationError):
        svc.edit_own(cast.ministry_officer, part, "Lời khác")


def test_only_a_direct_childs_sent_report_can_be_quoted(cast, draft, sent):
    with pytest.raises(svc.ConsolidationError) as error:
        excerpt(draft, cast.ministry_officer, sent["X05500"])  # a grandchild
    assert error.value.field == "report"
    workflow.return_report(sent["T01"], _leader(cast), "Sửa lại")
    with pytest.raises(svc.ConsolidationError):
        excerpt(draft, cast.ministry_officer, sent["T01"])  # returned: not sent any more


def _leader(cast):
    return User.objects.get(username="ministry_leader")


def test_own_words_are_checked_and_stored_nfc(cast, draft):
    nfd = unicodedata.normalize("NFD", "Đảng ủy Công an Trung ương chỉ đạo sát sao.")
    part = svc.add_own(cast.ministry_officer, draft, "KQ", nfd)
    assert part.text == unicodedata.normalize("NFC", nfd)
    with pytest.raises(svc.ConsolidationError) as error:
        svc.add_own(cast.ministry_officer, draft, "KQ", "a\x00b")
    assert error.value.field == "text"
    with pytest.raises(svc.ConsolidationError):
        svc.add_own(cast.ministry_officer, draft, "NO-SUCH", "x")
    assert Part.objects.filter(consolidation=draft).count() == 1


def test_paragraphs_move_within_their_section(cast, draft, sent):
    a = svc.add_own(cast.ministry_officer, draft, "KQ", "Thứ nhất.")
    b = excerpt(draft, cast.ministry_officer, sent["T19"])
    svc.move(cast.ministry_officer, b, -1)
    order = list(draft.parts.filter(section="KQ").order_by("order").values_list("pk", flat=True))
    assert order == [b.pk, a.pk]


def test_out_of_scope_users_cannot_edit(cast, draft):
    with pytest.raises(svc.ConsolidationError) as error:
        svc.add_own(cast.officer_a, draft, "KQ", "x")
    assert error.value.forbidden


# ------------------------------------------------------------------ the compiled snapshot


def test_every_figure_is_the_rollups(cast, form, draft, sent):
    snapshot = compiled.compile_report(draft)
    view = report_services.rollup_view(cast.root, form, form.period(KEY))
    for f in snapshot["figures"]:
        total = view.totals.get(f["code"])
        assert (Decimal(f["value"]) if f["value"] is not None else None) == total
    children = {c["code"]: c for c in snapshot["children"]}
    assert set(children) == {"CTDCT", "T19", "T01"}
    assert Decimal(children["T19"]["values"]["GD01"]) == Decimal(8)  # T19 + its commune A1


def test_who_has_not_sent_is_stated(cast, draft, sent):
    snapshot = compiled.compile_report(draft)
    assert snapshot["submitted"]["sent"] == 2 and snapshot["submitted"]["expected"] == 3
    assert [m["code"] for m in snapshot["submitted"]["missing"]] == ["CTDCT"]


def test_sources_name_unit_report_version_and_date(cast, draft, sent):
    excerpt(draft, cast.ministry_officer, sent["T19"])
    excerpt(draft, cast.ministry_officer, sent["T01"])
    excerpt(draft, cast.ministry_officer, sent["T19"], field="HC", section="HC")
    snapshot = compiled.compile_report(draft)
    assert [s["unit"]["code"] for s in snapshot["sources"]] == ["T19", "T01", "T19"]
    first = snapshot["sources"][0]
    assert first["report"] == sent["T19"].pk and first["version"] == 1 and first["sent_at"]
    kq = next(s for s in snapshot["sections"] if s["code"] == "KQ")
    assert [p["text"] for p in kq["paragraphs"]] == [KQ_A, KQ_B]


def test_an_excerpt_of_a_changed_version_is_left_out_and_listed(cast, draft, sent, leader_b):
    excerpt(draft, cast.ministry_officer, sent["T01"])
    report = sent["T01"]
    workflow.return_report(report, _leader(cast), "Bổ sung")
    workflow.save_entries(report, cast.officer_b, {}, {"KQ": "Nội dung mới."})
    workflow.submit(report, leader_b)
    snapshot = compiled.compile_report(draft)
    assert snapshot["sources"] == [] and len(snapshot["stale"]) == 1
    assert "phiên bản 2" in snapshot["stale"][0]["reason"]
    new = excerpt(draft, cast.ministry_officer, report)
    assert new.source_version == 2 and new.text == "Nội dung mới."


def test_the_records_sections_come_through_the_registry(cast, draft, sent):
    plan = doc_draft(cast.ministry_officer, cast.root, subject="Kế hoạch quán triệt")
    documents.send_for_review(plan, cast.ministry_officer)
    documents.issue(plan, _leader(cast), day=datetime.date(2026, 3, 2))
    snapshot = compiled.compile_report(draft)
    keys = [r["key"] for r in snapshot["records"]]
    assert "documents" in keys
    record = next(r for r in snapshot["records"] if r["key"] == "documents")
    assert record["data"]["issued"] == 1


# ------------------------------------------------------------------ export, changes


def test_an_export_is_recorded_and_the_next_says_what_changed(cast, draft, sent):
    data, name, changed = svc.export(cast.ministry_officer, draft)
    assert name.endswith(".docx") and changed == []
    assert ConsolidationExport.objects.filter(consolidation=draft).count() == 1
    excerpt(draft, cast.ministry_officer, sent["T01"])
    workflow.accept(sent["T01"], _leader(cast))
    _data, _name, changed = svc.export(cast.ministry_officer, draft)
    text = "\n".join(changed)
    assert "Đoạn thêm (Công an thành phố Hà Nội)" in text
    assert "Chỉ tiêu" in text  # the accepted report moved the roll-up's figures


def _docx(data):
    return Docx(io.BytesIO(data))


def _all_text(doc):
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def test_the_word_file_in_the_party_layout(cast, draft, sent):
    svc.add_own(cast.ministry_officer, draft, "", "Thực hiện chương trình công tác năm 2026.")
    excerpt(draft, cast.ministry_officer, sent["T19"])
    data, _name, _changed = svc.export(cast.ministry_officer, draft)
    doc = _docx(data)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    font = doc.styles["Normal"].font
    assert font.name == "Times New Roman" and font.size.pt == 14
    text = _all_text(doc)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Số ……-BC/ĐU" in text
    assert "BÁO CÁO" in text and "DỰ THẢO" in text
    assert "2/3 đơn vị đã gửi báo cáo; chưa gửi: Cục Công tác đảng" in text
    assert KQ_A.split("\n")[0] in text and "[1]" in text
    assert "T/M ĐẢNG ỦY" in text and "Nơi nhận:" in text
    assert "NGUỒN CÁC ĐOẠN TRÍCH" in text
    landscape = [s for s in doc.sections if s.page_width > s.page_height]
    assert landscape


def test_excerpts_in_the_file_equal_the_sent_texts(cast, draft, sent):
    excerpt(draft, cast.ministry_officer, sent["T19"], field="HC", section="HC")
    data, *_ = svc.export(cast.ministry_officer, draft)
    quoted = [p for p in _docx(data).paragraphs if p.text.startswith("Công an tỉnh Thái Nguyên:")]
    assert len(quoted) == 1
    assert quoted[0].text == f"Công an tỉnh Thái Nguyên: {HC_A}[1]"


# ------------------------------------------------------------------ issuing


def test_issuing_registers_a_report_with_its_number(cast, draft, sent):
    excerpt(draft, cast.ministry_officer, sent["T19"])
    with pytest.raises(svc.ConsolidationError) as error:
        svc.issue(cast.ministry_officer, draft)
    assert error.value.forbidden
    document = svc.issue(_leader(cast), draft)
    draft.refresh_from_db()
    assert draft.status == "issued" and draft.document == document
    assert document.status == Document.Status.ISSUED and document.kind.abbreviation == "BC"
    assert document.symbol == "01-BC/ĐU"
    files = Attachment.objects.filter(document=document)
    assert files.count() == 1
    response = files.first().download()
    data = b"".join(response.streaming_content)
    # Closing a response outside the test client sends request_finished, which would close
    # the database connection inside the test's transaction (PostgreSQL): close the file only.
    response.file_to_stream.close()
    assert "Số 01-BC/ĐU" in _all_text(_docx(data))
    with pytest.raises(svc.ConsolidationError):
        svc.add_own(cast.ministry_officer, draft, "KQ", "Sau ban hành")
    with pytest.raises(svc.ConsolidationError):
        svc.issue(_leader(cast), draft)


def test_a_part_with_nothing_in_it_is_not_printed(cast, draft, sent):
    excerpt(draft, cast.ministry_officer, sent["T19"], field="HC", section="HC")
    data, *_ = svc.export(cast.ministry_officer, draft)
    headings = [p.text for p in _docx(data).paragraphs if p.style.name == "Heading 1"]
    # The first part always (its figures), then only the parts that hold a paragraph,
    # numbered as they print.
    assert headings == ["I. KẾT QUẢ ĐẠT ĐƯỢC", "II. HẠN CHẾ, TỒN TẠI"]
