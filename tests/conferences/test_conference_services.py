"""The conference's services by role and scope: creating it (participants by rule), keeping
its details, attendance, agenda, papers, minutes and conclusions, assigning tasks, starting
and closing it (the thông báo kết luận issued to the right units); every refusal with its
field and nothing half-written; NUL and NFD text."""

import datetime
import unicodedata

import pytest

from giaoban.audit.models import AuditEntry
from giaoban.conferences import consolidation, services, tasks
from giaoban.conferences.models import (
    PARTY,
    STATE,
    AgendaItem,
    Conclusion,
    Conference,
    Paper,
    Participant,
    Task,
)
from giaoban.conferences.services import ConferenceError
from giaoban.conferences.tasks import TaskError
from giaoban.documents.models import Document, Recipient
from giaoban.notifications.models import Notification
from giaoban.units.models import Level
from giaoban.units.rules import Rule
from tests.conferences.conftest import KEY
from tests.conferences.test_conference_fixtures import (
    DAY,
    TODAY,
    A,
    S,
    checked,
    days,
    participant,
    pdf,
    stored_files,
)
from tests.conferences.test_conference_fixtures import conference as conference  # noqa: F401
from tests.conferences.test_conference_fixtures import media as media  # noqa: F401
from tests.documents.conftest import issued

MODELS = (Conference, Participant, AgendaItem, Paper, Conclusion, Task, Document)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def refused(call, *args, **kwargs):
    """The ConferenceError (or TaskError) of a call, with every table unchanged."""
    before = counts()
    with pytest.raises((ConferenceError, TaskError)) as error:
        call(*args, **kwargs)
    assert counts() == before
    return error.value


def codes(conference):
    return [p.unit.code for p in conference.participants.select_related("unit").order_by("path")]


# ------------------------------------------------------------------ creating


def test_a_conference_is_created_with_the_hosts_children_and_a_title_from_its_period(
    cast, conference
):
    assert conference.title == (
        "Hội nghị giao ban công tác đảng, công tác chính trị 6 tháng đầu năm 2026"
    )
    assert codes(conference) == ["CTDCT", "T01", "T19"]
    assert conference.status == S.PREPARING and conference.period_key == KEY
    audited = AuditEntry.objects.filter(model="conferences.Participant", action="create")
    assert audited.count() == 3


def test_participants_by_level_and_by_list(cast, form):
    officer = cast.ministry_officer
    by_level = services.create(
        officer, cast.root, form, KEY, DAY, Rule.LEVEL, Level.objects.get(code="xa")
    )
    assert sorted(codes(by_level)) == ["X00004", "X05500", "X05800"]
    listed = services.create(
        officer, cast.root, form, KEY, DAY, Rule.EXPLICIT, units=[cast.province_a, cast.commune_b1]
    )
    assert sorted(codes(listed)) == ["T19", "X00004"]


def test_a_participant_outside_the_hosts_subtree_is_refused(cast, form):
    error = refused(
        services.create,
        cast.officer_a,
        cast.province_a,
        form,
        KEY,
        DAY,
        Rule.EXPLICIT,
        units=[cast.commune_a1, cast.province_b],
    )
    assert error.field == "participant_rule" and "Công an thành phố Hà Nội" in error.message
    assert "chỉ chọn đơn vị thuộc phạm vi" in error.message


def test_only_who_may_change_the_hosts_data_creates_it(cast, form):
    for user, unit in [
        (cast.officer_b, cast.province_a),  # another province
        (cast.leader_a, cast.province_a),  # a leader enters no data
        (cast.commune_officer, cast.province_a),  # below the host
    ]:
        assert refused(services.create, user, unit, form, KEY, DAY).forbidden


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": "Hội nghị\x00"}, "title"),
        ({"place": "Hội\x00trường"}, "place"),
        ({"title": "x" * 301}, "title"),
        ({"start_time": datetime.time(10), "end_time": datetime.time(9)}, "end_time"),
        ({"papers_due": DAY + datetime.timedelta(days=1)}, "papers_due"),
        ({"body": "other"}, "body"),
    ],
)
def test_bad_details_are_refused_naming_the_field(cast, form, fields, field):
    error = refused(services.create, cast.ministry_officer, cast.root, form, KEY, DAY, **fields)
    assert error.field == field and not error.forbidden
    assert error.message


