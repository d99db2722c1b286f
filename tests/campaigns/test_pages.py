"""The campaign's reading pages: the start page, the campaign page (its own requirements
with the records that met them, a row per unit below, the lagging units, what is overdue,
`?unit=` of the user's own scope, paging) and the .xlsx export read back, on the seed's
settled campaign (tests/campaigns/fixtures_pages.py)."""

import datetime
import io

import pytest
from django.utils import timezone
from lxml import html as lxml_html
from openpyxl import load_workbook

from giaoban.campaigns import progress, services
from giaoban.campaigns.models import Campaign, Requirement
from giaoban.campaigns.views import pages
from giaoban.core.due import LATE, ON_TIME, OVERDUE, PENDING, STANDING_LABELS
from tests.campaigns.conftest import T0, day, issue
from tests.campaigns.fixtures_pages import ROOT, signed_in, text
from tests.campaigns.fixtures_pages import media as media  # noqa: F401
from tests.campaigns.fixtures_pages import progressed as progressed  # noqa: F401
from tests.campaigns.fixtures_pages import scene as scene  # noqa: F401

TITLE = "Đợt sinh hoạt chính trị về xây dựng, chỉnh đốn Đảng"
DAY = datetime.timedelta(days=1)


def page(response):
    return lxml_html.fromstring(response.content)


def cells(doc, table_class):
    """[[cell text, …], …] of the rows of the table with `table_class`."""
    rows = doc.xpath(f"//table[contains(concat(' ', @class, ' '), ' {table_class} ')]/tbody/tr")
    return [[" ".join(td.text_content().split()) for td in row.xpath("./td")] for row in rows]


def rows_of(response, table_class):
    return cells(page(response), table_class)


def campaign_url(s, query=""):
    return f"{ROOT}{s.campaign.pk}/{query}"


# ------------------------------------------------------------------ the start page


def test_the_start_page_lists_what_each_user_sees_and_where_their_unit_stands(progressed):
    s, c = progressed, progressed.cast
    draft = services.create(
        c.officer_a,
        c.province_a,
        "Đợt đang chuẩn bị của tỉnh",
        s.province_plan.pk,
        day(50),
        day(80),
    )
    ministry = signed_in(c.ministry_officer).get(ROOT)
    assert ministry.status_code == 200
    rows = rows_of(ministry, "cp-table")
    assert rows[0][0].startswith(draft.title) and rows[1][0].startswith(TITLE)
    assert "Đang chuẩn bị" in rows[0][0] and "Chưa phát động" in rows[0][2]
    mine, below = rows[1][2], rows[1][3]
    # The ministry owes its self-review; below it two of six units are complete.
    assert "Chậm tiến độ" in mine and "Đã thực hiện 0/1 yêu cầu" in mine
    assert "Tự kiểm điểm, báo cáo kết quả" in mine.split("Quá hạn")[-1]
    assert "2/6 đơn vị hoàn thành" in below and "4 chậm tiến độ" in below
    assert "Phát động đợt mới" in text(ministry)

    commune = signed_in(c.commune_officer).get(ROOT)
    rows = rows_of(commune, "cp-table")
    assert len(rows) == 1 and rows[0][0].startswith(TITLE)  # never the province's draft
    assert "Phan Đình Phùng" in rows[0][2] and "Hoàn thành" in rows[0][2]
    assert "Đã thực hiện 2/2 yêu cầu" in rows[0][2]
    assert "Không có đơn vị cấp dưới phải thực hiện" in rows[0][3]

    province_b = signed_in(c.officer_b).get(ROOT)
    (row,) = rows_of(province_b, "cp-table")
    assert "Hà Nội" in row[2] and "Đã thực hiện 0/3 yêu cầu" in row[2]
    assert "0/1 đơn vị hoàn thành" in row[3] and "Thái Nguyên" not in text(province_b)


