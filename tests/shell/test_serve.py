"""`giaoban serve`'s choices, in this process: how many workers, what it refuses, and the
fallback to waitress where gunicorn cannot run. The real server, with several workers, is
tested in test_serve_workers.py (and its start, stop and static files in test_demo.py)."""

import io
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from giaoban.shell.management.commands import serve


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(("cpus", "workers"), [(1, 2), (2, 4), (3, 6), (4, 8), (16, 8)])
def test_workers_default_to_two_per_processor_from_two_to_eight(monkeypatch, cpus, workers):
    monkeypatch.delenv("GIAOBAN_WORKERS", raising=False)
    monkeypatch.setattr(serve, "cpu_count", lambda: cpus)
    options = serve.Command().create_parser("giaoban", "serve").parse_args([])
    assert (options.workers, options.threads) == (workers, 4)


def test_the_environment_sets_the_counts(monkeypatch):
    monkeypatch.setenv("GIAOBAN_WORKERS", "3")
    monkeypatch.setenv("GIAOBAN_THREADS", "6")
    options = serve.Command().create_parser("giaoban", "serve").parse_args([])
    assert (options.workers, options.threads) == (3, 6)
    monkeypatch.setenv("GIAOBAN_WORKERS", "ba")
    with pytest.raises(CommandError, match="GIAOBAN_WORKERS phải là số nguyên"):
        serve.Command().create_parser("giaoban", "serve")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers phải lớn hơn 0."),
        (["--threads", "0"], "--threads phải lớn hơn 0."),
        (["--port", "70000"], "--port phải trong khoảng 1–65535."),
    ],
)
def test_bad_counts_are_refused_in_vietnamese(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("serve", "--no-collectstatic", *args)


def test_without_gunicorn_it_serves_with_waitress_and_says_so(db, monkeypatch):
    started = {}

    class Waitress:
        def run(self):
            started["ran"] = True

    def create_server(application, **kwargs):
        started.update(kwargs)
        return Waitress()

    import waitress.server

    monkeypatch.setattr(serve, "gunicorn_available", lambda: False)
    monkeypatch.setattr(waitress.server, "create_server", create_server)
    monkeypatch.setattr(serve, "stop_on_sigterm", lambda: None)  # pytest's own signals
    port = free_port()
    out = io.StringIO()
    call_command("serve", "--no-collectstatic", "--port", str(port), "--threads", "3", stdout=out)
    assert started == {
        "host": "127.0.0.1",
        "port": port,
        "threads": 3,
        "ident": "giaoban",
        "ran": True,
    }
    text = out.getvalue()
    assert "gunicorn không chạy được trên hệ điều hành này: dùng waitress" in text
    assert f"giaoban đang chạy tại http://127.0.0.1:{port}/  (waitress, 3 luồng" in text
    assert "Đã dừng máy chủ." in text
