"""Profile, own password and API tokens; user and role administration inside the admin's scope."""

import pytest
from django.test import Client
from django.urls import reverse

from giaoban.accounts.models import ApiToken, RoleAssignment, User
from giaoban.audit.models import AuditEntry
from tests.conftest import make_user

NEW_PASSWORD = "Gio-mua-thu-2026-moi"


def can_log_in(username, password):
    user = User.objects.get(username=username)
    return user.is_active and user.check_password(password)


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def admin_a(cast):
    return make_user("admin_a", cast.province_a, "admin")


def counts():
    return User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count()


# --- login page (kept working) ----------------------------------------------------------------


def test_the_login_page_still_logs_in(client, cast):
    response = client.post(reverse("login"), {"username": "officer_a", "password": cast.password})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


# --- profile ----------------------------------------------------------------------------------


def test_the_profile_shows_the_unit_and_roles(client, cast):
    html = login(client, cast.officer_a).get(reverse("accounts:profile")).content.decode()
    assert "Công an tỉnh Thái Nguyên" in html
    assert "Cán bộ chuyên trách (nhập liệu)" in html


def test_the_profile_redirects_an_anonymous_user(client, cast):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_changes_their_own_password(client, cast):
    login(client, cast.officer_a)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": cast.password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert can_log_in("officer_a", NEW_PASSWORD)
    assert client.get(reverse("accounts:profile")).status_code == 200  # still signed in
    entry = AuditEntry.objects.filter(model="accounts.User", object_id=str(cast.officer_a.pk))
    assert entry.first().message == "Người dùng tự đổi mật khẩu."


