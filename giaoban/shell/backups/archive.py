"""Backups (bản sao lưu) and restore (khôi phục): one archive file, the database and the
uploaded files together.

An archive is a plain tar, `giaoban-YYYYMMDD-HHMMSS.tar` (local time), holding
- the database: `database.sqlite3.gz` (SQLite: a snapshot through its backup API, gzipped)
  or `database.pgdump` (PostgreSQL: pg_dump's custom format);
- `uploads/…`: every file under MEDIA_ROOT, as it is;
- `manifest.json`, written last: when, by which giaoban, which engine, the migrations
  applied in the snapshot, and the size and SHA-256 of every other member.

The database is copied first, the uploads after it. A file is written before the row
naming it commits and deleted only after that row's deletion commits, so every file the
snapshot names is in the archive (short of one deleted during the seconds of the copy); a
file uploaded after the snapshot is there too, named by no row, and harmless.

A restore checks everything before it touches anything: the manifest, every member's
checksum, the engine, and that the code knows every migration of the archive (a newer
giaoban's archive is refused). Then it extracts into temporary folders beside the live
ones and replaces the database (one transaction: sqlite.restore, postgres.restore) and
then the uploads.
"""

import hashlib
import io
import json
import os
import re
import shutil
import stat
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

import giaoban
from giaoban.shell.backups import postgres, sqlite
from giaoban.shell.backups.errors import BackupError

FORMAT = "giaoban-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DB_MEMBERS = {"sqlite": "database.sqlite3.gz", "postgresql": "database.pgdump"}
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
ARCHIVE_NAME = re.compile(r"^giaoban-(\d{8}-\d{6})(?:-(\d+))?\.tar$")
WORK_PREFIX = ".giaoban-restore-"
CHUNK = 1024 * 1024
MAX_MANIFEST = 64 * 1024 * 1024


@dataclass
class Created:
    path: Path
    size: int
    engine: str
    files: int
    removed: list = field(default_factory=list)


@dataclass
class Found:
    """An archive checked and ready to restore."""

    path: Path
    manifest: dict
    pending: list  # migrations of the code the archive has not applied yet

    @property
    def engine(self):
        return self.manifest["database"]["engine"]

    @property
    def files(self):
        return self.manifest["uploads"]["files"]


