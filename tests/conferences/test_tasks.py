"""Follow-up tasks (nhiệm vụ): assigning, progress with evidence, done, accepted or sent
back — by role and scope —, the standing in the documents' matrix and the per-subtree
counts.

The scene (`hold`, also used by the pages', the API's and the browser's tests): the
ministry's conference for 2026-H1, held 30 days ago and closed, whose first conclusion
gives Thái Nguyên (T19) and Hà Nội (T01) a task due in 20 days; Thái Nguyên has issued
its implementing plan (the evidence) and recorded an activity.
"""

import datetime
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from giaoban.activities import services as activity_services
from giaoban.audit.context import acting_as
from giaoban.audit.models import AuditEntry
from giaoban.conferences import services, tasks
from giaoban.conferences.models import Participant, Progress, ProgressFile, Task
from giaoban.core import due, uploads
from giaoban.core.scope import VIEW
from giaoban.notifications.models import Notification
from giaoban.reports.demo_form import ensure_demo_form
from giaoban.units.rules import Rule
from tests.activities.conftest import values as activity_values
from tests.conftest import make_user
from tests.documents.conftest import issued

DAY = datetime.timedelta(days=1)
KEY = "2026-H1"
CONCLUSION = "Tiếp tục quán triệt, triển khai nghị quyết về công tác đảng trong Công an nhân dân."
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def hold(cast, ministry_leader, today=None, deadline_days=20):
    """The ministry's conference (Hà Nội absent), a conclusion, tasks to T19 and T01,
    closed."""
    today = today or timezone.localdate()
    form = ensure_demo_form()
    conference = services.create(
        cast.ministry_officer, cast.root, form, KEY, today - 30 * DAY, rule=Rule.CHILDREN
    )
    conclusion = services.add_conclusion(cast.ministry_officer, conference, CONCLUSION)
    made = tasks.assign(
        cast.ministry_officer,
        conclusion,
        today + deadline_days * DAY,
        units=[cast.province_a, cast.province_b],
        expected_result="Kế hoạch triển khai và báo cáo kết quả quán triệt.",
    )
    attendance = {
        p.pk: (Participant.Attendance.ABSENT, "Trùng lịch công tác", None)
        if p.unit_id == cast.province_b.pk
        else (Participant.Attendance.PRESENT, "", 3)
        for p in conference.participants.all()
    }
    services.set_attendance(cast.ministry_officer, conference, attendance)
    services.close(ministry_leader, conference)
    conference.refresh_from_db()
    plan = issued(
        cast.officer_a,
        cast.leader_a,
        cast.province_a,
        subject="Kế hoạch triển khai thực hiện kết luận hội nghị giao ban",
    )
    by_unit = {t.unit_id: t for t in made}
    return SimpleNamespace(
        cast=cast,
        today=today,
        form=form,
        conference=conference,
        conclusion=conclusion,
        task_a=by_unit[cast.province_a.pk],
        task_b=by_unit[cast.province_b.pk],
        plan=plan,
        ministry_leader=ministry_leader,
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def scene(cast, ministry_leader):
    return hold(cast, ministry_leader)


def fresh(task):
    return Task.objects.get(pk=task.pk)


def refused(call, *args, **kwargs):
    with pytest.raises(tasks.TaskError) as error:
        call(*args, **kwargs)
    return error.value


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def activity_of(user, unit, **fields):
    return activity_services.record(user, unit, **activity_values(**fields))


# ------------------------------------------------------------------ assigning


def test_a_conclusion_becomes_one_task_per_unit(cast, scene):
    task = fresh(scene.task_a)
    assert task.assigner == cast.root and task.unit == cast.province_a
    assert task.title == CONCLUSION and task.path == cast.province_a.path
    assert task.status == Task.Status.OPEN
    assert AuditEntry.objects.filter(model="conferences.Task", action="create").count() == 2
    # The units were told when the conference closed.
    assert Notification.objects.filter(user=cast.officer_a, kind=tasks.ASSIGNED_NOTICE).exists()


def test_assigning_checks_deadline_units_and_role(cast, ministry_leader):
    form = ensure_demo_form()
    day = timezone.localdate()
    conference = services.create(cast.ministry_officer, cast.root, form, KEY, day)
    conclusion = services.add_conclusion(cast.ministry_officer, conference, "Kết luận.")
    error = refused(
        tasks.assign, cast.ministry_officer, conclusion, day - DAY, units=[cast.province_a]
    )
    assert error.field == "deadline" and "ngày họp" in error.message
    province_conference = services.create(cast.officer_a, cast.province_a, form, KEY, day)
    own = services.add_conclusion(cast.officer_a, province_conference, "Kết luận của tỉnh.")
    error = refused(tasks.assign, cast.officer_a, own, day, units=[cast.commune_b1])
    assert error.field == "units" and "Ba Đình" in error.message
    error = refused(tasks.assign, cast.officer_b, conclusion, day, units=[cast.province_b])
    assert error.forbidden
    assert not Task.objects.exists()
    made = tasks.assign(cast.ministry_officer, conclusion, day, rule=Rule.CHILDREN)
    assert {t.unit.code for t in made} == {"CTDCT", "T19", "T01"}
    again = tasks.assign(cast.ministry_officer, conclusion, day, rule=Rule.CHILDREN)
    assert again == [] and Task.objects.count() == 3


def test_a_task_is_withdrawn_only_before_anything_is_reported(cast, ministry_leader):
    form = ensure_demo_form()
    day = timezone.localdate()
    conference = services.create(cast.ministry_officer, cast.root, form, KEY, day)
    conclusion = services.add_conclusion(cast.ministry_officer, conference, "Kết luận.")
    made = tasks.assign(
        cast.ministry_officer, conclusion, day, units=[cast.province_a, cast.province_b]
    )
    a, b = sorted(made, key=lambda t: t.unit_id != cast.province_a.pk)
    tasks.report_progress(cast.officer_a, a, "Đã triển khai.")
    error = refused(tasks.remove, cast.ministry_officer, a)
    assert "đã báo cáo tiến độ" in error.message
    tasks.remove(cast.ministry_officer, b)
    assert list(Task.objects.values_list("unit__code", flat=True)) == ["T19"]


# ------------------------------------------------------------------ progress


def test_the_units_officer_reports_progress_with_its_plan_as_evidence(cast, scene):
    progress = tasks.report_progress(
        cast.officer_a, scene.task_a, "Đã ban hành kế hoạch.", "document", scene.plan.pk
    )
    assert progress.evidence_document == scene.plan
    kind, record, label, url = tasks.evidence_of(progress)
    assert (kind, record) == ("document", scene.plan)
    assert url == f"/van-ban/{scene.plan.pk}/" and scene.plan.symbol in label
    assert fresh(scene.task_a).status == Task.Status.OPEN  # progress is not "done"


def test_an_activity_and_a_report_of_the_unit_are_evidence_too(cast, scene):
    activity = activity_of(cast.officer_a, cast.province_a)
    progress = tasks.report_progress(
        cast.officer_a, scene.task_a, "Đã tổ chức.", "activity", str(activity.pk)
    )
    assert progress.evidence_activity == activity
    choices = tasks.evidence_choices(cast.officer_a, scene.task_a)
    assert [pk for pk, _label in choices["document"]] == [scene.plan.pk]
    assert [pk for pk, _label in choices["activity"]] == [activity.pk]
    assert choices["report"] == []


@pytest.mark.parametrize(
    ("kind", "record", "says"),
    [
        ("photo", 1, "Loại minh chứng"),
        ("document", None, "Chọn văn bản"),
        ("document", "abc", "của chính Công an tỉnh Thái Nguyên"),
        ("document", 10**12, "của chính Công an tỉnh Thái Nguyên"),
        ("", 5, "Loại minh chứng"),
    ],
)
def test_unknown_evidence_is_refused_naming_the_field(cast, scene, kind, record, says):
    error = refused(tasks.report_progress, cast.officer_a, scene.task_a, "Đã làm.", kind, record)
    assert error.field == "evidence" and says in error.message
    assert not Progress.objects.exists()


def test_another_units_record_is_not_evidence(cast, scene):
    theirs = activity_of(cast.officer_b, cast.province_b)
    ministry_plan = scene.conference.notice  # issued by the ministry, received by T19
    commune = activity_of(cast.commune_officer, cast.commune_a1)
    for kind, record in (("activity", theirs), ("document", ministry_plan), ("activity", commune)):
        error = refused(
            tasks.report_progress, cast.officer_a, scene.task_a, "Đã làm.", kind, record.pk
        )
        assert error.field == "evidence"
        assert "của chính Công an tỉnh Thái Nguyên" in error.message
    assert not Progress.objects.exists()


def test_text_is_required_without_nul_and_stored_nfc(cast, scene):
    assert refused(tasks.report_progress, cast.officer_a, scene.task_a, "  ").field == "text"
    error = refused(tasks.report_progress, cast.officer_a, scene.task_a, "Đã\x00 làm")
    assert error.field == "text" and "NUL" in error.message
    nfd = unicodedata.normalize("NFD", "Đã quán triệt")
    progress = tasks.report_progress(cast.officer_a, scene.task_a, nfd)
    assert progress.text == unicodedata.normalize("NFC", "Đã quán triệt")
    assert Progress.objects.get().text == progress.text


def test_files_are_kept_only_when_everything_is_written(cast, scene, settings):
    upload = SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
    files = [(upload, uploads.check(upload))]
    error = refused(
        tasks.report_progress, cast.officer_a, scene.task_a, "Kèm tệp.", "report", 999, files
    )
    assert error.field == "evidence"
    assert not ProgressFile.objects.exists() and stored_files(settings) == []
    upload.seek(0)
    progress = tasks.report_progress(cast.officer_a, scene.task_a, "Kèm tệp.", files=files)
    (kept,) = progress.files.all()
    assert kept.name == "ke-hoach.pdf" and kept.size == len(PDF)
    assert len(stored_files(settings)) == 1


@pytest.mark.parametrize("who", ["leader_a", "ministry_officer", "commune_officer", "officer_b"])
def test_only_an_officer_of_the_unit_reports_progress(cast, scene, who):
    error = refused(tasks.report_progress, getattr(cast, who), scene.task_a, "Đã làm.")
    assert error.forbidden and "Thái Nguyên" in error.message
    assert not Progress.objects.exists()


# ------------------------------------------------------------------ done, accepted, sent back


def test_the_leader_marks_it_done_after_a_progress_report(cast, scene, ministry_leader):
    error = refused(tasks.mark_done, cast.leader_a, scene.task_a)
    assert error.field == "text" and "trước khi báo hoàn thành" in error.message
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.", "document", scene.plan.pk)
    assert refused(tasks.mark_done, cast.officer_a, scene.task_a).forbidden
    assert refused(tasks.mark_done, ministry_leader, scene.task_a).forbidden
    error = refused(tasks.mark_done, cast.leader_a, scene.task_a, scene.today + DAY)
    assert error.field == "day"
    with acting_as(cast.leader_a):
        task = tasks.mark_done(cast.leader_a, scene.task_a)
    assert task.status == Task.Status.DONE and task.done_on == scene.today
    assert tasks.standing(task) == due.ON_TIME
    assert tasks.timing(task).label == "hoàn thành đúng hạn"
    told = Notification.objects.filter(user=ministry_leader, kind=tasks.DONE_NOTICE).get()
    assert "Thái Nguyên" in told.title and told.url == tasks.url(task)
    entry = AuditEntry.objects.filter(model="conferences.Task", action="transition").get()
    assert entry.actor == cast.leader_a and entry.message == "Báo hoàn thành"


def test_the_assigning_units_leader_accepts_it(cast, scene, ministry_leader):
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.")
    assert refused(tasks.accept, ministry_leader, scene.task_a).message.startswith(
        "Nhiệm vụ chưa được báo hoàn thành"
    )
    tasks.mark_done(cast.leader_a, scene.task_a)
    for who in (cast.leader_a, cast.ministry_officer):
        assert refused(tasks.accept, who, scene.task_a).forbidden
    task = tasks.accept(ministry_leader, scene.task_a)
    assert task.status == Task.Status.ACCEPTED and task.decided_at is not None
    assert tasks.standing(task) == due.ON_TIME
    assert Notification.objects.filter(user=cast.officer_a, kind=tasks.DECIDED_NOTICE).exists()
    error = refused(tasks.accept, ministry_leader, scene.task_a)
    assert not error.forbidden and not error.field and "đã được nghiệm thu" in error.message
    assert refused(tasks.report_progress, cast.officer_a, scene.task_a, "Thêm.").field is None


def test_sent_back_with_a_reason_it_needs_new_progress(cast, scene, ministry_leader):
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã làm.")
    tasks.mark_done(cast.leader_a, scene.task_a)
    error = refused(tasks.send_back, ministry_leader, scene.task_a, " ")
    assert error.field == "reason" and fresh(scene.task_a).status == Task.Status.DONE
    task = tasks.send_back(ministry_leader, scene.task_a, "Cần bổ sung số liệu.")
    assert task.status == Task.Status.RETURNED and task.done_on is None
    assert task.return_reason == "Cần bổ sung số liệu."
    assert tasks.standing(task) == due.PENDING
    error = refused(tasks.mark_done, cast.leader_a, scene.task_a)
    assert error.field == "text" and "bị trả lại" in error.message
    tasks.report_progress(cast.officer_a, scene.task_a, "Đã bổ sung số liệu.")
    assert tasks.mark_done(cast.leader_a, scene.task_a).status == Task.Status.DONE


def test_done_after_the_deadline_is_late(cast, ministry_leader):
    today = timezone.localdate()
    scene = hold(cast, ministry_leader, today, deadline_days=-5)
    assert tasks.standing(fresh(scene.task_a)) == due.OVERDUE
    tasks.report_progress(cast.officer_a, scene.task_a, "Làm muộn.")
    task = tasks.mark_done(cast.leader_a, scene.task_a)
    assert tasks.standing(task) == due.LATE
    assert tasks.timing(task).label == "hoàn thành muộn 5 ngày"
    on_time = tasks.mark_done  # a day may be given: the day it was really done
    tasks.report_progress(cast.officer_b, scene.task_b, "Làm đúng hạn.")
    leader_b = make_user("leader_b", cast.province_b, "leader")
    task = on_time(leader_b, scene.task_b, today - 6 * DAY)
    assert tasks.standing(task) == due.ON_TIME


# ------------------------------------------------------------------ matrix, counts, scope


def test_the_standing_is_the_documents_matrix(cast, scene):
    task = fresh(scene.task_a)
    deadline = task.deadline
    assert tasks.standing(task, deadline) == due.PENDING
    assert tasks.standing(task, deadline + DAY) == due.OVERDUE
    task.status, task.done_on = Task.Status.DONE, deadline
    assert tasks.standing(task, deadline + 9 * DAY) == due.ON_TIME
    task.done_on = deadline + DAY
    assert tasks.standing(task, deadline + 9 * DAY) == due.LATE
    task.status = Task.Status.RETURNED  # sent back: not done, whatever the old date said
    assert tasks.standing(task, deadline + 9 * DAY) == due.OVERDUE


def test_counts_per_subtree_equal_the_standings_one_by_one(cast, scene, ministry_leader):
    today = scene.today
    province = services.create(cast.officer_a, cast.province_a, scene.form, KEY, today - 9 * DAY)
    conclusion = services.add_conclusion(cast.officer_a, province, "Các xã hoàn thành.")
    communes = tasks.assign(
        cast.officer_a, conclusion, today - DAY, units=[cast.commune_a1, cast.commune_a2]
    )
    tasks.report_progress(cast.commune_officer, communes[0], "Xong.")
    tasks.mark_done(cast.commune_leader, communes[0], today - 2 * DAY)
    every = Task.objects.all()
    total, groups = tasks.tally(every, cast.root.path, today)
    assert total.items == 4
    assert set(groups) == {"T19", "T01"}
    assert groups["T19"].items == 3 and groups["T01"].items == 1
    expected = {}
    for t in every:
        head = t.path.split("/")[1]
        expected.setdefault(head, {s: 0 for s in due.STANDINGS})[tasks.standing(t, today)] += 1
    for head, counts in expected.items():
        assert {s: groups[head].count(tasks.TASK, s) for s in due.STANDINGS} == counts
    total, groups = tasks.tally(every, cast.province_a.path, today)
    assert set(groups) == {"", "X05500", "X05800"}  # the province itself, then its communes
    assert groups["X05500"].count(tasks.TASK, due.ON_TIME) == 1
    assert groups["X05800"].count(tasks.TASK, due.OVERDUE) == 1
    assert groups[""].count(tasks.TASK, due.PENDING) == 1


def test_a_task_is_seen_by_its_unit_its_ancestors_and_the_assigner(cast, scene):
    def sees(user):
        return set(Task.objects.restrict(user, VIEW).values_list("unit__code", flat=True))

    assert sees(cast.ministry_officer) == {"T19", "T01"}
    assert sees(cast.officer_a) == sees(cast.leader_a) == {"T19"}
    assert sees(cast.officer_b) == {"T01"}
    assert sees(cast.commune_officer) == set()  # not its parent's task


def test_a_long_conclusion_gives_a_title_cut_at_a_word(cast):
    from giaoban.conferences.models import Conclusion

    long = Conclusion(text="Tiếp tục quán triệt " * 60)
    title = tasks.default_title(long)
    assert len(title) <= tasks.TITLE_CHARS and title.endswith("…")
    assert title.startswith("Tiếp tục quán triệt Tiếp tục")
