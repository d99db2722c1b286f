"""`giaoban backup` and `giaoban restore`: see archive.py for what an archive holds and how
a restore is checked, and docs/operations.md for the schedule and the restore drill."""

from giaoban.shell.backups.archive import (
    Created,
    Found,
    archives,
    create,
    default_folder,
    inspect,
    prune,
    restore,
)
from giaoban.shell.backups.errors import BackupError

__all__ = [
    "BackupError",
    "Created",
    "Found",
    "archives",
    "create",
    "default_folder",
    "inspect",
    "prune",
    "restore",
]