class _Hashing:
    """A file object that hashes and counts what is read through it."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, n=-1):
        data = self.stream.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data

    def drain(self):
        while self.read(CHUNK):
            pass
        return self.size, self.digest.hexdigest()


def engine(connection):
    if connection.vendor not in DB_MEMBERS:
        raise BackupError(
            _("Chỉ sao lưu và khôi phục được SQLite và PostgreSQL, không phải %(engine)s.")
            % {"engine": connection.vendor}
        )
    return connection.vendor


def default_folder():
    return os.environ.get("GIAOBAN_BACKUP_DIR", "").strip() or str(
        Path(settings.DATA_DIR) / "backups"
    )


# ------------------------------------------------------------------------------ backup


def create(output_dir, keep=None, now=None):
    """Write one archive into `output_dir`; with `keep`, delete the older archives of that
    folder beyond the newest `keep`. Returns Created."""
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = engine(connection)
    output = Path(output_dir)
    try:
        # Password hashes and personal data: readable by the service user only.
        output.mkdir(parents=True, exist_ok=True, mode=0o700)
        work = Path(tempfile.mkdtemp(prefix=".giaoban-backup-", dir=output))
    except OSError as exc:
        raise BackupError(
            _("Không tạo được thư mục sao lưu %(path)s: %(error)s")
            % {"path": output, "error": exc.strerror or exc}
        ) from exc
    stamp = timezone.localtime(now)
    try:
        member = DB_MEMBERS[vendor]
        database, applied = _dump_database(connection, vendor, work, member)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": stamp.isoformat(timespec="seconds"),
            "giaoban": giaoban.__version__,
            "database": database,
            "migrations": sorted(f"{app}.{name}" for app, name in applied),
        }
        part = work / "archive.tar"
        files = _write_archive(part, work / member, member, manifest)
        path = _publish(part, output, stamp)
    except OSError as exc:
        raise BackupError(
            _("Không ghi được bản sao lưu vào %(path)s: %(error)s")
            % {"path": output, "error": exc.strerror or exc}
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    removed = prune(output, keep) if keep else []
    return Created(path, path.stat().st_size, vendor, files, removed)


def _dump_database(connection, vendor, work, member):
    if vendor == "sqlite":
        raw = work / "database.sqlite3"
        applied = sqlite.snapshot(connection.settings_dict["NAME"], raw)
        sqlite.compress(raw, work / member)
        raw.unlink()
        return {"engine": vendor, "member": member}, applied
    applied = postgres.applied_migrations(connection)
    info = postgres.dump(connection, work / member)
    return {"engine": vendor, "member": member, **info}, applied


def _write_archive(part, database, member, manifest):
    members = {}
    # Password hashes and personal data: readable by the service user only.
    with os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            with open(database, "rb") as stream:
                _add(tar, member, stream, members)
            manifest["uploads"] = _add_uploads(tar, members)
            manifest["members"] = members
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
            tar.addfile(info, io.BytesIO(data))
        raw.flush()
        os.fsync(raw.fileno())
    return manifest["uploads"]["files"]


def _add(tar, name, stream, members):
    status = os.fstat(stream.fileno())
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o600
    reader = _Hashing(stream)
    tar.addfile(info, reader)
    members[name] = {"size": info.size, "sha256": reader.digest.hexdigest()}


def _add_uploads(tar, members):
    root = Path(settings.MEDIA_ROOT)
    count = total = 0
    for folder, dirs, names in os.walk(root):
        # A restore's work folder (see restore) is not an upload.
        dirs[:] = sorted(d for d in dirs if not d.startswith(WORK_PREFIX))
        for filename in sorted(names):
            path = Path(folder, filename)
            name = f"{UPLOADS}/{path.relative_to(root).as_posix()}"
            try:
                stream = open(path, "rb")  # closed by the `with` below
            except FileNotFoundError:  # deleted since the folder was listed
                continue
            with stream:
                if path.is_symlink() or not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                    continue
                _add(tar, name, stream, members)
            count += 1
            total += members[name]["size"]
    return {"files": count, "bytes": total}


def _publish(part, output, stamp):
    """Rename the finished archive into place: it appears whole or not at all."""
    base = f"giaoban-{stamp:%Y%m%d-%H%M%S}"
    number = 1
    target = output / f"{base}.tar"
    while target.exists():  # two backups within one second
        number += 1
        target = output / f"{base}-{number}.tar"
    os.replace(part, target)
    descriptor = os.open(output, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return target


def archives(folder):
    """The archives of `folder` named as `create` names them, newest first."""
    found = []
    for path in Path(folder).iterdir():
        match = ARCHIVE_NAME.match(path.name)
        if match and path.is_file():
            found.append(((match.group(1), int(match.group(2) or 1)), path))
    return [path for _key, path in sorted(found, reverse=True)]


def prune(folder, keep):
    """Delete the archives of `folder` beyond the newest `keep`; other files stay."""
    removed = archives(folder)[keep:]
    for path in removed:
        path.unlink()
    return removed


# ------------------------------------------------------------------------------ restore


def inspect(path):
    """Read and check the archive at `path` without changing anything; returns Found."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Không có tệp %(path)s.") % {"path": path})
    manifest = _read_manifest(path)
    _verify_members(path, manifest)
    vendor = engine(connections[DEFAULT_DB_ALIAS])
    if manifest["database"]["engine"] != vendor:
        raise BackupError(
            _(
                "Bản sao lưu chứa cơ sở dữ liệu %(archive)s, còn giaoban đang cấu hình "
                "%(configured)s (DATABASE_URL): không khôi phục chéo giữa hai loại."
            )
            % {
                "archive": ENGINE_LABELS[manifest["database"]["engine"]],
                "configured": ENGINE_LABELS[vendor],
            }
        )
    return Found(path, manifest, _pending_migrations(manifest))


def _not_an_archive(path, why):
    return BackupError(
        _("%(path)s không phải bản sao lưu của giaoban, hoặc đã hỏng: %(why)s")
        % {"path": path, "why": why}
    )


