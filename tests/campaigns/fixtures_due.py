"""Helpers for the campaign's plug-ins (the home page, reminders, the consolidated report)
on the seed's campaign of `conftest.scene` — and a small campaign running today, for the
pages that read the real clock (the home page)."""

import datetime

from django.utils import timezone

from giaoban.campaigns import services
from giaoban.campaigns.models import Campaign, Requirement
from giaoban.documents.models import Document
from giaoban.units.models import Level
from tests.campaigns.conftest import day, issue, session

DAY = datetime.timedelta(days=1)


def at(when, hour=9):
    return timezone.make_aware(datetime.datetime.combine(when, datetime.time(hour)))


def province_plan(s, when):
    """Thái Nguyên's own plan implementing the campaign's (meets `r_plan`)."""
    c = s.cast
    return issue(
        c.officer_a, c.leader_a, c.province_a, "Kế hoạch của tỉnh", when, implements=s.plan
    )


def launch_meeting(s, when):
    """Thái Nguyên's launch conference (meets `r_launch`)."""
    c = s.cast
    return session(c.officer_a, c.province_a, s.plan, when, kind="gd-chinh-tri")


def progress_mix(s, settings_, tmp_path):
    """Thái Nguyên on time in phase 1 (launch day 2, plan day 3); commune A1's session on
    day 12 and results on day 31 (on time, complete); commune A2's session on day 30 (late)
    and no results; the department, Hà Nội and its commune nothing."""
    settings_.MEDIA_ROOT = str(tmp_path)
    c = s.cast
    launch_meeting(s, day(2))
    plan = province_plan(s, day(3))
    session(c.commune_officer, c.commune_a1, plan, day(12))
    session(c.officer_a, c.commune_a2, plan, day(30))
    services.send_results(
        c.commune_officer, s.r_review, c.commune_a1, "Đã tự kiểm điểm.", day=day(31)
    )
    return plan


def unlaunch(s):
    """The scene's campaign back to being prepared (as if never launched)."""
    Campaign.objects.filter(pk=s.campaign.pk).update(status=Campaign.Status.DRAFT)


def running(cast, ministry_leader):
    """A campaign of the ministry running today: one phase from three days ago to ten
    days ahead, every commune sending its results."""
    today = timezone.localdate()
    plan = issue(
        cast.ministry_officer,
        ministry_leader,
        cast.root,
        "Kế hoạch đợt sinh hoạt chính trị đang diễn ra",
        today - 5 * DAY,
        recipient_rule=Document.Rule.CHILDREN,
    )
    officer = cast.ministry_officer
    campaign = services.create(
        officer,
        cast.root,
        "Đợt sinh hoạt chính trị đang diễn ra",
        plan.pk,
        today - 3 * DAY,
        today + 30 * DAY,
    )
    phase = services.add_phase(officer, campaign, "Sinh hoạt", today - 3 * DAY, today + 10 * DAY)
    requirement = services.add_requirement(
        officer,
        campaign,
        phase,
        Requirement.Kind.RESULTS,
        "Báo cáo kết quả sinh hoạt của chi bộ",
        Level.objects.get(code="xa"),
    )
    services.launch(officer, campaign)
    return campaign, requirement
