"""The conference's pages by role: the ministry's officer prepares and keeps it, its leader
closes it, a participating province reads it (its own attendance, papers and tasks only)
and sends its paper, a unit out of scope gets 404. Bad input: a 4xx with the Vietnamese
message beside the field, and nothing written."""

import datetime

import pytest
from django.urls import reverse

from giaoban.conferences import services, tasks
from giaoban.conferences.models import (
    AgendaItem,
    Conclusion,
    Conference,
    Paper,
    Participant,
    Task,
)
from giaoban.core import uploads
from giaoban.documents.models import Document
from tests.conferences.conftest import KEY
from tests.conferences.test_conference_fixtures import (
    DAY,
    PDF,
    A,
    S,
    days,
    dmy,
    participant,
    stored_files,
)
from tests.conferences.test_conference_fixtures import conference as conference  # noqa: F401
from tests.conferences.test_conference_fixtures import media as media  # noqa: F401

MODELS = (Conference, Participant, AgendaItem, Paper, Conclusion, Task, Document)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def url(name, **kwargs):
    return reverse(f"conferences:{name}", kwargs=kwargs or None)


def html(response):
    return response.content.decode()


def as_user(client, user):
    client.force_login(user)
    return client


def new_data(form, unit, **extra):
    data = {
        "unit": unit.code,
        "body": "party",
        "period": f"{form.pk}:{KEY}",
        "title": "",
        "date": dmy(DAY),
        "start_time": "08:00",
        "end_time": "11:30",
        "place": "Hội trường A",
        "online_link": "https://hop.example/phong-1",
        "participant_rule": "children",
        "participant_level": "",
        "participant_units": "",
        "consolidation": "",
        "papers_due": "",
    }
    data.update(extra)
    return data


def edit_data(conference, **extra):
    data = new_data(conference.form, conference.unit, date=dmy(conference.date))
    del data["unit"]
    data.update(extra)
    return data


# ------------------------------------------------------------------ the whole cycle


def test_the_ministry_prepares_holds_and_closes_its_conference(client, cast, form, ministry_leader):
    officer = as_user(client, cast.ministry_officer)
    assert officer.get(url("conference_new")).status_code == 200
    response = officer.post(url("conference_new"), new_data(form, cast.root))
    assert response.status_code == 302, html(response)
    conference = Conference.objects.get()
    assert response.url == url("conference", pk=conference.pk)
    assert conference.participants.count() == 3 and conference.online_link.startswith("https")
    page = html(officer.get(response.url))
    assert "6 tháng đầu năm 2026" in page and "Công an tỉnh Thái Nguyên" in page
    assert '<a href="https://hop.example' not in page  # the link is text, never opened

    response = officer.post(
        url("conference_agenda", pk=conference.pk),
        {"title": "Báo cáo sơ kết 6 tháng", "presenter": "CTDCT", "duration": "30"},
    )
    assert response.status_code == 302, html(response)
    rows = {p.unit.code: p for p in conference.participants.select_related("unit")}
    attendance = {
        f"attendance-{rows['T19'].pk}": "present",
        f"delegates-{rows['T19'].pk}": "3",
        f"attendance-{rows['T01'].pk}": "absent",
        f"reason-{rows['T01'].pk}": "Trực sẵn sàng chiến đấu",
        f"attendance-{rows['CTDCT'].pk}": "present",
        f"delegates-{rows['CTDCT'].pk}": "2",
    }
    response = officer.post(url("conference_attendance", pk=conference.pk), attendance)
    assert response.status_code == 302, html(response)
    assert officer.post(url("conference_start", pk=conference.pk)).status_code == 302
    response = officer.post(url("conference_minutes", pk=conference.pk), {"minutes": "Diễn biến."})
    assert response.status_code == 302
    response = officer.post(url("conclusions", pk=conference.pk), {"text": "Tiếp tục quán triệt."})
    assert response.status_code == 302
    conclusion = conference.conclusions.get()
    response = officer.post(
        url("conclusion_assign", pk=conclusion.pk),
        {
            "rule": "explicit",
            "units": "T19",
            "deadline": dmy(days(30)),
            "expected_result": "Kế hoạch",
        },
    )
    assert response.status_code == 302, html(response)
    assert Task.objects.get().unit == cast.province_a

    page = html(officer.get(url("conference", pk=conference.pk)))
    assert "<dd>2/3</dd>" in page  # present 2 of 3
    assert "Trực sẵn sàng chiến đấu" in page and "Diễn biến." in page

    leader = as_user(client, ministry_leader)
    assert leader.get(url("conference_close", pk=conference.pk)).status_code == 200
    response = leader.post(url("conference_close", pk=conference.pk))
    assert response.status_code == 302, html(response)
    conference.refresh_from_db()
    assert conference.status == S.CLOSED and conference.notice.kind.abbreviation == "TB"
    page = html(leader.get(url("conference", pk=conference.pk)))
    assert conference.notice.symbol in page
    assert reverse("documents:detail", kwargs={"pk": conference.notice_id}) in page


