"""The consolidated report's pages, by role and scope: opening a draft, the editor, every
paragraph action, the layout, the Word file, the print view, issuing.

Every refused action answers 400 (403 when it is not the user's to do) with the Vietnamese
message beside the form it came from, and writes nothing (rows counted before and after);
every GET leaves the tables as they were.
"""

import io

import pytest
from django.urls import reverse
from docx import Document as Docx
from docx.oxml.ns import qn

from giaoban.audit.models import AuditEntry
from giaoban.conferences import consolidation as svc
from giaoban.conferences import excerpts
from giaoban.conferences.models import PARTY, STATE, Consolidation, ConsolidationExport, Part
from giaoban.conferences.views import consolidation_page
from giaoban.core.formatting import format_number
from giaoban.documents.models import Document
from giaoban.exports.docx import DOCX_TYPE
from giaoban.reports import services as report_services
from giaoban.reports import workflow
from tests.conferences.conftest import HC_A, KEY, KQ_A, KQ_B

MODELS = (Consolidation, Part, ConsolidationExport, Document, AuditEntry)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def url(name, **kwargs):
    return reverse(f"conferences:{name}", kwargs=kwargs)


def page(response):
    return response.content.decode()


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def draft(cast, form, sent):
    return svc.open_draft(cast.ministry_officer, cast.root, PARTY, form, KEY)


def new_data(unit, form, extra=None):
    data = {"unit": unit.code, "body": PARTY, "form": form.code, "period": KEY}
    data.update(extra or {})
    return data


def excerpt(client, draft, report, section="KQ", fragments=None, **extra):
    data = {"section": section, "report": report.pk, "field": section, "view": section}
    if fragments is None:
        data["whole"] = "1"
    else:
        data["fragments"] = [f"{s}-{e}" for s, e in fragments]
    data.update(extra)
    return client.post(url("consolidation_excerpt_add", pk=draft.pk), data)


def part_url(name, part):
    return url(name, pk=part.consolidation_id, part=part.pk)


# ------------------------------------------------------------------ opening a draft


def test_the_officer_opens_the_draft_through_the_form(client, cast, form, sent):
    officer = as_user(client, cast.ministry_officer)
    before = counts()
    response = officer.get(url("consolidation_new"))
    assert response.status_code == 200 and counts() == before
    text = page(response)
    assert 'value="BCA"' in text and "Bộ Công an" in text
    assert "6 tháng đầu năm 2026" in text and 'data-form="CTD-CTCT-6T"' in text
    assert "novalidate" in text
    response = officer.post(url("consolidation_new"), new_data(cast.root, form))
    draft = Consolidation.objects.get()
    assert response.status_code == 302 and response["Location"] == url("consolidation", pk=draft.pk)
    assert (draft.unit, draft.body, draft.period_key) == (cast.root, PARTY, KEY)
    again = officer.post(url("consolidation_new"), new_data(cast.root, form))
    assert again["Location"] == response["Location"] and Consolidation.objects.count() == 1


def test_a_province_is_offered_to_the_ministry_and_reachable_by_code(client, cast, form, sent):
    officer = as_user(client, cast.ministry_officer)
    text = page(officer.get(url("consolidation_new")))
    assert 'value="T19"' in text and 'value="X05500"' not in text  # a commune has none below
    text = page(officer.get(url("consolidation_new") + "?unit=T19"))
    assert '<option value="T19" selected>' in text


@pytest.mark.parametrize(
    ("who", "data", "status", "field", "words"),
    [
        ("ministry_officer", {"period": "2030-H1"}, 400, "period", "chưa bắt đầu"),
        ("ministry_officer", {"period": "2026-X9"}, 400, "period", "không hợp lệ"),
        ("ministry_officer", {"period": "2026-Q1"}, 400, "period", "không đúng loại kỳ"),
        ("ministry_officer", {"period": ""}, 400, "period", "Chưa chọn"),
        ("ministry_officer", {"unit": "NOPE"}, 400, "unit", "Không có đơn vị mã"),
        ("ministry_officer", {"body": "council"}, 400, "body", "không hợp lệ"),
        ("ministry_officer", {"form": "NOPE"}, 400, "form", "Không có mẫu báo cáo"),
        ("commune_officer", {"unit": "X05500"}, 400, "form", "không có đơn vị trực thuộc"),
        ("officer_b", {"unit": "T19"}, 403, "unit", "không lập được"),
    ],
)
def test_bad_input_on_the_form_is_named_and_nothing_is_written(
    client, cast, form, sent, who, data, status, field, words
):
    user = as_user(client, getattr(cast, who))
    before = counts()
    response = user.post(url("consolidation_new"), new_data(cast.root, form, data))
    assert response.status_code == status
    text = page(response)
    error = text.split(f'id="id_{field}_error"', 1)[1].split("</div>", 1)[0]
    assert words in error
    assert counts() == before


