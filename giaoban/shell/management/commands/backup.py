"""`giaoban backup [--output DIR] [--keep N]` — the database and the uploads in one archive.

Safe while the server runs (SQLite through its online backup API, PostgreSQL through
pg_dump). Run it from cron or a systemd timer (docs/operations.md); it exits non-zero, with
the reason in Vietnamese on the error output, when no archive was written.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from giaoban.core.formatting import format_number
from giaoban.shell import backups


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Sao lưu cơ sở dữ liệu và các tệp tải lên vào một tệp giaoban-NGÀY-GIỜ.tar "
            "(an toàn khi máy chủ đang chạy)."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="DIR",
            default=None,
            help=_(
                "thư mục ghi bản sao lưu (mặc định GIAOBAN_BACKUP_DIR, hoặc backups/ trong "
                "thư mục dữ liệu)"
            ),
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help=_("chỉ giữ N bản sao lưu mới nhất trong thư mục, xóa các bản cũ hơn"),
        )

    def handle(self, *args, output=None, keep=None, verbosity=1, **options):
        if keep is not None and keep < 1:
            raise CommandError(_("--keep cần một số nguyên từ 1 trở lên."))
        started = time.monotonic()
        try:
            created = backups.create(output or backups.default_folder(), keep=keep)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity < 1:
            return
        self.stdout.write(
            _(
                "Đã sao lưu vào %(path)s (%(size)s: cơ sở dữ liệu %(engine)s và %(files)s tệp "
                "tải lên) trong %(seconds)s giây."
            )
            % {
                "path": created.path,
                "size": filesizeformat(created.size),
                "engine": "SQLite" if created.engine == "sqlite" else "PostgreSQL",
                "files": format_number(created.files),
                "seconds": format_number(round(time.monotonic() - started, 1)),
            }
        )
        for path in created.removed:
            self.stdout.write(_("Đã xóa bản sao lưu cũ %(name)s.") % {"name": path.name})
