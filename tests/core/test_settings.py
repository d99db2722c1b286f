"""Production safety of the settings, each case in a fresh interpreter.

Settings are read once per process, and this process runs under pytest (which
counts as testing mode), so every case starts `manage.py` in a subprocess with
exactly the environment a production machine would have.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

# Each case is a subprocess without DATABASE_URL: the PostgreSQL run would repeat it as is.
pytestmark = pytest.mark.one_run

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def run(tmp_path, *args, **env):
    """Run manage.py with no GIAOBAN_*/DATABASE_URL from the test run, plus `env`."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIAOBAN_", "DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
    }
    base["GIAOBAN_DATA_DIR"] = str(tmp_path / "data")
    base.update(env)
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_key():
    return secrets.token_urlsafe(64)  # 86 characters, well above Django's 50


def test_it_refuses_to_start_with_the_default_secret_key(tmp_path):
    result = run(tmp_path, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "GIAOBAN_SECRET_KEY" in result.stderr


def test_it_refuses_the_default_key_even_when_given_explicitly(tmp_path):
    from giaoban.settings import DEFAULT_SECRET_KEY

    result = run(tmp_path, "check", GIAOBAN_SECRET_KEY=DEFAULT_SECRET_KEY)
    assert result.returncode != 0
    assert "GIAOBAN_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("mode", ["GIAOBAN_DEMO", "GIAOBAN_DEBUG"])
def test_demo_and_debug_modes_start_without_a_key(tmp_path, mode):
    result = run(tmp_path, "check", **{mode: "1"})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    result = run(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        GIAOBAN_SECRET_KEY=production_key(),
        GIAOBAN_ALLOWED_HOSTS="giaoban.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deploy_check_catches_a_weak_key(tmp_path):
    # Proves the clean result above comes from the settings, not from a silenced check.
    result = run(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        GIAOBAN_SECRET_KEY="short",
        GIAOBAN_ALLOWED_HOSTS="giaoban.example",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


SHOW_SETTINGS = (
    "from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k) "
    "for k in ['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
    "'SECURE_HSTS_SECONDS', 'ALLOWED_HOSTS', 'CSRF_TRUSTED_ORIGINS']}))"
)


def show_settings(tmp_path, **env):
    result = run(tmp_path, "shell", "-c", SHOW_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_are_https_only(tmp_path):
    values = show_settings(
        tmp_path,
        GIAOBAN_SECRET_KEY=production_key(),
        GIAOBAN_ALLOWED_HOSTS="giaoban.example, intranet.example",
        GIAOBAN_CSRF_TRUSTED_ORIGINS="https://giaoban.example",
    )
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "ALLOWED_HOSTS": ["giaoban.example", "intranet.example"],
        "CSRF_TRUSTED_ORIGINS": ["https://giaoban.example"],
    }


def test_the_demo_runs_over_plain_http_on_localhost(tmp_path):
    values = show_settings(tmp_path, GIAOBAN_DEMO="1")
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


@pytest.mark.parametrize("name", ["GIAOBAN_HTTPS", "GIAOBAN_DEMO", "GIAOBAN_SSL_REDIRECT"])
def test_an_unknown_boolean_stops_start_up_naming_the_variable(tmp_path, name):
    # A typo must never quietly turn HTTPS protections (or anything else) off.
    result = run(tmp_path, "check", GIAOBAN_SECRET_KEY=production_key(), **{name: "Ture"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name}='Ture' không hợp lệ" in result.stderr


def test_booleans_are_read_strictly_but_in_every_usual_spelling(tmp_path, monkeypatch):
    from giaoban.settings import envbool

    for value, meant in [("1", True), ("true", True), ("Yes", True), (" ON ", True)] + [
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
        ("", False),
    ]:
        monkeypatch.setenv("GIAOBAN_X", value)
        assert envbool("GIAOBAN_X") is meant, value
    # And a process starts with a spelling other than 1 and 0, either way.
    result = run(tmp_path, "check", GIAOBAN_DEMO="Yes")
    assert result.returncode == 0, result.stderr
    result = run(tmp_path, "check", GIAOBAN_SECRET_KEY=production_key(), GIAOBAN_DEMO="off")
    assert result.returncode == 0, result.stderr


def test_test_mode_is_said_not_guessed(tmp_path):
    # Importing pytest (or anything else) does not make a process "testing": without the
    # test settings' explicit GIAOBAN_TESTING, the default key is refused.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIAOBAN_", "DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
    }
    env.update(GIAOBAN_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="giaoban.settings")
    code = "import pytest, django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "GIAOBAN_SECRET_KEY" in result.stderr


def test_a_bad_login_failure_limit_is_refused(tmp_path):
    result = run(tmp_path, "check", GIAOBAN_DEMO="1", GIAOBAN_LOGIN_FAILURE_LIMIT="năm")
    assert result.returncode != 0
    assert "GIAOBAN_LOGIN_FAILURE_LIMIT" in result.stderr