def test_who_enters_no_data_cannot_open_one(client, cast, form):
    response = as_user(client, cast.leader_a).get(url("consolidation_new"))
    assert response.status_code == 403 and "không có đơn vị nào được lập" in page(response)


# ------------------------------------------------------------------ the editor


def test_the_editor_shows_the_report_and_what_is_missing(client, cast, form, draft, sent):
    officer = as_user(client, cast.ministry_officer)
    before = counts()
    response = officer.get(url("consolidation", pk=draft.pk))
    assert response.status_code == 200 and counts() == before
    text = page(response)
    assert "Đảng ủy Công an Trung ương" in text and "6 tháng đầu năm 2026" in text
    assert "Dự thảo" in text and form.name in text
    assert "2/3 đơn vị đã gửi báo cáo" in text
    report_page = reverse(
        "reports:report", kwargs={"form": form.code, "period": KEY, "code": "CTDCT"}
    )
    assert report_page in text and "Cục Công tác đảng" in text
    rollup = reverse("reports:rollup", kwargs={"form": form.code, "period": KEY, "code": "BCA"})
    assert rollup in text
    # The first part's candidates: what the provinces wrote, one checkbox per sentence.
    assert "Công an tỉnh Thái Nguyên" in text and KQ_B in text
    for start, end in excerpts.sentences(KQ_A):
        assert f'value="{start}-{end}"' in text
    assert "Trích toàn bộ" in text and "Chọn câu…" in text
    # The other parts' candidates are one click away, not on the page.
    assert HC_A not in text and "?section=HC" in text
    assert HC_A in page(officer.get(url("consolidation", pk=draft.pk) + "?section=HC"))


def test_the_main_figures_are_the_rollups(client, cast, form, draft, sent):
    text = page(as_user(client, cast.ministry_officer).get(url("consolidation", pk=draft.pk)))
    view = report_services.rollup_view(cast.root, form, form.period(KEY))
    main = [i for i in view.indicators if i.is_main]
    assert main
    for indicator in main:
        assert indicator.name in text
        assert f"<strong>{format_number(view.totals.get(indicator.code))}</strong>" in text


def test_out_of_scope_is_not_found_and_a_viewer_above_cannot_edit(
    client, cast, form, draft, ministry_leader
):
    for user in (cast.officer_a, cast.officer_b, cast.commune_officer):
        client.force_login(user)
        assert client.get(url("consolidation", pk=draft.pk)).status_code == 404
        assert client.get(url("consolidation_print", pk=draft.pk)).status_code == 404
        assert client.post(url("consolidation_export", pk=draft.pk)).status_code == 404
    text = page(as_user(client, ministry_leader).get(url("consolidation", pk=draft.pk)))
    assert "Đồng chí xem được dự thảo này" in text
    assert url("consolidation_own_add", pk=draft.pk) not in text
    assert url("consolidation_issue", pk=draft.pk) in text


def test_candidates_come_a_page_at_a_time(client, cast, draft, sent, monkeypatch):
    monkeypatch.setattr(consolidation_page, "CANDIDATES_PER_PAGE", 1)
    officer = as_user(client, cast.ministry_officer)
    first = page(officer.get(url("consolidation", pk=draft.pk) + "?section=KQ"))
    second = page(officer.get(url("consolidation", pk=draft.pk) + "?section=KQ&trang=2"))
    first_sentence = KQ_A.split(".")[0]
    assert "Trang 1/2" in first and KQ_B in first and first_sentence not in first  # T01, T19
    assert "Trang 2/2" in second and first_sentence in second and KQ_B not in second
    assert page(officer.get(url("consolidation", pk=draft.pk) + "?trang=x&section=??"))


# ------------------------------------------------------------------ paragraph actions


