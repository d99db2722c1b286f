import pytest
from django.test import Client

from giaoban.accounts.models import ApiToken


def api_client(user=None):
    """A test client logged in through the session (or anonymous with user=None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def token_client(user, **token_kwargs):
    """A test client that sends a freshly issued API key and no session cookie."""
    token, key = ApiToken.issue(user, "kiểm thử", **token_kwargs)
    client = Client(headers={"Authorization": f"Bearer {key}"})
    client.token = token
    return client


@pytest.fixture
def as_user():
    return api_client


@pytest.fixture
def with_token():
    return token_client
