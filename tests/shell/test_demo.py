"""`giaoban demo` and `giaoban serve`: demo mode only, idempotent, a real WSGI server."""

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from giaoban.accounts.models import RoleAssignment, User
from giaoban.audit.models import AuditEntry
from giaoban.core import registry
from giaoban.shell import demo
from giaoban.shell.management.commands import demo as demo_command
from giaoban.units.models import Unit

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def run_demo(*args):
    out = io.StringIO()
    call_command("demo", "--no-serve", "--no-import", *args, stdout=out)
    return out.getvalue()


def roles(username):
    user = User.objects.get(username=username)
    return [(ra.unit.code, ra.role) for ra in user.role_assignments.select_related("unit")]


@pytest.fixture
def demo_mode(settings, monkeypatch):
    settings.DEMO = True
    settings.DEBUG = False
    # Apps' own demo loaders (reports…) are tested with their apps; here only the command.
    monkeypatch.setattr(registry.demo, "_items", [])


def test_it_refuses_outside_demo_mode(cast, settings):
    settings.DEMO = False
    settings.DEBUG = False
    with pytest.raises(CommandError, match="GIAOBAN_DEMO=1"):
        run_demo()
    assert not User.objects.filter(username__in=[u.username for u in demo.DEMO_USERS]).exists()


def test_it_creates_one_user_per_role_on_the_real_units(cast, demo_mode):
    run_demo()
    assert roles("quantri") == [("BCA", "admin")]
    assert roles("cuc.canbo") == [("BCA", "officer")]
    assert roles("cuc.lanhdao") == [("BCA", "leader")]
    assert roles("thainguyen.lanhdao") == [("T19", "leader")]
    assert roles("thainguyen.canbo") == [("T19", "officer")]
    # The first commune of Thái Nguyên by code: X05500, not its sibling X05800.
    assert roles("xa.canbo") == [("X05500", "officer")]
    assert roles("xa.lanhdao") == [("X05500", "leader")]
    assert roles("hanoi.canbo") == [("T01", "officer")]
    assert User.objects.get(username="xa.canbo").unit == cast.commune_a1


def test_demo_names_are_synthetic(cast, demo_mode):
    run_demo()
    names = sorted(
        User.objects.filter(role_assignments__isnull=False, username__contains=".")
        .values_list("full_name", flat=True)
        .distinct()
    )
    names.append(User.objects.get(username="quantri").full_name)
    assert names and all(re.fullmatch(r"Cán bộ minh họa \d\d", name) for name in names)


