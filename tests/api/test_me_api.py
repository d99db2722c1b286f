from giaoban.accounts.models import RoleAssignment


def test_me_gives_username_full_name_unit_and_roles(cast, as_user):
    RoleAssignment.objects.create(user=cast.officer_a, unit=cast.commune_a1, role="viewer")
    response = as_user(cast.officer_a).get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "officer_a"
    assert body["full_name"] == "Officer A"
    assert body["unit"] == {
        "code": "T19",
        "name": "Công an tỉnh Thái Nguyên",
        "short_name": "Thái Nguyên",
    }
    assert [(r["role"], r["unit"]["code"]) for r in body["roles"]] == [
        ("officer", "T19"),
        ("viewer", "X05500"),
    ]
    assert body["roles"][0]["role_name"] == "Cán bộ chuyên trách (nhập liệu)"


def test_me_for_a_user_without_a_unit(cast, as_user):
    from giaoban.accounts.models import User

    loner = User.objects.create_user(username="loner", password=cast.password)
    body = as_user(loner).get("/api/me").json()
    assert body["unit"] is None and body["roles"] == []