def _read_manifest(path):
    try:
        with tarfile.open(path, "r:") as tar:
            try:
                member = tar.getmember(MANIFEST)
            except KeyError:
                raise _not_an_archive(path, _("không có manifest.json.")) from None
            data = tar.extractfile(member).read(MAX_MANIFEST)
        manifest = json.loads(data)
    except (tarfile.TarError, OSError, AttributeError) as exc:
        raise _not_an_archive(path, str(exc)) from exc
    except ValueError as exc:
        raise _not_an_archive(path, _("manifest.json không đọc được.")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_an_archive(path, _("manifest.json không phải của giaoban."))
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "Bản sao lưu theo định dạng phiên bản %(found)s; phiên bản giaoban này chỉ "
                "đọc định dạng %(known)s."
            )
            % {"found": manifest.get("version"), "known": FORMAT_VERSION}
        )
    _check_manifest(path, manifest)
    return manifest


def _check_manifest(path, manifest):
    database = manifest.get("database")
    members = manifest.get("members")
    ok = (
        isinstance(database, dict)
        and database.get("engine") in DB_MEMBERS
        and database.get("member") == DB_MEMBERS[database["engine"]]
        and isinstance(members, dict)
        and database["member"] in members
        and all(
            isinstance(m, dict)
            and isinstance(m.get("size"), int)
            and isinstance(m.get("sha256"), str)
            for m in members.values()
        )
        and isinstance(manifest.get("migrations"), list)
        and all(isinstance(m, str) and "." in m for m in manifest["migrations"])
        and isinstance(manifest.get("uploads"), dict)
    )
    if not ok:
        raise _not_an_archive(path, _("manifest.json thiếu hoặc sai thông tin."))
    for name in members:
        _check_name(name, database["member"])


def _check_name(name, database_member):
    if name == database_member:
        return
    pure = PurePosixPath(name)
    if (
        pure.as_posix() == name
        and not pure.is_absolute()
        and len(pure.parts) >= 2
        and pure.parts[0] == UPLOADS
        and ".." not in pure.parts
        and "\\" not in name
    ):
        return
    raise BackupError(
        _("Bản sao lưu có thành phần mang tên không hợp lệ: %(name)s. Không khôi phục gì.")
        % {"name": name}
    )


def _verify_members(path, manifest):
    expected = manifest["members"]
    seen = set()
    try:
        with tarfile.open(path, "r:") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                _check_member(member, expected, seen, manifest)
                size, digest = _Hashing(tar.extractfile(member)).drain()
                _check_sum(member.name, size, digest, expected)
                seen.add(member.name)
    except (tarfile.TarError, OSError) as exc:
        raise _not_an_archive(path, str(exc)) from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(
            _(
                "Bản sao lưu thiếu %(n)s thành phần mà manifest.json ghi (%(names)s): tệp bị "
                "cắt cụt hoặc bị sửa. Không khôi phục gì."
            )
            % {"n": len(missing), "names": ", ".join(missing[:5])}
        )


def _check_member(member, expected, seen, manifest):
    _check_name(member.name, manifest["database"]["member"])
    if member.name not in expected or member.name in seen or not member.isfile():
        raise BackupError(
            _(
                "Bản sao lưu có thành phần %(name)s không đúng như manifest.json ghi: tệp đã "
                "bị sửa. Không khôi phục gì."
            )
            % {"name": member.name}
        )


def _check_sum(name, size, digest, expected):
    if size != expected[name]["size"] or digest != expected[name]["sha256"]:
        raise BackupError(
            _(
                "Thành phần %(name)s của bản sao lưu không khớp mã kiểm tra SHA-256: tệp bị "
                "hỏng hoặc bị sửa. Không khôi phục gì."
            )
            % {"name": name}
        )


def _pending_migrations(manifest):
    """Migrations of the code not applied in the archive; refuses an archive holding one
    the code does not know (made by a newer giaoban: its tables would not match)."""
    applied = {tuple(item.split(".", 1)) for item in manifest["migrations"]}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(tuple(r) for r in migration.replaces or ())
    unknown = sorted(f"{app}.{name}" for app, name in applied - known)
    if unknown:
        raise BackupError(
            _(
                "Bản sao lưu được tạo bởi phiên bản giaoban mới hơn mã đang cài: nó có "
                "%(n)s migration mà mã này không có (%(names)s). Cài phiên bản giaoban mới "
                "hơn rồi khôi phục. Không khôi phục gì."
            )
            % {"n": len(unknown), "names": ", ".join(unknown[:5])}
        )
    return sorted(
        f"{app}.{name}"
        for (app, name), migration in loader.disk_migrations.items()
        if (app, name) not in applied
        and not (migration.replaces and all(tuple(r) in applied for r in migration.replaces))
    )