def test_picking_shortening_ordering_and_removing(client, cast, draft, sent):
    officer = as_user(client, cast.ministry_officer)
    spans = excerpts.sentences(KQ_A)
    response = excerpt(officer, draft, sent["T19"], fragments=[spans[0], spans[1], spans[2]])
    part = Part.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?section=KQ#doan-{part.pk}")
    assert part.text == KQ_A and part.source_unit == cast.province_a
    text = page(officer.get(response["Location"]))
    assert "Trích báo cáo đơn vị" in text and "phiên bản 1" in text and "Đã trích" in text
    response = officer.post(
        part_url("consolidation_part_shorten", part),
        {"fragments": [f"{s}-{e}" for s, e in (spans[0], spans[2])], "view": "KQ"},
    )
    part.refresh_from_db()
    assert response.status_code == 302
    assert part.text == f"{KQ_A[spans[0][0] : spans[0][1]]} … Phong trào thi đua được duy trì."
    assert excerpts.verify(KQ_A, part.fragments, part.text)
    own = officer.post(
        url("consolidation_own_add", pk=draft.pk), {"section": "KQ", "text": "Lời mở phần."}
    )
    assert own.status_code == 302
    mine = Part.objects.get(kind=Part.Kind.OWN)
    officer.post(part_url("consolidation_part_move", mine), {"step": "-1"})
    assert list(draft.parts.order_by("order").values_list("pk", flat=True)) == [mine.pk, part.pk]
    officer.post(part_url("consolidation_part_edit", mine), {"text": "Lời đã sửa."})
    mine.refresh_from_db()
    assert mine.text == "Lời đã sửa."
    whole = excerpt(officer, draft, sent["T01"])
    assert whole.status_code == 302 and Part.objects.filter(text=KQ_B).exists()
    response = officer.post(part_url("consolidation_part_delete", part))
    assert response.status_code == 302 and response["Location"].endswith("#phan-KQ")
    assert not Part.objects.filter(pk=part.pk).exists()
    assert AuditEntry.objects.filter(model__icontains="part").count() >= 5


def test_the_opening_takes_own_words(client, cast, draft):
    officer = as_user(client, cast.ministry_officer)
    response = officer.post(
        url("consolidation_own_add", pk=draft.pk), {"section": "", "text": "Thực hiện…"}
    )
    part = Part.objects.get()
    assert response.status_code == 302 and part.section == ""
    assert response["Location"].endswith(f"?section=mo-dau#doan-{part.pk}")
    # One part is edited at a time: its paragraphs' tools and candidates only.
    assert part_url("consolidation_part_edit", part) in page(officer.get(response["Location"]))
    text = page(officer.get(url("consolidation", pk=draft.pk)))
    assert part_url("consolidation_part_edit", part) not in text
    assert "Thực hiện…" in text and "?section=mo-dau#mo-dau" in text


def _error_near(text, anchor):
    """The page's text from the element `anchor` on (where the message should be)."""
    return text.split(f'id="{anchor}"', 1)[1][:6000]


