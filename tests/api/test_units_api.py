import datetime

import pytest

from giaoban.units.models import Lineage, Unit
from tests.conftest import make_unit


def codes(response):
    return [item["code"] for item in response.json()["items"]]


def test_the_list_shows_the_subtree_in_tree_order(cast, as_user):
    response = as_user(cast.officer_a).get("/api/units")
    assert response.status_code == 200
    body = response.json()
    assert codes(response) == ["T19", "X05500", "X05800"]
    assert body["total"] == 3
    first = body["items"][0]
    assert first["name"] == "Công an tỉnh Thái Nguyên"
    assert first["level"] == "tinh"
    assert first["parent_code"] == "BCA"


def test_a_commune_officer_never_lists_a_sibling(cast, as_user):
    response = as_user(cast.commune_officer).get("/api/units")
    assert codes(response) == ["X05500"]
    response = as_user(cast.commune_officer).get("/api/units", {"parent": "T19"})
    assert codes(response) == ["X05500"]
    response = as_user(cast.commune_officer).get("/api/units", {"q": "dai phuc"})
    assert response.json() == {"total": 0, "limit": 50, "offset": 0, "items": []}


def test_the_list_filters_by_level_and_parent(cast, as_user):
    client = as_user(cast.ministry_officer)
    assert codes(client.get("/api/units", {"level": "tinh"})) == ["T01", "T19"]
    assert codes(client.get("/api/units", {"level": "XA", "parent": "t19"})) == [
        "X05500",
        "X05800",
    ]


@pytest.mark.parametrize("text", ["thai nguyen", "Thái Nguyên", "THAI NGUYEN", "THÁI nguyên"])
def test_search_ignores_diacritics_and_case(cast, as_user, text):
    response = as_user(cast.ministry_officer).get("/api/units", {"q": text})
    assert codes(response) == ["T19"]


def test_search_matches_d_for_dj(cast, as_user):
    response = as_user(cast.ministry_officer).get("/api/units", {"q": "phan dinh phung"})
    assert codes(response) == ["X05500"]


def test_active_on_keeps_units_valid_that_day(cast, as_user):
    make_unit(
        "X05501",
        "Công an xã Cũ",
        "Xã Cũ",
        "xa",
        cast.province_a,
        active_to=datetime.date(2025, 6, 30),
    )
    client = as_user(cast.officer_a)
    assert "X05501" in codes(client.get("/api/units", {"active_on": "30/06/2025"}))
    assert "X05501" not in codes(client.get("/api/units", {"active_on": "2025-07-01"}))
    assert "X05501" in codes(client.get("/api/units"))


def test_the_list_is_paginated_with_a_total(cast, as_user):
    client = as_user(cast.ministry_officer)
    everything = codes(client.get("/api/units", {"limit": 500}))
    assert len(everything) == Unit.objects.count() == 7
    page = client.get("/api/units", {"limit": 2, "offset": 3}).json()
    assert page["total"] == 7
    assert (page["limit"], page["offset"]) == (2, 3)
    assert [i["code"] for i in page["items"]] == everything[3:5]
    past_the_end = client.get("/api/units", {"offset": 100}).json()
    assert past_the_end["items"] == [] and past_the_end["total"] == 7


def test_the_detail_gives_identity_party_command_validity_and_children(cast, as_user):
    response = as_user(cast.officer_a).get("/api/units/T19")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "T19"
    assert body["parent_code"] == "BCA"
    assert body["parent_name"] == "Bộ Công an"
    assert body["party_name"] == "Đảng ủy Công an tỉnh Thái Nguyên"
    assert body["command_name"] == "Công an tỉnh Thái Nguyên"
    assert body["active_from"] is None and body["active_to"] is None
    assert body["is_active"] is True
    assert body["children_count"] == 2


def test_the_detail_accepts_a_lower_case_code(cast, as_user):
    response = as_user(cast.commune_officer).get("/api/units/x05500")
    assert response.status_code == 200
    assert response.json()["code"] == "X05500"


