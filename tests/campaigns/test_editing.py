"""Preparing a campaign through its pages: launching unit and plan document, phases and
requirements editors, the launch itself; and, once launched, what may still change (the
title, the purpose, the last day) and what is refused (dates, plan, phases, requirements)."""

import pytest

from giaoban.activities.models import ActivityKind
from giaoban.audit.models import AuditEntry
from giaoban.campaigns import services
from giaoban.campaigns.models import Campaign, Phase, Requirement
from giaoban.notifications.models import Notification
from giaoban.units.models import Level
from tests.campaigns.conftest import T0, day, issue
from tests.campaigns.fixtures_pages import ROOT, signed_in, text
from tests.campaigns.fixtures_pages import scene as scene  # noqa: F401

K = Requirement.Kind


def d(n):
    return f"{day(n):%d/%m/%Y}"


@pytest.fixture
def plan(cast):
    """Thái Nguyên's issued plan, sent to its two communes."""
    return issue(cast.officer_a, cast.leader_a, cast.province_a, "Kế hoạch đợt của tỉnh", day(-1))


@pytest.fixture
def draft(cast, plan):
    """Thái Nguyên's campaign being prepared: two phases, a requirement in the first."""
    c = cast
    campaign = services.create(c.officer_a, c.province_a, "Đợt của tỉnh", plan.pk, T0, day(40))
    campaign.p1 = services.add_phase(c.officer_a, campaign, "Quán triệt", T0, day(19))
    campaign.p2 = services.add_phase(c.officer_a, campaign, "Tự kiểm điểm", day(20), day(40))
    campaign.r1 = services.add_requirement(
        c.officer_a, campaign, campaign.p1, K.RESULTS, "Báo cáo kết quả quán triệt"
    )
    return campaign


def campaign_data(plan, **changes):
    data = {
        "unit": "T19",
        "title": "Đợt sinh hoạt chính trị của tỉnh",
        "plan": str(plan.pk),
        "start": d(0),
        "end": d(40),
        "description": "Quán triệt, tự kiểm điểm.",
    }
    return {**data, **changes}


def requirement_data(campaign, **changes):
    data = {
        "title": "Sinh hoạt chuyên đề của chi bộ",
        "phase": str(campaign.p1.pk),
        "level": str(Level.objects.get(code="xa").pk),
        "kind": K.ACTIVITY,
        "activity_kind": str(ActivityKind.objects.get(code="quan-triet").pk),
        "min_count": "2",
    }
    return {**data, **changes}


# ------------------------------------------------------------------ the campaign


def test_a_province_prepares_a_campaign_from_its_plan(cast, plan):
    client = signed_in(cast.officer_a)
    form = client.get(f"{ROOT}moi/")
    assert form.status_code == 200
    assert "Công an tỉnh Thái Nguyên" in text(form) and plan.symbol in text(form)
    response = client.post(f"{ROOT}moi/", campaign_data(plan))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{ROOT}{campaign.pk}/"
    assert (campaign.unit, campaign.plan, campaign.start, campaign.end) == (
        cast.province_a,
        plan,
        day(0),
        day(40),
    )
    assert campaign.status == Campaign.Status.DRAFT and campaign.created_by == cast.officer_a
    entry = AuditEntry.objects.get(model="campaigns.Campaign", object_id=str(campaign.pk))
    assert entry.action == "create" and entry.actor == cast.officer_a
    page = client.get(response["Location"])
    assert "Đã lập đợt. Thêm giai đoạn và yêu cầu, rồi phát động." in text(page)


def test_the_launching_unit_is_one_where_the_user_enters_data(cast, plan):
    # officer_a asks for the ministry: they may not launch there, so their own unit it is.
    form = signed_in(cast.officer_a).get(f"{ROOT}moi/?unit=BCA")
    assert form.context["unit"] == cast.province_a
    response = signed_in(cast.officer_a).post(f"{ROOT}moi/", campaign_data(plan, unit="BCA"))
    assert Campaign.objects.get().unit == cast.province_a and response.status_code == 302
    # The ministry's officer chooses Thái Nguyên, and its plans are offered.
    form = signed_in(cast.ministry_officer).get(f"{ROOT}moi/?unit=t19")
    assert form.context["unit"] == cast.province_a and plan.symbol in text(form)