def test_the_start_page_is_paged(scene):  # noqa: F811
    c = scene.cast
    for n in range(pages.PAGE_SIZE):
        services.create(
            c.ministry_officer, c.root, f"Đợt chuẩn bị số {n}", scene.plan.pk, T0, day(n)
        )
    client = signed_in(c.ministry_officer)
    first = client.get(ROOT)
    assert len(rows_of(first, "cp-table")) == pages.PAGE_SIZE
    assert f"Trang 1/2 · {pages.PAGE_SIZE + 1} đợt" in text(first)
    second = client.get(ROOT + "?page=2")
    assert len(rows_of(second, "cp-table")) == 1
    assert client.get(ROOT + "?page=abc").status_code == 200  # the first page, no error


def test_a_user_with_no_campaign_is_told_so(cast):
    response = signed_in(cast.officer_b).get(ROOT)
    assert response.status_code == 200
    assert "Chưa có đợt sinh hoạt chính trị nào" in text(response)


# ------------------------------------------------------------------ the campaign page


def test_the_ministry_sees_a_row_per_province_the_lagging_units_and_what_is_overdue(progressed):
    s, c = progressed, progressed.cast
    response = signed_in(c.ministry_officer).get(campaign_url(s))
    assert response.status_code == 200
    doc = page(response)
    children = {r[0]: " | ".join(r[1:]) for r in cells(doc, "cp-children")}
    assert list(children) == ["Cục CTĐ, CTCT", "Hà Nội", "Thái Nguyên"]
    # Its own requirements met x of y, then its units below complete x of y, lagging z.
    assert children["Thái Nguyên"] == "Hoàn thành | 3/3 | 1/2 | 1"
    assert children["Hà Nội"].startswith("Chậm tiến độ | 0/3 3 quá hạn")
    assert children["Hà Nội"].endswith("| 0/1 | 1")
    assert children["Cục CTĐ, CTCT"].startswith("Chậm tiến độ | 0/1 1 quá hạn")
    assert children["Cục CTĐ, CTCT"].endswith("| — | —")  # nothing below it
    lagging = {r[0].split(" · ")[0]: r[1] for r in cells(doc, "cp-lagging")}
    assert set(lagging) == {
        "Bộ Công an",
        "Cục Công tác đảng và công tác chính trị",
        "Công an thành phố Hà Nội",
        "Công an phường Ba Đình",
        "Công an xã Đại Phúc",
    }
    assert lagging["Công an xã Đại Phúc"] == "Tự kiểm điểm, báo cáo kết quả (hạn 15/04/2026)"
    assert "Tổ chức hội nghị phát động (hạn 11/03/2026)" in lagging["Công an thành phố Hà Nội"]
    # Each requirement over the subtree: units on time, late, pending, overdue.
    by_requirement = {r[0].split(" · ")[0]: r[1:] for r in cells(doc, "cp-by-requirement")}
    assert by_requirement["Sinh hoạt chuyên đề của chi bộ"] == ["3", "1", "1", "0", "1"]
    assert by_requirement["Tự kiểm điểm, báo cáo kết quả"] == ["7", "2", "0", "0", "5"]
    # The ministry's own requirement: overdue, with the way to meet it.
    own = doc.xpath("//section[@id='own']")[0].text_content()
    assert "Quá hạn, chưa thực hiện" in own and "Gửi báo cáo kết quả" in own
    assert response.context["total"].below == 6 and response.context["total"].complete == 2