def test_refused_paragraph_actions_say_why_and_write_nothing(client, cast, draft, sent):
    officer = as_user(client, cast.ministry_officer)
    kept = svc.add_excerpt(cast.ministry_officer, draft, "KQ", sent["T19"].pk, "KQ")
    own = svc.add_own(cast.ministry_officer, draft, "KQ", "Lời của đơn vị.")
    before = counts()
    cases = [
        (
            url("consolidation_own_add", pk=draft.pk),
            {"section": "HC", "text": "a\x00b"},
            "phan-HC",
            "ký tự rỗng",
        ),
        (
            url("consolidation_own_add", pk=draft.pk),
            {"section": "HC", "text": " "},
            "phan-HC",
            "bắt buộc",
        ),
        (
            url("consolidation_own_add", pk=draft.pk),
            {"section": "ZZ", "text": "x"},
            None,
            "không có trong mẫu",
        ),
        (
            url("consolidation_excerpt_add", pk=draft.pk),
            {"section": "KQ", "report": sent["T01"].pk, "field": "KQ", "view": "KQ"},
            f"ung-vien-{sent['T01'].pk}",
            "Chọn ít nhất một câu",
        ),
        (
            url("consolidation_excerpt_add", pk=draft.pk),
            {"section": "KQ", "report": sent["X05500"].pk, "field": "KQ", "whole": "1"},
            None,
            "đơn vị trực thuộc",
        ),
        (
            url("consolidation_excerpt_add", pk=draft.pk),
            {"section": "KQ", "report": "abc", "field": "KQ", "whole": "1"},
            None,
            "đơn vị trực thuộc",
        ),
        (
            part_url("consolidation_part_shorten", kept),
            {"fragments": ["0-5"]},
            f"doan-{kept.pk}",
            "Chọn ít nhất một câu",
        ),
        (
            part_url("consolidation_part_edit", kept),
            {"text": "Khác"},
            f"doan-{kept.pk}",
            "không sửa chữ",
        ),
        (part_url("consolidation_part_edit", own), {"text": ""}, f"doan-{own.pk}", "bắt buộc"),
        (
            part_url("consolidation_part_move", own),
            {"step": "5"},
            f"doan-{own.pk}",
            "lên hoặc xuống",
        ),
        (
            url("consolidation_layout", pk=draft.pk),
            {"subject": "", "signer_title": "X"},
            "the-thuc",
            "Trích yếu: Nội dung là bắt buộc",
        ),
    ]
    for target, data, anchor, words in cases:
        response = officer.post(target, data)
        assert response.status_code == 400, (target, data)
        text = page(response)
        assert words in text.split("errorlist-box", 1)[1][:600], (target, data)
        if anchor:
            assert words in _error_near(text, anchor), (target, anchor)
    assert counts() == before
    kept.refresh_from_db()
    assert kept.text == KQ_A


def test_only_who_may_edit_changes_the_draft(client, cast, draft, sent, ministry_leader):
    own = svc.add_own(cast.ministry_officer, draft, "KQ", "Lời của đơn vị.")
    before = counts()
    leader = as_user(client, ministry_leader)
    response = leader.post(
        url("consolidation_own_add", pk=draft.pk), {"section": "KQ", "text": "Lời khác"}
    )
    assert response.status_code == 403 and "không sửa được" in page(response)
    assert leader.post(part_url("consolidation_part_delete", own)).status_code == 403
    client.force_login(cast.officer_b)
    assert client.post(part_url("consolidation_part_delete", own)).status_code == 404
    assert client.post(url("consolidation_layout", pk=draft.pk), {}).status_code == 404
    other = svc.open_draft(cast.ministry_officer, cast.root, STATE, draft.form, KEY)
    client.force_login(cast.ministry_officer)
    wrong = url("consolidation_part_delete", pk=other.pk, part=own.pk)
    assert client.post(wrong).status_code == 404
    assert client.get(part_url("consolidation_part_delete", own)).status_code == 405
    counts_after = counts()
    assert counts_after["Part"] == before["Part"]


