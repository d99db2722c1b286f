"""PostgreSQL through pg_dump and pg_restore, run as the configured database user.

pg_dump must be of the server's major version or newer (an older one refuses to dump), and
pg_restore of the dump's version or newer. On Debian each installed version has its own
`/usr/lib/postgresql/<major>/bin/`; `GIAOBAN_PG_BIN` names the folder to use instead.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from giaoban.shell.backups.errors import BackupError

PG_LIB = Path("/usr/lib/postgresql")
VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.\d+)?")
CHUNK = 1024 * 1024
# pg_dump waits this long for its share locks (a migration holding a table), then gives up.
LOCK_WAIT_MS = 120_000

# Run before the restored script, in its transaction: everything of giaoban's schema goes
# (tables with their indexes, triggers and sequences, then views, sequences and functions
# left), except what belongs to an extension. Dropping only what the dump holds would leave
# behind a table made by a migration newer than the backup, and `migrate` would then fail on
# it. A wait for a lock (a server still running) ends in an error, not in a hang.
PRELUDE = b"""BEGIN;
SET LOCAL lock_timeout = '60s';
DO $giaoban$
DECLARE
  item record;
BEGIN
  FOR item IN
    SELECT c.oid::regclass::text AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                          ELSE 'TABLE' END AS kind
      FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                          AND d.deptype = 'e')
     ORDER BY c.relkind IN ('r', 'p') DESC
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
  END LOOP;
  FOR item IN
    SELECT p.oid::regprocedure::text AS name,
           CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                          ELSE 'FUNCTION' END AS kind
      FROM pg_proc p
     WHERE p.pronamespace = current_schema()::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_depend d
                        WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                          AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', item.kind, item.name);
  END LOOP;
END
$giaoban$;
"""


def server_major(connection):
    connection.ensure_connection()
    return connection.pg_version // 10000


def server_version(connection):
    connection.ensure_connection()
    number = connection.pg_version
    return f"{number // 10000}.{number % 10000}"


def applied_migrations(connection):
    return set(MigrationRecorder(connection).applied_migrations())


def tool_version(path):
    """(major, the line it prints) of a PostgreSQL program, or None if it does not run."""
    try:
        result = subprocess.run(  # noqa: S603 — a program found by find_tool, no shell
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = VERSION.search(result.stdout)
    return (int(found.group(1)), result.stdout.strip()) if found else None


def _folder_major(path):
    try:
        return int(path.parent.parent.name)
    except ValueError:
        return 0


def _candidates(name, major):
    explicit = os.environ.get("GIAOBAN_PG_BIN", "").strip()
    if explicit:
        return [Path(explicit) / name]
    out = [PG_LIB / str(major) / "bin" / name]
    on_path = shutil.which(name)
    if on_path:
        out.append(Path(on_path))
    out.extend(sorted(PG_LIB.glob(f"*/bin/{name}"), key=_folder_major, reverse=True))
    return list(dict.fromkeys(out))


def find_tool(name, major):
    """(path, version line) of `name` (pg_dump, pg_restore, psql) of version `major` or
    newer: the server's own version's first, then the one on PATH, then the newest."""
    too_old = []
    for path in _candidates(name, major):
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        version = tool_version(path)
        if version is None:
            continue
        if version[0] >= major:
            return path, version[1]
        too_old.append(f"{path} ({version[1]})")
    message = _(
        "Không tìm thấy %(tool)s phiên bản %(major)s trở lên (máy chủ PostgreSQL %(major)s "
        "cần nó). Cài gói postgresql-client-%(major)s, hoặc đặt GIAOBAN_PG_BIN là thư mục "
        "chứa %(tool)s."
    ) % {"tool": name, "major": major}
    if too_old:
        message += " " + _("Đã thấy nhưng quá cũ: %(found)s.") % {"found": ", ".join(too_old)}
    raise BackupError(message)


def client_env(settings_dict):
    """The environment that points libpq's programs at the configured database: host,
    port, user and name as variables, and password, SSL and service as Django's own
    `dbshell` passes them (never on the command line, where `ps` would show them)."""
    _args, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env


def dump(connection, target):
    """pg_dump in its custom format (compressed, read back by pg_restore) into `target`:
    one consistent snapshot of the database, taken while the server goes on writing."""
    major = server_major(connection)
    tool, version = find_tool("pg_dump", major)
    result = subprocess.run(  # noqa: S603 — no shell; the password is in the environment
        [
            str(tool),
            "--format=custom",
            "--no-password",
            f"--lock-wait-timeout={LOCK_WAIT_MS}",
            f"--file={target}",
        ],
        env=client_env(connection.settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            _("pg_dump không sao lưu được cơ sở dữ liệu (mã lỗi %(code)s): %(error)s")
            % {"code": result.returncode, "error": result.stderr.strip()[-2000:]}
        )
    return {
        "server_version": server_version(connection),
        "pg_dump": version,
        "pg_dump_major": int(VERSION.search(version).group(1)),
    }


def restore(connection, dump_path, dump_major):
    """Replace the configured database's content with the dump, in one transaction.

    pg_restore writes the dump as SQL, psql runs it after PRELUDE inside BEGIN … COMMIT.
    The COMMIT is sent only when pg_restore has read the whole dump without error, and
    psql stops at the first error: either the database is the dump's, or it is unchanged.
    """
    major = max(server_major(connection), dump_major or 0)
    pg_restore, _version = find_tool("pg_restore", major)
    psql, _version = find_tool("psql", major)
    env = client_env(connection.settings_dict)
    connection.close()
    with tempfile.TemporaryFile() as reader_err, tempfile.TemporaryFile() as writer_err:
        reader = subprocess.Popen(  # noqa: S603 — no shell
            [str(pg_restore), "--no-owner", "--no-privileges", "--file=-", str(dump_path)],
            stdout=subprocess.PIPE,
            stderr=reader_err,
            env=env,
        )
        writer = subprocess.Popen(  # noqa: S603 — no shell
            [str(psql), "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=writer_err,
            env=env,
        )
        reader_code, writer_code = _pipe(reader, writer)
        if reader_code != 0:
            raise BackupError(
                _(
                    "pg_restore không đọc được bản sao lưu (mã lỗi %(code)s): %(error)s. "
                    "Cơ sở dữ liệu không bị thay đổi."
                )
                % {"code": reader_code, "error": _tail(reader_err)}
            )
        if writer_code != 0:
            raise BackupError(
                _(
                    "Không khôi phục được cơ sở dữ liệu (psql, mã lỗi %(code)s): %(error)s. "
                    "Cơ sở dữ liệu không bị thay đổi; nếu nó đang bận, dừng máy chủ và "
                    "`giaoban jobs` rồi chạy lại."
                )
                % {"code": writer_code, "error": _tail(writer_err)}
            )


def _pipe(reader, writer):
    """Stream pg_restore's SQL into psql between PRELUDE and COMMIT (or ROLLBACK)."""
    broken = False
    try:
        writer.stdin.write(PRELUDE)
        shutil.copyfileobj(reader.stdout, writer.stdin, CHUNK)
    except BrokenPipeError:  # psql stopped at an error: its transaction is gone
        broken = True
        reader.kill()
    reader.stdout.close()
    reader_code = reader.wait()
    try:
        if not broken:
            writer.stdin.write(b"COMMIT;\n" if reader_code == 0 else b"ROLLBACK;\n")
        writer.stdin.close()
    except BrokenPipeError:
        pass
    writer_code = writer.wait()
    return (reader_code if not broken else 0), writer_code


def _tail(stream):
    stream.seek(0)
    return stream.read().decode("utf-8", "replace").strip()[-2000:]
