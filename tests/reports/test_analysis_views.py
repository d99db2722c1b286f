"""Roll-up, dashboard and completeness pages: they work, they check scope, and their
figures are the live roll-up's."""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse

from giaoban.reports import bulk, services, workflow
from giaoban.reports.views import analysis
from tests.conftest import make_unit, make_user
from tests.reports.conftest import GOOD, TEXTS

KEY = "2026-H1"
PREVIOUS = "2025-H2"
SVG = "{http://www.w3.org/2000/svg}"


def url(name, code, period=KEY, form="CTD-CTCT-6T"):
    return reverse(f"reports:{name}", kwargs={"form": form, "period": period, "code": code})


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def data(form, cast, leaders):
    """X05500 accepted (GD02=1.234), X05800 submitted (GD02=2.345), X00004 draft;
    the previous period accepted at X05500 with GD02=1.000."""
    a1 = workflow.open_report(form, cast.commune_a1, KEY, cast.officer_a)
    workflow.save_entries(a1, cast.officer_a, dict(GOOD, GD02=1234), TEXTS)
    workflow.submit(a1, cast.commune_leader)
    workflow.accept(a1, cast.leader_a)
    a2 = workflow.open_report(form, cast.commune_a2, KEY, cast.officer_a)
    workflow.save_entries(a2, cast.officer_a, dict(GOOD, GD02=2345), TEXTS)
    workflow.submit(a2, leaders["X05800"])
    b1 = workflow.open_report(form, cast.commune_b1, KEY, cast.officer_b)
    workflow.save_entries(b1, cast.officer_b, dict(GOOD, GD02=99), TEXTS)
    bulk.import_values(
        form,
        PREVIOUS,
        [{"unit": "X05500", "values": dict(GOOD, GD02=1000), "texts": TEXTS}],
        cast.ministry_admin,
        accept_history=True,
    )
    return form