def test_a_bad_period_is_refused(cast, form):
    error = refused(services.create, cast.ministry_officer, cast.root, form, "2026-Q5", DAY)
    assert error.field == "period"


def test_nfd_text_is_stored_nfc(cast, form):
    title = unicodedata.normalize("NFD", "Hội nghị giao ban Công an tỉnh Thái Nguyên")
    conference = services.create(
        cast.officer_a, cast.province_a, form, KEY, DAY, title=title, place=title
    )
    conference.refresh_from_db()
    assert conference.title == unicodedata.normalize("NFC", title)
    assert unicodedata.is_normalized("NFC", conference.place)


def test_the_consolidated_report_must_be_the_hosts_of_the_period(cast, form, sent):
    ministry = consolidation.open_draft(cast.ministry_officer, cast.root, PARTY, form, KEY)
    province = consolidation.open_draft(cast.officer_a, cast.province_a, PARTY, form, KEY)
    conference = services.create(
        cast.ministry_officer, cast.root, form, KEY, DAY, consolidation=ministry
    )
    assert conference.consolidation == ministry
    error = refused(services.update, cast.ministry_officer, conference, consolidation=province)
    assert error.field == "consolidation"
    error = refused(services.update, cast.ministry_officer, conference, period_key="2025-H2")
    assert error.field == "consolidation"


# ------------------------------------------------------------------ keeping it


def test_update_changes_the_details_and_the_period(cast, form, conference):
    services.update(
        cast.ministry_officer, conference, period_key="2025-H2", online_link="https://x/y"
    )
    conference.refresh_from_db()
    assert conference.period_key == "2025-H2" and conference.online_link == "https://x/y"
    assert refused(services.update, cast.officer_a, conference, place="X").forbidden


def test_the_day_cannot_move_past_a_deadline_already_given(cast, conference):
    conclusion = services.add_conclusion(cast.ministry_officer, conference, "Kết luận một.")
    tasks.assign(cast.ministry_officer, conclusion, days(5), units=[cast.province_a])
    error = refused(services.update, cast.ministry_officer, conference, date=days(6))
    assert error.field == "date" and "ngày họp không được sau hạn đó" in error.message


def test_choosing_participants_again_keeps_the_attendance_of_those_kept(cast, conference):
    officer = cast.ministry_officer
    a = participant(conference, cast.province_a)
    services.set_attendance(officer, conference, {a.pk: (A.PRESENT, "", 3)})
    services.set_participants(
        officer, conference, Rule.EXPLICIT, units=[cast.province_a, cast.province_b]
    )
    assert sorted(codes(conference)) == ["T01", "T19"]
    a = participant(conference, cast.province_a)
    assert (a.attendance, a.delegates) == (A.PRESENT, 3)
    assert AuditEntry.objects.filter(model="conferences.Participant", action="delete").count() == 1


def test_a_unit_that_sent_a_paper_stays_a_participant(cast, conference, media):
    officer = cast.ministry_officer
    a = participant(conference, cast.province_a)
    services.invite_papers(officer, conference, [a.pk], DAY)
    services.upload_paper(cast.officer_a, conference, a, *checked(pdf()), "Tham luận", DAY)
    error = refused(
        services.set_participants, officer, conference, Rule.EXPLICIT, units=[cast.province_b]
    )
    assert error.field == "participant_rule" and "Thái Nguyên" in error.message


# ------------------------------------------------------------------ attendance


