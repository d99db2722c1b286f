"""The tree on any date: parents through move records, predecessors through lineage.

The first tests build small trees of their own (codes starting with "Z", so they hold
whatever else the database contains); the rest share one legacy import per module.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction

from giaoban.units import history
from giaoban.units.importers import import_legacy
from giaoban.units.models import Level, Lineage, Unit

D = datetime.date


def make(code, level, parent=None, active_from=None, active_to=None):
    return Unit.objects.create(
        code=code,
        name=f"Công an {code}",
        short_name=code,
        level=Level.objects.get(code=level),
        parent=parent,
        active_from=active_from,
        active_to=active_to,
    )


def link(old, new, kind, day, share=1, **parents):
    return Lineage.objects.create(
        predecessor=old, successor=new, kind=kind, date=day, share=Decimal(share), **parents
    )


@pytest.fixture
def small(db):
    """ZB ─ ZP ─ ZD ─ ZC: commune ZC moves to ZP on 01/03/2025 and to ZQ on 01/01/2026."""
    t = type("Tree", (), {})()
    t.root = make("ZB", "bo")
    t.province = make("ZP", "tinh", t.root)
    t.other = make("ZQ", "tinh", t.root)
    t.district = make("ZD", "huyen", t.province, active_to=D(2025, 2, 28))
    t.commune = make("ZC", "xa", t.other)  # the stored parent is the latest one
    link(t.commune, t.commune, "move", D(2025, 3, 1), old_parent=t.district, new_parent=t.province)
    link(t.commune, t.commune, "move", D(2026, 1, 1), old_parent=t.province, new_parent=t.other)
    return t


def test_the_parent_on_a_day_follows_the_move_records(small):
    c = small.commune.pk
    assert history.parents_on(D(2025, 2, 1))[c] == small.district.pk
    assert history.parents_on(D(2025, 3, 1))[c] == small.province.pk
    assert history.parents_on(D(2025, 12, 31))[c] == small.province.pk
    assert history.parents_on(D(2026, 1, 1))[c] == small.other.pk
    assert history.parents_on(D(2025, 2, 1))[small.province.pk] == small.root.pk  # no move
    assert history.parents_on(D(2025, 2, 1))[small.root.pk] is None


def test_paths_on_a_day(small):
    assert history.paths_on(D(2025, 2, 1))[small.commune.pk] == "ZB/ZP/ZD/ZC/"
    assert history.paths_on(D(2025, 4, 1))[small.commune.pk] == "ZB/ZP/ZC/"
    assert history.path_on(small.commune, D(2026, 6, 1)) == "ZB/ZQ/ZC/" == small.commune.path
    assert small.district.pk in history.paths_on(D(2025, 2, 28))
    assert small.district.pk not in history.paths_on(D(2025, 3, 1))  # closed
    assert history.path_on(small.district, D(2025, 4, 1)) == "ZB/ZP/ZD/"  # asked for by name


def test_units_on_a_day_carry_their_parent_then(small):
    units = {u.code: u for u in history.units_on(D(2025, 2, 1)) if u.code.startswith("Z")}
    assert set(units) == {"ZB", "ZP", "ZQ", "ZD", "ZC"}
    commune = units["ZC"]
    assert (commune.day_parent_id, commune.day_path, commune.day_depth) == (
        small.district.pk,
        "ZB/ZP/ZD/ZC/",
        3,
    )
    assert commune.parent_id == small.other.pk  # the stored parent is left alone
    ordered = [u.day_path for u in history.units_on(D(2025, 2, 1))]
    assert ordered == sorted(ordered)


def test_the_cache_sees_every_change(small):
    day = D(2025, 4, 1)
    assert history.paths_on(day)[small.province.pk] == "ZB/ZP/"
    small.province.parent = small.other
    small.province.save()  # a save: signals and an audit entry
    assert history.paths_on(day)[small.commune.pk] == "ZB/ZQ/ZP/ZC/"
    Unit.objects.filter(pk=small.other.pk).update(active_from=D(2025, 5, 1))  # no signal
    history.invalidate()
    assert small.other.pk not in history.paths_on(day)
    late = make("ZL", "xa", small.other, active_from=D(2025, 4, 1))
    assert history.paths_on(day)[late.pk] == "ZB/ZQ/ZL/"


def test_predecessor_shares_follow_chained_lineage(db):
    root = make("ZB", "bo")
    a = make("ZA", "xa", root, active_to=D(2023, 12, 31))
    b = make("ZBB", "xa", root, active_from=D(2024, 1, 1), active_to=D(2024, 12, 31))
    c = make("ZCC", "xa", root, active_from=D(2025, 1, 1))
    d = make("ZDD", "xa", root, active_from=D(2025, 1, 1))
    e = make("ZE", "xa", root, active_to=D(2024, 12, 31))
    link(a, b, "rename", D(2024, 1, 1))
    link(b, c, "split", D(2025, 1, 1), "0.4")
    link(b, d, "split", D(2025, 1, 1), "0.6")
    link(e, d, "merge", D(2025, 1, 1))

    shares = history.predecessor_shares([c.pk, d.pk], D(2023, 6, 1))
    assert shares[c.pk] == [(a.pk, Decimal("0.4"))]
    assert shares[d.pk] == sorted([(a.pk, Decimal("0.6")), (e.pk, Decimal(1))])
    assert history.predecessor_shares([d.pk], D(2024, 6, 1))[d.pk] == sorted(
        [(b.pk, Decimal("0.6")), (e.pk, Decimal(1))]
    )
    assert history.predecessor_shares([c.pk], D(2025, 6, 1))[c.pk] == [(c.pk, Decimal(1))]
    assert history.predecessor_shares([b.pk], D(2025, 6, 1))[b.pk] == []  # closed by then


# ---------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def legacy(django_db_setup, django_db_blocker):
    """One legacy import for the tests below, rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        import_legacy(progress=False)
        yield {code: pk for code, pk in Unit.objects.values_list("code", "id")}
        transaction.set_rollback(True)


