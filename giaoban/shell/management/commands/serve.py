"""`giaoban serve`: the production WSGI server (waitress), not Django's development server.

Static files are served by whitenoise from STATIC_ROOT; outside DEBUG they are
collected (hashed and compressed by the manifest storage) before the first request.
"""

import hashlib
import os
import signal
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

# Headers a trusted reverse proxy (the TLS terminator) may set; waitress drops them otherwise.
PROXY_HEADERS = {"x-forwarded-proto", "x-forwarded-for", "x-forwarded-host", "x-forwarded-port"}


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise CommandError(f"{name} phải là số nguyên, không phải {value!r}.") from exc


def static_fingerprint():
    """Name, size and modification time of every static source file, and the storage."""
    digest = hashlib.sha256(repr(settings.STORAGES["staticfiles"]).encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}|{stat.st_size}|{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


def stop_on_sigterm():
    """Let `kill`/systemd stop the server as cleanly as Ctrl+C does."""

    def stop(signum, frame):
        raise SystemExit(0)

    try:
        signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        pass


class Command(BaseCommand):
    help = "Chạy máy chủ WSGI (waitress) phục vụ giaoban, kèm tệp tĩnh (whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default=os.environ.get("GIAOBAN_HOST", "127.0.0.1"),
            help="địa chỉ lắng nghe (mặc định 127.0.0.1, hoặc GIAOBAN_HOST)",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=env_int("GIAOBAN_PORT", 8000),
            help="cổng (mặc định 8000, hoặc GIAOBAN_PORT)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=env_int("GIAOBAN_THREADS", 8),
            help="số luồng xử lý yêu cầu (mặc định 8, hoặc GIAOBAN_THREADS)",
        )
        parser.add_argument(
            "--trusted-proxy",
            default=os.environ.get("GIAOBAN_TRUSTED_PROXY", ""),
            help="IP của reverse proxy được tin cậy (X-Forwarded-*), hoặc GIAOBAN_TRUSTED_PROXY",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="không thu thập tệp tĩnh trước khi chạy",
        )

    def handle(self, *args, **options):
        if options["threads"] < 1:
            raise CommandError("--threads phải lớn hơn 0.")
        if not (0 < options["port"] < 65536):
            raise CommandError("--port phải trong khoảng 1–65535.")
        if not settings.DEBUG and not options["no_collectstatic"]:
            self.collect_static()
        self.warn_unapplied_migrations()

        # Imported only now: whitenoise indexes STATIC_ROOT when the application is built.
        from waitress.server import create_server

        from giaoban.wsgi import application

        host, port, threads = options["host"], options["port"], options["threads"]
        kwargs = {"host": host, "port": port, "threads": threads, "ident": "giaoban"}
        if options["trusted_proxy"]:
            kwargs["trusted_proxy"] = options["trusted_proxy"]
            kwargs["trusted_proxy_headers"] = PROXY_HEADERS
        try:
            server = create_server(application, **kwargs)
        except OSError as exc:
            raise CommandError(
                f"Không mở được {host}:{port} ({exc.strerror or exc}). "
                "Cổng đang bận? Dùng --port để chọn cổng khác."
            ) from exc
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(
            self.style.SUCCESS(f"giaoban đang chạy tại http://{shown}:{port}/")
            + f"  (waitress, {threads} luồng; Ctrl+C để dừng)"
        )
        self.stdout.flush()
        stop_on_sigterm()
        # waitress ends its loop and closes the server on KeyboardInterrupt and SystemExit.
        server.run()
        self.stdout.write("Đã dừng máy chủ.")

    def collect_static(self):
        """Collect (hash, compress) static files, unless the sources are what was collected."""
        stamp = Path(settings.STATIC_ROOT) / ".giaoban-collected"
        fingerprint = static_fingerprint()
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if (
            stamp.is_file()
            and stamp.read_text(encoding="utf-8") == fingerprint
            and (
                manifest.is_file() or "Manifest" not in settings.STORAGES["staticfiles"]["BACKEND"]
            )
        ):
            return
        started = time.monotonic()
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint, encoding="utf-8")
        self.stdout.write(
            f"Đã thu thập tệp tĩnh vào {settings.STATIC_ROOT} ({time.monotonic() - started:.1f} s)."
        )

    def warn_unapplied_migrations(self):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            self.stderr.write(
                self.style.WARNING(
                    f"Còn {len(plan)} migration chưa áp dụng: chạy `giaoban migrate` trước."
                )
            )