def test_attendance_is_all_or_nothing_with_every_rows_message(cast, conference):
    rows = {p.unit.code: p for p in conference.participants.select_related("unit")}
    error = refused(
        services.set_attendance,
        cast.ministry_officer,
        conference,
        {
            rows["T19"].pk: (A.PRESENT, "", 4),
            rows["T01"].pk: (A.ABSENT, "  ", None),
            rows["CTDCT"].pk: (A.PRESENT, "", 0),
        },
    )
    assert set(error.errors) == {f"reason-{rows['T01'].pk}", f"delegates-{rows['CTDCT'].pk}"}
    assert "Công an thành phố Hà Nội vắng mặt: cần ghi lý do." in error.errors.values()
    assert participant(conference, cast.province_a).attendance == A.UNKNOWN


def test_attendance_is_recorded_as_counts(cast, conference):
    rows = {p.unit.code: p for p in conference.participants.select_related("unit")}
    changed = services.set_attendance(
        cast.ministry_officer,
        conference,
        {
            rows["T19"].pk: (A.PRESENT, "ignored when present", 4),
            rows["T01"].pk: (A.ABSENT, "Trực sẵn sàng chiến đấu", 7),
        },
    )
    assert changed == 2
    t19, t01 = participant(conference, cast.province_a), participant(conference, cast.province_b)
    assert (t19.attendance, t19.absence_reason, t19.delegates) == (A.PRESENT, "", 4)
    assert (t01.attendance, t01.absence_reason, t01.delegates) == (
        A.ABSENT,
        "Trực sẵn sàng chiến đấu",
        None,
    )


def test_attendance_refuses_nul_a_bad_value_and_another_conferences_row(cast, form, conference):
    p = participant(conference, cast.province_a)
    error = refused(
        services.set_attendance,
        cast.ministry_officer,
        conference,
        {p.pk: (A.ABSENT, "a\x00", None)},
    )
    assert error.field == f"reason-{p.pk}" and "NUL" in error.message
    error = refused(
        services.set_attendance, cast.ministry_officer, conference, {p.pk: ("maybe", "", None)}
    )
    assert error.field == f"attendance-{p.pk}"
    other = services.create(cast.ministry_officer, cast.root, form, KEY, DAY)
    error = refused(
        services.set_attendance, cast.ministry_officer, other, {p.pk: (A.PRESENT, "", 1)}
    )
    assert error.field == "unit"
    assert refused(
        services.set_attendance, cast.officer_a, conference, {p.pk: (A.PRESENT, "", 1)}
    ).forbidden


# ------------------------------------------------------------------ agenda


def test_the_agenda_is_kept_in_order(cast, conference):
    officer = cast.ministry_officer
    one = services.add_item(officer, conference, "Khai mạc", cast.root, 10)
    two = services.add_item(officer, conference, "Báo cáo sơ kết", cast.department, 30)
    three = services.add_item(officer, conference, "Tham luận", cast.province_a, 20)
    services.move_item(officer, three, -1)
    order = list(conference.agenda.order_by("order").values_list("title", flat=True))
    assert order == ["Khai mạc", "Tham luận", "Báo cáo sơ kết"]
    services.move_item(officer, one, -1)  # already first: nothing changes
    services.delete_item(officer, one)
    assert list(conference.agenda.order_by("order").values_list("order", "title")) == [
        (1, "Tham luận"),
        (2, "Báo cáo sơ kết"),
    ]
    services.update_item(officer, two, "Báo cáo sơ kết 6 tháng", None, 45)
    two.refresh_from_db()
    assert (two.title, two.presenter, two.duration) == ("Báo cáo sơ kết 6 tháng", None, 45)


