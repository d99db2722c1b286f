"""Reminders of a campaign's requirements through the jobs mechanism (registry.jobs): three
days before a phase's last day and the day after it, to the officers and leaders of the
units that have not met a requirement of the phase by then — each person once per
requirement and occasion, however often the jobs are planned or run."""

from giaoban.campaigns import reminders
from giaoban.jobs.models import Job
from giaoban.jobs.services import run_due, schedule, schedule_many
from giaoban.notifications.models import Notification
from tests.campaigns.conftest import day
from tests.campaigns.fixtures_due import at, launch_meeting, province_plan, unlaunch
from tests.conftest import make_user

LAUNCH, PLAN = "Tổ chức hội nghị phát động", "Ban hành kế hoạch của đơn vị"
SESSION = "Sinh hoạt chuyên đề của chi bộ"


def told(user):
    rows = Notification.objects.filter(user=user, kind=reminders.KIND).order_by("title")
    return list(rows.values_list("title", flat=True))


def keys(specs):
    return sorted(s.key for s in specs if s.kind == reminders.KIND)


def test_the_occasions_of_the_coming_week_are_planned_once(scene):
    p1 = scene.p1  # phase 1 ends on day 9: reminders on day 6 and day 10
    assert keys(reminders.schedule(at(day(-2), 7))) == []  # day 6 is 8 days ahead
    assert keys(reminders.schedule(at(day(2), 7))) == [f"campaigns:phase:{p1.pk}:20260311:before"]
    specs = reminders.schedule(at(day(3), 7))
    assert keys(specs) == [
        f"campaigns:phase:{p1.pk}:20260311:before",
        f"campaigns:phase:{p1.pk}:20260311:overdue",
    ]
    mine = [s for s in specs if s.kind == reminders.KIND]
    assert [s.run_at for s in mine] == [at(day(6), 8), at(day(10), 8)]
    assert schedule_many(mine) == 2
    assert schedule_many(reminders.schedule(at(day(3), 7))) == 0
    assert Job.objects.filter(kind=reminders.KIND).count() == 2
    # Once both occasions have passed, nothing of phase 1 is planned late.
    assert keys(reminders.schedule(at(day(11), 7))) == []


def test_the_units_that_owe_are_told_before_the_deadline_once(scene):
    c = scene.cast
    launch_meeting(scene, day(2))
    province_plan(scene, day(3))  # Thái Nguyên has done phase 1; Hà Nội nothing
    assert run_due(now=at(day(3), 7)).ok
    assert told(c.officer_b) == []  # planned, not yet due
    assert run_due(now=at(day(6), 9)).ok
    assert told(c.officer_b) == [f"Nhắc hạn: {PLAN}", f"Nhắc hạn: {LAUNCH}"]
    assert told(c.officer_a) == told(c.leader_a) == []  # met on time
    assert told(c.commune_officer) == told(c.ministry_officer) == []  # not their level
    notice = Notification.objects.get(user=c.officer_b, title=f"Nhắc hạn: {LAUNCH}")
    assert notice.body == (
        f"{scene.campaign.title} — giai đoạn 1 (Phát động). Đơn vị của đồng chí chưa thực "
        "hiện; hạn 11/03/2026 (còn 3 ngày)."
    )
    assert notice.url == f"/sinh-hoat-chinh-tri/{scene.campaign.pk}/#own"
    # Run again, or the job planned again under another key: nobody is told twice.
    job = Job.objects.get(key=reminders.job_key(scene.p1.pk, day(9), reminders.BEFORE))
    again, created = schedule(reminders.KIND, "campaigns:again", at(day(6), 9), job.payload)
    assert created
    assert run_due(now=at(day(6), 10)).ok
    again.refresh_from_db()
    assert again.result == "Đã nhắc 0 đơn vị (0 thông báo); 0 đơn vị chưa có tài khoản."
    assert told(c.officer_b) == [f"Nhắc hạn: {PLAN}", f"Nhắc hạn: {LAUNCH}"]


def test_overdue_the_day_after_but_not_who_met_it_late(scene):
    c = scene.cast
    leader_b = make_user("leader_b", c.province_b, "leader")
    launch_meeting(scene, day(2))
    province_plan(scene, day(10))  # a day late: met by the time the reminder runs
    schedule_many(reminders.schedule(at(day(4), 7)))
    assert run_due(now=at(day(10), 9)).ok
    assert told(c.officer_a) == [] and told(c.leader_a) == []
    assert told(c.officer_b) == told(leader_b) == [f"Quá hạn: {PLAN}", f"Quá hạn: {LAUNCH}"]
    body = Notification.objects.filter(user=leader_b, title=f"Quá hạn: {PLAN}").get().body
    assert body.endswith("hạn 11/03/2026 (quá hạn 1 ngày).")
    # The first reminder, run only now (the runner was down), leaves it to the second.
    late = Job.objects.get(key=reminders.job_key(scene.p1.pk, day(9), reminders.BEFORE))
    assert late.result == "Đã quá hạn giai đoạn: lần nhắc quá hạn sẽ báo; không nhắc."


def test_one_notice_per_person_for_several_owing_units(scene):
    c = scene.cast
    both = make_user("commune_officer_both", c.commune_a1, "officer")
    both.role_assignments.create(unit=c.commune_a2, role="officer")
    phase2 = reminders.job_key(scene.p2.pk, day(29), reminders.BEFORE)
    schedule_many(reminders.schedule(at(day(22), 7)))
    assert Job.objects.filter(key=phase2).exists()
    assert run_due(now=at(day(26), 9)).ok
    assert told(both) == told(c.commune_officer) == [f"Nhắc hạn: {SESSION}"]
    assert Job.objects.get(key=phase2).result == (
        "Đã nhắc 2 đơn vị (3 thông báo); 1 đơn vị chưa có tài khoản."
    )  # A1 (two people), A2 (the one holding both); Hà Nội's commune has nobody to tell


def test_nothing_for_a_campaign_no_longer_launched(scene):
    c = scene.cast
    schedule_many(reminders.schedule(at(day(3), 7)))
    unlaunch(scene)
    assert keys(reminders.schedule(at(day(3), 7))) == []
    assert run_due(now=at(day(6), 9)).ok
    assert told(c.officer_b) == []
    job = Job.objects.get(key=reminders.job_key(scene.p1.pk, day(9), reminders.BEFORE))
    assert job.result == "Đợt không còn phát động hoặc giai đoạn đã đổi hạn; không nhắc."


def test_the_three_plug_ins_are_registered():
    from giaoban.campaigns import due, sections
    from giaoban.core import registry

    assert reminders.schedule in list(registry.jobs)
    assert due.contribution in list(registry.due)
    assert sections.section in list(registry.report_sections)