def test_the_layout_is_saved(client, cast, draft):
    officer = as_user(client, cast.ministry_officer)
    response = officer.post(
        url("consolidation_layout", pk=draft.pk),
        {
            "subject": "Sơ kết công tác\n6 tháng đầu năm 2026",
            "signer_title": "K/T Bí thư",
            "signer_position": "Phó Bí thư",
            "recipients_text": "Ban Bí thư (để báo cáo),\nLưu VP.",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#the-thuc")
    draft.refresh_from_db()
    assert draft.subject == "Sơ kết công tác\n6 tháng đầu năm 2026"
    assert draft.signer_title == "K/T Bí thư" and draft.recipients_text.endswith("Lưu VP.")


def test_a_stale_excerpt_is_flagged_with_its_reason(
    client, cast, draft, sent, leader_b, ministry_leader
):
    svc.add_excerpt(cast.ministry_officer, draft, "KQ", sent["T01"].pk, "KQ")
    report = sent["T01"]
    workflow.return_report(report, ministry_leader, "Bổ sung")
    workflow.save_entries(report, cast.officer_b, {}, {"KQ": "Nội dung mới."})
    workflow.submit(report, leader_b)
    text = page(as_user(client, cast.ministry_officer).get(url("consolidation", pk=draft.pk)))
    assert "Không đưa vào báo cáo" in text and "phiên bản 2" in text
    assert "1 đoạn trích không còn khớp" in text


# ------------------------------------------------------------------ the Word file


def _table_with(doc, heading):
    return next(t for t in doc.tables if heading in [c.text for c in t.rows[0].cells])


def test_the_word_file_is_exported_recorded_and_reads_back(client, cast, form, draft, sent):
    svc.add_excerpt(cast.ministry_officer, draft, "HC", sent["T19"].pk, "HC")
    svc.add_excerpt(cast.ministry_officer, draft, "KQ", sent["T01"].pk, "KQ")
    officer = as_user(client, cast.ministry_officer)
    assert officer.get(url("consolidation_export", pk=draft.pk)).status_code == 405
    response = officer.post(url("consolidation_export", pk=draft.pk))
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "bao-cao-tong-hop-BCA-2026-H1-du-thao.docx" in (
        disposition
    )
    export = ConsolidationExport.objects.get(consolidation=draft)
    assert export.by == cast.ministry_officer and not export.issued
    doc = Docx(io.BytesIO(response.content))
    texts = [p.text for p in doc.paragraphs]
    # Excerpts equal what the units sent, each led by its unit and numbered to its source.
    assert "Công an thành phố Hà Nội: " + KQ_B + "[1]" in texts
    assert "Công an tỉnh Thái Nguyên: " + HC_A + "[2]" in texts
    sources = _table_with(doc, "Phiên bản")
    rows = [[c.text for c in r.cells] for r in sources.rows[1:]]
    assert [r[:2] for r in rows] == [
        ["[1]", "Công an thành phố Hà Nội"],
        ["[2]", "Công an tỉnh Thái Nguyên"],
    ]
    assert all(r[3] == "1" for r in rows)
    # Every figure of annex 1 is the roll-up's.
    view = report_services.rollup_view(cast.root, form, form.period(KEY))
    annex = _table_with(doc, "Kỳ này, cùng đơn vị")
    by_code = {r.cells[1].text: r.cells[4].text for r in annex.rows[1:]}
    assert set(by_code) == {i.code for i in view.indicators}
    for indicator in view.indicators:
        total = view.totals.get(indicator.code)
        assert by_code[indicator.code] == (format_number(total) if total is not None else "")
    # The layout: A4 portrait, HD 36 margins, annexes on landscape pages, page numbers
    # from page 2 (none on the first page, the PAGE field in every section's header).
    first = doc.sections[0]
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert [
        round(m.mm)
        for m in (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)
    ] == [20, 20, 30, 15]
    assert first.different_first_page_header_footer
    assert first.first_page_header.paragraphs[0].text == ""
    assert any(s.page_width > s.page_height for s in doc.sections[1:])
    for section in doc.sections:
        instr = section.header._element.findall(".//" + qn("w:instrText"))
        assert [i.text.strip() for i in instr] == ["PAGE"]
    assert doc.core_properties.title.startswith("Kết quả công tác đảng")
    assert "Số ……-BC/ĐU" in "\n".join(c.text for t in doc.tables[:1] for c in t._cells)


def test_who_may_see_the_report_may_export_it(client, cast, draft, ministry_leader):
    response = as_user(client, ministry_leader).post(url("consolidation_export", pk=draft.pk))
    assert response.status_code == 200
    assert ConsolidationExport.objects.get().by == ministry_leader


def test_the_page_says_what_changed_since_the_last_export(client, cast, draft, sent):
    officer = as_user(client, cast.ministry_officer)
    assert "Chưa xuất lần nào" in page(officer.get(url("consolidation", pk=draft.pk)))
    officer.post(url("consolidation_export", pk=draft.pk))
    text = page(officer.get(url("consolidation", pk=draft.pk)))
    assert "Không có gì thay đổi từ lần xuất gần nhất" in text and "Ministry Officer" in text
    svc.add_excerpt(cast.ministry_officer, draft, "KQ", sent["T01"].pk, "KQ")
    before = counts()
    text = page(officer.get(url("consolidation", pk=draft.pk)))
    assert "Đoạn thêm (Công an thành phố Hà Nội)" in text and counts() == before


# ------------------------------------------------------------------ the print view


def test_the_print_view_reads_as_the_report(client, cast, draft, sent):
    svc.add_own(cast.ministry_officer, draft, "", "Thực hiện Chương trình công tác năm 2026.")
    svc.add_excerpt(cast.ministry_officer, draft, "KQ", sent["T19"].pk, "KQ")
    officer = as_user(client, cast.ministry_officer)
    before = counts()
    response = officer.get(url("consolidation_print", pk=draft.pk))
    assert response.status_code == 200 and counts() == before
    text = page(response)
    for words in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG ỦY CÔNG AN<br>TRUNG ƯƠNG",
        "Số ……-BC/ĐU",
        "DỰ THẢO",
        ">BÁO CÁO<",
        "Kết quả công tác đảng, công tác chính trị 6 tháng đầu năm 2026",
        "Thực hiện Chương trình công tác năm 2026.",
        "2/3 đơn vị đã gửi báo cáo; chưa gửi: Cục Công tác đảng",
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "<em>Công an tỉnh Thái Nguyên:</em>",
        "<sup>[1]</sup>",
        "1. Một số chỉ tiêu chủ yếu",
        "Nơi nhận:",
        "T/M ĐẢNG ỦY",
        "Phụ lục 1",
        "SỐ LIỆU CỦA CÁC ĐƠN VỊ TRỰC THUỘC",
        "NGUỒN CÁC ĐOẠN TRÍCH",
        "print-wide",
        "data-print",
        'class="print-heading"',
    ):
        assert words in text, words
    state = svc.open_draft(cast.ministry_officer, cast.root, STATE, draft.form, KEY)
    text = page(officer.get(url("consolidation_print", pk=state.pk)))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: ……/BC-" in text
    assert "BỘ TRƯỞNG" in text


# ------------------------------------------------------------------ issuing


def test_a_leader_issues_it_and_it_is_read_only_afterwards(
    client, cast, draft, sent, ministry_leader
):
    part = svc.add_excerpt(cast.ministry_officer, draft, "KQ", sent["T19"].pk, "KQ")
    officer = as_user(client, cast.ministry_officer)
    before = counts()
    response = officer.post(url("consolidation_issue", pk=draft.pk))
    assert response.status_code == 403 and "Chỉ lãnh đạo Bộ Công an" in page(response)
    assert counts() == before
    leader = as_user(client, ministry_leader)
    response = leader.post(url("consolidation_issue", pk=draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "issued" and draft.document.symbol == "01-BC/ĐU"
    text = page(leader.get(response["Location"]))
    assert "Đã ban hành báo cáo số 01-BC/ĐU" in text and "Báo cáo đã ban hành" in text
    assert reverse("documents:detail", kwargs={"pk": draft.document.pk}) in text
    assert url("consolidation_word", pk=draft.pk) in text
    assert url("consolidation_own_add", pk=draft.pk) not in text
    word = leader.get(url("consolidation_word", pk=draft.pk))
    assert word.status_code == 200 and "so-01.docx" in word["Content-Disposition"]
    doc = Docx(io.BytesIO(word.content))
    all_text = "\n".join(c.text for t in doc.tables for c in t._cells)
    assert "Số 01-BC/ĐU" in all_text
    assert "DỰ THẢO" not in "\n".join(p.text for p in doc.paragraphs)
    exports = ConsolidationExport.objects.count()
    again = officer.post(url("consolidation_export", pk=draft.pk))
    assert again.status_code == 200 and ConsolidationExport.objects.count() == exports
    client.force_login(cast.ministry_officer)
    refused = client.post(part_url("consolidation_part_delete", part))
    assert refused.status_code == 403 and "đã ban hành" in page(refused)
    assert Part.objects.filter(pk=part.pk).exists()
    client.force_login(ministry_leader)
    assert client.post(url("consolidation_issue", pk=draft.pk)).status_code == 400


def test_the_word_file_of_a_draft_is_an_export_not_a_get(client, cast, draft):
    response = as_user(client, cast.ministry_officer).get(url("consolidation_word", pk=draft.pk))
    assert response.status_code == 302 and response["Location"] == url("consolidation", pk=draft.pk)
    assert ConsolidationExport.objects.count() == 0


def test_a_stale_excerpt_stops_the_issue(client, cast, draft, sent, leader_b, ministry_leader):
    svc.add_excerpt(cast.ministry_officer, draft, "KQ", sent["T01"].pk, "KQ")
    report = sent["T01"]
    workflow.return_report(report, ministry_leader, "Bổ sung")
    workflow.save_entries(report, cast.officer_b, {}, {"KQ": "Nội dung mới."})
    workflow.submit(report, leader_b)
    before = counts()
    response = as_user(client, ministry_leader).post(url("consolidation_issue", pk=draft.pk))
    assert response.status_code == 400
    assert "xóa và trích lại" in _error_near(page(response), "ban-hanh")
    assert counts() == before
