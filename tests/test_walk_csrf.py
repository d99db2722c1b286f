"""The permission walk, for CSRF: every URL of the project (the walk's ENTRIES, filled in by
its rules), POSTed without the CSRF token by a signed-in user who may use it, is refused
with 403 by the CSRF check before its view runs — pages by Django's middleware, the API's
session callers by its authenticator — and nothing is written. Anonymous, the login page
refuses it too. A URL that takes no POST at all may answer 405 instead.

API callers with a bearer token send no cookie, so there is nothing to forge: they are not
asked for a CSRF token (tests/api covers them).
"""

from django.test import Client

from tests import dbstate
from tests.test_permission_walk import (  # noqa: F401 — `world` is the walk's fixture
    ALWAYS_404,
    ENTRIES,
    PUBLIC,
    in_actor,
    shared_world,
    urls_for,
    world,
    world_copy,
)

# POST URLs that answer without a CSRF token, and why nothing is at risk there.
NO_CSRF = {
    "api:openapi-json": "django-ninja's schema view answers any method, reading only",
}


def refused_for_csrf(response):
    return response.status_code == 403 and b"CSRF" in response.content


def test_every_post_without_the_csrf_token_is_refused(world):  # noqa: F811
    urls = [
        (entry, url)
        for entry in ENTRIES
        if entry.name not in ALWAYS_404 and entry.name not in NO_CSRF
        for url in urls_for(entry, world, "in")
    ]
    clients = {}
    for entry, _url in urls:
        actor = in_actor(entry, world)
        if actor.pk not in clients:
            clients[actor.pk] = Client(enforce_csrf_checks=True)
            clients[actor.pk].force_login(actor)
    anonymous = Client(enforce_csrf_checks=True)

    before = dbstate.fingerprint()
    answered = []
    for entry, url in urls:
        client = clients[in_actor(entry, world).pk]
        response = client.post(url, {"x": "1"})
        if not (refused_for_csrf(response) or response.status_code == 405):
            answered.append(f"POST {url} ({entry.name}) → {response.status_code}")
        if entry.name in PUBLIC:
            response = anonymous.post(url, {"x": "1"})
            if not (refused_for_csrf(response) or response.status_code == 405):
                answered.append(f"anonymous POST {url} → {response.status_code}")
    assert not answered, "answered without a CSRF token:\n" + "\n".join(answered)
    assert not dbstate.changed(before, dbstate.fingerprint())
    # The walk did reach the forms and the API's writes, not only GET-only URLs.
    assert {"login", "units:edit", "reports:fill", "api:report_values"} <= {e.name for e, _ in urls}


def test_with_the_token_the_same_post_reaches_the_view(world):  # noqa: F811
    """The refusal above is the missing token's doing: with it, the login page answers."""
    client = Client(enforce_csrf_checks=True)
    client.get("/tai-khoan/dang-nhap/")
    token = client.cookies["csrftoken"].value
    wrong = {"username": "officer_a", "password": "sai", "csrfmiddlewaretoken": token}
    response = client.post("/tai-khoan/dang-nhap/", wrong)
    assert response.status_code == 200 and "không đúng" in response.content.decode()