def test_a_commune_sees_its_own_requirements_with_the_records_that_met_them(progressed):
    s, c = progressed, progressed.cast
    response = signed_in(c.commune_officer).get(campaign_url(s))
    assert response.status_code == 200
    body = text(response)
    own = page(response).xpath("//section[@id='own']")[0]
    words = " ".join(own.text_content().split())
    assert "Yêu cầu đối với Công an phường Phan Đình Phùng" in words
    assert "đã thực hiện 2/2 yêu cầu" in words and "Hoàn thành" in words
    assert "Sinh hoạt chi bộ phường" in words  # the session that met the requirement
    assert f"/hoat-dong/{s.session_a1.pk}/" in body
    file_a1 = s.result_a1.files.get()
    assert f"{ROOT}ket-qua/tep/{file_a1.pk}/" in body and "Chi bộ đã tự kiểm điểm." in words
    assert "Sửa, bổ sung báo cáo kết quả" in words  # an officer of the unit may send again
    # Nothing of the units beside or above it, nor of the other province.
    for name in ("Đại Phúc", "X05800", "Hà Nội", "Ba Đình", "Đảng ủy tỉnh đã tự kiểm điểm"):
        assert name not in body, name
    assert "cp-children" not in body  # no unit below
    assert "Sửa thông tin đợt" not in body and "Phát động</a>" not in body


def test_a_leader_sees_the_results_without_the_button_to_send_them(progressed):
    response = signed_in(progressed.cast.commune_leader).get(campaign_url(progressed))
    assert "Chi bộ đã tự kiểm điểm." in text(response)
    assert "Sửa, bổ sung báo cáo kết quả" not in text(response)


def test_the_unit_parameter_opens_a_unit_of_the_users_own_scope(progressed):
    s, c = progressed, progressed.cast
    client = signed_in(c.ministry_officer)
    response = client.get(campaign_url(s, "?unit=t19"))
    assert response.status_code == 200
    doc = page(response)
    children = {r[0]: " | ".join(r[1:]) for r in cells(doc, "cp-children")}
    assert list(children) == ["Phan Đình Phùng", "Đại Phúc"]
    assert children["Phan Đình Phùng"] == "Hoàn thành | 2/2"  # no unit below either commune
    assert children["Đại Phúc"].startswith("Chậm tiến độ | 1/2 1 quá hạn")
    (trail,) = doc.xpath("//nav[contains(@class, 'trail')]")
    assert [a.text_content() for a in trail.xpath(".//a")] == ["Bộ Công an"]
    assert trail.xpath(".//strong")[0].text_content() == "Thái Nguyên"
    assert [r[0].split(" · ")[0] for r in cells(doc, "cp-lagging")] == ["Công an xã Đại Phúc"]
    assert "tien-do.xlsx?unit=T19" in text(response)
    commune = client.get(campaign_url(s, "?unit=X05800"))
    assert "Yêu cầu đối với Công an xã Đại Phúc" in text(commune)
    assert str(STANDING_LABELS[LATE]) in text(commune)  # its session, held late
    # A unit outside the user's scope, or outside the campaign's, is a 404.
    officer_a = signed_in(c.officer_a)
    for code in ("T01", "X00004", "BCA", "NOPE"):
        refused = officer_a.get(campaign_url(s, f"?unit={code}"))
        assert refused.status_code == 404, code
        assert "Hà Nội" not in text(refused)
    assert signed_in(c.commune_officer).get(campaign_url(s, "?unit=X05800")).status_code == 404


def test_long_tables_are_paged(progressed, monkeypatch):
    s, c = progressed, progressed.cast
    monkeypatch.setattr(pages, "CHILDREN_PAGE", 2)
    monkeypatch.setattr(pages, "LAGGING_PAGE", 2)
    client = signed_in(c.ministry_officer)
    first = client.get(campaign_url(s))
    assert [r[0] for r in rows_of(first, "cp-children")] == ["Cục CTĐ, CTCT", "Hà Nội"]
    assert len(rows_of(first, "cp-lagging")) == 2
    assert "5 đơn vị có yêu cầu quá hạn" in text(first)
    assert "?nhom=2#children" in text(first) and "?cham=2#lagging" in text(first)
    second = client.get(campaign_url(s, "?nhom=2&cham=3"))
    assert [r[0] for r in rows_of(second, "cp-children")] == ["Thái Nguyên"]
    assert [r[0].split(" · ")[0] for r in rows_of(second, "cp-lagging")] == ["Công an xã Đại Phúc"]
    assert "Trang 2/2" in text(second) and "Trang 3/3" in text(second)


