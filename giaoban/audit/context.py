"""Who is acting right now: set by the middleware for requests, by commands otherwise."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_actor = ContextVar("giaoban_audit_actor", default=None)


class Actor:
    def __init__(self, user=None, label="", request_id=None):
        authenticated = user is not None and getattr(user, "is_authenticated", False)
        self.user = user if authenticated else None
        self.label = label or (user.get_username() if self.user else "hệ thống")
        self.request_id = request_id or uuid.uuid4().hex


def current():
    return _actor.get() or Actor(label="hệ thống")


@contextmanager
def acting_as(user=None, label=""):
    token = _actor.set(Actor(user=user, label=label))
    try:
        yield
    finally:
        _actor.reset(token)
