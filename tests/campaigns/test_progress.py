"""A campaign's progress, at its boundaries: each requirement met by its record on the
phase's last day (on time) or the day after (late), missing within the deadline or after
it; what applies to whom; the empty and not-applicable cases; per subtree."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from giaoban.campaigns import progress, services
from giaoban.core import uploads
from giaoban.core.due import LATE, ON_TIME, OVERDUE, PENDING
from tests.campaigns.conftest import day, issue, session

PDF = b"%PDF-1.4\n% test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def standing(s, requirement, unit, today):
    p = progress.compute(s.campaign, today).of(unit.pk)
    return p.items.get(requirement.pk, (None, None))[0]


def province_plan(s, when):
    c = s.cast
    return issue(
        c.officer_a, c.leader_a, c.province_a, "Kế hoạch của tỉnh", when, implements=s.plan
    )


def test_what_applies_to_whom(scene):
    c = scene.cast
    p = progress.compute(scene.campaign, day(1))
    assert set(p.of(c.province_a.pk).items) == {
        scene.r_launch.pk,
        scene.r_plan.pk,
        scene.r_review.pk,
    }
    assert set(p.of(c.commune_a1.pk).items) == {scene.r_session.pk, scene.r_review.pk}
    assert set(p.of(c.root.pk).items) == {scene.r_review.pk}  # the launching unit too
    department = p.of(c.department.pk)
    assert set(department.items) == {scene.r_review.pk}


def test_a_unit_to_which_nothing_applies_counts_nowhere(scene):
    from giaoban.campaigns.models import Requirement

    Requirement.objects.filter(pk=scene.r_review.pk).delete()
    p = progress.compute(scene.campaign, day(1))
    department = p.of(scene.cast.department.pk)
    assert department.applicable == 0
    assert not department.complete and not department.lagging
    _total, groups, _own = p.summary(scene.cast.root.path)
    cdt = next(g for g in groups if g.code == "CTDCT")
    assert (cdt.below, cdt.complete, cdt.own.applicable) == (0, 0, 0)


def test_a_session_on_the_phases_last_day_is_on_time_the_day_after_late(scene):
    c = scene.cast
    plan = province_plan(scene, day(3))
    session(c.commune_officer, c.commune_a1, plan, day(29))
    session(c.officer_a, c.commune_a2, plan, day(30))
    assert standing(scene, scene.r_session, c.commune_a1, day(40)) == ON_TIME
    assert standing(scene, scene.r_session, c.commune_a2, day(40)) == LATE


def test_nothing_yet_is_pending_to_the_last_day_then_overdue(scene):
    c = scene.cast
    assert standing(scene, scene.r_session, c.commune_a1, day(29)) == PENDING
    assert standing(scene, scene.r_session, c.commune_a1, day(30)) == OVERDUE


def test_only_sessions_of_the_kind_linked_to_the_campaign_count(scene):
    c = scene.cast
    plan = province_plan(scene, day(3))
    other = issue(c.officer_a, c.leader_a, c.province_a, "Văn bản khác", day(3))
    session(c.commune_officer, c.commune_a1, other, day(12))  # another document
    session(c.commune_officer, c.commune_a1, plan, day(12), kind="the-thao")  # another kind
    assert standing(scene, scene.r_session, c.commune_a1, day(20)) == PENDING
    session(c.commune_officer, c.commune_a1, plan, day(13))
    assert standing(scene, scene.r_session, c.commune_a1, day(20)) == ON_TIME


def test_records_before_the_campaign_do_not_count(scene):
    c = scene.cast
    session(c.officer_a, c.province_a, scene.plan, day(-1), kind="gd-chinh-tri")
    assert standing(scene, scene.r_launch, c.province_a, day(5)) == PENDING
    session(c.officer_a, c.province_a, scene.plan, day(0), kind="gd-chinh-tri")
    assert standing(scene, scene.r_launch, c.province_a, day(5)) == ON_TIME


def test_a_plan_implementing_the_campaigns_plan_meets_the_document_requirement(scene):
    c = scene.cast
    assert standing(scene, scene.r_plan, c.province_a, day(10)) == OVERDUE
    province_plan(scene, day(10))
    assert standing(scene, scene.r_plan, c.province_a, day(10)) == LATE
    assert standing(scene, scene.r_plan, c.province_b, day(10)) == OVERDUE


def test_results_meet_the_results_requirement(scene, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    c = scene.cast
    upload = SimpleUploadedFile("kiem-diem.pdf", PDF, content_type="application/pdf")
    result = services.send_results(
        c.commune_officer,
        scene.r_review,
        c.commune_a1,
        "Chi bộ đã tự kiểm điểm.",
        files=[(upload, uploads.check(upload))],
        day=day(31),
    )
    assert result.files.count() == 1
    assert standing(scene, scene.r_review, c.commune_a1, day(50)) == ON_TIME
    assert standing(scene, scene.r_review, c.commune_a2, day(50)) == OVERDUE


def test_min_count_needs_that_many_sessions(scene):
    from giaoban.campaigns.models import Requirement

    Requirement.objects.filter(pk=scene.r_session.pk).update(min_count=2)
    c = scene.cast
    plan = province_plan(scene, day(3))
    session(c.commune_officer, c.commune_a1, plan, day(11))
    assert standing(scene, scene.r_session, c.commune_a1, day(20)) == PENDING
    session(c.commune_officer, c.commune_a1, plan, day(15))
    p = progress.compute(scene.campaign, day(20)).of(c.commune_a1.pk)
    assert p.items[scene.r_session.pk] == (ON_TIME, day(15))


def test_the_summary_per_subtree(scene, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    c = scene.cast
    plan = province_plan(scene, day(3))
    session(c.officer_a, c.province_a, scene.plan, day(2), kind="gd-chinh-tri")
    session(c.commune_officer, c.commune_a1, plan, day(12))
    services.send_results(c.commune_officer, scene.r_review, c.commune_a1, "Xong.", day=day(31))
    p = progress.compute(scene.campaign, day(50))
    total, groups, own = p.summary(c.root.path)
    t19 = next(g for g in groups if g.code == "T19")
    assert (t19.own.met, t19.own.applicable) == (2, 3)  # launch, plan; no review yet
    assert (t19.below, t19.complete, t19.lagging) == (2, 1, 1)
    t01 = next(g for g in groups if g.code == "T01")
    assert (t01.own.met, t01.below, t01.complete, t01.lagging) == (0, 1, 0, 1)
    assert own.unit_id == c.root.pk and own.applicable == 1
    assert [u.unit_id for u in p.lagging(c.province_a.path)] == [
        c.province_a.pk,
        c.commune_a2.pk,
    ]
    # A commune's own subtree: itself only, nothing below.
    _t, below, mine = p.summary(c.commune_a1.path)
    assert below == [] and mine.complete


@pytest.mark.parametrize(
    "field,bad",
    [("start", (-5, 3)), ("start", (40, 50)), ("start", (8, 12))],
)
def test_phases_inside_the_campaign_and_apart(scene, field, bad):
    from giaoban.campaigns.models import Campaign

    draft = Campaign.objects.get(pk=scene.campaign.pk)
    draft.status = Campaign.Status.DRAFT
    draft.save()
    with pytest.raises(services.CampaignError) as error:
        services.add_phase(scene.cast.ministry_officer, draft, "Thêm", day(bad[0]), day(bad[1]))
    assert error.value.field == field
