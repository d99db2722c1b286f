"""`giaoban restore ARCHIVE [--yes]` — put back the database and the uploads of a backup.

Checks the whole archive (manifest, checksums, engine, migrations) before it changes
anything, asks for confirmation unless --yes, then replaces the database (in one
transaction) and the uploads folder. It runs nothing else: after an archive older than the
code, run `giaoban migrate`. Stop the server and the jobs timer first (docs/operations.md).
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.template.defaultfilters import filesizeformat
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from giaoban.core.formatting import format_datetime, format_number
from giaoban.shell import backups

YES = {"co", "có", "c", "y", "yes"}


def target_label():
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        return _("cơ sở dữ liệu SQLite %(path)s") % {"path": db["NAME"]}
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    return _("cơ sở dữ liệu PostgreSQL “%(name)s” trên %(where)s") % {
        "name": db["NAME"],
        "where": where,
    }


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Khôi phục cơ sở dữ liệu và các tệp tải lên từ một bản sao lưu của `giaoban "
            "backup` (thay thế toàn bộ dữ liệu hiện có)."
        )

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="ARCHIVE", help=_("tệp giaoban-….tar"))
        parser.add_argument(
            "--yes", action="store_true", help=_("không hỏi xác nhận (dùng trong kịch bản)")
        )

    def handle(self, *args, archive, yes=False, **options):
        try:
            found = backups.inspect(archive)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.describe(found)
        if not yes and not self.confirmed():
            raise CommandError(_("Đã hủy: không khôi phục gì."))
        try:
            notes = backups.restore(found)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(_("Đã khôi phục từ %(path)s.") % {"path": found.path}))
        for note in notes:
            self.stdout.write(self.style.WARNING(note))

    def describe(self, found):
        created = parse_datetime(found.manifest["created_at"])
        self.stdout.write(
            _(
                "Bản sao lưu hợp lệ: tạo lúc %(when)s bởi giaoban %(version)s; cơ sở dữ liệu "
                "%(engine)s, %(files)s tệp tải lên (%(bytes)s)."
            )
            % {
                "when": format_datetime(created, empty="?"),
                "version": found.manifest.get("giaoban", "?"),
                "engine": "SQLite" if found.engine == "sqlite" else "PostgreSQL",
                "files": format_number(found.files),
                "bytes": filesizeformat(found.manifest["uploads"].get("bytes", 0)),
            }
        )
        self.stdout.write(
            _(
                "Khôi phục sẽ THAY THẾ toàn bộ %(database)s và thư mục tệp tải lên %(media)s "
                "bằng nội dung của bản sao lưu."
            )
            % {"database": target_label(), "media": settings.MEDIA_ROOT}
        )

    def confirmed(self):
        self.stdout.write(_("Gõ “co” (hoặc “có”) để tiếp tục, phím khác để hủy: "), ending="")
        self.stdout.flush()
        answer = sys.stdin.readline()
        if not answer.endswith("\n"):  # no terminal: end the prompt's line
            self.stdout.write("")
        return answer.strip().lower() in YES