@pytest.mark.parametrize(
    "data,message",
    [
        (
            {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            "Mật khẩu hiện tại: Mật khẩu hiện tại không đúng.",
        ),
        (
            {"new_password1": "12345678", "new_password2": "12345678"},
            "Mật khẩu mới: Mật khẩu này quá phổ biến.",
        ),
        (
            {"new_password1": "abc", "new_password2": "abc"},
            "Mật khẩu mới: Mật khẩu quá ngắn: cần ít nhất 8 ký tự.",
        ),
        (
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
            "Nhắc lại mật khẩu mới: Hai mật khẩu mới không giống nhau.",
        ),
    ],
)
def test_a_bad_password_change_is_refused(client, cast, data, message):
    data = {"old_password": cast.password, **data}
    response = login(client, cast.officer_a).post(reverse("accounts:password_change"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert can_log_in("officer_a", cast.password)


def test_password_change_is_post_only(client, cast):
    assert login(client, cast.officer_a).get(reverse("accounts:password_change")).status_code == 405


def test_a_token_key_is_shown_once_and_only_its_hash_is_stored(client, cast):
    login(client, cast.officer_a)
    response = client.post(reverse("accounts:token_issue"), {"name": "Máy tổng hợp"})
    html = response.content.decode()
    assert response.status_code == 200
    token = ApiToken.objects.get(user=cast.officer_a)
    key = html.split('id="new-key">')[1].split("<")[0]
    assert key.startswith("gb_") and ApiToken.authenticate(key) == cast.officer_a
    assert key not in token.key_hash
    assert key not in client.get(reverse("accounts:profile")).content.decode()
    assert AuditEntry.objects.filter(model="accounts.ApiToken", action="create").exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": ""}, "Tên khóa: Trường này là bắt buộc."),
        ({"name": "x" * 101}, "Tên khóa: Giá trị này chỉ có tối đa 100"),
        ({"name": "a", "expires": "01/01/2020"}, "Hết hạn sau ngày: Ngày hết hạn không được"),
        ({"name": "a", "expires": "99/99/2099"}, "Hết hạn sau ngày: Nhập một ngày hợp lệ."),
    ],
)
def test_a_bad_token_request_is_refused(client, cast, data, message):
    response = login(client, cast.officer_a).post(reverse("accounts:token_issue"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_user_revokes_only_their_own_tokens(client, cast):
    mine, _ = ApiToken.issue(cast.officer_a, "của tôi")
    theirs, _ = ApiToken.issue(cast.officer_b, "của người khác")
    login(client, cast.officer_a)
    url = reverse("accounts:token_revoke", kwargs={"pk": theirs.pk})
    assert client.post(url).status_code == 404
    assert client.post(reverse("accounts:token_revoke", kwargs={"pk": mine.pk})).status_code == 302
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["của người khác"]
    assert AuditEntry.objects.filter(model="accounts.ApiToken", action="delete").count() == 1


def test_token_pages_redirect_an_anonymous_user(client, cast):
    assert client.post(reverse("accounts:token_issue"), {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


# --- user list --------------------------------------------------------------------------------


def test_the_user_list_shows_users_in_scope_only(client, cast, admin_a):
    html = login(client, admin_a).get(reverse("accounts:user_list")).content.decode()
    for name in ["officer_a", "leader_a", "commune_officer"]:
        assert name in html
    for name in ["officer_b", "ministry_admin"]:
        assert name not in html


def test_the_user_list_is_searchable_and_filterable(client, cast, admin_a):
    login(client, admin_a)
    html = client.get(reverse("accounts:user_list"), {"q": "commune"}).content.decode()
    assert "commune_officer" in html and "officer_a" not in html
    html = client.get(reverse("accounts:user_list"), {"q": "phan dinh"}).content.decode()
    assert "commune_leader" in html and "leader_a" not in html  # by unit, without diacritics
    html = client.get(reverse("accounts:user_list"), {"unit": "x05500"}).content.decode()
    assert "commune_officer" in html and "officer_a" not in html


def test_the_user_list_finds_a_name_typed_without_diacritics(client, cast, admin_a):
    user = User.objects.create_user(
        "nvduc", password="!", full_name="Nguyễn Văn Đức", unit=cast.commune_a1
    )
    login(client, admin_a)
    for typed in ("nguyen van duc", "ĐỨC", "Văn đức"):
        html = client.get(reverse("accounts:user_list"), {"q": typed}).content.decode()
        assert "nvduc" in html, typed
    user.full_name = "Trần Thị Hoà"
    user.save(update_fields=["full_name"])  # the folded text follows a partial save too
    html = client.get(reverse("accounts:user_list"), {"q": "tran thi hoa"}).content.decode()
    assert "nvduc" in html
    assert (
        "nvduc" not in client.get(reverse("accounts:user_list"), {"q": "nguyen"}).content.decode()
    )


def test_the_user_list_refuses_a_unit_out_of_scope(client, cast, admin_a):
    response = login(client, admin_a).get(reverse("accounts:user_list"), {"unit": "T01"})
    assert response.status_code == 400
    assert "Đơn vị: Không có đơn vị nào khớp “T01”" in response.content.decode()
    assert "officer_b" not in response.content.decode()


def test_the_user_list_is_paginated(client, cast, admin_a):
    User.objects.bulk_create(
        [User(username=f"u{i:03}", unit=cast.commune_a2, password="!") for i in range(60)]
    )
    login(client, admin_a)
    html = client.get(reverse("accounts:user_list"), {"unit": "X05800"}).content.decode()
    assert "60 người dùng" in html
    assert html.count("/tai-khoan/nguoi-dung/") - html.count("/tai-khoan/nguoi-dung/them/") >= 50
    page2 = client.get(reverse("accounts:user_list"), {"unit": "X05800", "page": 2})
    assert "u059" in page2.content.decode()


def test_the_user_list_validates_role(client, cast):
    assert login(client, cast.officer_a).get(reverse("accounts:user_list")).status_code == 403
    assert login(client, cast.leader_a).get(reverse("accounts:user_list")).status_code == 403
    client.logout()
    assert client.get(reverse("accounts:user_list")).status_code == 302


# --- create -----------------------------------------------------------------------------------


def user_data(**overrides):
    data = {
        "username": "can_bo_moi",
        "full_name": "Nguyễn Thị Mới",
        "position": "Cán bộ",
        "email": "",
        "unit": "X05800",
        "role": "officer",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_user_with_a_role(client, cast, admin_a):
    assert login(client, admin_a).get(reverse("accounts:user_create")).status_code == 200
    response = client.post(reverse("accounts:user_create"), user_data(unit="x05800"))
    assert response.status_code == 302
    user = User.objects.get(username="can_bo_moi")
    assert user.unit == cast.commune_a2
    assert user.check_password(NEW_PASSWORD)
    assert user.roles_at(cast.commune_a2) == ["officer"]
    created = AuditEntry.objects.filter(action="create", actor=admin_a)
    assert created.filter(model="accounts.User", object_id=str(user.pk)).exists()
    assert created.filter(model="accounts.RoleAssignment").exists()
    assert "password" not in created.get(model="accounts.User").after


def test_the_create_form_is_prefilled_from_the_unit_page(client, cast, admin_a):
    response = login(client, admin_a).get(reverse("accounts:user_create"), {"unit": "X05800"})
    assert 'value="X05800 — Công an xã Đại Phúc"' in response.content.decode()


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"unit": "T01"}, "Đơn vị: Không có đơn vị đang hoạt động nào khớp “T01”"),
        ({"unit": ""}, "Đơn vị: Trường này là bắt buộc."),
        ({"username": "officer_a"}, "Tên đăng nhập: Tên đăng nhập này đã có người dùng."),
        ({"username": "có dấu cách"}, "Tên đăng nhập:"),
        ({"full_name": ""}, "Họ và tên: Trường này là bắt buộc."),
        ({"password1": "123", "password2": "123"}, "Mật khẩu: Mật khẩu quá ngắn: cần ít nhất 8"),
        ({"password1": "can_bo_moi1", "password2": "can_bo_moi1"}, "Mật khẩu: Mật khẩu quá giống"),
        ({"password2": "khac"}, "Nhắc lại mật khẩu: Hai mật khẩu không giống nhau."),
        ({"role": "god"}, "Vai trò tại đơn vị: Hãy chọn một lựa chọn hợp lệ."),
        ({"email": "not-an-email"}, "Thư điện tử:"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(client, cast, admin_a, overrides, message):
    before = counts()
    response = login(client, admin_a).post(reverse("accounts:user_create"), user_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


def test_create_refuses_a_closed_unit(client, cast, admin_a):
    import datetime

    from giaoban.units.models import Unit

    Unit.objects.filter(code="X05800").update(active_to=datetime.date(2020, 1, 1))
    response = login(client, admin_a).post(reverse("accounts:user_create"), user_data())
    assert response.status_code == 400
    assert "Không có đơn vị đang hoạt động nào khớp “X05800”" in response.content.decode()


def test_create_validates_role(client, cast):
    before = counts()
    login(client, cast.officer_a)
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.post(reverse("accounts:user_create"), user_data()).status_code == 403
    client.logout()
    assert client.post(reverse("accounts:user_create"), user_data()).status_code == 302
    assert counts() == before


# --- edit, password, (de)activate -------------------------------------------------------------


def test_an_admin_edits_a_user_and_it_is_audited(client, cast, admin_a):
    url = reverse("accounts:user_edit", kwargs={"pk": cast.commune_officer.pk})
    assert login(client, admin_a).get(url).status_code == 200
    response = client.post(
        url,
        {
            "full_name": "Trần Văn Xã",
            "position": "Phó trưởng",
            "email": "",
            "unit": "X05800",
            "username": "ignored",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pk=cast.commune_officer.pk)
    assert (user.username, user.full_name, user.unit) == (
        "commune_officer",
        "Trần Văn Xã",
        cast.commune_a2,
    )
    entry = AuditEntry.objects.filter(model="accounts.User", object_id=str(user.pk)).first()
    assert entry.action == "update" and entry.actor == admin_a
    assert entry.after["full_name"] == "Trần Văn Xã"
    assert entry.before["unit_id"] == cast.commune_a1.pk


def test_edit_validates_scope_and_role(client, cast, admin_a):
    url = reverse("accounts:user_edit", kwargs={"pk": cast.officer_b.pk})
    assert login(client, admin_a).get(url).status_code == 404
    assert client.post(url, {"full_name": "x", "unit": "T19"}).status_code == 404
    url = reverse("accounts:user_edit", kwargs={"pk": cast.commune_officer.pk})
    assert login(client, cast.leader_a).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert User.objects.get(pk=cast.officer_b.pk).full_name == "Officer B"


def test_edit_refuses_moving_a_user_out_of_scope(client, cast, admin_a):
    before = counts()
    url = reverse("accounts:user_edit", kwargs={"pk": cast.commune_officer.pk})
    response = login(client, admin_a).post(url, {"full_name": "x", "unit": "T01"})
    assert response.status_code == 400
    assert "Đơn vị: Không có đơn vị đang hoạt động nào khớp “T01”" in (response.content.decode())
    assert User.objects.get(pk=cast.commune_officer.pk).unit == cast.commune_a1
    assert counts() == before


def test_an_admin_sets_a_password_with_the_validators(client, cast, admin_a):
    url = reverse("accounts:user_password", kwargs={"pk": cast.commune_officer.pk})
    login(client, admin_a)
    response = client.post(url, {"password1": "123", "password2": "123"})
    assert response.status_code == 400
    assert "Mật khẩu mới: Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in response.content.decode()
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert can_log_in("commune_officer", NEW_PASSWORD)
    entry = AuditEntry.objects.filter(
        model="accounts.User", object_id=str(cast.commune_officer.pk)
    ).first()
    assert entry.message == "Quản trị viên đặt lại mật khẩu." and entry.actor == admin_a


def test_set_password_validates_scope_and_role(client, cast, admin_a):
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    url = reverse("accounts:user_password", kwargs={"pk": cast.officer_b.pk})
    assert login(client, admin_a).post(url, data).status_code == 404
    url = reverse("accounts:user_password", kwargs={"pk": cast.commune_officer.pk})
    assert login(client, cast.officer_a).post(url, data).status_code == 403
    assert not can_log_in("commune_officer", NEW_PASSWORD)


def test_an_admin_deactivates_and_reactivates_a_user(client, cast, admin_a):
    pk = cast.commune_officer.pk
    login(client, admin_a)
    assert client.get(reverse("accounts:user_deactivate", kwargs={"pk": pk})).status_code == 405
    assert client.post(reverse("accounts:user_deactivate", kwargs={"pk": pk})).status_code == 302
    assert not User.objects.get(pk=pk).is_active
    assert not can_log_in("commune_officer", cast.password)
    response = Client().post(
        reverse("login"), {"username": "commune_officer", "password": cast.password}
    )
    assert response.status_code == 200  # the login page again, not a redirect
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    entry = AuditEntry.objects.filter(model="accounts.User", object_id=str(pk)).first()
    assert entry.before["is_active"] is True and entry.after["is_active"] is False
    assert client.post(reverse("accounts:user_activate", kwargs={"pk": pk})).status_code == 302
    assert User.objects.get(pk=pk).is_active
    assert User.objects.filter(pk=pk).exists()  # never deleted


def test_an_admin_cannot_deactivate_themself(client, cast, admin_a):
    response = login(client, admin_a).post(
        reverse("accounts:user_deactivate", kwargs={"pk": admin_a.pk})
    )
    assert response.status_code == 400
    assert "Không thể tự khóa" in response.content.decode()
    assert User.objects.get(pk=admin_a.pk).is_active


def test_deactivate_validates_scope_and_role(client, cast, admin_a):
    url = reverse("accounts:user_deactivate", kwargs={"pk": cast.officer_b.pk})
    assert login(client, admin_a).post(url).status_code == 404
    url = reverse("accounts:user_deactivate", kwargs={"pk": cast.commune_officer.pk})
    assert login(client, cast.leader_a).post(url).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302
    assert User.objects.filter(is_active=False).count() == 0


# --- roles ------------------------------------------------------------------------------------


def test_an_admin_adds_and_removes_a_role_and_both_are_audited(client, cast, admin_a):
    user = cast.commune_officer
    login(client, admin_a)
    response = client.post(
        reverse("accounts:role_add", kwargs={"pk": user.pk}), {"role": "viewer", "unit": "X05800"}
    )
    assert response.status_code == 302
    ra = RoleAssignment.objects.get(user=user, role="viewer")
    assert ra.unit == cast.commune_a2
    assert AuditEntry.objects.filter(
        model="accounts.RoleAssignment", object_id=str(ra.pk), action="create", actor=admin_a
    ).exists()
    response = client.post(reverse("accounts:role_remove", kwargs={"pk": ra.pk}))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
    entry = AuditEntry.objects.get(
        model="accounts.RoleAssignment", object_id=str(ra.pk), action="delete"
    )
    assert entry.before["role"] == "viewer" and entry.actor == admin_a


@pytest.mark.parametrize(
    "data,message",
    [
        ({"role": "viewer", "unit": "T01"}, "Tại đơn vị: Không có đơn vị đang hoạt động"),
        ({"role": "viewer", "unit": "BCA"}, "Tại đơn vị: Không có đơn vị đang hoạt động"),
        ({"role": "", "unit": "T19"}, "Vai trò: Trường này là bắt buộc."),
        ({"role": "king", "unit": "T19"}, "Vai trò: Hãy chọn một lựa chọn hợp lệ."),
        ({"role": "officer", "unit": "X05500"}, "Vai trò: Người dùng đã có vai trò này"),
    ],
)
def test_a_bad_role_is_refused_and_nothing_written(client, cast, admin_a, data, message):
    before = counts()
    response = login(client, admin_a).post(
        reverse("accounts:role_add", kwargs={"pk": cast.commune_officer.pk}), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


def test_roles_validate_scope_and_role(client, cast, admin_a):
    before = counts()
    login(client, admin_a)
    url = reverse("accounts:role_add", kwargs={"pk": cast.officer_b.pk})
    assert client.post(url, {"role": "viewer", "unit": "T19"}).status_code == 404
    ra_b = RoleAssignment.objects.get(user=cast.officer_b)
    assert client.post(reverse("accounts:role_remove", kwargs={"pk": ra_b.pk})).status_code == 404
    ra_a = RoleAssignment.objects.get(user=cast.officer_a)
    url = reverse("accounts:role_remove", kwargs={"pk": ra_a.pk})
    assert login(client, cast.leader_a).post(url).status_code == 403
    assert client.get(url).status_code == 405
    client.logout()
    assert client.post(url).status_code == 302
    assert counts() == before


def test_an_admin_cannot_remove_their_own_admin_role(client, cast, admin_a):
    ra = RoleAssignment.objects.get(user=admin_a, role="admin")
    response = login(client, admin_a).post(reverse("accounts:role_remove", kwargs={"pk": ra.pk}))
    assert response.status_code == 400
    assert "Không thể tự gỡ vai trò quản trị" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=ra.pk).exists()


def test_signing_out_says_so(client, cast):
    client.force_login(cast.officer_a)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Đồng chí đã đăng xuất." in response.content.decode()
    assert client.get(reverse("logout")).status_code == 405  # a GET never signs anyone out


def test_the_login_page_warns_before_the_lockout(client, cast, settings):
    settings.AXES_FAILURE_LIMIT = 3
    wrong = {"username": "officer_a", "password": "sai-mat-khau"}
    first = client.post(reverse("login"), wrong).content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in first
    assert "Còn 2 lần thử" in first and "tạm khóa 15 phút" in first
    second = client.post(reverse("login"), wrong).content.decode()
    assert "Còn 1 lần thử" in second
    fresh = Client().get(reverse("login")).content.decode()
    assert "lần thử" not in fresh  # nothing before a wrong password
