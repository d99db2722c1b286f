"""Unit browser, unit page and unit administration: works / scope (404) / role (403) / bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from giaoban.audit.models import AuditEntry
from giaoban.units.models import Level, Lineage, Unit
from tests.conftest import make_unit, make_user


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def admin_a(cast):
    return make_user("admin_a", cast.province_a, "admin")


def results_of(html):
    """The search results list of the browser page (the tree below repeats unit names)."""
    return html.split('class="results"')[1].split("</ol>")[0]


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


# --- browser ----------------------------------------------------------------------------------


def test_the_browser_shows_the_role_unit_and_its_first_level(client, cast):
    html = login(client, cast.officer_a).get(reverse("units:browser")).content.decode()
    assert "Công an tỉnh Thái Nguyên" in html
    assert "Công an phường Phan Đình Phùng" in html
    assert "Công an xã Đại Phúc" in html
    assert "Công an thành phố Hà Nội" not in html
    # Children are fetched on demand from the fragment URL.
    assert reverse("units:children", kwargs={"code": "T19"}) in html


def test_the_browser_renders_only_one_level_below_the_role_unit(client, cast):
    html = login(client, cast.ministry_officer).get(reverse("units:browser")).content.decode()
    assert "Công an tỉnh Thái Nguyên" in html
    assert "Công an phường Phan Đình Phùng" not in html  # two levels down: lazy
    assert reverse("units:children", kwargs={"code": "T19"}) in html


def test_a_commune_officer_does_not_see_the_sibling_in_the_browser(client, cast):
    html = login(client, cast.commune_officer).get(reverse("units:browser")).content.decode()
    assert "Công an phường Phan Đình Phùng" in html
    assert "Đại Phúc" not in html
    html = client.get(reverse("units:browser"), {"q": "dai phuc"}).content.decode()
    assert "Công an xã Đại Phúc" not in html
    assert "0 đơn vị" in html


def test_the_browser_redirects_an_anonymous_user_to_login(client, cast):
    response = client.get(reverse("units:browser"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_browser_refuses_a_user_without_any_role(client, cast):
    nobody = make_user("nobody", cast.province_a)
    assert login(client, nobody).get(reverse("units:browser")).status_code == 403


@pytest.mark.parametrize("text", ["thai nguyen", "Thái Nguyên", "THAI NGUYEN", "thái nguyen"])
def test_search_ignores_diacritics_and_case(client, cast, text):
    response = login(client, cast.ministry_officer).get(reverse("units:browser"), {"q": text})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/don-vi/T19/"' in html
    assert "Công an tỉnh Thái Nguyên" in html


def test_search_maps_d_to_dj_and_shows_the_path(client, cast):
    response = login(client, cast.ministry_officer).get(reverse("units:browser"), {"q": "dai"})
    results = results_of(response.content.decode())
    assert "Công an xã Đại Phúc" in results
    assert "Bộ Công an › Thái Nguyên" in results  # the ancestors' short names


def test_search_is_scoped(client, cast):
    html = login(client, cast.officer_b).get(reverse("units:browser"), {"q": "thai nguyen"})
    assert 'href="/don-vi/T19/"' not in html.content.decode()


def test_search_results_are_paginated(client, cast):
    for i in range(60):
        make_unit(f"XP{i:03}", f"Công an xã Phúc Thử {i}", f"Phúc Thử {i}", "xa", cast.province_a)
    login(client, cast.officer_a)
    first = client.get(reverse("units:browser"), {"q": "phuc thu"}).content.decode()
    assert "60 đơn vị" in first
    assert results_of(first).count('href="/don-vi/XP') == 50
    second = client.get(reverse("units:browser"), {"q": "phuc thu", "page": 2}).content.decode()
    assert results_of(second).count('href="/don-vi/XP') == 10


def test_a_too_long_search_is_refused_with_a_message(client, cast):
    response = login(client, cast.officer_a).get(reverse("units:browser"), {"q": "x" * 101})
    assert response.status_code == 400
    assert "Tìm đơn vị:" in response.content.decode()


def test_closed_units_are_hidden_unless_asked_for(client, cast):
    make_unit(
        "X05999",
        "Công an xã Đã Giải Thể",
        "Đã Giải Thể",
        "xa",
        cast.province_a,
        active_to=yesterday(),
    )
    login(client, cast.officer_a)
    assert "Đã Giải Thể" not in client.get(reverse("units:browser")).content.decode()
    html = client.get(reverse("units:browser"), {"closed": "1"}).content.decode()
    assert "Công an xã Đã Giải Thể" in html
    assert "đã giải thể" in html
    html = client.get(reverse("units:browser"), {"q": "giai the"}).content.decode()
    assert "0 đơn vị" in html
    html = client.get(reverse("units:browser"), {"q": "giai the", "closed": "1"}).content.decode()
    assert "1 đơn vị" in html


# --- children fragment ----------------------------------------------------------------------


def test_children_are_an_html_fragment(client, cast):
    response = login(client, cast.ministry_officer).get(
        reverse("units:children", kwargs={"code": "T19"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Công an phường Phan Đình Phùng" in html
    assert "Công an xã Đại Phúc" in html


def test_children_validate_scope(client, cast):
    login(client, cast.commune_officer)
    assert client.get(reverse("units:children", kwargs={"code": "X05800"})).status_code == 404
    assert client.get(reverse("units:children", kwargs={"code": "T19"})).status_code == 404
    assert client.get(reverse("units:children", kwargs={"code": "NOPE"})).status_code == 404


def test_children_redirect_an_anonymous_user(client, cast):
    response = client.get(reverse("units:children", kwargs={"code": "T19"}))
    assert response.status_code == 302


def test_hundreds_of_children_come_in_pages_with_a_see_more_link(client, cast):
    xa = Level.objects.get(code="xa")
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"XM{i:03}",
                name=f"Công an xã Mẫu {i}",
                short_name=f"Mẫu {i}",
                level=xa,
                parent=cast.province_b,
                path=f"BCA/T01/XM{i:03}/",
                depth=2,
            )
            for i in range(450)
        ]
    )
    login(client, cast.officer_b)
    url = reverse("units:children", kwargs={"code": "T01"})
    first = client.get(url).content.decode()
    assert first.count('class="tree-node') == 200
    assert "xem thêm" in first.lower()
    assert f"{url}?page=2" in first
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count('class="tree-node') == 451 - 400  # 450 made + Ba Đình
    assert "data-more-url" not in last
    # A nonsense page number is not an error.
    assert client.get(url, {"page": "abc"}).status_code == 200


# --- unit page ------------------------------------------------------------------------------


def test_the_unit_page_shows_identity_children_users_and_lineage(client, cast):
    old = make_unit(
        "LX1",
        "Công an xã Cũ",
        "Xã Cũ",
        "xa",
        cast.province_a,
        active_from=datetime.date(2020, 1, 1),
        active_to=datetime.date(2025, 6, 30),
    )
    Lineage.objects.create(
        predecessor=old,
        successor=cast.commune_a1,
        kind="split",
        date=datetime.date(2025, 7, 1),
        share="0.4",
    )
    html = (
        login(client, cast.leader_a)
        .get(reverse("units:detail", kwargs={"code": "T19"}))
        .content.decode()
    )
    for text in [
        "T19",
        "Công an tỉnh Thái Nguyên",
        "Đảng ủy Công an tỉnh Thái Nguyên",
        "Công an xã Đại Phúc",
        "Officer A",
        "Leader A",
        "Lãnh đạo (phê duyệt)",
    ]:
        assert text in html, text
    assert f"{reverse('audit:list')}?unit=T19" in html  # leaders audit
    html = client.get(reverse("units:detail", kwargs={"code": "X05500"})).content.decode()
    assert "Chia tách" in html
    assert "01/07/2025" in html
    assert "40 %" in html
    html = client.get(reverse("units:detail", kwargs={"code": "LX1"})).content.decode()
    assert "30/06/2025" in html
    assert "đã giải thể" in html
    assert "Được kế thừa bởi" in html


def test_the_unit_page_validates_scope(client, cast):
    login(client, cast.commune_officer)
    assert client.get(reverse("units:detail", kwargs={"code": "X05500"})).status_code == 200
    assert client.get(reverse("units:detail", kwargs={"code": "X05800"})).status_code == 404
    assert client.get(reverse("units:detail", kwargs={"code": "T19"})).status_code == 404


def test_the_unit_page_breadcrumbs_stay_inside_the_scope(client, cast):
    html = (
        login(client, cast.commune_officer)
        .get(reverse("units:detail", kwargs={"code": "X05500"}))
        .content.decode()
    )
    assert 'href="/don-vi/T19/"' not in html
    assert "Công an tỉnh Thái Nguyên" in html  # the parent is named, not linked
    html = (
        login(client, cast.ministry_officer)
        .get(reverse("units:detail", kwargs={"code": "X05500"}))
        .content.decode()
    )
    assert 'href="/don-vi/T19/"' in html and 'href="/don-vi/BCA/"' in html


def test_the_unit_page_hides_admin_and_audit_links_from_officers(client, cast):
    html = (
        login(client, cast.officer_a)
        .get(reverse("units:detail", kwargs={"code": "T19"}))
        .content.decode()
    )
    assert reverse("units:edit", kwargs={"code": "T19"}) not in html
    assert reverse("audit:list") + "?unit" not in html


def test_the_unit_page_redirects_an_anonymous_user(client, cast):
    assert client.get(reverse("units:detail", kwargs={"code": "T19"})).status_code == 302


def test_the_unit_page_children_are_paginated(client, cast):
    for i in range(55):
        make_unit(f"XQ{i:03}", f"Công an xã Q {i}", f"Q {i}", "xa", cast.province_b)
    login(client, cast.officer_b)
    url = reverse("units:detail", kwargs={"code": "T01"})
    html = client.get(url).content.decode()
    assert "Đơn vị cấp dưới (56)" in html
    assert html.count('href="/don-vi/X') == 50  # Ba Đình and 49 of the new ones
    assert client.get(url, {"page": 2}).content.decode().count('href="/don-vi/XQ') == 6


# --- create ---------------------------------------------------------------------------------


def unit_data(**overrides):
    data = {
        "code": "X05901",
        "name": "Công an xã Tân Cương",
        "short_name": "Tân Cương",
        "level": Level.objects.get(code="xa").pk,
        "party_name": "Chi bộ Công an xã Tân Cương",
        "command_name": "Công an xã Tân Cương",
        "active_from": "01/07/2025",
        "active_to": "",
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_unit_under_a_parent_in_scope(client, cast, admin_a):
    url = reverse("units:create", kwargs={"code": "T19"})
    assert login(client, admin_a).get(url).status_code == 200
    response = client.post(url, unit_data(code="x05901"))
    assert response.status_code == 302
    unit = Unit.objects.get(code="X05901")
    assert unit.parent == cast.province_a
    assert unit.path == "BCA/T19/X05901/"
    assert unit.active_from == datetime.date(2025, 7, 1)
    entry = AuditEntry.objects.get(model="units.Unit", object_id=str(unit.pk))
    assert entry.action == "create"
    assert entry.actor == admin_a
    assert entry.after["name"] == "Công an xã Tân Cương"


def test_create_validates_role(client, cast):
    login(client, cast.officer_a)
    url = reverse("units:create", kwargs={"code": "T19"})
    assert client.get(url).status_code == 403
    assert client.post(url, unit_data()).status_code == 403
    assert not Unit.objects.filter(code="X05901").exists()


def test_create_validates_scope(client, cast, admin_a):
    login(client, admin_a)
    url = reverse("units:create", kwargs={"code": "T01"})
    assert client.get(url).status_code == 404
    assert client.post(url, unit_data()).status_code == 404
    assert not Unit.objects.filter(code="X05901").exists()


def test_create_redirects_an_anonymous_user(client, cast):
    response = client.post(reverse("units:create", kwargs={"code": "T19"}), unit_data())
    assert response.status_code == 302
    assert not Unit.objects.filter(code="X05901").exists()


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"name": ""}, "Tên đầy đủ: Trường này là bắt buộc."),
        ({"code": "xã 1"}, "Mã đơn vị: Mã đơn vị chỉ gồm chữ in hoa"),
        ({"code": "X05800"}, "Mã đơn vị: Mã đơn vị này đã được dùng"),
        ({"level": "tinh"}, "Cấp: Hãy chọn một lựa chọn hợp lệ"),
        ({"level": ""}, "Cấp: Trường này là bắt buộc."),
        ({"active_from": "31/02/2025"}, "Hoạt động từ: Nhập một ngày hợp lệ."),
        ({"active_to": "01/01/2025"}, "Hoạt động đến: Ngày kết thúc phải sau ngày bắt đầu"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(client, cast, admin_a, overrides, message):
    before = Unit.objects.count(), AuditEntry.objects.count()
    if overrides.get("level") == "tinh":
        overrides = {"level": Level.objects.get(code="tinh").pk}  # not below a province
    response = login(client, admin_a).post(
        reverse("units:create", kwargs={"code": "T19"}), unit_data(**overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Unit.objects.count(), AuditEntry.objects.count()) == before


# --- edit -----------------------------------------------------------------------------------


def test_an_admin_edits_a_unit_and_the_change_is_audited(client, cast, admin_a):
    url = reverse("units:edit", kwargs={"code": "X05500"})
    assert login(client, admin_a).get(url).status_code == 200
    data = unit_data(
        code="IGNORED",
        name="Công an phường Phan Đình Phùng",
        short_name="P. Phan Đình Phùng",
        active_from="",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    unit = Unit.objects.get(pk=cast.commune_a1.pk)
    assert unit.short_name == "P. Phan Đình Phùng"
    assert unit.code == "X05500"  # the code is not editable
    entry = AuditEntry.objects.filter(model="units.Unit", object_id=str(unit.pk)).first()
    assert entry.action == "update" and entry.actor == admin_a
    assert entry.before["short_name"] == "Phan Đình Phùng"
    assert entry.after["short_name"] == "P. Phan Đình Phùng"


def test_edit_validates_role_and_scope(client, cast, admin_a):
    url = reverse("units:edit", kwargs={"code": "X05500"})
    assert login(client, cast.officer_a).get(url).status_code == 403
    assert client.post(url, unit_data(short_name="x")).status_code == 403
    assert login(client, cast.officer_b).get(url).status_code == 404
    admin_b = make_user("admin_b", cast.province_b, "admin")
    assert login(client, admin_b).post(url, unit_data(short_name="x")).status_code == 404
    assert Unit.objects.get(code="X05500").short_name == "Phan Đình Phùng"
    client.logout()
    assert client.get(url).status_code == 302


def test_edit_refuses_bad_input_and_writes_nothing(client, cast, admin_a):
    before = AuditEntry.objects.count()
    response = login(client, admin_a).post(
        reverse("units:edit", kwargs={"code": "X05500"}),
        unit_data(short_name="", active_from="01/07/2025", active_to="30/06/2025"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Tên ngắn: Trường này là bắt buộc." in html
    assert "Hoạt động đến: Ngày kết thúc phải sau ngày bắt đầu" in html
    assert Unit.objects.get(code="X05500").short_name == "Phan Đình Phùng"
    assert AuditEntry.objects.count() == before


def test_edit_refuses_a_level_not_above_the_children(client, cast):
    response = login(client, cast.ministry_admin).post(
        reverse("units:edit", kwargs={"code": "T19"}),
        unit_data(
            name="Công an tỉnh Thái Nguyên",
            short_name="Thái Nguyên",
            level=Level.objects.get(code="xa").pk,
        ),
    )
    assert response.status_code == 400
    assert "Cấp: Cấp này không cao hơn" in response.content.decode()
    assert Unit.objects.get(code="T19").level.code == "tinh"


# --- close ----------------------------------------------------------------------------------


def test_an_admin_closes_a_unit(client, cast, admin_a):
    url = reverse("units:close", kwargs={"code": "X05800"})
    assert login(client, admin_a).get(url).status_code == 200
    response = client.post(url, {"active_to": "30/06/2026"})
    assert response.status_code == 302
    unit = Unit.objects.get(code="X05800")
    assert unit.active_to == datetime.date(2026, 6, 30)
    entry = AuditEntry.objects.filter(model="units.Unit", object_id=str(unit.pk)).first()
    assert entry.action == "update" and entry.after["active_to"] == "2026-06-30"


def test_closing_a_unit_with_open_children_needs_consent(client, cast, admin_a):
    login(client, admin_a)
    url = reverse("units:close", kwargs={"code": "T19"})
    admin_root = cast.ministry_admin
    response = login(client, admin_root).post(url, {"active_to": "30/06/2026"})
    assert response.status_code == 400
    assert "Giải thể cả các đơn vị cấp dưới đang hoạt động: Còn 2 đơn vị" in (
        response.content.decode()
    )
    assert Unit.objects.get(code="T19").active_to is None
    response = client.post(url, {"active_to": "30/06/2026", "with_descendants": "on"})
    assert response.status_code == 302
    assert set(Unit.objects.subtree(cast.province_a).values_list("active_to", flat=True)) == {
        datetime.date(2026, 6, 30)
    }


@pytest.mark.parametrize(
    "data,message",
    [
        ({"active_to": ""}, "Ngày giải thể (hoạt động đến hết ngày): Trường này là bắt buộc."),
        ({"active_to": "2026-13-45"}, "Ngày giải thể (hoạt động đến hết ngày): Nhập một ngày"),
        ({"active_to": "01/01/2000"}, "không được trước ngày bắt đầu hoạt động (01/07/2025)"),
    ],
)
def test_close_refuses_bad_input(client, cast, admin_a, data, message):
    Unit.objects.filter(code="X05800").update(active_from=datetime.date(2025, 7, 1))
    response = login(client, admin_a).post(reverse("units:close", kwargs={"code": "X05800"}), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Unit.objects.get(code="X05800").active_to is None


def test_close_validates_role_and_scope(client, cast, admin_a):
    url = reverse("units:close", kwargs={"code": "X05800"})
    assert login(client, cast.leader_a).post(url, {"active_to": "30/06/2026"}).status_code == 403
    assert login(client, cast.commune_officer).get(url).status_code == 404
    client.logout()
    assert client.post(url, {"active_to": "30/06/2026"}).status_code == 302
    assert Unit.objects.get(code="X05800").active_to is None


# --- delete ---------------------------------------------------------------------------------


def test_a_unit_with_history_cannot_be_deleted(client, cast, admin_a):
    url = reverse("units:delete", kwargs={"code": "X05500"})  # has users and roles
    html = login(client, admin_a).get(url).content.decode()
    assert "hãy giải thể" in html.lower()
    response = client.post(url)
    assert response.status_code == 400
    assert "Không thể xóa đơn vị này" in response.content.decode()
    assert "giải thể" in response.content.decode()
    assert Unit.objects.filter(code="X05500").exists()


def test_a_unit_with_children_or_lineage_cannot_be_deleted(client, cast):
    lonely = make_unit("X05902", "Công an xã Mới", "Mới", "xa", cast.province_a)
    Lineage.objects.create(
        predecessor=cast.commune_a2, successor=lonely, kind="rename", date=datetime.date(2025, 7, 1)
    )
    login(client, cast.ministry_admin)
    assert client.post(reverse("units:delete", kwargs={"code": "X05902"})).status_code == 400
    assert client.post(reverse("units:delete", kwargs={"code": "T01"})).status_code == 400
    assert Unit.objects.filter(code__in=["X05902", "T01"]).count() == 2


def test_a_unit_without_history_is_deleted_and_the_deletion_audited(client, cast, admin_a):
    unit = make_unit("X05903", "Công an xã Nhầm", "Nhầm", "xa", cast.province_a)
    response = login(client, admin_a).post(reverse("units:delete", kwargs={"code": "X05903"}))
    assert response.status_code == 302
    assert response.url == reverse("units:detail", kwargs={"code": "T19"})
    assert not Unit.objects.filter(code="X05903").exists()
    entry = AuditEntry.objects.filter(model="units.Unit", object_id=str(unit.pk)).first()
    assert entry.action == "delete" and entry.actor == admin_a
    assert entry.before["code"] == "X05903"


def test_delete_validates_role_and_scope(client, cast):
    make_unit("X05903", "Công an xã Nhầm", "Nhầm", "xa", cast.province_a)
    url = reverse("units:delete", kwargs={"code": "X05903"})
    assert login(client, cast.officer_a).post(url).status_code == 403
    assert login(client, cast.officer_b).post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302
    assert Unit.objects.filter(code="X05903").exists()


def test_read_only_pages_refuse_post(client, cast):
    login(client, cast.officer_a)
    assert client.post(reverse("units:browser")).status_code == 405
    assert client.post(reverse("units:detail", kwargs={"code": "T19"})).status_code == 405


def test_edit_refuses_a_closing_date_that_would_orphan_open_children(client, cast):
    response = login(client, cast.ministry_admin).post(
        reverse("units:edit", kwargs={"code": "T19"}),
        unit_data(
            name="Công an tỉnh Thái Nguyên",
            short_name="Thái Nguyên",
            level=Level.objects.get(code="tinh").pk,
            active_from="",
            active_to="01/01/2026",
        ),
    )
    assert response.status_code == 400
    assert "Hoạt động đến: Còn 2 đơn vị cấp dưới hoạt động" in response.content.decode()
    assert Unit.objects.get(code="T19").active_to is None


# --- what a new administrator tripped over (issue 7, point 8g) ----------------------------


def test_the_root_unit_is_never_dissolved_or_deleted(client, cast):
    client.force_login(cast.ministry_admin)
    page = client.get(reverse("units:detail", kwargs={"code": "BCA"})).content.decode()
    assert reverse("units:close", kwargs={"code": "BCA"}) not in page
    assert reverse("units:delete", kwargs={"code": "BCA"}) not in page
    for name in ("units:close", "units:delete"):
        response = client.post(
            reverse(name, kwargs={"code": "BCA"}), {"active_to": "31/12/2026"}, follow=True
        )
        assert "đơn vị cao nhất của cây" in response.content.decode()
    root = Unit.objects.get(code="BCA")
    assert root.active_to is None


def test_no_unit_is_added_below_the_lowest_level(client, cast):
    admin = make_user("admin_xa", cast.province_a, "admin")
    client.force_login(admin)
    page = client.get(reverse("units:detail", kwargs={"code": "X05500"})).content.decode()
    assert reverse("units:create", kwargs={"code": "X05500"}) not in page
    response = client.get(reverse("units:create", kwargs={"code": "X05500"}), follow=True)
    assert "cấp thấp nhất của cây" in response.content.decode()
    province_page = client.get(reverse("units:detail", kwargs={"code": "T19"})).content.decode()
    assert reverse("units:create", kwargs={"code": "T19"}) in province_page


def test_an_abolished_level_is_not_offered_for_a_new_unit(client, cast):
    client.force_login(cast.ministry_admin)
    page = client.get(reverse("units:create", kwargs={"code": "T19"})).content.decode()
    assert "Công an xã, phường, đặc khu" in page
    assert "Công an huyện, quận" not in page  # districts were removed on 1 March 2025


def test_the_unit_picker_finds_units_in_scope_without_diacritics(client, cast):
    client.force_login(cast.officer_a)
    url = reverse("units:pick")
    found = client.get(url, {"q": "dai phuc"}).json()["results"]
    assert [u["code"] for u in found] == ["X05800"]
    assert found[0]["label"] == "X05800 — Công an xã Đại Phúc"
    assert found[0]["trail"] == "Thái Nguyên"
    assert client.get(url, {"q": "ba dinh"}).json()["results"] == []  # another province
    client.force_login(cast.ministry_admin)
    found = client.get(url, {"q": "x0", "action": "administer"}).json()["results"]
    assert {u["code"] for u in found} >= {"X05500", "X05800", "X00004"}


def test_a_unit_is_picked_by_name_in_the_user_form(client, cast):
    admin = make_user("admin_a", cast.province_a, "admin")
    client.force_login(admin)
    page = client.get(reverse("accounts:user_create")).content.decode()
    assert "data-unit-picker" in page and reverse("units:pick") in page
    data = {
        "username": "nguoi_moi",
        "full_name": "Người Mới",
        "position": "",
        "email": "",
        "unit": "dai phuc",  # typed without JavaScript: a name that matches one unit
        "role": "",
        "password1": "Mat-khau-moi-2026-xyz",
        "password2": "Mat-khau-moi-2026-xyz",
    }
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 302
    from giaoban.accounts.models import User

    assert User.objects.get(username="nguoi_moi").unit == cast.commune_a2
    data.update(username="nguoi_khac", unit="cong an")  # several match: say which
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 400
    assert "Có nhiều đơn vị khớp “cong an”" in response.content.decode()
