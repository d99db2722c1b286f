"""What a unit still owes on a campaign, on the home page (registry.due, read through the
shell's own `due_list` and home view): the requirements that apply to it and that no record
has met, with the phase's last day as deadline and their standing in the task-tracking
matrix; the units below and one summary line per campaign; nothing for a campaign being
prepared or over for more than a month; and a few queries whatever the number of units."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from giaoban.campaigns import due as campaign_due
from giaoban.shell.views import anchor_units, due_list
from tests.campaigns.conftest import day
from tests.campaigns.fixtures_due import launch_meeting, province_plan, running, unlaunch
from tests.conftest import make_unit, make_user

KIND = "Yêu cầu của đợt sinh hoạt chính trị"
PENDING, OVERDUE = "Chưa thực hiện, còn hạn", "Quá hạn, chưa thực hiện"
CAMPAIGN = "Đợt sinh hoạt chính trị về xây dựng, chỉnh đốn Đảng"


def rows(items):
    return [(i.unit.code, i.title, i.status_label, i.timing.label) for i in items if i.kind == KIND]


def own(user, today):
    listing = due_list(user, today)
    return rows(listing.own) if listing else []


def page(scene, unit=None, anchor="#own"):
    url = reverse("campaigns:campaign", kwargs={"pk": scene.campaign.pk})
    return url + (f"?unit={unit.code}" if unit is not None else "") + anchor


def test_no_campaign_adds_nothing(cast):
    anchors = anchor_units(cast.ministry_officer)
    found = campaign_due.contribution(cast.ministry_officer, anchors, day(12))
    assert (found.items, found.summaries, found.own_expected) == ([], [], 0)


def test_a_commune_owes_its_session_and_its_results(client, scene):
    c = scene.cast
    listing = due_list(c.commune_officer, day(12))
    assert rows(listing.own) == [
        ("X05500", "Sinh hoạt chuyên đề của chi bộ", PENDING, "còn 17 ngày"),
        ("X05500", "Tự kiểm điểm, báo cáo kết quả", PENDING, "còn 32 ngày"),
    ]  # the provinces' launch meeting and plan do not apply to a commune
    session_item, review_item = [i for i in listing.own if i.kind == KIND]
    assert session_item.deadline == day(29) and review_item.deadline == day(44)
    assert session_item.detail == f"{CAMPAIGN} · giai đoạn 2: Sinh hoạt chuyên đề"
    assert session_item.url == page(scene, c.commune_a1)
    results = reverse("campaigns:results", kwargs={"pk": scene.r_review.pk, "code": "X05500"})
    assert review_item.url == results
    client.force_login(c.commune_officer)
    for url in (session_item.url, review_item.url):
        assert client.get(url).status_code == 200
    # The commune's leader does not send results: the campaign page instead.
    (leader_review,) = [
        i for i in due_list(c.commune_leader, day(12)).own if i.title.startswith("Tự")
    ]
    assert leader_review.url == page(scene, c.commune_a1)


def test_each_level_owes_what_applies_to_it(scene):
    listing = due_list(scene.cast.ministry_officer, day(5))
    assert rows(listing.own) == [("BCA", "Tự kiểm điểm, báo cáo kết quả", PENDING, "còn 39 ngày")]
    below = {(code, title) for code, title, _s, _t in rows(listing.children)}
    assert below == {
        ("CTDCT", "Tự kiểm điểm, báo cáo kết quả"),  # a department: only what every unit owes
        ("T19", "Tổ chức hội nghị phát động"),
        ("T19", "Ban hành kế hoạch của đơn vị"),
        ("T19", "Tự kiểm điểm, báo cáo kết quả"),
        ("T01", "Tổ chức hội nghị phát động"),
        ("T01", "Ban hành kế hoạch của đơn vị"),
        ("T01", "Tự kiểm điểm, báo cáo kết quả"),
    }  # the communes are two levels down: their province's page lists them


def test_met_on_time_met_late_and_met_after_being_overdue(scene):
    c = scene.cast
    launch, plan = "Tổ chức hội nghị phát động", "Ban hành kế hoạch của đơn vị"
    assert (
        "T19",
        launch,
        PENDING,
        "hạn chót hôm nay",
    ) in own(c.officer_a, day(9))
    launch_meeting(scene, day(9))  # on the phase's last day: on time
    assert [r[1] for r in own(c.officer_a, day(9))] == [plan, "Tự kiểm điểm, báo cáo kết quả"]
    assert ("T19", plan, OVERDUE, "quá hạn 1 ngày") in own(c.officer_a, day(10))
    province_plan(scene, day(11))  # a day late
    assert ("T19", plan, OVERDUE, "quá hạn 1 ngày") in own(c.officer_a, day(10))  # not known yet
    assert [r[1] for r in own(c.officer_a, day(11))] == ["Tự kiểm điểm, báo cáo kết quả"]
    assert ("T01", plan, OVERDUE, "quá hạn 2 ngày") in own(c.officer_b, day(11))


def test_the_ministry_reads_one_line_per_campaign(client, scene):
    c = scene.cast
    listing = due_list(c.ministry_officer, day(12))
    (line,) = [s for s in listing.summaries if "sinh hoạt chính trị" in s.text]
    assert line.text == (
        "Bộ Công an: 3/3 đơn vị trực thuộc chưa hoàn thành các yêu cầu của đợt sinh hoạt "
        "chính trị về xây dựng, chỉnh đốn Đảng"
    )
    assert line.overdue == 2  # both provinces missed phase 1; the department is within time
    assert line.url == page(scene, anchor="#children")
    client.force_login(c.ministry_officer)
    assert client.get(line.url).status_code == 200
    province = due_list(c.officer_a, day(12))
    (line,) = [s for s in province.summaries if "sinh hoạt chính trị" in s.text]
    assert line.text.startswith("Thái Nguyên: 2/2 đơn vị trực thuộc chưa hoàn thành")
    assert line.url == page(scene, c.province_a, "#children") and line.overdue == 0
    client.force_login(c.officer_a)
    assert client.get(line.url).status_code == 200


def test_a_campaign_being_prepared_or_long_over_is_not_listed(scene):
    c = scene.cast
    overdue = [r for r in own(c.officer_b, day(74)) if r[1] == "Tự kiểm điểm, báo cáo kết quả"]
    assert overdue == [("T01", "Tự kiểm điểm, báo cáo kết quả", OVERDUE, "quá hạn 30 ngày")]
    assert own(c.officer_b, day(75)) == []  # over for more than FOLLOW_UP_DAYS
    assert campaign_due.FOLLOW_UP_DAYS == 30
    assert own(c.officer_b, day(12)) != []
    unlaunch(scene)
    assert own(c.officer_b, day(12)) == []
    assert own(c.ministry_officer, day(12)) == []


def test_the_home_page_lists_a_campaign_running_today(client, cast):
    campaign, requirement = running(cast, make_user("ministry_leader", cast.root, "leader"))
    client.force_login(cast.commune_officer)
    body = client.get(reverse("home")).content.decode()
    results = reverse("campaigns:results", kwargs={"pk": requirement.pk, "code": "X05500"})
    assert KIND in body and requirement.title in body and results in body
    assert "còn 10 ngày" in body
    assert client.get(results).status_code == 200
    client.force_login(cast.officer_a)
    response = client.get(reverse("home"))
    listing = response.context["due"]
    children = [i for i in listing.children if i.kind == KIND]
    assert {(i.unit.code, i.url) for i in children} == {
        (code, reverse("campaigns:results", kwargs={"pk": requirement.pk, "code": code}))
        for code in ("X05500", "X05800")
    }  # the province's officer sends its communes' results too
    line = "Thái Nguyên: 2/2 đơn vị trực thuộc chưa hoàn thành các yêu cầu của đợt sinh hoạt"
    assert [s.text for s in listing.summaries if s.text.startswith(line)] == [
        f"{line} chính trị đang diễn ra"
    ]
    assert campaign.title[1:] in response.content.decode()


def test_the_queries_do_not_grow_with_the_units(scene):
    user = scene.cast.ministry_officer

    def measured():
        anchors = anchor_units(user)
        campaign_due.contribution(user, anchors, day(12))  # warm the tree's cache
        with CaptureQueriesContext(connection) as queries:
            found = campaign_due.contribution(user, anchors, day(12))
        return len(queries), len(found.items)

    before, items = measured()
    for n in range(5):
        province = make_unit(
            f"T9{n}", f"Công an tỉnh thử {n}", f"Tỉnh {n}", "tinh", scene.cast.root
        )
        make_unit(f"X9{n}", f"Công an xã thử {n}", f"Xã {n}", "xa", province)
    after, more = measured()
    assert more == items + 5 * 3  # each new province owes its three requirements
    assert after == before <= 12, before
