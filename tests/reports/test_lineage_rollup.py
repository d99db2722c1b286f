"""Roll-up across the 2025 reorganisation, on a small legacy + 2025 tree built by hand.

    BCA
    ├── LT1  legacy province (closed 30/06/2025)
    │   ├── LH1  legacy district (closed 28/02/2025)
    │   ├── LX1  legacy commune: under LH1 until 28/02/2025, under LT1 from 01/03/2025
    │   └── LX2  legacy commune: likewise
    └── NT1  2025 province (from 01/07/2025), successor of LT1
        ├── NX1  70 % of LX1
        └── NX2  30 % of LX1 + all of LX2

Legacy communes report 2024-H2 (on the tree with districts) and 2025-H1 (on the tree
after the districts closed); 2025 communes report 2026-H1. "The same period last year"
of 2026-H1 is 2025-H1, which only the legacy units reported.
"""

import datetime
from decimal import Decimal

import pytest

from giaoban.core import periods
from giaoban.reports import bulk, services
from giaoban.reports.models import Report
from giaoban.units.models import Lineage
from tests.conftest import make_unit
from tests.reports.conftest import TEXTS

CLOSE_DISTRICTS = datetime.date(2025, 3, 1)
NEW_TREE = datetime.date(2025, 7, 1)
LEGACY_END = datetime.date(2025, 6, 30)

# GD01 sessions (sum), GD02 participants (sum), GD09 share (average), VH08 lowest (min).
FIGURES = {
    "2024-H2": {"LX1": (10, 200, "90", "70"), "LX2": (4, 80, "80", "60")},
    "2025-H1": {"LX1": (20, 400, "92", "75"), "LX2": (6, 150, "84", "65")},
    "2026-H1": {"NX1": (15, 300, "95", "80"), "NX2": (12, 260, "85", "72")},
}


def lineage(kind, old, new, share=1, **extra):
    return Lineage.objects.create(
        kind=kind,
        predecessor=old,
        successor=new,
        date=extra.pop("date", NEW_TREE),
        share=share,
        **extra,
    )


@pytest.fixture
def tree(cast):
    t = type("Tree", (), {})()
    t.root = cast.root
    t.lt1 = make_unit("LT1", "Công an tỉnh Cũ", "Tỉnh Cũ", "tinh", cast.root, active_to=LEGACY_END)
    t.lh1 = make_unit(
        "LH1",
        "Công an huyện Cũ",
        "Huyện Cũ",
        "huyen",
        t.lt1,
        active_to=CLOSE_DISTRICTS - datetime.timedelta(days=1),
    )
    # Unit.parent is the latest parent (the province); the district is in the move record.
    t.lx1 = make_unit("LX1", "Công an xã Một", "Xã Một", "xa", t.lt1, active_to=LEGACY_END)
    t.lx2 = make_unit("LX2", "Công an xã Hai", "Xã Hai", "xa", t.lt1, active_to=LEGACY_END)
    for commune in (t.lx1, t.lx2):
        lineage("move", commune, commune, date=CLOSE_DISTRICTS, old_parent=t.lh1, new_parent=t.lt1)
    t.nt1 = make_unit(
        "NT1", "Công an tỉnh Mới", "Tỉnh Mới", "tinh", cast.root, active_from=NEW_TREE
    )
    t.nx1 = make_unit("NX1", "Công an phường Mới Một", "Mới Một", "xa", t.nt1, active_from=NEW_TREE)
    t.nx2 = make_unit("NX2", "Công an xã Mới Hai", "Mới Hai", "xa", t.nt1, active_from=NEW_TREE)
    lineage("merge", t.lt1, t.nt1)
    lineage("split", t.lx1, t.nx1, Decimal("0.7"))
    lineage("split", t.lx1, t.nx2, Decimal("0.3"))
    lineage("merge", t.lx2, t.nx2)
    return t


@pytest.fixture
def reported(tree, form, cast):
    for key, by_unit in FIGURES.items():
        items = [
            {
                "unit": code,
                "values": {"GD01": f[0], "GD02": f[1], "GD09": f[2], "VH08": f[3]},
                "texts": TEXTS,
            }
            for code, f in by_unit.items()
        ]
        bulk.import_values(form, key, items, cast.ministry_admin, accept_history=True)
    return form


def view(unit, form, key):
    return services.rollup_view(unit, form, form.period(key))


def figure(key, code, index):
    return Decimal(FIGURES[key][code][index])


def test_reports_keep_the_path_of_their_period_end(tree, reported):
    paths = dict(Report.objects.filter(period_key="2024-H2").values_list("unit__code", "path"))
    assert paths == {"LX1": "BCA/LT1/LH1/LX1/", "LX2": "BCA/LT1/LH1/LX2/"}
    paths = dict(Report.objects.filter(period_key="2025-H1").values_list("unit__code", "path"))
    assert paths == {"LX1": "BCA/LT1/LX1/", "LX2": "BCA/LT1/LX2/"}
    paths = dict(Report.objects.filter(period_key="2026-H1").values_list("unit__code", "path"))
    assert paths == {"NX1": "BCA/NT1/NX1/", "NX2": "BCA/NT1/NX2/"}