def test_agenda_refusals(cast, form, leader_b):
    conference = services.create(cast.officer_a, cast.province_a, form, KEY, DAY)
    officer = cast.officer_a
    error = refused(services.add_item, officer, conference, "Ý kiến", cast.province_b)
    assert error.field == "presenter"
    assert refused(services.add_item, officer, conference, "Ý kiến", None, 0).field == "duration"
    assert refused(services.add_item, officer, conference, "\x00").field == "title"
    assert refused(services.add_item, officer, conference, "  ").field == "title"
    theirs = issued(cast.officer_b, leader_b, cast.province_b)  # a document of Hà Nội
    error = refused(services.add_item, officer, conference, "Ý kiến", docs=[theirs])
    assert error.field == "documents"
    assert refused(services.add_item, cast.officer_b, conference, "Ý kiến").forbidden


def test_an_item_links_documents_the_user_may_see(cast, conference, ministry_leader):
    document = issued(cast.ministry_officer, ministry_leader, cast.root)
    item = services.add_item(cast.ministry_officer, conference, "Quán triệt", docs=[document])
    assert list(item.documents.all()) == [document]
    entry = AuditEntry.objects.get(model="conferences.AgendaItem", action="update")
    assert entry.before == {"documents": []} and entry.after == {"documents": [str(document)]}
    services.update_item(cast.ministry_officer, item, "Quán triệt", docs=[])
    assert not item.documents.exists()
    assert AuditEntry.objects.filter(model="conferences.AgendaItem", action="update").count() == 2


# ------------------------------------------------------------------ papers


@pytest.fixture
def invited(cast, conference):
    a = participant(conference, cast.province_a)
    services.invite_papers(cast.ministry_officer, conference, [a.pk], days(-2))
    a.refresh_from_db()
    return a


def test_an_invited_unit_sends_its_paper_before_the_deadline(cast, conference, invited, media):
    paper = services.upload_paper(
        cast.officer_a, conference, invited, *checked(pdf()), "Tham luận Thái Nguyên", days(-3)
    )
    assert paper.unit == cast.province_a and paper.name == "tham-luan.pdf"
    assert len(stored_files(media)) == 1


def test_a_paper_after_the_deadline_is_refused_and_nothing_is_stored(
    cast, conference, invited, media
):
    error = refused(
        services.upload_paper, cast.officer_a, conference, invited, *checked(pdf()), "Muộn", DAY
    )
    assert error.field == "file" and "quá hạn gửi tham luận" in error.message
    assert stored_files(media) == []


def test_who_may_send_a_paper(cast, form, conference, invited, media):
    b = participant(conference, cast.province_b)  # not invited
    assert refused(
        services.upload_paper, cast.officer_b, conference, b, *checked(pdf()), "x", days(-3)
    ).forbidden
    assert refused(  # another province's officer for Thái Nguyên
        services.upload_paper, cast.officer_b, conference, invited, *checked(pdf()), "x", days(-3)
    ).forbidden
    other = services.create(cast.ministry_officer, cast.root, form, KEY, DAY)
    assert refused(  # a row of this conference given for another one
        services.upload_paper, cast.officer_a, other, invited, *checked(pdf()), "x", days(-3)
    ).forbidden
    error = refused(
        services.upload_paper,
        cast.officer_a,
        conference,
        invited,
        *checked(pdf()),
        "\x00",
        days(-3),
    )
    assert error.field == "title"
    assert stored_files(media) == []


def test_removing_a_paper(cast, conference, invited, media):
    paper = services.upload_paper(
        cast.officer_a, conference, invited, *checked(pdf()), "Tham luận", days(-3)
    )
    assert refused(services.delete_paper, cast.officer_a, paper, DAY).forbidden  # past deadline
    assert refused(services.delete_paper, cast.officer_b, paper, days(-3)).forbidden
    error = refused(services.invite_papers, cast.ministry_officer, conference, [], days(-2))
    assert error.field == "participants"
    services.delete_paper(cast.ministry_officer, paper)  # the host may, until the close
    assert not Paper.objects.exists()


def test_inviting_needs_a_deadline_on_or_before_the_day(cast, conference):
    a = participant(conference, cast.province_a)
    error = refused(services.invite_papers, cast.ministry_officer, conference, [a.pk], None)
    assert error.field == "papers_due"
    error = refused(services.invite_papers, cast.ministry_officer, conference, [a.pk], days(1))
    assert error.field == "papers_due"


