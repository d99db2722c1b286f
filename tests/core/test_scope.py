from giaoban.core import scope
from giaoban.units.models import Unit


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_a_province_officer_sees_the_province_subtree_only(cast):
    assert codes(Unit.objects.restrict(cast.officer_a)) == ["T19", "X05500", "X05800"]


def test_a_commune_officer_never_sees_a_sibling(cast):
    assert codes(Unit.objects.restrict(cast.commune_officer)) == ["X05500"]
    assert not scope.can(cast.commune_officer, scope.VIEW, cast.commune_a2)


def test_the_ministry_sees_everything(cast):
    assert Unit.objects.restrict(cast.ministry_officer).count() == Unit.objects.count()


def test_roles_grant_different_actions(cast):
    assert scope.can(cast.leader_a, scope.APPROVE, cast.commune_a1)
    assert not scope.can(cast.officer_a, scope.APPROVE, cast.commune_a1)
    assert scope.can(cast.officer_a, scope.CHANGE, cast.commune_a1)
    assert not scope.can(cast.leader_a, scope.CHANGE, cast.commune_a1)
    assert not scope.can(cast.officer_a, scope.ADMINISTER, cast.province_a)
    assert scope.can(cast.ministry_admin, scope.ADMINISTER, cast.commune_b1)


def test_an_anonymous_user_sees_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert Unit.objects.restrict(AnonymousUser()).count() == 0