# ------------------------------------------------------------------ creating: bad input


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"title": "Hội nghị\x00"}, "Tên hội nghị: Không được chứa ký tự rỗng (NUL)."),
        ({"date": "31/02/2026"}, "Ngày họp: Ghi ngày theo dạng ngày/tháng/năm."),
        ({"end_time": "07:00"}, "Kết thúc lúc: Giờ kết thúc phải sau giờ bắt đầu."),
        ({"period": "999:2026-H1"}, "Kỳ giao ban: "),
        ({"participant_rule": "level"}, "Cấp dự: Chọn cấp dự."),
        ({"participant_rule": "explicit", "participant_units": "ZZ9"}, "Không có đơn vị mã ZZ9"),
        ({"papers_due": dmy(days(1))}, "Hạn gửi tham luận: Hạn gửi tham luận phải trước"),
    ],
)
def test_bad_input_on_creating_is_refused_beside_the_field(client, cast, form, extra, message):
    before = counts()
    response = as_user(client, cast.ministry_officer).post(
        url("conference_new"), new_data(form, cast.root, **extra)
    )
    assert response.status_code == 400
    assert message in html(response)
    assert counts() == before


def test_a_participant_outside_the_host_is_refused_beside_the_units(client, cast, form):
    before = counts()
    data = new_data(
        form, cast.province_a, participant_rule="explicit", participant_units="X05500, T01"
    )
    response = as_user(client, cast.ministry_officer).post(url("conference_new"), data)
    assert response.status_code == 400
    assert "Các đơn vị dự: Không chọn được Công an thành phố Hà Nội" in html(response)
    assert counts() == before


def test_a_unit_the_user_does_not_keep_cannot_host(client, cast, form):
    response = as_user(client, cast.officer_a).post(
        url("conference_new"), new_data(form, cast.province_b)
    )
    assert response.status_code == 400
    assert "Đơn vị chủ trì: Không có đơn vị đang hoạt động nào khớp" in html(response)
    viewer = as_user(client, cast.leader_a)  # a leader enters no data
    assert viewer.get(url("conference_new")).status_code == 403


def test_editing_chooses_participants_again_and_keeps_attendance(client, cast, conference):
    officer = as_user(client, cast.ministry_officer)
    a = participant(conference, cast.province_a)
    services.set_attendance(cast.ministry_officer, conference, {a.pk: (A.PRESENT, "", 5)})
    assert officer.get(url("conference_edit", pk=conference.pk)).status_code == 200
    data = edit_data(
        conference, participant_rule="explicit", participant_units="T19 — Công an tỉnh, T01"
    )
    response = officer.post(url("conference_edit", pk=conference.pk), data)
    assert response.status_code == 302, html(response)
    assert participant(conference, cast.province_a).delegates == 5
    assert conference.participants.count() == 2


# ------------------------------------------------------------------ attendance


