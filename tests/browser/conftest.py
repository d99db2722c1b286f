"""Real-browser tests: Playwright for Python driving Debian's Chromium against `live_server`.

Run only these with `pytest -m browser`. They are skipped, saying why, when /usr/bin/chromium
is missing (`apt-get install chromium`); Playwright's own browser downloads are never used.
"""

import os
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 20_000
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


# One Playwright and one Chromium per test session, even when a test module elsewhere imports
# these fixtures (which makes pytest see a second session fixture): a second sync Playwright
# cannot start while the first one's event loop runs.
_RUNNING = {}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        )
    if "chromium" in _RUNNING:
        yield _RUNNING["chromium"]
        return
    from playwright.sync_api import expect, sync_playwright

    # Software rendering on a busy CI machine is slow; five seconds is not always enough.
    expect.set_options(timeout=TIMEOUT_MS)

    # Playwright's sync API keeps an event loop running in this thread. The ORM calls the tests
    # make around it are still plain synchronous code, but Django now sees an async context: it
    # must be told that is fine, and it would hand out new connection objects there. Keep the
    # ones the test database was set up with (and that the live server shares for in-memory
    # SQLite): two connections to one in-memory database lock each other out, and only the
    # original one holds the snapshot of migrated data (the levels) for serialized rollback.
    original = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, connection in original.items():
                connections[alias] = connection
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            _RUNNING["chromium"] = chromium
            yield chromium
            _RUNNING.clear()
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_cast(transactional_db, django_db_serialized_rollback, live_server, cast):
    """The fixed cast in a committed (transactional) database the live server thread can read.

    The serialized rollback brings back what migrations loaded (the levels) after each flush.
    """
    return cast


class Session:
    """One browser context (a fresh set of cookies) against the live server."""

    def __init__(self, browser, base_url, viewport):
        self.base_url = base_url
        self.context = browser.new_context(viewport=viewport, locale="vi-VN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.console_errors = []
        self.page.on(
            "console",
            lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None,
        )

    def url(self, name, **kwargs):
        return self.base_url + reverse(name, kwargs=kwargs or None)

    def log_in(self, username, password):
        """Through the login page, as a person would."""
        page = self.page
        page.goto(self.url("login"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main form button[type=submit]")
        page.wait_for_url(self.url("home"))
        return page

    def csp_violations(self):
        return [e for e in self.console_errors if "Content Security Policy" in e]

    def screenshot(self, name):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def desktop(browser, live_server):
    session = Session(browser, live_server.url, DESKTOP)
    yield session
    session.context.close()


@pytest.fixture
def phone(browser, live_server):
    session = Session(browser, live_server.url, PHONE)
    yield session
    session.context.close()