def test_the_plan_must_be_an_issued_document_of_the_launching_unit(cast, plan):
    other = issue(cast.officer_b, _leader_b(cast), cast.province_b, "Kế hoạch của Hà Nội", day(-1))
    data = {**campaign_data(plan), "plan": str(other.pk)}
    response = signed_in(cast.officer_a).post(f"{ROOT}moi/", data)
    assert response.status_code == 400
    assert "Lựa chọn không hợp lệ." in response.context["form"].errors["plan"]
    assert not Campaign.objects.exists()


def _leader_b(cast):
    from tests.conftest import make_user

    return make_user("leader_b", cast.province_b, "leader")


def test_a_unit_without_an_issued_document_is_told_to_issue_its_plan_first(cast):
    response = signed_in(cast.officer_a).get(f"{ROOT}moi/")
    assert "chưa có văn bản nào đã ban hành: ban hành kế hoạch ở Sổ văn bản" in text(response)


@pytest.mark.parametrize("user", ["leader_a", "commune_leader"])
def test_who_only_reads_or_approves_launches_nothing(cast, user):
    response = signed_in(getattr(cast, user)).get(f"{ROOT}moi/")
    assert response.status_code == 403
    assert "Đồng chí không có đơn vị nào được phát động đợt." in text(response)


def test_while_prepared_everything_of_the_campaign_changes(cast, draft, plan):
    other_plan = issue(cast.officer_a, cast.leader_a, cast.province_a, "Kế hoạch bổ sung", day(-1))
    data = campaign_data(other_plan, title="Tên mới", start=d(-5), end=d(45))
    response = signed_in(cast.officer_a).post(f"{ROOT}{draft.pk}/sua/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.plan, draft.start, draft.end) == (
        "Tên mới",
        other_plan,
        day(-5),
        day(45),
    )
    entry = AuditEntry.objects.filter(model="campaigns.Campaign").order_by("-id").first()
    assert entry.action == "update" and entry.before["title"] == "Đợt của tỉnh"


def test_only_an_officer_of_the_launching_unit_or_above_changes_it(cast, draft):
    assert signed_in(cast.ministry_officer).get(f"{ROOT}{draft.pk}/sua/").status_code == 200
    refused = signed_in(cast.leader_a).get(f"{ROOT}{draft.pk}/sua/")
    assert refused.status_code == 403
    assert "Chỉ cán bộ của Công an tỉnh Thái Nguyên hoặc của đơn vị cấp trên" in text(refused)
    assert signed_in(cast.commune_officer).get(f"{ROOT}{draft.pk}/sua/").status_code == 404
    assert signed_in(cast.officer_b).get(f"{ROOT}{draft.pk}/").status_code == 404


# ------------------------------------------------------------------ phases


def test_phases_are_added_numbered_by_their_dates_edited_and_deleted(cast, draft):
    client = signed_in(cast.officer_a)
    form = client.get(f"{ROOT}{draft.pk}/giai-doan/them/")
    assert form.status_code == 200
    # Room before the first phase: move it, then add a phase there; the numbers follow.
    response = client.post(
        f"{ROOT}giai-doan/{draft.p1.pk}/",
        {"title": "Quán triệt", "start": d(5), "end": d(19)},
    )
    assert response.status_code == 302
    response = client.post(
        f"{ROOT}{draft.pk}/giai-doan/them/", {"title": "Phát động", "start": d(0), "end": d(4)}
    )
    assert response.status_code == 302 and response["Location"].endswith("#phases")
    phases = list(draft.phases.order_by("number").values_list("number", "title", "start"))
    assert phases == [
        (1, "Phát động", day(0)),
        (2, "Quán triệt", day(5)),
        (3, "Tự kiểm điểm", day(20)),
    ]
    assert "Đã thêm giai đoạn 1." in text(client.get(response["Location"]))
    # The trail tells each move as the user saw it (never the stand-in number in between).
    moves = {
        (e.object_id, e.before["number"], e.after["number"])
        for e in AuditEntry.objects.filter(model="campaigns.Phase", action="update")
        if e.before["number"] != e.after["number"]
    }
    new = draft.phases.get(number=1)
    assert moves == {
        (str(new.pk), 3, 1),
        (str(draft.p1.pk), 1, 2),
        (str(draft.p2.pk), 2, 3),
    }
    # A phase with no requirement is deleted; the others are numbered again.
    response = client.post(f"{ROOT}giai-doan/{new.pk}/xoa/")
    assert response.status_code == 302
    assert list(draft.phases.order_by("number").values_list("number", "title")) == [
        (1, "Quán triệt"),
        (2, "Tự kiểm điểm"),
    ]
    actions = set(
        AuditEntry.objects.filter(model="campaigns.Phase").values_list("action", flat=True)
    )
    assert {"create", "update", "delete"} <= actions


