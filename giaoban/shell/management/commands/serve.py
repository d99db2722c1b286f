"""`giaoban serve`: the production WSGI server, not Django's development server.

On Linux (any POSIX system) gunicorn runs several worker processes, each with a few
threads (its gthread worker), started from this command through gunicorn's application
API: this process is gunicorn's master and the workers are its children, one process tree
that `kill`/systemd/Ctrl+C stop together. Where gunicorn cannot run (Windows), waitress
serves in this one process instead, saying so. Why, and the counts: docs/decisions.md,
"Serving: several processes".

Static files are served by whitenoise from STATIC_ROOT; outside DEBUG they are collected
(hashed and compressed by the manifest storage) before the first request.
"""

import hashlib
import os
import signal
import socket
import time
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

# Headers a trusted reverse proxy (the TLS terminator) may set; dropped from anyone else.
PROXY_HEADERS = {"x-forwarded-proto", "x-forwarded-for", "x-forwarded-host", "x-forwarded-port"}

# The master restarts a worker whose main loop has not reported for this long. A gthread
# worker's loop reports while its threads serve, so this never cuts a long request (an
# import of 20,000 activities, a national export: seconds to tens of seconds); it only
# replaces a worker that froze.
WORKER_TIMEOUT = 120
# On SIGTERM (and SIGHUP, for the old workers) requests in progress get this long to end.
GRACEFUL_TIMEOUT = 30

# The combined log format, then the time taken and the worker's pid ("<1234>").
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %(p)s'


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise CommandError(f"{name} phải là số nguyên, không phải {value!r}.") from exc


def cpu_count():
    """The processors this process may run on (a container or `taskset` may allow fewer)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers():
    """Two worker processes per processor, at least 2, at most 8 (see docs/decisions.md)."""
    return min(max(2 * cpu_count(), 2), 8)


def gunicorn_available():
    if os.name != "posix":
        return False
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError:
        return False
    return True


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
    """Let `kill`/systemd stop the (waitress) server as cleanly as Ctrl+C does."""

    def stop(signum, frame):
        raise SystemExit(0)

    try:
        signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        pass


def check_port(host, port):
    """Bind the address once, as the server will, so that a busy port is said plainly."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise CommandError(
            f"Không mở được {host}:{port} ({getattr(exc, 'strerror', None) or exc}). "
            "Cổng đang bận? Dùng --port để chọn cổng khác."
        ) from exc


def close_connections_before_fork(arbiter, worker):
    """gunicorn's pre_fork hook, in the master: a worker must never inherit a database
    connection (two processes talking over one socket corrupt each other's queries)."""
    connections.close_all()


class Command(BaseCommand):
    help = (
        "Chạy máy chủ WSGI phục vụ giaoban (gunicorn: nhiều tiến trình, mỗi tiến trình "
        "nhiều luồng; waitress nếu hệ điều hành không hỗ trợ), kèm tệp tĩnh (whitenoise)."
    )

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
            "--workers",
            type=int,
            default=env_int("GIAOBAN_WORKERS", default_workers()),
            help=(
                "số tiến trình xử lý yêu cầu (mặc định GIAOBAN_WORKERS, nếu không thì "
                f"2 × số CPU, từ 2 đến 8: ở máy này là {default_workers()})"
            ),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=env_int("GIAOBAN_THREADS", 4),
            help="số luồng của mỗi tiến trình (mặc định 4, hoặc GIAOBAN_THREADS)",
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
        parser.add_argument(
            "--no-access-log",
            action="store_true",
            help="không ghi nhật ký truy cập (mỗi yêu cầu một dòng ra đầu ra chuẩn)",
        )

    def handle(self, *args, **options):
        if options["workers"] < 1:
            raise CommandError("--workers phải lớn hơn 0.")
        if options["threads"] < 1:
            raise CommandError("--threads phải lớn hơn 0.")
        if not (0 < options["port"] < 65536):
            raise CommandError("--port phải trong khoảng 1–65535.")
        if not settings.DEBUG and not options["no_collectstatic"]:
            self.collect_static()
        self.warn_unapplied_migrations()
        check_port(options["host"], options["port"])

        # Imported only now: whitenoise indexes STATIC_ROOT when the application is built.
        from giaoban.wsgi import application

        if gunicorn_available():
            self.run_gunicorn(application, options)
        else:
            self.run_waitress(application, options)

    def address(self, options):
        host = options["host"]
        return f"[{host}]" if ":" in host else host

    def run_gunicorn(self, application, options):
        from gunicorn.app.base import BaseApplication
        from waitress.proxy_headers import proxy_headers_middleware

        # waitress's rule, as when waitress serves: X-Forwarded-* are honoured from the
        # trusted proxy only (client address, scheme, host), and dropped from anyone else.
        application = proxy_headers_middleware(
            application,
            trusted_proxy=options["trusted_proxy"] or None,
            trusted_proxy_headers=PROXY_HEADERS,
            clear_untrusted=True,
        )
        # Every view module is imported here, once, before the workers are forked: they
        # share that memory, and an import error stops the start instead of a request.
        import_module(settings.ROOT_URLCONF)
        connections.close_all()

        shown, port = self.address(options), options["port"]
        workers, threads = options["workers"], options["threads"]

        def ready(arbiter):
            self.stdout.write(
                self.style.SUCCESS(f"giaoban đang chạy tại http://{shown}:{port}/")
                + f"  (gunicorn, {workers} tiến trình × {threads} luồng; Ctrl+C để dừng)"
            )
            self.stdout.flush()

        config = {
            "bind": [f"{shown}:{port}"],
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": WORKER_TIMEOUT,
            "graceful_timeout": GRACEFUL_TIMEOUT,
            # The application is built above, in this process: the workers inherit it.
            "preload_app": True,
            "pre_fork": close_connections_before_fork,
            "when_ready": ready,
            "proc_name": "giaoban",
            # Proxy headers are the middleware's business (above), never gunicorn's own.
            "forwarded_allow_ips": "",
            "forwarder_headers": "",
            "secure_scheme_headers": {},
            # No control socket in $HOME: signals (TERM, HUP, TTIN/TTOU) are the interface.
            "control_socket_disable": True,
            "accesslog": None if options["no_access_log"] else "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "errorlog": "-",
            "loglevel": os.environ.get("GIAOBAN_LOG_LEVEL", "WARNING").lower(),
        }

        class Server(BaseApplication):
            def load_config(self):
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self):
                return application

        self.stdout.flush()
        master = os.getpid()
        try:
            Server().run()
        except SystemExit as exc:
            if os.getpid() != master:
                raise  # a worker process ending: it leaves here, it is not the command
            if exc.code not in (None, 0):
                raise CommandError(
                    f"Máy chủ dừng vì lỗi (mã {exc.code}); xem thông báo phía trên.",
                    returncode=exc.code if isinstance(exc.code, int) else 1,
                ) from exc
        self.stdout.write("Đã dừng máy chủ.")

    def run_waitress(self, application, options):
        from waitress.server import create_server

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
        self.stdout.write(
            self.style.WARNING(
                "gunicorn không chạy được trên hệ điều hành này: dùng waitress "
                f"(một tiến trình, {threads} luồng; --workers không có tác dụng)."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(f"giaoban đang chạy tại http://{self.address(options)}:{port}/")
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
