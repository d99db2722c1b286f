"""`giaoban demo`: migrate, load the real units, create the demo users, serve.

Demo mode only (GIAOBAN_DEMO=1 or GIAOBAN_DEBUG=1): the demo password is public.
Re-running duplicates nothing. See giaoban/demo.py for adding an app's demo data.
"""

import hashlib
import json
import time
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from giaoban import units as units_app
from giaoban.audit.context import acting_as
from giaoban.shell import demo
from giaoban.units.models import Lineage, Unit

UNIT_PACKAGES = ("vietnam-provinces", "vietnamadminunits")


def import_fingerprint():
    """What the unit import depends on: the units app's code and the packages' versions."""
    digest = hashlib.sha256()
    units_dir = Path(units_app.__file__).resolve().parent
    for path in sorted(units_dir.rglob("*.py")):
        digest.update(path.relative_to(units_dir).as_posix().encode())
        digest.update(path.read_bytes())
    for name in UNIT_PACKAGES:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(name.encode())
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    digest.update(f"{db['ENGINE']}|{db.get('HOST')}|{db.get('PORT')}|{db['NAME']}".encode())
    return digest.hexdigest()


def unit_counts():
    return {"units": Unit.objects.count(), "lineage": Lineage.objects.count()}


class Command(BaseCommand):
    help = (
        "Bản trình diễn: migrate, nạp cây đơn vị thật, tạo tài khoản minh họa, "
        "rồi chạy máy chủ ở http://127.0.0.1:8000/ (chỉ khi GIAOBAN_DEMO=1 hoặc GIAOBAN_DEBUG=1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="chỉ chuẩn bị dữ liệu, không chạy máy chủ"
        )
        parser.add_argument(
            "--no-import",
            action="store_true",
            help="không chạy `units import`; dùng các đơn vị đã có trong cơ sở dữ liệu",
        )
        parser.add_argument(
            "--reimport",
            action="store_true",
            help="chạy lại `units import --legacy` kể cả khi dữ liệu đã nạp đủ",
        )
        parser.add_argument("--host", default="127.0.0.1", help="địa chỉ máy chủ")
        parser.add_argument("--port", type=int, default=8000, help="cổng máy chủ")
        parser.add_argument(
            "--workers", type=int, help="số tiến trình máy chủ (mặc định như `giaoban serve`)"
        )
        parser.add_argument(
            "--threads",
            type=int,
            help="số luồng của mỗi tiến trình máy chủ (mặc định như `giaoban serve`)",
        )

    def handle(self, *args, **options):
        if not (settings.DEMO or settings.DEBUG):
            raise CommandError(
                "Lệnh demo chỉ chạy ở chế độ trình diễn: đặt GIAOBAN_DEMO=1 "
                "(hoặc dùng ./dev demo). Mật khẩu minh họa là công khai, "
                "không dùng cho hệ thống thật."
            )
        started = time.monotonic()
        verbosity = options["verbosity"]

        self.step("Cập nhật cấu trúc cơ sở dữ liệu (migrate)")
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))

        if not options["no_import"]:
            self.import_units(force=options["reimport"], verbosity=verbosity)

        with acting_as(label="giaoban demo"):
            try:
                ctx = demo.find_units(log=self.stdout.write)
            except demo.DemoDataMissing as exc:
                raise CommandError(str(exc)) from exc
            self.step("Tạo tài khoản minh họa")
            demo.ensure_users(ctx)
            loaders = demo.loaders()
            if loaders:
                self.step(f"Nạp dữ liệu minh họa bổ sung ({len(loaders)} bước)")
            demo.load_extra(ctx)

        self.print_logins(ctx, options)
        self.stdout.write(f"Chuẩn bị xong trong {time.monotonic() - started:.1f} s.")
        if not options["no_serve"]:
            counts = {k: options[k] for k in ("workers", "threads") if options[k] is not None}
            call_command("serve", host=options["host"], port=options["port"], **counts)

    def step(self, text):
        self.stdout.write(self.style.MIGRATE_HEADING(f"• {text}…"))

    def import_units(self, force, verbosity):
        if "units" not in get_commands():
            raise CommandError("Chưa có lệnh `giaoban units`: không nạp được cây đơn vị.")
        stamp = Path(settings.DATA_DIR) / "demo-units-import.json"
        fingerprint = import_fingerprint()
        try:
            previous = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        if (
            not force
            and previous.get("fingerprint") == fingerprint
            and previous.get("counts") == unit_counts()
        ):
            counts = previous["counts"]
            self.step(
                f"Cây đơn vị đã nạp ({counts['units']} đơn vị, {counts['lineage']} quan hệ kế thừa)"
                " — bỏ qua; dùng --reimport để nạp lại"
            )
            return
        self.step("Nạp cây đơn vị thật: hiện hành (2025) và trước 2025, kèm quan hệ kế thừa")
        call_command("units", "import", "--legacy", verbosity=verbosity)
        stamp.write_text(
            json.dumps({"fingerprint": fingerprint, "counts": unit_counts()}), encoding="utf-8"
        )

    def print_logins(self, ctx, options):
        host = options["host"]
        shown = f"[{host}]" if ":" in host else host
        rows = [("Tên đăng nhập", "Mật khẩu", "Vai trò", "Đơn vị"), *demo.logins(ctx)]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Địa chỉ: http://{shown}:{options['port']}/"))
        self.stdout.write("Tài khoản minh họa (chỉ dùng cho bản trình diễn):")
        for i, row in enumerate(rows):
            line = "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
            line += "  " + row[3]
            self.stdout.write(self.style.MIGRATE_HEADING(line) if i == 0 else line)
        self.stdout.write("")