def test_a_phase_with_requirements_is_not_deleted(cast, draft):
    response = signed_in(cast.officer_a).post(f"{ROOT}giai-doan/{draft.p1.pk}/xoa/")
    assert response.status_code == 400
    assert "Giai đoạn còn yêu cầu: xóa các yêu cầu trước." in text(response)
    assert Phase.objects.filter(pk=draft.p1.pk).exists()


# ------------------------------------------------------------------ requirements


def test_requirements_are_added_edited_and_deleted(cast, draft):
    client = signed_in(cast.officer_a)
    form = client.get(f"{ROOT}{draft.pk}/yeu-cau/them/?phase={draft.p2.pk}")
    assert form.status_code == 200 and form.context["form"].initial["phase"] == draft.p2.pk
    # The levels offered are those with a unit in the campaign's subtree, with their counts.
    levels = [label for _pk, label in form.context["form"].fields["level"].choices]
    assert levels == [
        "Mọi đơn vị thuộc phạm vi đợt",
        "Công an tỉnh, thành phố (1 đơn vị)",
        "Công an xã, phường, đặc khu (2 đơn vị)",
    ]
    response = client.post(f"{ROOT}{draft.pk}/yeu-cau/them/", requirement_data(draft))
    assert response.status_code == 302
    added = draft.requirements.get(kind=K.ACTIVITY)
    assert (added.level.code, added.activity_kind.code, added.min_count) == ("xa", "quan-triet", 2)
    # Made a results requirement, the activity's fields are dropped.
    data = requirement_data(draft, kind=K.RESULTS, title="Báo cáo kết quả", level="")
    response = client.post(f"{ROOT}yeu-cau/{added.pk}/", data)
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.kind, added.level, added.activity_kind, added.min_count) == (
        K.RESULTS,
        None,
        None,
        1,
    )
    response = client.post(f"{ROOT}yeu-cau/{added.pk}/xoa/")
    assert response.status_code == 302 and not Requirement.objects.filter(pk=added.pk).exists()
    actions = set(
        AuditEntry.objects.filter(model="campaigns.Requirement").values_list("action", flat=True)
    )
    assert {"create", "update", "delete"} <= actions


def test_the_campaign_page_lists_phases_with_their_requirements(cast, draft):
    response = signed_in(cast.officer_a).get(f"{ROOT}{draft.pk}/")
    body = text(response)
    assert "Giai đoạn 1: Quán triệt" in body and "Giai đoạn 2: Tự kiểm điểm" in body
    assert "Báo cáo kết quả quán triệt" in body and "Giai đoạn chưa có yêu cầu nào." in body
    assert f"{ROOT}yeu-cau/{draft.r1.pk}/xoa/" in body  # editable while prepared


def test_a_requirement_form_without_a_phase_asks_for_one(cast, plan):
    bare = services.create(cast.officer_a, cast.province_a, "Đợt trống", plan.pk, T0, day(9))
    response = signed_in(cast.officer_a).get(f"{ROOT}{bare.pk}/yeu-cau/them/")
    assert "Đợt chưa có giai đoạn nào: yêu cầu thuộc một giai đoạn" in text(response)


# ------------------------------------------------------------------ launch


