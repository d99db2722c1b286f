"""The `giaoban` command: Django's management commands under the project's own name.

`giaoban units import --legacy`, `giaoban demo`, `giaoban migrate` …
"""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giaoban.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "giaoban"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