# ------------------------------------------------------------------ minutes, conclusions


def test_minutes_and_conclusions(cast, conference):
    officer = cast.ministry_officer
    services.save_minutes(officer, conference, unicodedata.normalize("NFD", "Đồng chí phát biểu."))
    conference.refresh_from_db()
    assert conference.minutes == "Đồng chí phát biểu."
    assert refused(services.save_minutes, officer, conference, "a\x00b").field == "minutes"
    one = services.add_conclusion(officer, conference, "Một.")
    two = services.add_conclusion(officer, conference, "Hai.")
    three = services.add_conclusion(officer, conference, "Ba.")
    assert [one.number, two.number, three.number] == [1, 2, 3]
    services.delete_conclusion(officer, one)
    assert list(conference.conclusions.values_list("number", "text")) == [(1, "Hai."), (2, "Ba.")]
    services.edit_conclusion(officer, two, "Hai, sửa.")
    assert refused(services.edit_conclusion, officer, two, "").field == "text"
    assert refused(services.add_conclusion, cast.officer_a, conference, "x").forbidden


def test_a_conclusion_with_progress_reported_is_not_removed(cast, conference):
    conclusion = services.add_conclusion(cast.ministry_officer, conference, "Một.")
    (task,) = tasks.assign(cast.ministry_officer, conclusion, days(30), units=[cast.province_a])
    tasks.report_progress(cast.officer_a, task, "Đã triển khai.")
    error = refused(services.delete_conclusion, cast.ministry_officer, conclusion)
    assert "báo cáo tiến độ" in error.message


# ------------------------------------------------------------------ tasks


def test_tasks_by_rule_and_by_list(cast, conference):
    officer = cast.ministry_officer
    conclusion = services.add_conclusion(officer, conference, "Mọi đơn vị trực thuộc thực hiện.")
    made = tasks.assign(officer, conclusion, days(30), rule=Rule.CHILDREN)
    assert sorted(t.unit.code for t in made) == ["CTDCT", "T01", "T19"]
    assert all(t.title == "Mọi đơn vị trực thuộc thực hiện." for t in made)
    again = tasks.assign(officer, conclusion, days(40), units=[cast.province_a, cast.commune_a1])
    assert [t.unit.code for t in again] == ["X05500"]  # T19 keeps the task it has


def test_task_refusals(cast, form, conference):
    conclusion = services.add_conclusion(cast.ministry_officer, conference, "Một.")
    error = refused(
        tasks.assign,
        cast.ministry_officer,
        conclusion,
        DAY - datetime.timedelta(days=1),
        units=[cast.province_a],
    )
    assert error.field == "deadline" and dmy_in(error.message, DAY)
    host_a = services.create(cast.officer_a, cast.province_a, form, KEY, DAY)
    mine = services.add_conclusion(cast.officer_a, host_a, "Các xã thực hiện.")
    error = refused(tasks.assign, cast.officer_a, mine, days(30), units=[cast.province_b])
    assert error.field == "units" and "Công an thành phố Hà Nội" in error.message
    assert refused(
        tasks.assign, cast.officer_b, conclusion, days(30), units=[cast.province_b]
    ).forbidden


def dmy_in(message, day):
    return day.strftime("%d/%m/%Y") in message


# ------------------------------------------------------------------ start and close


def test_start_by_the_officer_or_the_leader(cast, conference, ministry_leader):
    assert refused(services.start, cast.officer_a, conference).forbidden
    services.start(ministry_leader, conference)
    conference.refresh_from_db()
    assert conference.status == S.OPEN
    assert AuditEntry.objects.filter(
        model="conferences.Conference", action="transition", message="Hội nghị bắt đầu"
    ).exists()