def test_launching_tells_the_subtree_and_shows_the_campaign_to_its_communes(cast, draft):
    client = signed_in(cast.officer_a)
    confirm = client.get(f"{ROOT}{draft.pk}/phat-dong/")
    assert confirm.status_code == 200
    assert "2 giai đoạn, 1 yêu cầu" in text(confirm)
    assert "3 đơn vị thuộc phạm vi đợt" in text(confirm)
    assert signed_in(cast.commune_officer).get(f"{ROOT}{draft.pk}/").status_code == 404
    response = client.post(f"{ROOT}{draft.pk}/phat-dong/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.LAUNCHED and draft.launched_at is not None
    entry = AuditEntry.objects.filter(model="campaigns.Campaign").order_by("-id").first()
    assert entry.action == "transition" and entry.message == "Phát động"
    told = set(
        Notification.objects.filter(kind=services.LAUNCHED_NOTICE).values_list(
            "user__username", flat=True
        )
    )
    assert told == {"officer_a", "leader_a", "commune_officer", "commune_leader"}
    assert signed_in(cast.commune_officer).get(f"{ROOT}{draft.pk}/").status_code == 200
    assert signed_in(cast.officer_b).get(f"{ROOT}{draft.pk}/").status_code == 404


def test_a_campaign_without_requirements_is_not_launched(cast, plan):
    bare = services.create(cast.officer_a, cast.province_a, "Đợt trống", plan.pk, T0, day(9))
    response = signed_in(cast.officer_a).post(f"{ROOT}{bare.pk}/phat-dong/")
    assert response.status_code == 400 and "Đợt chưa có yêu cầu nào." in text(response)
    bare.refresh_from_db()
    assert bare.status == Campaign.Status.DRAFT
    assert not Notification.objects.filter(kind=services.LAUNCHED_NOTICE).exists()


# ------------------------------------------------------------------ after the launch


@pytest.fixture
def launched(cast, draft):
    services.launch(cast.officer_a, draft)
    draft.refresh_from_db()
    return draft


def test_after_the_launch_the_title_purpose_and_last_day_still_change(cast, launched, plan):
    client = signed_in(cast.officer_a)
    form = client.get(f"{ROOT}{launched.pk}/sua/")
    assert set(form.context["form"].fields) == {"title", "end", "description"}
    assert "ngày bắt đầu và kế hoạch phát động không thay đổi được" in text(form)
    other = issue(cast.officer_a, cast.leader_a, cast.province_a, "Kế hoạch khác", day(-1))
    data = {
        "title": "Tên đã sửa",
        "description": "Bổ sung mục đích.",
        "end": d(50),
        "start": d(-9),  # not on the form: ignored
        "plan": str(other.pk),
    }
    response = client.post(f"{ROOT}{launched.pk}/sua/", data)
    assert response.status_code == 302
    launched.refresh_from_db()
    assert (launched.title, launched.description, launched.end) == (
        "Tên đã sửa",
        "Bổ sung mục đích.",
        day(50),
    )
    assert (launched.start, launched.plan, launched.status) == (T0, plan, Campaign.Status.LAUNCHED)


def test_after_the_launch_the_last_day_stays_after_the_last_phase(cast, launched):
    before = Campaign.objects.filter(pk=launched.pk).values().get()
    data = {"title": launched.title, "description": "", "end": d(30)}
    response = signed_in(cast.officer_a).post(f"{ROOT}{launched.pk}/sua/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Các giai đoạn phải nằm trong thời gian của đợt" in " ".join(errors["end"])
    assert Campaign.objects.filter(pk=launched.pk).values().get() == before


@pytest.mark.parametrize(
    "path",
    [
        "{c}/giai-doan/them/",
        "giai-doan/{p}/",
        "yeu-cau/{r}/",
        "{c}/yeu-cau/them/",
        "{c}/phat-dong/",
    ],
)
def test_after_the_launch_phases_and_requirements_are_fixed(cast, launched, path):
    url = ROOT + path.format(c=launched.pk, p=launched.p1.pk, r=launched.r1.pk)
    client = signed_in(cast.officer_a)
    for response in (client.get(url), client.post(url, {"title": "Đổi", "start": d(0)})):
        assert response.status_code == 403, url
        assert "Đợt đã phát động: giai đoạn và yêu cầu không thay đổi được nữa." in text(response)


def test_after_the_launch_nothing_is_deleted(cast, launched):
    client = signed_in(cast.officer_a)
    before = (Phase.objects.count(), Requirement.objects.count())
    assert client.post(f"{ROOT}giai-doan/{launched.p2.pk}/xoa/").status_code == 403
    assert client.post(f"{ROOT}yeu-cau/{launched.r1.pk}/xoa/").status_code == 403
    assert (Phase.objects.count(), Requirement.objects.count()) == before
    body = text(client.get(f"{ROOT}{launched.pk}/"))
    assert "/xoa/" not in body and "Thêm giai đoạn" not in body and "Sửa thông tin đợt" in body


def test_the_ministry_edits_a_provinces_campaign_a_commune_does_not(cast, launched):
    data = {"title": "Tên của Bộ", "description": "", "end": d(40)}
    assert (
        signed_in(cast.ministry_officer).post(f"{ROOT}{launched.pk}/sua/", data).status_code == 302
    )
    refused = signed_in(cast.commune_officer).post(f"{ROOT}{launched.pk}/sua/", data)
    assert refused.status_code == 403
    launched.refresh_from_db()
    assert launched.title == "Tên của Bộ"


def test_the_seed_campaign_is_the_ministrys_to_change(scene):  # noqa: F811
    c = scene.cast
    url = f"{ROOT}{scene.campaign.pk}/sua/"
    assert signed_in(c.officer_a).get(url).status_code == 403
    assert signed_in(c.ministry_officer).get(url).status_code == 200
