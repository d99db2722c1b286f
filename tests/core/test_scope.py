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


# --- addressed to units: an object issued above, visible to each recipient and its ancestors


def notice(issuer, *recipients, title="Chỉ thị thử"):
    from tests.scoped.models import Notice, NoticeRecipient

    obj = Notice.objects.create(issuer=issuer, title=title)
    for unit in recipients:
        NoticeRecipient.objects.create(notice=obj, unit=unit)
    return obj


def titles(qs):
    return sorted(qs.values_list("title", flat=True))


def test_an_object_addressed_to_units_reaches_each_recipient_and_its_ancestors(cast):
    from tests.scoped.models import Notice

    # Issued by the ministry to both communes of Thái Nguyên and to Ba Đình.
    notice(cast.root, cast.commune_a1, cast.commune_a2, cast.commune_b1)
    # Issued by province A to nobody: its own subtree only.
    notice(cast.province_a, title="Kế hoạch của tỉnh")
    assert titles(Notice.objects.restrict(cast.commune_officer)) == ["Chỉ thị thử"]
    # A province sees it once — addressed to two of its communes is still one row — and
    # its own plan.
    assert titles(Notice.objects.restrict(cast.officer_a)) == ["Chỉ thị thử", "Kế hoạch của tỉnh"]
    assert Notice.objects.restrict(cast.officer_a).count() == 2
    assert titles(Notice.objects.restrict(cast.officer_b)) == ["Chỉ thị thử"]
    # The issuer's subtree sees what it issued; a sibling unit that is not a recipient
    # does not.
    assert titles(Notice.objects.addressed_to(cast.officer_b)) == ["Chỉ thị thử"]
    assert titles(Notice.objects.belonging_to(cast.officer_a)) == ["Kế hoạch của tỉnh"]
    lonely = notice(cast.root, cast.commune_a2, title="Chỉ gửi Đại Phúc")
    assert lonely not in Notice.objects.restrict(cast.commune_officer)
    assert lonely in Notice.objects.restrict(cast.officer_a)  # the recipient's ancestor
    assert lonely in Notice.objects.restrict(cast.ministry_officer)  # the issuer


def test_the_addressed_relation_is_one_exists_subquery_without_duplicates(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from giaoban.core import roles
    from tests.scoped.models import Notice

    notice(cast.root, cast.commune_a1, cast.commune_a2, cast.province_a)
    roles.held(cast.officer_a)  # the user's roles are read once, then cached
    with CaptureQueriesContext(connection) as ctx:
        rows = list(Notice.objects.restrict(cast.officer_a))
    assert len(rows) == 1 and len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"].upper()
    assert "EXISTS" in sql
    # The recipients are only inside EXISTS: never joined to the notices (no duplicates).
    assert "NOTICERECIPIENT" not in sql[: sql.index("EXISTS")]


def test_get_in_scope_or_404_answers_404_out_of_scope_and_403_without_the_role(cast):
    import pytest
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    get = scope.get_in_scope_or_404
    assert get(Unit, cast.officer_a, code="X05500") == cast.commune_a1
    with pytest.raises(Http404):
        get(Unit, cast.officer_a, code="X00004")  # out of scope reads as missing
    with pytest.raises(Http404):
        get(Unit, cast.officer_a, code="NOPE")
    with pytest.raises(PermissionDenied):
        get(Unit, cast.officer_a, scope.ADMINISTER, code="X05500")  # seen, not administered
    assert get(Unit.objects.filter(level__code="xa"), cast.officer_a, code="X05800")


def test_save_in_scope_rolls_back_a_change_that_leaves_the_scope(cast):
    import pytest
    from django.core.exceptions import PermissionDenied

    from tests.conftest import make_user

    admin_a = make_user("admin_a", cast.province_a, "admin")
    unit = cast.commune_a1

    def move_out():
        unit.parent = cast.province_b
        unit.save()
        return unit

    with pytest.raises(PermissionDenied):
        scope.save_in_scope(admin_a, scope.ADMINISTER, move_out)
    unit.refresh_from_db()
    assert unit.parent_id == cast.province_a.pk and unit.path == "BCA/T19/X05500/"

    def rename():
        unit.short_name = "Tên mới"
        unit.save()
        return unit

    assert scope.save_in_scope(admin_a, scope.ADMINISTER, rename).short_name == "Tên mới"


def test_role_questions_have_one_answer(cast):
    from giaoban.core import roles

    assert roles.is_leader_of(cast.leader_a, cast.province_a)
    assert not roles.is_leader_of(cast.leader_a, cast.commune_a1)  # a leader of the unit only
    assert roles.is_top_admin(cast.ministry_admin)
    assert not roles.is_top_admin(cast.officer_a)
    assert roles.holds(cast.commune_leader, roles.LEADER)
    assert roles.role_unit_ids(cast.officer_a) == [cast.province_a.pk]


def test_who_decides_on_a_report_is_the_leader_of_the_unit_above_only(cast):
    from giaoban.reports import workflow
    from giaoban.reports.demo_form import ensure_demo_form
    from tests.conftest import make_user

    form = ensure_demo_form()
    period = form.period("2026-H1")
    ministry_leader = make_user("lanh_dao_bo", cast.root, "leader")
    assert workflow.may_decide(cast.leader_a, unit=cast.commune_a1, period=period)
    # Leading any unit further up is not enough: the review page and the workflow agree.
    assert not workflow.may_decide(ministry_leader, unit=cast.commune_a1, period=period)
    assert not workflow.may_decide(cast.commune_leader, unit=cast.commune_a1, period=period)
    assert workflow.may_decide(ministry_leader, unit=cast.province_a, period=period)