def cells(html, code):
    """The cells of the totals row of one indicator code, as text."""
    row = re.search(rf'<td class="code hide-narrow">{code}</td>(.*?)</tr>', html, re.S).group(1)
    return [
        re.sub(r"<[^>]+>|\s+", " ", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


# ------------------------------------------------------------------ roll-up


def test_the_rollup_page_shows_the_live_totals_and_comparisons(client, cast, data):
    login(client, cast.ministry_officer)
    response = client.get(url("rollup", "BCA"))
    assert response.status_code == 200
    html = response.content.decode()
    # name, unit, this period, previous, ±, last year, ±, units with figures: 1 of 6 units
    # reported, and no unit directly below the ministry has all its reports in, so nothing
    # is compared (never a whole total against a partial one), and the page says so.
    row = cells(html, "GD02")
    assert row[2:] == ["1.234", "1.000", "—", "—", "—", "1"]
    assert "Chưa so sánh được" in html
    # Thái Nguyên: of its two communes one has its reports in, in both periods: the change
    # is that commune's, beside the whole totals.
    ministry = html
    html = client.get(url("rollup", "T19")).content.decode()
    row = cells(html, "GD02")
    assert row[2:] == ["1.234", "1.234", "1.000", "▲ +23,4%", "—", "—", "1"]
    assert "Kỳ này, cùng đơn vị (1)" in html
    assert "Kỳ trước, cùng đơn vị" in html and "Cùng kỳ năm trước, cùng đơn vị" in html
    assert "các so sánh chỉ tính trên 1/2 đơn vị trực thuộc đã đủ số liệu" in html
    html = ministry
    view = services.rollup_view(cast.root, data, data.period(KEY))
    assert view.totals["GD02"] == Decimal(1234)
    assert "Số liệu của 1/6 đơn vị phải báo cáo" in html
    assert "báo cáo đã chấp nhận" in html
    # One row per direct child, each linking to its own roll-up.
    for code in ("T19", "T01", "CTDCT"):
        assert f'href="{url("rollup", code)}"' in html


@pytest.mark.parametrize("code", ["BCA", "T19"])
def test_a_rollup_reads_a_fixed_number_of_queries(cast, data, code, django_assert_max_num_queries):
    """Form version, indicators, tree stamp, this period's rows (node and children), the
    form's levels, the node's rows of both compared periods, the children's rows of the
    compared periods: seven at most, however many children the node has."""
    node = {"BCA": cast.root, "T19": cast.province_a}[code]
    services.rollup_view(node, data, data.period(KEY))  # warm the tree caches
    with django_assert_max_num_queries(7):
        view = services.rollup_view(node, data, data.period(KEY))
        assert view.comparisons


def test_the_mode_switch_counts_submitted_reports_too(client, cast, data):
    login(client, cast.ministry_officer)
    html = client.get(url("rollup", "BCA") + "?mode=counted").content.decode()
    assert cells(html, "GD02")[2] == "3.579"  # 1.234 accepted + 2.345 submitted
    assert "Số liệu của 2/6 đơn vị phải báo cáo" in html
    assert 'aria-current="true">cả báo cáo đã gửi, chờ duyệt' in html
    # The children's links keep the chosen mode.
    assert f'href="{url("rollup", "T19")}?mode=counted"' in html


def test_the_default_mode_is_the_forms_setting(client, cast, data):
    data.count_submitted = True
    data.save()
    login(client, cast.ministry_officer)
    html = client.get(url("rollup", "BCA")).content.decode()
    assert cells(html, "GD02")[2] == "3.579"


def test_a_bad_mode_is_a_400_with_a_vietnamese_message(client, cast, data):
    login(client, cast.ministry_officer)
    response = client.get(url("rollup", "BCA") + "?mode=tat-ca")
    assert response.status_code == 400
    assert "Cách tính “tat-ca” không hợp lệ" in response.content.decode()


def test_the_province_rollup_has_a_row_per_commune(client, cast, data):
    login(client, cast.leader_a)
    html = client.get(url("rollup", "T19") + "?mode=counted&cols=all").content.decode()
    children = re.search(r'id="truc-thuoc"(.*)', html, re.S).group(1)
    assert "Phan Đình Phùng" in children and "Đại Phúc" in children
    assert "Ba Đình" not in children
    assert children.count("1/1") == 2  # each commune: its own report counted
    # Breadcrumbs within the user's scope only: the ministry is above the leader's unit.
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert "Bộ Công an" not in crumbs


@pytest.mark.parametrize("name", ["rollup", "dashboard", "completeness"])
def test_the_pages_validate_scope(client, cast, data, name):
    login(client, cast.officer_b)
    assert client.get(url(name, "T19")).status_code == 404
    assert client.get(url(name, "X05500")).status_code == 404
    assert client.get(url(name, "BCA")).status_code == 404
    assert client.get(url(name, "T01")).status_code == 200
    login(client, cast.commune_officer)
    assert client.get(url(name, "T19")).status_code == 404
    assert client.get(url(name, "X05500")).status_code == 200
    client.logout()
    response = client.get(url(name, "X05500"))
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


@pytest.mark.parametrize("name", ["rollup", "dashboard", "completeness"])
def test_every_role_in_scope_may_read_and_a_user_without_a_role_may_not(client, cast, data, name):
    viewer = make_user("viewer_a", cast.province_a, "viewer")
    nobody = make_user("nobody", cast.province_a)
    login(client, viewer)
    assert client.get(url(name, "T19")).status_code == 200
    login(client, nobody)
    assert client.get(url(name, "T19")).status_code == 404


@pytest.mark.parametrize("name", ["rollup", "dashboard", "completeness"])
def test_bad_periods_and_forms_are_404(client, cast, data, name):
    login(client, cast.ministry_officer)
    assert client.get(url(name, "BCA", period="2026-Q2")).status_code == 404  # not 6-month
    assert client.get(url(name, "BCA", period="2026-H3")).status_code == 404
    assert client.get(url(name, "BCA", period="0001-H1")).status_code == 404  # no year 0 before
    assert client.get(url(name, "BCA", form="KHONG-CO")).status_code == 404
    assert client.get(url(name, "KHONGCO")).status_code == 404
    assert client.post(url(name, "BCA")).status_code == 405


def test_the_period_picker_lists_recent_periods(client, cast, data):
    login(client, cast.ministry_officer)
    html = client.get(url("rollup", "BCA", period="2020-H1")).content.decode()
    assert 'href="' + url("rollup", "BCA", period="2025-H2") + '"' in html
    assert 'aria-current="page">6 tháng đầu năm 2020' in html  # the one shown is in the list


def test_children_are_paginated(client, cast, form):
    big = make_unit("T99", "Công an tỉnh Thử Nghiệm", "Thử Nghiệm", "tinh", cast.root)
    for i in range(120):
        make_unit(f"X9{i:04d}", f"Công an xã Thử {i:03d}", f"Thử {i:03d}", "xa", big)
    login(client, cast.ministry_officer)
    first = client.get(url("rollup", "T99")).content.decode()
    children = re.search(r'id="truc-thuoc"(.*)', first, re.S).group(1)
    assert "Thử 000" in children and "Thử 049" in children and "Thử 050" not in children
    assert "Trang 1/3 · 120 dòng" in children
    last = client.get(url("rollup", "T99") + "?page=3").content.decode()
    assert "Thử 119" in last and "Thử 099" not in last
    completeness = client.get(url("completeness", "T99") + "?page=2&mpage=3").content.decode()
    per_child = re.search(r'id="truc-thuoc"(.*?)id="chua-gui"', completeness, re.S).group(1)
    assert "Thử 050" in per_child and "Thử 000" not in per_child
    missing = re.search(r'id="chua-gui"(.*)', completeness, re.S).group(1)
    assert "Trang 3/3 · 121 dòng" in missing  # the province itself and its 120 communes


# ------------------------------------------------------------------ dashboard


def svgs(html):
    return [
        ET.fromstring(s)  # noqa: S314 — our own page
        for s in re.findall(r"<svg .*?</svg>", html, re.S)
    ]


def test_the_dashboard_draws_completeness_and_main_indicators(client, cast, data):
    login(client, cast.ministry_officer)
    response = client.get(url("dashboard", "BCA"))
    assert response.status_code == 200
    html = response.content.decode()
    charts = svgs(html)
    assert len(charts) == 4  # two charts, each drawn wide and narrow
    completeness, narrow = charts[0], charts[1]
    for chart in (completeness, narrow):
        labels = [t.text for t in chart.iter(f"{SVG}text") if t.get("class") == "label"]
        # Sorted from the lowest share sent: Hà Nội 0/2, Cục 0/1, Thái Nguyên 2/3.
        assert labels == ["Cục CTĐ, CTCT", "Hà Nội", "Thái Nguyên"]
    segs = {
        (r.find(f"{SVG}title").text)
        for r in completeness.iter(f"{SVG}rect")
        if "seg" in r.get("class", "")
    }
    assert "Thái Nguyên — Đã chấp nhận: 1/3" in segs
    assert "Thái Nguyên — Đã gửi, chờ duyệt: 1/3" in segs
    assert "Thái Nguyên — Chưa lập: 1/3" in segs
    assert "Hà Nội — Đang soạn: 1/2" in segs
    main = [t.text for t in charts[2].iter(f"{SVG}text") if t.get("class") == "label"]
    assert len(main) == 7 and main[1].startswith("Lượt cán bộ, chiến sĩ tham gia")
    values = [t.text for t in charts[2].iter(f"{SVG}text") if t.get("class") == "value"]
    # Like with like: at the ministry nothing can be compared yet, so each indicator has
    # its bar of this period only (GD02 the second), and the page says why.
    assert values[1] == "1.234" and len(values) == len(main)
    assert "Chưa so sánh được" in html
    province = client.get(url("dashboard", "T19")).content.decode()
    main_chart = svgs(province)[2]
    values = [t.text for t in main_chart.iter(f"{SVG}text") if t.get("class") == "value"]
    assert values[2:4] == ["1.234", "1.000"]  # GD02 of the one commune in both periods
    # Headline figures: 2 of 6 sent (33,3%), 1 accepted, 1 waiting.
    assert "33,3%" in html and "2/6 đơn vị" in html
    assert "<script" not in html.split("</head>")[1]
    assert ' style="' not in html


def test_the_dashboard_links_children_within_scope(client, cast, data):
    login(client, cast.ministry_officer)
    html = client.get(url("dashboard", "BCA")).content.decode()
    assert f'href="{url("dashboard", "T19")}"' in html
    assert f'href="{url("completeness", "BCA")}"' in html


def test_a_commune_dashboard_has_no_children_chart(client, cast, data):
    login(client, cast.commune_leader)
    response = client.get(url("dashboard", "X05500"))
    assert response.status_code == 200
    assert "Chưa có đơn vị cấp dưới nào phải báo cáo." in response.content.decode()


def test_the_start_page_sends_each_user_to_their_own_unit(client, cast, data):
    login(client, cast.leader_a)
    start = reverse("reports:analysis_start", kwargs={"form": "CTD-CTCT-6T"})
    response = client.get(start)
    assert response.status_code == 302
    assert response["Location"] == url("dashboard", "T19")  # the newest period with data
    response = client.get(start + "?view=completeness&period=2025-H2&code=x05500")
    assert response["Location"] == url("completeness", "X05500", period="2025-H2")
    assert client.get(start + "?code=T01").status_code == 404
    assert client.get(start + "?view=bogus").status_code == 400


# ------------------------------------------------------------------ completeness


def test_the_completeness_page_counts_and_lists_the_missing(client, cast, data, monkeypatch):
    login(client, cast.ministry_officer)
    today = datetime.date(2026, 6, 20)  # communes were due 17/06, provinces 22/06
    monkeypatch.setattr(analysis.timezone, "localdate", lambda: today)
    monkeypatch.setattr(services.timezone, "localdate", lambda: today)
    html = client.get(url("completeness", "BCA")).content.decode()
    counts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html))
    assert counts == {
        "Phải báo cáo": "6",
        "Đang soạn": "1",
        "Đã gửi, chờ duyệt": "1",
        "Đã chấp nhận": "1",
        "Bị trả lại": "0",
        "Chưa gửi": "4",
        "Trễ hạn": "3",  # X05500 and X05800 sent late (first submitted today), X00004 overdue
    }
    overall, _children = services.completeness(cast.root, data, data.period(KEY), today)
    assert overall.late == 3 and overall.missing == 4
    missing = re.search(r'id="chua-gui"(.*)', html, re.S).group(1)
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\">(.*?)</th>.*?<td>(.*?)</td>.*?"
        r'<td class="num">(.*?)</td>\s*<td class="num an-overdue">(.*?)</td>',
        missing,
        re.S,
    )
    found = {re.sub(r"<[^>]+>", "", r[0]).split()[-1]: r[1:] for r in rows}
    assert set(found) == {"CTDCT", "T19", "T01", "X00004"}
    status, deadline, overdue = found["X00004"]
    assert "Đang soạn" in status and deadline == "17/06/2026" and "3 ngày" in overdue
    assert "Chưa lập" in found["T19"][0] and "chưa đến hạn" in found["T19"][2]
    # Each missing unit links to its report; each level's deadline is stated.
    assert f'href="{url("report", "X00004")}"' in missing
    deadlines = re.search(r'<p class="deadlines">(.*?)</p>', html, re.S).group(1)
    deadlines = re.sub(r"<[^>]+>", "", deadlines)
    assert "Công an xã, phường, đặc khu — 17/06/2026" in deadlines
    assert "Công an tỉnh, thành phố — 22/06/2026" in deadlines
    # Only the levels with units expected below the node: a commune's page, its own level.
    commune = client.get(url("completeness", "X00004")).content.decode()
    deadlines = re.search(r'<p class="deadlines">(.*?)</p>', commune).group(1)
    deadlines = re.sub(r"<[^>]+>", "", deadlines)
    assert "Công an xã, phường, đặc khu — 17/06/2026" in deadlines
    assert "tỉnh" not in deadlines
    per_child = re.search(r'id="truc-thuoc"(.*?)id="chua-gui"', html, re.S).group(1)
    assert f'href="{url("completeness", "T19")}"' in per_child
    assert '<meter min="0" max="3" value="2">' in per_child


def test_a_unit_that_did_not_exist_at_the_period_end_says_so(client, cast, form):
    new = make_unit(
        "X09999",
        "Công an xã Mới Lập",
        "Mới Lập",
        "xa",
        cast.province_a,
        active_from=datetime.date(2026, 7, 1),
    )
    login(client, cast.leader_a)
    for name in ("rollup", "dashboard", "completeness"):
        response = client.get(url(name, new.code))
        assert response.status_code == 200
        assert "chưa hoạt động (hoặc đã giải thể) vào ngày 14/06/2026" in response.content.decode()