def test_a_closed_unit_shows_its_validity(cast, as_user):
    make_unit(
        "X05501",
        "Công an xã Cũ",
        "Xã Cũ",
        "xa",
        cast.province_a,
        active_from=datetime.date(2010, 1, 1),
        active_to=datetime.date(2025, 6, 30),
    )
    body = as_user(cast.officer_a).get("/api/units/X05501").json()
    assert (body["active_from"], body["active_to"]) == ("2010-01-01", "2025-06-30")
    assert body["is_active"] is False


@pytest.mark.parametrize(
    "user, code",
    [
        ("commune_officer", "X05800"),  # sibling commune
        ("commune_officer", "T19"),  # own parent
        ("commune_officer", "X00004"),  # another province's commune
        ("officer_a", "T01"),  # another province
        ("officer_a", "BCA"),  # the ministry above
        ("officer_b", "X05500"),
    ],
)
@pytest.mark.parametrize("suffix", ["", "/lineage"])
def test_a_unit_out_of_scope_is_not_found(cast, as_user, user, code, suffix):
    response = as_user(getattr(cast, user)).get(f"/api/units/{code}{suffix}")
    assert response.status_code == 404
    message = f"Không tìm thấy đơn vị “{code}” trong phạm vi của đồng chí."
    assert response.json() == {"detail": message}


def test_out_of_scope_reads_the_same_as_missing(cast, as_user):
    client = as_user(cast.commune_officer)
    missing = client.get("/api/units/KHONGCO").json()["detail"]
    sibling = client.get("/api/units/X05800").json()["detail"]
    assert missing.replace("KHONGCO", "X") == sibling.replace("X05800", "X")


def test_a_user_without_roles_sees_nothing(cast, as_user):
    from tests.conftest import make_user

    nobody = make_user("no_roles", cast.province_a)
    client = as_user(nobody)
    assert client.get("/api/units").json()["total"] == 0
    assert client.get("/api/units/T19").status_code == 404


def test_lineage_lists_predecessors_successors_and_moves(cast, as_user):
    old = make_unit(
        "X05400",
        "Công an xã Cam Giá",
        "Cam Giá",
        "xa",
        cast.province_a,
        active_to=datetime.date(2025, 6, 30),
    )
    Lineage.objects.create(
        predecessor=old,
        successor=cast.commune_a1,
        kind=Lineage.Kind.SPLIT,
        date=datetime.date(2025, 7, 1),
        share="0.6",
    )
    Lineage.objects.create(
        predecessor=old,
        successor=cast.commune_a2,
        kind=Lineage.Kind.SPLIT,
        date=datetime.date(2025, 7, 1),
        share="0.4",
    )
    Lineage.objects.create(
        predecessor=cast.commune_a1,
        successor=cast.commune_a1,
        kind=Lineage.Kind.MOVE,
        date=datetime.date(2025, 3, 1),
        old_parent=cast.root,
        new_parent=cast.province_a,
    )
    body = as_user(cast.officer_a).get("/api/units/X05400/lineage").json()
    assert body["unit"]["code"] == "X05400"
    assert body["predecessors"] == []
    assert [(s["unit"]["code"], s["kind"], s["date"], s["share"]) for s in body["successors"]] == [
        ("X05500", "split", "2025-07-01", 0.6),
        ("X05800", "split", "2025-07-01", 0.4),
    ]
    assert body["successors"][0]["kind_name"] == "Chia tách"

    # A commune officer sees where their unit came from, even though the old commune is
    # outside their subtree — and is told they cannot open it.
    body = as_user(cast.commune_officer).get("/api/units/X05500/lineage").json()
    (link,) = body["predecessors"]
    assert link["unit"] == {"code": "X05400", "name": "Công an xã Cam Giá", "short_name": "Cam Giá"}
    assert link["in_scope"] is False
    assert link["share"] == 0.6
    assert body["successors"] == []
    assert body["moves"] == [
        {"date": "2025-03-01", "old_parent_code": "BCA", "new_parent_code": "T19", "note": ""}
    ]
    assert as_user(cast.commune_officer).get("/api/units/X05400").status_code == 404


@pytest.mark.parametrize(
    "url", ["/api/units", "/api/units/T19", "/api/units/T19/lineage", "/api/me"]
)
def test_anonymous_gets_401_in_vietnamese(cast, as_user, url):
    response = as_user().get(url)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Đồng chí chưa đăng nhập")
    assert response["WWW-Authenticate"] == 'Bearer realm="giaoban"'
