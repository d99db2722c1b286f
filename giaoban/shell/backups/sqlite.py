"""SQLite through its online backup API: a snapshot taken while the server writes, and a
restore written into the live database as one transaction."""

import gzip
import os
import shutil
import sqlite3
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.shell.backups.errors import BackupError

# As long as the app's own connections wait for a lock (settings: "timeout": 20), and more.
TIMEOUT = 60
CHUNK = 1024 * 1024


def _open_existing(path):
    """A connection to the database file at `path`, never creating it (a typo in the path
    must not back up, or restore into, a new empty database)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True, timeout=TIMEOUT)


def snapshot(source, target):
    """Copy the live database `source` into the new file `target`; returns the migrations
    applied in the copy.

    One step of the backup API (pages=-1) copies every page inside one read transaction. In
    WAL mode (the app's) writers go on committing meanwhile, and the copy is the database as
    it stood when the step began: every transaction in it whole, none of those after it.
    Stepping a few pages at a time would restart each time the server writes, and might
    never finish on a busy morning."""
    if not Path(source).is_file():
        raise BackupError(
            _("Không có tệp cơ sở dữ liệu SQLite %(path)s: chưa chạy `giaoban migrate`?")
            % {"path": source}
        )
    try:
        src = _open_existing(source)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
                # One self-contained file in the archive, without a -wal beside it.
                dst.execute("PRAGMA journal_mode=DELETE")
                check(dst, source)
                return applied_migrations(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(
            _("Không sao lưu được cơ sở dữ liệu SQLite %(path)s: %(error)s")
            % {"path": source, "error": exc}
        ) from exc


def check(conn, label):
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    if rows != [("ok",)]:
        problems = "; ".join(str(row[0]) for row in rows[:5])
        raise BackupError(
            _("Cơ sở dữ liệu SQLite %(path)s bị hỏng (integrity_check: %(problems)s).")
            % {"path": label, "problems": problems}
        )


def applied_migrations(conn):
    try:
        rows = conn.execute("SELECT app, name FROM django_migrations").fetchall()
    except sqlite3.OperationalError:  # never migrated
        return set()
    return {(app, name) for app, name in rows}


def compress(source, target, level=6):
    with open(source, "rb") as raw, gzip.open(target, "wb", compresslevel=level) as packed:
        shutil.copyfileobj(raw, packed, CHUNK)


def decompress(stream, target):
    with gzip.GzipFile(fileobj=stream, mode="rb") as packed, open(target, "wb") as raw:
        shutil.copyfileobj(packed, raw, CHUNK)
        raw.flush()
        os.fsync(raw.fileno())


def restore(live, restored):
    """Put the database file `restored` in place of the live database `live`.

    Through the backup API in the other direction: the live file is rewritten inside one
    write transaction under SQLite's own locks, so a reader sees the old database or the
    restored one, never a mixture, and a -wal left beside the live file can never be
    replayed onto the restored pages (which replacing the file by a rename would risk).
    Returns a note for the operator, or "".
    """
    live = Path(live)
    try:
        verify = sqlite3.connect(restored)
        try:
            check(verify, restored)
        finally:
            verify.close()
    except sqlite3.Error as exc:
        raise BackupError(
            _("Cơ sở dữ liệu trong bản sao lưu không đọc được: %(error)s") % {"error": exc}
        ) from exc
    if not live.exists():
        os.replace(restored, live)
        return ""
    try:
        _copy_into(restored, live)
    except sqlite3.OperationalError as exc:
        raise BackupError(
            _(
                "Không ghi được vào cơ sở dữ liệu %(path)s (%(error)s): dừng máy chủ và "
                "`giaoban jobs`, rồi chạy lại lệnh khôi phục. Chưa có gì bị thay đổi."
            )
            % {"path": live, "error": exc}
        ) from exc
    except sqlite3.DatabaseError:
        # The live file is not a database any more (the reason for restoring, perhaps):
        # keep it aside, with its -wal and -shm, and put the restored file in its place.
        aside = _move_aside(live)
        os.replace(restored, live)
        return _("Tệp cơ sở dữ liệu cũ không đọc được, đã được giữ lại ở %(path)s.") % {
            "path": aside
        }
    return ""


def _copy_into(restored, live):
    src = sqlite3.connect(restored)
    try:
        dst = _open_existing(live)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _move_aside(live):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    aside = live.with_name(f"{live.name}.hong-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{live}{suffix}")
        if path.exists():
            os.replace(path, Path(f"{aside}{suffix}"))
    return aside