def test_a_past_period_rolls_up_on_the_tree_as_it_stood_at_its_end(tree, reported):
    # 2025-H1 ended on 14/06/2025: districts closed, communes directly under the province.
    h1 = view(tree.lt1, reported, "2025-H1")
    assert [c.unit.code for c in h1.children] == ["LX1", "LX2"]
    assert h1.totals["GD01"] == figure("2025-H1", "LX1", 0) + figure("2025-H1", "LX2", 0)
    assert (h1.covered, h1.expected) == (2, 3)  # the two communes and the province itself
    assert [c.covered for c in h1.children] == [1, 1]
    root = view(tree.root, reported, "2025-H1")
    codes = [c.unit.code for c in root.children]
    assert "LT1" in codes and "NT1" not in codes
    # 2024-H2 ended on 14/12/2024: communes under their district.
    h2 = view(tree.lt1, reported, "2024-H2")
    assert [c.unit.code for c in h2.children] == ["LH1"]
    district = h2.children[0]
    assert district.values["GD01"] == 14 and district.covered == 2
    # Today's tree: neither the legacy province nor its communes.
    now = view(tree.root, reported, "2026-H1")
    codes = [c.unit.code for c in now.children]
    assert "NT1" in codes and "LT1" not in codes


def test_same_period_last_year_of_a_2025_commune_sums_its_predecessors_times_shares(tree, reported):
    lx1, lx2 = figure("2025-H1", "LX1", 1), figure("2025-H1", "LX2", 1)
    nx1 = view(tree.nx1, reported, "2026-H1").comparisons["GD02"]
    assert nx1.value == figure("2026-H1", "NX1", 1)
    assert nx1.last_year == Decimal("0.7") * lx1  # 280
    nx2 = view(tree.nx2, reported, "2026-H1").comparisons["GD02"]
    assert nx2.last_year == Decimal("0.3") * lx1 + lx2  # 120 + 150
    assert nx2.vs_last_year == ((Decimal(260) - 270) / 270 * 100).quantize(Decimal("0.1"))
    # …and of the 2025 province: its legacy predecessor's figures.
    nt1 = view(tree.nt1, reported, "2026-H1").comparisons["GD02"]
    assert nt1.last_year == lx1 + lx2
    assert nt1.value == figure("2026-H1", "NX1", 1) + figure("2026-H1", "NX2", 1)


def test_the_previous_period_goes_through_lineage_too(tree, reported):
    # The previous period of 2025-H2 is 2025-H1, before NX2 existed.
    nx2 = services.rollup_view(tree.nx2, reported, reported.period("2025-H2"))
    assert nx2.comparisons["GD01"].previous == Decimal("0.3") * 20 + 6


def test_the_national_total_is_the_same_on_either_tree(tree, reported, cast):
    legacy = reported.period("2025-H1")
    on_legacy_tree = services.rollup_view(tree.root, reported, legacy).totals["GD02"]
    assert on_legacy_tree == figure("2025-H1", "LX1", 1) + figure("2025-H1", "LX2", 1)
    # Today's provinces (the 2025 tree), each with its lineage-weighted legacy total.
    today_period = reported.period("2026-H1")
    provinces = services.children_on(tree.root, today_period)
    assert {p.code for p in provinces} >= {"NT1", "T19", "T01"}
    on_new_tree = sum(
        (services.rollup_view(p, reported, legacy).totals.get("GD02") or Decimal(0))
        for p in provinces
    )
    assert on_new_tree == on_legacy_tree
    # And the same again commune by commune on the 2025 tree.
    communes = [tree.nx1, tree.nx2]
    assert sum(services.rollup_view(c, reported, legacy).totals["GD02"] for c in communes) == (
        on_legacy_tree
    )
    # Going forward, "same period last year" at the root is that same national total.
    root_now = services.rollup_view(tree.root, reported, today_period)
    assert root_now.comparisons["GD02"].last_year == on_legacy_tree


def test_averages_and_minimums_carry_across_the_lineage(tree, reported):
    nx2 = view(tree.nx2, reported, "2026-H1").comparisons
    # Average of LX1 (weight 0.3) and LX2 (weight 1): (0.3·92 + 84) / 1.3.
    expected = ((Decimal("0.3") * 92 + 84) / Decimal("1.3")).quantize(Decimal("0.01"))
    assert nx2["GD09"].last_year == expected
    assert nx2["VH08"].last_year == 65  # the lowest of the predecessors


def test_a_legacy_unit_viewed_today_still_shows_its_own_history(tree, reported):
    h1 = view(tree.lx1, reported, "2025-H1")
    assert h1.totals["GD01"] == 20
    assert h1.comparisons["GD01"].previous == 10  # 2024-H2, under its district then
    assert view(tree.lx1, reported, "2026-H1").totals == {}  # closed: nothing since


def test_the_rollup_page_shows_the_lineage_note(client, tree, reported, cast):
    client.force_login(cast.ministry_officer)
    from django.urls import reverse

    address = reverse(
        "reports:rollup", kwargs={"form": reported.code, "period": "2026-H1", "code": "NX2"}
    )
    html = client.get(address).content.decode()
    assert "đơn vị tiền thân nhân với tỷ lệ kế thừa" in html
    assert ">270<" in html  # same period last year: 0,3 × 400 + 150
    legacy = reverse(
        "reports:rollup", kwargs={"form": reported.code, "period": "2025-H1", "code": "BCA"}
    )
    html = client.get(legacy).content.decode()
    assert "Tỉnh Cũ" in html and "Tỉnh Mới" not in html.split('id="truc-thuoc"')[1]
    assert periods.same_period_last_year(reported.period("2026-H1")).key == "2025-H1"
