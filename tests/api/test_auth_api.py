import datetime

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from giaoban.accounts.models import ApiToken
from giaoban.api.auth import BrowserSession
from giaoban.api.errors import ApiError


def test_a_token_works_without_a_session(cast, with_token):
    client = with_token(cast.officer_a)
    response = client.get("/api/units")
    assert response.status_code == 200
    assert [i["code"] for i in response.json()["items"]] == ["T19", "X05500", "X05800"]
    me = client.get("/api/me").json()
    assert (me["username"], me["auth"]) == ("officer_a", "token")
    client.token.refresh_from_db()
    assert client.token.last_used is None  # a GET never writes, not even the key's last use
    client.post("/api/documents", {}, content_type="application/json")
    client.token.refresh_from_db()
    assert client.token.last_used is not None  # a write records it


def test_a_token_carries_the_same_scope(cast, with_token):
    client = with_token(cast.commune_officer)
    assert client.get("/api/units/X05500").status_code == 200
    assert client.get("/api/units/X05800").status_code == 404


def test_a_revoked_token_is_refused(cast, with_token):
    client = with_token(cast.officer_a)
    assert client.get("/api/me").status_code == 200
    client.token.delete()
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Đồng chí chưa đăng nhập")


def test_an_expired_token_is_refused(cast, with_token):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    response = with_token(cast.officer_a, expires=yesterday).get("/api/me")
    assert response.status_code == 401


def test_a_token_that_has_not_expired_yet_works(cast, with_token):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert with_token(cast.officer_a, expires=tomorrow).get("/api/me").status_code == 200


def test_the_token_of_a_deactivated_user_is_refused(cast, with_token):
    client = with_token(cast.officer_a)
    cast.officer_a.is_active = False
    cast.officer_a.save()
    assert client.get("/api/me").status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer gb_khong-phai-khoa", "Bearer ", "bearer \x00", "Basic Zm9vOmJhcg=="]
)
def test_a_bad_authorization_header_is_refused(cast, header):
    response = Client(headers={"Authorization": header}).get("/api/units")
    assert response.status_code == 401


def test_a_bad_token_does_not_fall_back_to_the_session(cast, as_user):
    client = as_user(cast.officer_a)
    assert client.get("/api/me").status_code == 200
    response = client.get("/api/me", headers={"Authorization": "Bearer gb_da-thu-hoi"})
    assert response.status_code == 401


def test_the_session_of_a_logged_in_user_works(cast, as_user):
    me = as_user(cast.officer_a).get("/api/me").json()
    assert (me["username"], me["auth"]) == ("officer_a", "session")


def test_only_the_hash_of_a_key_is_stored(cast):
    token, key = ApiToken.issue(cast.officer_a, "kiểm thử")
    token.refresh_from_db()
    assert key not in (token.key_hash, token.prefix)
    assert ApiToken.authenticate(key) == cast.officer_a


def test_session_auth_refuses_an_unsafe_request_without_csrf_in_vietnamese(cast):
    # Every endpoint today is read-only, so no route can show it: the session
    # authenticator itself must refuse a POST that lacks the CSRF token.
    request = RequestFactory().post("/api/units", {})
    request.user = cast.officer_a
    request.COOKIES["sessionid"] = "x"
    with pytest.raises(ApiError) as raised:
        BrowserSession()(request)
    assert raised.value.status_code == 403
    assert raised.value.message.startswith("Kiểm tra CSRF không đạt")


def test_a_write_method_is_not_allowed(cast, as_user):
    response = as_user(cast.officer_a).post("/api/units", {})
    assert response.status_code == 405