def test_attendance_with_bad_rows_saves_nothing_and_says_why_per_row(client, cast, conference):
    rows = {p.unit.code: p for p in conference.participants.select_related("unit")}
    data = {
        f"attendance-{rows['T19'].pk}": "present",
        f"delegates-{rows['T19'].pk}": "3",
        f"attendance-{rows['T01'].pk}": "absent",
        f"reason-{rows['T01'].pk}": "",
        f"attendance-{rows['CTDCT'].pk}": "present",
        f"delegates-{rows['CTDCT'].pk}": "-1",
    }
    response = as_user(client, cast.ministry_officer).post(
        url("conference_attendance", pk=conference.pk), data
    )
    assert response.status_code == 400
    page = html(response)
    assert "Chưa lưu gì: sửa các dòng báo lỗi rồi lưu lại." in page
    assert "Không nhỏ hơn 0." in page  # the department's delegates
    data[f"delegates-{rows['CTDCT'].pk}"] = "2"
    response = as_user(client, cast.ministry_officer).post(
        url("conference_attendance", pk=conference.pk), data
    )
    assert response.status_code == 400
    assert "Công an thành phố Hà Nội vắng mặt: cần ghi lý do." in html(response)
    assert not Participant.objects.exclude(attendance="").exists()


# ------------------------------------------------------------------ agenda and documents


def test_the_agenda_picks_documents_the_user_may_see(client, cast, conference, ministry_leader):
    from tests.documents.conftest import issued

    mine = issued(
        cast.ministry_officer, ministry_leader, cast.root, subject="Quán triệt nghị quyết"
    )
    officer = as_user(client, cast.ministry_officer)
    page = html(officer.get(url("conference_agenda", pk=conference.pk), {"q": "quan triet"}))
    assert "Quán triệt nghị quyết" in page
    response = officer.post(
        url("conference_agenda", pk=conference.pk) + "?q=quan+triet",
        {"title": "Quán triệt", "documents": [str(mine.pk)]},
    )
    assert response.status_code == 302, html(response)
    item = AgendaItem.objects.get()
    assert list(item.documents.all()) == [mine]
    response = officer.post(
        url("agenda_item", pk=item.pk), {"title": "Quán triệt", "duration": "0"}
    )
    assert response.status_code == 400 and "Thời lượng (phút): Không nhỏ hơn 1." in html(response)
    second = services.add_item(cast.ministry_officer, conference, "Bế mạc")
    assert officer.post(url("agenda_move", pk=second.pk), {"step": "-1"}).status_code == 302
    assert list(conference.agenda.order_by("order").values_list("title", flat=True)) == [
        "Bế mạc",
        "Quán triệt",
    ]
    assert officer.post(url("agenda_delete", pk=second.pk)).status_code == 302
    assert conference.agenda.count() == 1


# ------------------------------------------------------------------ papers


@pytest.fixture
def invited(cast, conference):
    a = participant(conference, cast.province_a)
    services.invite_papers(cast.ministry_officer, conference, [a.pk], DAY)
    return a


def upload(client, conference, name, content, title="Tham luận Thái Nguyên"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        url("paper_upload", pk=conference.pk),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


def test_inviting_through_the_page(client, cast, conference):
    a, b = participant(conference, cast.province_a), participant(conference, cast.province_b)
    officer = as_user(client, cast.ministry_officer)
    response = officer.post(
        url("papers_invite", pk=conference.pk),
        {"participants": [str(a.pk), str(b.pk)], "papers_due": dmy(days(-1))},
    )
    assert response.status_code == 302
    assert set(Participant.objects.filter(paper_invited=True).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    response = officer.post(
        url("papers_invite", pk=conference.pk), {"participants": [str(a.pk)], "papers_due": ""}
    )
    assert response.status_code == 400 and "Hạn gửi tham luận: " in html(response)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("tham-luan.exe", b"MZ\x90\x00", "loại tệp không được chấp nhận"),
        ("tham-luan.pdf", b"not a pdf at all", "nội dung không phải tệp .pdf"),
        ("tham-luan.pdf", b"", "Tệp tham luận: "),
        ("tham-luan.pdf", PDF + b"x" * 2048, "quá giới hạn"),
    ],
)
def test_a_bad_paper_is_refused(
    client, cast, conference, invited, media, monkeypatch, name, content, message
):
    monkeypatch.setattr(uploads, "MAX_BYTES", 1024)
    response = upload(as_user(client, cast.officer_a), conference, name, content)
    assert response.status_code == 400
    assert message in html(response)
    assert not Paper.objects.exists() and stored_files(media) == []