def test_a_campaign_being_prepared_shows_its_plan_and_no_progress(scene):  # noqa: F811
    c = scene.cast
    plan = issue(c.officer_a, c.leader_a, c.province_a, "Kế hoạch của tỉnh", day(1))
    draft = services.create(c.officer_a, c.province_a, "Đợt của tỉnh", plan.pk, T0, day(20))
    response = signed_in(c.officer_a).get(f"{ROOT}{draft.pk}/")
    assert response.status_code == 200
    body = text(response)
    assert "Đợt đang chuẩn bị: chỉ đơn vị phát động và cấp trên thấy đợt này." in body
    assert "Đợt chưa có giai đoạn nào." in body and "cp-children" not in body
    assert "tien-do.xlsx" not in body and "Thêm giai đoạn" in body
    assert signed_in(c.commune_officer).get(f"{ROOT}{draft.pk}/").status_code == 404
    assert signed_in(c.officer_a).get(f"{ROOT}{draft.pk}/tien-do.xlsx").status_code == 404


def test_an_unknown_campaign_is_missing(cast):
    for tail in ("", "sua/", "phat-dong/", "tien-do.xlsx", "giai-doan/them/"):
        assert signed_in(cast.officer_a).get(f"{ROOT}999999/{tail}").status_code == 404, tail


def test_a_running_campaign_shows_what_is_still_due_and_nobody_lagging(cast):
    today = timezone.localdate()
    plan = issue(cast.officer_a, cast.leader_a, cast.province_a, "Kế hoạch", today)
    running = services.create(
        cast.officer_a, cast.province_a, "Đợt đang diễn ra", plan.pk, today, today + DAY * 30
    )
    phase = services.add_phase(cast.officer_a, running, "Sinh hoạt", today, today + DAY * 10)
    services.add_requirement(
        cast.officer_a, running, phase, Requirement.Kind.RESULTS, "Báo cáo kết quả sinh hoạt"
    )
    services.launch(cast.officer_a, running)
    response = signed_in(cast.commune_officer).get(f"{ROOT}{running.pk}/")
    own = " ".join(page(response).xpath("//section[@id='own']")[0].text_content().split())
    assert str(STANDING_LABELS[PENDING]) in own and "Đang thực hiện" in own
    assert f"hạn {today + DAY * 10:%d/%m/%Y}" in own and "Gửi báo cáo kết quả" in own
    province = signed_in(cast.officer_a).get(f"{ROOT}{running.pk}/")
    assert "Đang diễn ra" in text(province)
    assert "Không có đơn vị nào có yêu cầu quá hạn." in text(province)
    children = {r[0]: " | ".join(r[1:]) for r in rows_of(province, "cp-children")}
    assert children["Phan Đình Phùng"].startswith("Đang thực hiện | 0/1")


# ------------------------------------------------------------------ the .xlsx export


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    return load_workbook(io.BytesIO(response.content)).active