@pytest.fixture
def held(cast, conference, ministry_leader):
    officer = cast.ministry_officer
    services.start(officer, conference)
    services.save_minutes(officer, conference, "Diễn biến.")
    first = services.add_conclusion(officer, conference, "Tiếp tục quán triệt nghị quyết.")
    services.add_conclusion(officer, conference, "Tổng kết phong trào thi đua.")
    tasks.assign(
        officer,
        first,
        days(30),
        units=[cast.province_a, cast.commune_b1],
        expected_result="Báo cáo kết quả",
    )
    return conference


def test_only_a_leader_of_the_host_closes(cast, held, leader_b):
    for user in (cast.ministry_officer, cast.leader_a, leader_b):
        assert refused(services.close, user, held).forbidden


def test_closing_needs_a_conclusion_and_the_day_of_the_conference(cast, form, ministry_leader):
    conference = services.create(cast.ministry_officer, cast.root, form, KEY, TODAY)
    error = refused(services.close, ministry_leader, conference)
    assert error.field == "conclusions"
    services.add_conclusion(cast.ministry_officer, conference, "Một.")
    error = refused(services.close, ministry_leader, conference, TODAY - datetime.timedelta(1))
    assert error.field == "date"


def test_closing_issues_the_notice_to_the_participants_and_the_task_units(
    cast, held, ministry_leader
):
    document = services.close(ministry_leader, held)
    held.refresh_from_db()
    assert held.status == S.CLOSED and held.notice == document and held.closed_at
    assert document.status == Document.Status.ISSUED and document.kind.abbreviation == "TB"
    assert document.symbol and document.issuer.body == PARTY and document.is_demo is False
    assert document.subject.startswith("Kết luận hội nghị giao ban công tác đảng")
    recipients = set(
        Recipient.objects.filter(document=document).values_list("unit__code", flat=True)
    )
    assert recipients == {"CTDCT", "T19", "T01", "X00004"}
    text = document.body_text
    assert "1. Tiếp tục quán triệt nghị quyết." in text and "2. Tổng kết phong trào" in text
    assert "Giao 2 đơn vị thực hiện (Công an phường Ba Đình, Công an tỉnh Thái Nguyên)" in text
    assert days(30).strftime("%d/%m/%Y") in text
    assert "T/M ĐẢNG ỦY" in document.signer_title
    told = Notification.objects.filter(kind=tasks.ASSIGNED_NOTICE)
    assert set(told.values_list("user__username", flat=True)) >= {"officer_a", "leader_a"}
    assert AuditEntry.objects.filter(
        model="conferences.Conference", action="transition", message__contains=document.symbol
    ).exists()


def test_a_command_closes_with_the_commands_notice(cast, form, ministry_leader):
    conference = services.create(cast.ministry_officer, cast.root, form, KEY, DAY, body=STATE)
    services.add_conclusion(cast.ministry_officer, conference, "Một.")
    document = services.close(ministry_leader, conference)
    assert document.issuer.body == STATE and document.symbol


def test_after_the_close_nothing_changes(cast, held, ministry_leader, media):
    services.close(ministry_leader, held)
    officer = cast.ministry_officer
    conclusion = held.conclusions.first()
    p = participant(held, cast.province_a)
    for call, args in [
        (services.save_minutes, (officer, held, "Sửa.")),
        (services.add_conclusion, (officer, held, "Thêm.")),
        (services.edit_conclusion, (officer, conclusion, "Sửa.")),
        (services.delete_conclusion, (officer, conclusion)),
        (services.add_item, (officer, held, "Thêm.")),
        (services.update, (officer, held)),
        (services.set_attendance, (officer, held, {p.pk: (A.PRESENT, "", 1)})),
        (services.set_participants, (officer, held, Rule.CHILDREN)),
        (services.start, (officer, held)),
        (services.close, (ministry_leader, held)),
        (tasks.assign, (officer, conclusion, days(30))),
    ]:
        error = refused(call, *args)
        assert error.forbidden, call.__name__
    held.refresh_from_db()
    assert held.minutes == "Diễn biến."
