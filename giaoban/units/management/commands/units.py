"""`giaoban units import [--legacy]` — load the real tree of units (see units/importers.py)."""

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from giaoban.units.importers import UnitImportError, import_current, import_legacy


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked for, as a plain string argparse can wrap
        return _("Quản lý cây đơn vị: nhập cơ cấu đơn vị thật.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import}")
        load = actions.add_parser(
            "import",
            help=_("Nhập cơ cấu hiện hành: Bộ, các cục, 34 Công an tỉnh, 3.321 Công an xã."),
        )
        load.add_argument(
            "--legacy",
            action="store_true",
            help=_(
                "Nhập thêm cơ cấu trước 2025 (63 tỉnh, 696 huyện, 10.035 xã) "
                "và quan hệ kế thừa sang cơ cấu hiện hành."
            ),
        )
        # Also accepted after the action ("units import --legacy -v 0"); SUPPRESS keeps
        # the value given before it when this one is absent.
        load.add_argument(
            "-v", "--verbosity", type=int, choices=[0, 1, 2, 3], default=argparse.SUPPRESS
        )

    def handle(self, *args, action, legacy=False, **options):
        verbosity = options.get("verbosity", 1)
        run = import_legacy if legacy else import_current
        try:
            summary = run(progress=verbosity >= 1)
        except UnitImportError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity >= 1:
            self.stdout.write(summary.line())
