"""Who sees a campaign: the launching unit's subtree and above while it is prepared; once
launched, every unit of its subtree too (`ScopedQuerySet.subtree_of`) — never a unit
outside it."""

from giaoban.campaigns import services
from giaoban.campaigns.models import Campaign
from tests.campaigns.conftest import T0, day, issue


def visible(user):
    return set(Campaign.objects.restrict(user).values_list("pk", flat=True))


def test_a_launched_campaign_is_seen_by_every_unit_of_its_subtree(scene):
    c = scene.cast
    pk = scene.campaign.pk
    for user in (c.ministry_officer, c.officer_a, c.commune_officer, c.officer_b):
        assert pk in visible(user), user.username


def test_a_campaign_being_prepared_is_the_launching_units(scene):
    c = scene.cast
    plan = issue(c.officer_a, c.leader_a, c.province_a, "Kế hoạch của tỉnh", day(1))
    draft = services.create(c.officer_a, c.province_a, "Đợt của tỉnh", plan.pk, T0, day(20))
    assert draft.pk in visible(c.officer_a) and draft.pk in visible(c.ministry_officer)
    assert draft.pk not in visible(c.commune_officer)
    Campaign.objects.filter(pk=draft.pk).update(status=Campaign.Status.LAUNCHED)
    assert draft.pk in visible(c.commune_officer)  # its commune, now
    assert draft.pk not in visible(c.officer_b)  # another province: never


def test_seeing_is_not_changing(scene):
    c = scene.cast
    assert not services.may_manage(c.commune_officer, scene.campaign)
    assert not services.may_manage(c.officer_a, scene.campaign)
    assert services.may_manage(c.ministry_officer, scene.campaign)