def table(sheet):
    """(head row, [unit rows], total row) of the progress sheet."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r and r[0] == "TT")
    return rows[head], rows[head + 1 : -1], rows[-1]


def test_the_export_holds_every_unit_with_the_figures_of_progress(progressed):
    s, c = progressed, progressed.cast
    response = signed_in(c.ministry_officer).get(f"{ROOT}{s.campaign.pk}/tien-do.xlsx")
    assert f"tien-do-dot-{s.campaign.pk}-BCA.xlsx" in response["Content-Disposition"]
    sheet = workbook(response)
    head, units, total = table(sheet)
    computed = progress.compute(s.campaign)
    requirements = computed.requirements
    assert len(head) == 4 + len(requirements) + 2
    assert head[4].startswith("YC1. Tổ chức hội nghị phát động — giai đoạn 1, hạn 11/03/2026")
    by_path = sorted(computed.units.values(), key=lambda p: p.path)
    assert [u[1] for u in units] == [
        "BCA",
        "CTDCT",
        "T01",
        "X00004",
        "T19",
        "X05500",
        "X05800",
    ]
    for row, p in zip(units, by_path, strict=True):
        assert row[-2] == (f"{p.met}/{p.applicable}" if p.applicable else None), row
        assert row[-1] == progress.UNIT_STATUS_LABELS[p.status], row
        for n, r in enumerate(requirements):
            cell = row[4 + n]
            if r.pk not in p.items:
                assert cell is None, (row[1], r.title)
                continue
            standing, met_on = p.items[r.pk]
            assert cell.startswith(str(STANDING_LABELS[standing])), (row[1], r.title, cell)
            when = met_on or r.phase.end
            assert f"{when:%d/%m/%Y}" in cell
    t19 = units[4]
    assert t19[4] == f"{STANDING_LABELS[ON_TIME]} ({day(5):%d/%m/%Y})"
    x05800 = units[6]
    assert x05800[6] == f"{STANDING_LABELS[LATE]} ({day(35):%d/%m/%Y})"
    assert x05800[7] == f"{STANDING_LABELS[OVERDUE]} (hạn {day(44):%d/%m/%Y})"
    # The last row: met of those that apply (late), overdue per requirement; units complete.
    counts = []
    for r in requirements:
        items = [p.items[r.pk][0] for p in by_path if r.pk in p.items]
        done = sum(x in (ON_TIME, LATE) for x in items)
        late, overdue = items.count(LATE), items.count(OVERDUE)
        counts.append(
            f"{done}/{len(items)} đã thực hiện\n{STANDING_LABELS[LATE]}: {late}\n"
            f"{STANDING_LABELS[OVERDUE]}: {overdue}"
        )
    assert total[4:-2] == counts
    complete = sum(p.complete for p in by_path)
    concerned = sum(bool(p.applicable) for p in by_path)
    assert total[-2] == f"{complete}/{concerned}" == "2/7"
    assert total[2] == "Cộng: 7 đơn vị"


def test_the_export_of_a_commune_holds_its_own_row_only(progressed):
    s, c = progressed, progressed.cast
    sheet = workbook(signed_in(c.commune_officer).get(f"{ROOT}{s.campaign.pk}/tien-do.xlsx"))
    _head, units, total = table(sheet)
    assert [u[1] for u in units] == ["X05500"] and total[-2] == "1/1"
    words = " ".join(str(v) for r in sheet.iter_rows(values_only=True) for v in r if v)
    assert "Đại Phúc" not in words and "Hà Nội" not in words


def test_the_export_follows_the_unit_parameter_within_the_users_scope(progressed):
    s, c = progressed, progressed.cast
    url = f"{ROOT}{s.campaign.pk}/tien-do.xlsx"
    sheet = workbook(signed_in(c.ministry_officer).get(url + "?unit=T19"))
    _head, units, _total = table(sheet)
    assert [u[1] for u in units] == ["T19", "X05500", "X05800"]
    assert signed_in(c.officer_a).get(url + "?unit=T01").status_code == 404
    assert signed_in(c.officer_b).get(url + "?unit=T19").status_code == 404


@pytest.mark.parametrize("user", ["officer_b", "commune_officer"])
def test_the_export_is_missing_outside_the_campaigns_subtree(scene, user):  # noqa: F811
    c = scene.cast
    plan = issue(c.officer_a, c.leader_a, c.province_a, "Kế hoạch của tỉnh", day(1))
    mine = services.create(c.officer_a, c.province_a, "Đợt của tỉnh", plan.pk, T0, day(20))
    Campaign.objects.filter(pk=mine.pk).update(status=Campaign.Status.LAUNCHED)
    response = signed_in(getattr(c, user)).get(f"{ROOT}{mine.pk}/tien-do.xlsx")
    expected = 404 if user == "officer_b" else 200  # the commune's own subtree
    assert response.status_code == expected
