import datetime

import pytest
from django.utils import timezone

from giaoban.core import registry
from giaoban.jobs import services


@pytest.fixture
def handlers():
    """Handlers registered by a test are forgotten after it."""
    saved = dict(services._HANDLERS)
    yield services.handler
    services._HANDLERS.clear()
    services._HANDLERS.update(saved)


@pytest.fixture
def schedulers():
    """Schedulers registered by a test are forgotten after it."""
    saved = list(registry.jobs._items)
    yield registry.jobs
    registry.jobs._items[:] = saved


@pytest.fixture
def t0():
    return timezone.make_aware(datetime.datetime(2026, 7, 3, 8, 0))


@pytest.fixture
def failing(handlers):
    """A handler that always fails, and a helper to run a job of it to the end."""

    @handlers("tests.failing")
    def fail(job):
        raise ValueError("máy chủ thư không trả lời")

    return fail


def fail_for_good(key, t0):
    """A job of "tests.failing" run until it has no attempt left."""
    services.schedule("tests.failing", key, t0)
    when = t0
    for _attempt in range(3):
        services.run_due(now=when)
        when += datetime.timedelta(hours=1)
    return services.Job.objects.get(key=key)