def test_the_tree_before_the_districts_closed(legacy, db, django_assert_max_num_queries):
    codes = {pk: code for code, pk in legacy.items()}
    day = D(2025, 2, 1)
    with django_assert_max_num_queries(3):
        paths = history.paths_on(day)
    assert paths[legacy["LX00001"]] == "BCA/LT01/LH001/LX00001/"
    assert history.parents_on(day)[legacy["LX00001"]] == legacy["LH001"]
    assert len(paths) == 1 + 5 + 63 + 696 + 10035  # the 2025 units were not there yet
    assert not [pk for pk in paths if codes[pk][0] in "TX" and codes[pk][1].isdigit()]
    assert all(p.count("/") == 4 for pk, p in paths.items() if codes[pk].startswith("LX"))


def test_the_tree_between_march_and_july_2025(legacy, db):
    codes = {pk: code for code, pk in legacy.items()}
    day = D(2025, 4, 1)
    paths = history.paths_on(day)
    parents = history.parents_on(day)
    assert paths[legacy["LX00001"]] == "BCA/LT01/LX00001/"
    districts = {codes[pk] for pk in paths if codes[pk].startswith("LH")}
    assert districts == {"LH318", "LH471", "LH498", "LH536", "LH755"}  # the island districts
    communes = [pk for pk in paths if codes[pk].startswith("LX")]
    assert len(communes) == 10035
    assert {codes[parents[pk]][:2] for pk in communes} == {"LT"}
    assert len(paths) == 1 + 5 + 63 + 5 + 10035


def test_the_tree_from_july_2025(legacy, db, django_assert_max_num_queries):
    codes = {pk: code for code, pk in legacy.items()}
    day = D(2025, 7, 1)
    paths = history.paths_on(day)
    assert len(paths) == 1 + 5 + 34 + 3321
    assert not any(codes[pk].startswith("L") for pk in paths)
    assert paths[legacy["X00004"]] == "BCA/T01/X00004/"
    history.paths_on(day)
    with django_assert_max_num_queries(1):  # cached: only the version stamp is read
        history.paths_on(day)
    units = history.units_on(day)
    assert [u.code for u in units[:2]] == ["BCA", "CTDCT"]
    assert all(u.day_path == u.path for u in units)  # today's tree is the stored one


def test_every_active_unit_hangs_from_an_active_parent(legacy, db):
    for day in (D(2024, 6, 1), D(2025, 2, 28), D(2025, 3, 1), D(2025, 6, 30), D(2025, 7, 1)):
        parents = history.parents_on(day)
        orphans = [
            pk for pk, parent in parents.items() if parent is not None and parent not in parents
        ]
        assert orphans == [], day


def test_same_period_last_year_across_the_reorganisation(legacy, db):
    codes = {pk: code for code, pk in legacy.items()}
    last_year = D(2024, 7, 1)

    def named(pk):
        return sorted((codes[p], s) for p, s in history.predecessor_shares([pk], last_year)[pk])

    assert named(legacy["T19"]) == [("LT06", 1), ("LT19", 1)]  # Bắc Kạn + Thái Nguyên
    assert named(legacy["T01"]) == [("LT01", 1)]
    # Phường Ba Đình: whole communes and the default parts of divided ones; the parts
    # passed on with share 0 are left out.
    zero = Lineage.objects.filter(successor_id=legacy["X00004"], share=0)
    assert zero.exists()
    ba_dinh = dict(named(legacy["X00004"]))
    assert not set(ba_dinh) & set(zero.values_list("predecessor__code", flat=True))
    assert "LX00004" in ba_dinh  # Trúc Bạch
    assert named(legacy["X26732"]) == [("LH755", 1)]  # đặc khu Côn Đảo ← huyện Côn Đảo
    assert named(legacy["LX00001"]) == [("LX00001", 1)]  # active then: itself

    # Summed over today's communes, every commune of 2024 is counted exactly once.
    communes = [pk for code, pk in legacy.items() if code.startswith("X")]
    totals = defaultdict(Decimal)
    for pairs in history.predecessor_shares(communes, last_year).values():
        for predecessor, share in pairs:
            totals[predecessor] += share
    assert len(totals) == 10035 + 5
    assert set(totals.values()) == {Decimal(1)}