def restore(found):
    """Replace the database and the uploads by those of the checked archive `found`.
    Returns notes for the operator."""
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = engine(connection)
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    if vendor == "sqlite":
        db_folder = Path(connection.settings_dict["NAME"]).resolve().parent
    else:
        db_folder = Path(settings.DATA_DIR)
    # Beside the live database (a rename stays on its file system), and inside uploads/
    # (which may be a mount point of its own).
    db_work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=db_folder))
    up_work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=media))
    try:
        note = _restore_database(found, connection, vendor, db_work, up_work)
        try:
            _swap_uploads(media, up_work)
        except OSError as exc:
            raise BackupError(
                _(
                    "Cơ sở dữ liệu đã được khôi phục, nhưng thư mục tệp tải lên %(path)s thì "
                    "chưa (%(error)s): sửa lỗi rồi chạy lại lệnh khôi phục."
                )
                % {"path": media, "error": exc.strerror or exc}
            ) from exc
    finally:
        shutil.rmtree(db_work, ignore_errors=True)
        shutil.rmtree(up_work, ignore_errors=True)
    notes = [note] if note else []
    if found.pending:
        notes.append(
            _(
                "Bản sao lưu cũ hơn mã đang cài (%(n)s migration chưa áp dụng): chạy "
                "`giaoban migrate` trước khi mở lại máy chủ."
            )
            % {"n": len(found.pending)}
        )
    return notes


def _restore_database(found, connection, vendor, db_work, up_work):
    try:
        database = db_work / ("database.sqlite3" if vendor == "sqlite" else "database.pgdump")
        _extract(found, database, up_work / "new")
        if vendor == "sqlite":
            connection.close()
            return sqlite.restore(connection.settings_dict["NAME"], database)
        postgres.restore(connection, database, found.manifest["database"].get("pg_dump_major"))
        return ""
    except OSError as exc:
        raise BackupError(
            _("Không khôi phục được: %(error)s. Chưa có gì bị thay đổi.")
            % {"error": exc.strerror or exc}
        ) from exc


def _extract(found, database, uploads):
    """Write the archive's database to `database` and its uploads under `uploads`, checking
    every member's checksum again (the file might have changed since `inspect`)."""
    expected = found.manifest["members"]
    member_name = found.manifest["database"]["member"]
    uploads.mkdir()
    with tarfile.open(found.path, "r:") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            _check_name(member.name, member_name)
            reader = _Hashing(tar.extractfile(member))
            if member.name == member_name and found.engine == "sqlite":
                sqlite.decompress(reader, database)
            else:
                target = (
                    database
                    if member.name == member_name
                    else uploads.joinpath(*PurePosixPath(member.name).parts[1:])
                )
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as out:
                    shutil.copyfileobj(reader, out, CHUNK)
                    out.flush()
                    os.fsync(out.fileno())
                os.utime(target, (member.mtime, member.mtime))
            size, digest = reader.drain()
            _check_sum(member.name, size, digest, expected)


def _swap_uploads(media, work):
    """Put the extracted uploads (work/new) in place of those of `media`, moving these to
    work/old (deleted with it): renames within one file system, undone if one fails."""
    new, old = work / "new", work / "old"
    old.mkdir()
    moved_out, moved_in = [], []
    try:
        for entry in sorted(media.iterdir()):
            if not entry.name.startswith(WORK_PREFIX):
                os.replace(entry, old / entry.name)
                moved_out.append(entry.name)
        for entry in sorted(new.iterdir()):
            os.replace(entry, media / entry.name)
            moved_in.append(entry.name)
    except OSError:
        for name in moved_in:
            os.replace(media / name, new / name)
        for name in moved_out:
            os.replace(old / name, media / name)
        raise