def test_a_paper_after_the_deadline_is_refused(client, cast, conference, media):
    a = participant(conference, cast.province_a)
    services.invite_papers(cast.ministry_officer, conference, [a.pk], days(-1))
    response = upload(as_user(client, cast.officer_a), conference, "a.pdf", PDF)
    assert response.status_code == 400
    assert "Đã quá hạn gửi tham luận" in html(response)
    assert not Paper.objects.exists() and stored_files(media) == []


def test_the_invited_province_sends_its_paper_and_the_host_downloads_it(
    client, cast, conference, invited, media, monkeypatch
):
    monkeypatch.setattr(services, "papers_closed", lambda conference, today=None: False)
    province = as_user(client, cast.officer_a)
    response = upload(province, conference, "tham-luan.pdf", PDF)
    assert response.status_code == 302, html(response)
    paper = Paper.objects.get()
    response = as_user(client, cast.ministry_officer).get(url("paper_file", pk=paper.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert as_user(client, cast.officer_b).get(url("paper_file", pk=paper.pk)).status_code == 404
    other = as_user(client, cast.officer_b)  # Hà Nội, not invited
    assert other.get(url("paper_upload", pk=conference.pk)).status_code == 403


# ------------------------------------------------------------------ roles and scope


def test_a_participating_province_reads_its_own_rows_only(client, cast, conference):
    rows = {p.unit.code: p for p in conference.participants.select_related("unit")}
    services.set_attendance(
        cast.ministry_officer,
        conference,
        {rows["T19"].pk: (A.PRESENT, "", 3), rows["T01"].pk: (A.ABSENT, "Lý do riêng", None)},
    )
    conclusion = services.add_conclusion(cast.ministry_officer, conference, "Các tỉnh thực hiện.")
    tasks.assign(cast.ministry_officer, conclusion, days(30), rule="children")
    province = as_user(client, cast.officer_a)
    response = province.get(url("conference", pk=conference.pk))
    assert response.status_code == 200
    page = html(response)
    assert "Công an tỉnh Thái Nguyên" in page and "Các tỉnh thực hiện." in page
    assert "Công an thành phố Hà Nội" not in page and "Lý do riêng" not in page
    assert url("conference_edit", pk=conference.pk) not in page
    for name in ("conference_edit", "conference_attendance", "conference_minutes", "conclusions"):
        response = province.get(url(name, pk=conference.pk))
        assert response.status_code == 403, name
        assert "Chỉ cán bộ của Bộ Công an" in html(response)
    response = province.post(url("conference_minutes", pk=conference.pk), {"minutes": "Sửa."})
    assert response.status_code == 403
    assert province.post(url("conference_close", pk=conference.pk)).status_code == 403


def test_out_of_scope_is_404(client, cast, conference):
    commune = as_user(client, cast.commune_officer)  # X05500: neither host nor participant
    for name in ("conference", "conference_edit", "conference_attendance", "conference_xlsx"):
        assert commune.get(url(name, pk=conference.pk)).status_code == 404, name
    assert commune.post(url("conference_close", pk=conference.pk)).status_code == 404
    item = services.add_item(cast.ministry_officer, conference, "Khai mạc")
    assert commune.post(url("agenda_delete", pk=item.pk)).status_code == 404
    assert AgendaItem.objects.exists()


def test_the_officer_cannot_close_and_edits_after_the_close_are_refused(
    client, cast, conference, ministry_leader
):
    services.add_conclusion(cast.ministry_officer, conference, "Một.")
    officer = as_user(client, cast.ministry_officer)
    response = officer.post(url("conference_close", pk=conference.pk))
    assert response.status_code == 403 and "Chỉ lãnh đạo Bộ Công an" in html(response)
    services.close(ministry_leader, conference)
    for name in ("conference_edit", "conference_minutes", "conference_agenda", "conclusions"):
        response = officer.get(url(name, pk=conference.pk))
        assert response.status_code == 403, name
        assert "Hội nghị đã kết thúc: biên bản, kết luận và chương trình đã khóa." in html(response)
    response = officer.post(url("conference_minutes", pk=conference.pk), {"minutes": "Sửa."})
    assert response.status_code == 403
    conclusion = conference.conclusions.get()
    response = officer.post(url("conclusion_edit", pk=conclusion.pk), {"text": "Sửa."})
    assert response.status_code == 403
    conclusion.refresh_from_db()
    assert conclusion.text == "Một."
    page = html(officer.get(url("conference", pk=conference.pk)))
    assert "Biên bản đã khóa khi hội nghị kết thúc." in page


def test_closing_without_a_conclusion_is_refused_with_the_reason(
    client, cast, conference, ministry_leader
):
    before = counts()
    response = as_user(client, ministry_leader).post(url("conference_close", pk=conference.pk))
    assert response.status_code == 400
    assert "Hội nghị chưa có kết luận nào." in html(response)
    assert counts() == before


# ------------------------------------------------------------------ conclusions and tasks


def test_assigning_refuses_an_early_deadline_and_a_unit_outside_the_host(client, cast, form):
    host = services.create(cast.officer_a, cast.province_a, form, KEY, DAY)
    conclusion = services.add_conclusion(cast.officer_a, host, "Các xã thực hiện.")
    officer = as_user(client, cast.officer_a)
    data = {"rule": "explicit", "units": "X05500", "deadline": dmy(DAY - datetime.timedelta(1))}
    response = officer.post(url("conclusion_assign", pk=conclusion.pk), data)
    assert response.status_code == 400
    assert f"Hạn hoàn thành: Hạn hoàn thành phải từ ngày họp ({dmy(DAY)}) trở đi." in html(response)
    data.update(deadline=dmy(days(10)), units="X05500, X00004")
    response = officer.post(url("conclusion_assign", pk=conclusion.pk), data)
    assert response.status_code == 400
    assert "Các đơn vị: Không có đơn vị mã X00004 trong phạm vi của đồng chí." in html(response)
    ministry = as_user(client, cast.ministry_officer)  # sees X00004, still outside the host
    response = ministry.post(url("conclusion_assign", pk=conclusion.pk), data)
    assert response.status_code == 400
    assert "Các đơn vị: Không chọn được Công an phường Ba Đình" in html(response)
    data.update(rule="children", units="")
    response = officer.post(url("conclusion_assign", pk=conclusion.pk), data)
    assert response.status_code == 302
    assert sorted(Task.objects.values_list("unit__code", flat=True)) == ["X05500", "X05800"]


def test_a_task_is_withdrawn_and_a_conclusion_removed(client, cast, conference):
    conclusion = services.add_conclusion(cast.ministry_officer, conference, "Một.")
    services.add_conclusion(cast.ministry_officer, conference, "Hai.")
    (task,) = tasks.assign(cast.ministry_officer, conclusion, days(30), units=[cast.province_a])
    province = as_user(client, cast.officer_a)  # the task's unit, a participant
    assert province.post(url("task_withdraw", pk=task.pk)).status_code == 403
    assert province.post(url("conclusion_delete", pk=conclusion.pk)).status_code == 403
    officer = as_user(client, cast.ministry_officer)
    assert officer.post(url("task_withdraw", pk=task.pk)).status_code == 302
    assert not Task.objects.exists()
    assert officer.post(url("conclusion_delete", pk=conclusion.pk)).status_code == 302
    assert list(conference.conclusions.values_list("number", "text")) == [(1, "Hai.")]