def test_a_demo_user_can_log_in_with_the_printed_password(cast, demo_mode, client):
    output = run_demo()
    assert demo.DEMO_PASSWORD in output
    response = client.post(
        "/tai-khoan/dang-nhap/",
        {"username": "thainguyen.canbo", "password": demo.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert response.wsgi_request.user.username == "thainguyen.canbo"


def test_it_prints_the_address_and_every_login_in_vietnamese(cast, demo_mode):
    output = run_demo()
    assert "http://127.0.0.1:8000/" in output
    assert "Tên đăng nhập" in output and "Mật khẩu" in output
    for spec in demo.DEMO_USERS:
        line = next(line for line in output.splitlines() if line.split()[:1] == [spec.username])
        assert demo.DEMO_PASSWORD in line
    assert re.search(r"xa\.canbo .*Cán bộ chuyên trách .*Công an phường Phan Đình Phùng", output)
    assert re.search(r"thainguyen\.lanhdao .*Lãnh đạo .*Công an tỉnh Thái Nguyên", output)


def test_rerunning_duplicates_nothing_and_restores_the_demo_state(cast, demo_mode):
    run_demo()
    counts = (User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count())
    run_demo()
    assert (
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEntry.objects.count(),
    ) == counts

    # A visitor changed a password and gave a demo user an extra role: the next run undoes both.
    officer = User.objects.get(username="xa.canbo")
    officer.set_password("something-else")
    officer.save()
    RoleAssignment.objects.create(user=officer, unit=cast.province_b, role="admin")
    run_demo()
    officer.refresh_from_db()
    assert officer.check_password(demo.DEMO_PASSWORD)
    assert roles("xa.canbo") == [("X05500", "officer")]


def test_it_says_which_command_loads_missing_units(db, demo_mode):
    with pytest.raises(CommandError, match="units import"):
        run_demo()


def test_app_loaders_run_after_the_users_each_all_or_nothing(cast, demo_mode):
    seen = []

    @registry.demo.register
    def record(ctx):
        seen.append((ctx.province_a.code, ctx.commune_a.code, sorted(ctx.users)))
        ctx.log("Đã nạp dữ liệu minh họa của bài kiểm thử.")

    registry.demo.register(record)  # registering twice runs once
    output = run_demo()
    assert seen == [("T19", "X05500", sorted(u.username for u in demo.DEMO_USERS))]
    assert "Đã nạp dữ liệu minh họa của bài kiểm thử." in output

    @registry.demo.register
    def half_done(ctx):
        Unit.objects.filter(code="X05800").update(short_name="viết dở")
        raise RuntimeError("hỏng giữa chừng")

    with pytest.raises(RuntimeError):
        run_demo()
    assert Unit.objects.get(code="X05800").short_name == "Đại Phúc"


def test_the_unit_import_runs_once_then_only_when_something_changed(
    cast, demo_mode, settings, tmp_path, monkeypatch
):
    """The import itself is tested in tests/units; here: when the demo asks for it."""
    settings.DATA_DIR = tmp_path
    imports = []
    real_call_command = demo_command.call_command

    def recording_call_command(name, *args, **kwargs):
        if name == "units":
            imports.append(args)
            return None
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", recording_call_command)

    def demo_with_import(*args):
        call_command("demo", "--no-serve", *args, stdout=io.StringIO())

    demo_with_import()
    demo_with_import()
    assert imports == [("import", "--legacy")]
    demo_with_import("--reimport")
    assert len(imports) == 2
    Unit.objects.filter(code="X05800").delete()  # the database no longer holds what was loaded
    demo_with_import()
    assert len(imports) == 3


# --- the server -------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIAOBAN_", "DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
    }
    env.update(GIAOBAN_DEMO="1", GIAOBAN_DATA_DIR=str(tmp_path / "data"))
    return env


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — our own server
        return response.status, response.headers, response.read().decode()


@pytest.mark.one_run  # its own SQLite database, in a subprocess
def test_serve_runs_a_wsgi_server_with_hashed_static_files(tmp_path):
    # The database is left empty: the login page needs none, and serve warns about it.
    env = server_env(tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(MANAGE), "serve", "--port", str(port), "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        startup = ""
        while True:
            line = server.stdout.readline()
            assert line, f"the server stopped before listening (exit {server.poll()})"
            startup += line
            if f"http://127.0.0.1:{port}/" in line:
                break
            assert time.monotonic() < deadline, "the server did not start in 120 s"

        status, headers, page = get(f"http://127.0.0.1:{port}/tai-khoan/dang-nhap/")
        assert status == 200
        assert headers["Server"] == "gunicorn"  # not Django's development server
        assert "Content-Security-Policy" in headers
        stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the manifest storage gives static files hashed names"
        status, headers, css = get(f"http://127.0.0.1:{port}{stylesheet.group(1)}")
        assert status == 200 and css
        assert "immutable" in headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode == 0, "SIGTERM stops the server cleanly"
    rest = server.stdout.read()
    assert "Đã dừng máy chủ." in rest
    assert "migration chưa áp dụng" in startup + rest


@pytest.mark.one_run  # its own SQLite database, in a subprocess
def test_serve_says_when_the_port_is_taken(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(MANAGE), "serve", "--port", str(port), "--no-collectstatic"],
            env=server_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode != 0
    assert f"Không mở được 127.0.0.1:{port}" in result.stderr


def test_serve_collects_static_files_only_when_they_changed(settings, tmp_path):
    from giaoban.shell.management.commands.serve import Command

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    def collect():
        out = io.StringIO()
        command = Command(stdout=out)
        command.collect_static()
        return out.getvalue()

    assert "Đã thu thập tệp tĩnh" in collect()
    assert (tmp_path / "static" / "staticfiles.json").is_file()
    assert collect() == ""  # nothing changed: the next start is not slowed down
    (tmp_path / "static" / "staticfiles.json").unlink()
    assert "Đã thu thập tệp tĩnh" in collect()
