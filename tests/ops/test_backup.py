"""`giaoban backup` and `giaoban restore`, run as an operator runs them, on the test run's
engine (SQLite, or PostgreSQL as a non-superuser database owner): a restore brings back
exactly what was backed up — every table's rows, the schema, the sequences and every
uploaded file — and refuses, touching nothing, what it cannot restore faithfully."""

import gzip
import io
import json
import os
import random
import sqlite3
import stat
import tarfile
import threading
import time

import pytest

from giaoban.shell.backups import BackupError, archives, postgres

from .support import Postgres, Site, new_site, vendor

ENGINE = vendor()
MEMBER = "database.sqlite3.gz" if ENGINE == "sqlite" else "database.pgdump"


@pytest.fixture(scope="module")
def pg():
    if ENGINE != "postgresql":
        yield None
        return
    server = Postgres(os.environ["DATABASE_URL"])
    yield server
    server.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory, pg):
    """A site filled once (migrate, the cast's units, every app's demo, uploads); each test
    gets a copy of it."""
    data = tmp_path_factory.mktemp("template") / "data"
    data.mkdir()
    site = Site(data)
    if pg is not None:
        name = pg.create("template")
        site = Site(data, pg.url(name), pg, name)
    site.scenario("fill")
    return site


@pytest.fixture
def site(tmp_path, template, pg):
    return new_site(tmp_path, template.data, pg, template.name)


def backup(site, *args):
    folder = site.data.parent / "backups"
    done = site.giaoban("backup", "--output", folder, *args)
    return folder, done.stdout


def only_archive(folder):
    found = sorted(p for p in folder.iterdir() if p.suffix == ".tar")
    assert len(found) == 1, found
    return found[0]


def read_manifest(archive):
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def test_a_restore_brings_back_exactly_what_was_backed_up(site):
    before = site.state()
    assert before["uploads"] and before["tables"]["activities_activityfile"][0] == 2
    folder, _out = backup(site)
    archive = only_archive(folder)

    site.scenario("mutate")
    changed = site.state()
    assert changed["schema"] != before["schema"]  # the table added after the backup
    for table in ("units_unit", "accounts_user", "accounts_roleassignment", "audit_auditentry"):
        assert changed["tables"][table] != before["tables"][table], table
    assert changed["uploads"] != before["uploads"]

    done = site.giaoban("restore", archive, "--yes")
    assert "Đã khôi phục" in done.stdout
    assert site.state() == before
    # Writing goes on where the backup stood: no key taken twice (PostgreSQL's sequences
    # came back with the rows), the audit trail appends.
    site.scenario("mutate")


def test_the_drill_restores_onto_a_new_machine(site, tmp_path, pg):
    """docs/operations.md's drill: a new data directory and an empty database (SQLite: no
    file at all), `giaoban restore`, and the site is the one backed up."""
    folder, _out = backup(site)
    fresh = Site(tmp_path / "new-machine")
    if pg is not None:
        name = pg.create("drill")
        fresh = Site(fresh.data, pg.url(name), pg, name)
    fresh.giaoban("restore", only_archive(folder), "--yes")
    assert fresh.state() == site.state()
    assert fresh.giaoban("migrate", "--check", check=False).returncode == 0


def test_a_backup_is_one_archive_with_its_manifest(site):
    folder, out = backup(site)
    archive = only_archive(folder)
    assert "Đã sao lưu vào" in out and archive.name in out
    assert archive.name.startswith("giaoban-") and len(archive.stem) == len(
        "giaoban-20260101-020000"
    )
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # password hashes, personal data
    assert sorted(p.name for p in folder.iterdir()) == [archive.name]  # no temporary left

    manifest = read_manifest(archive)
    assert manifest["format"] == "giaoban-backup" and manifest["database"]["engine"] == ENGINE
    state = site.state()
    assert manifest["uploads"]["files"] == len(state["uploads"]) >= 3
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert names[0] == MEMBER and names[-1] == "manifest.json"
        assert set(names[:-1]) == set(manifest["members"])
        for name in names[1:-1]:
            data = tar.extractfile(name).read()
            path = name.removeprefix("uploads/")
            assert manifest["members"][name]["size"] == len(data)
            assert state["uploads"][path] == manifest["members"][name]["sha256"]
    applied = set(manifest["migrations"])
    assert {"reports.0001_initial", "conferences.0001_initial"} <= applied
    assert len(applied) == state["tables"]["django_migrations"][0]


def test_keep_deletes_the_older_archives_of_the_folder_only(site):
    folder = site.data.parent / "backups"
    folder.mkdir()
    older = [folder / "giaoban-20200101-020000.tar", folder / "giaoban-20210101-020000-2.tar"]
    kept = folder / "giaoban-20210101-020000-3.tar"  # the later of two within one second
    others = [folder / "ghi-chu.txt", folder / "giaoban-ban-tay.tar"]
    for path in [*older, kept, *others]:
        path.write_bytes(b"an older archive")

    _folder, out = backup(site, "--keep", "2")

    left = {p.name for p in folder.iterdir()}
    fresh = left - {p.name for p in [*older, kept, *others]}
    assert len(fresh) == 1  # the archive just written
    assert left == {*fresh, kept.name, *(p.name for p in others)}
    for path in older:
        assert f"Đã xóa bản sao lưu cũ {path.name}." in out


def restore_refused(site, archive, *words, stdin=None, yes=True):
    before = site.state()
    args = ["restore", archive, "--yes"] if yes else ["restore", archive]
    done = site.giaoban(*args, check=False, stdin=stdin)
    assert done.returncode == 1
    for word in words:
        assert word in done.stderr, done.stderr
    assert site.state() == before  # nothing touched
    return done


def rewrite(archive, target, edit=None, damage=None):
    """A copy of `archive` with its manifest edited, or one member's bytes damaged."""
    with tarfile.open(archive) as src, tarfile.open(target, "w") as out:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == "manifest.json" and edit:
                manifest = json.loads(data)
                edit(manifest)
                data = json.dumps(manifest).encode()
            elif damage and member.name.startswith(damage):
                data = data[:-1] + bytes([data[-1] ^ 1])
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


@pytest.fixture(scope="module")
def mutated(tmp_path_factory, template, pg):
    """A site backed up, then changed: what a refused restore must leave as it is (shared
    by the tests of refusals, each of which checks that nothing changed)."""
    site = new_site(tmp_path_factory.mktemp("mutated"), template.data, pg, template.name)
    folder, _out = backup(site)
    site.scenario("mutate")
    return site, only_archive(folder)


def test_restore_refuses_a_damaged_archive(mutated, tmp_path):
    site, archive = mutated
    damaged = rewrite(archive, tmp_path / "hong.tar", damage="uploads/activities")
    restore_refused(site, damaged, "không khớp mã kiểm tra SHA-256", "Không khôi phục gì")
    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    restore_refused(site, cut, "không phải bản sao lưu của giaoban, hoặc đã hỏng")

    def unlisted(manifest):
        manifest["members"].pop(next(n for n in manifest["members"] if n.startswith("uploads/")))

    added = rewrite(archive, tmp_path / "them.tar", edit=unlisted)
    restore_refused(site, added, "không đúng như manifest.json ghi")


def test_restore_refuses_an_archive_of_a_newer_giaoban(mutated, tmp_path):
    site, archive = mutated

    def newer(manifest):
        manifest["migrations"].append("reports.9999_ky_bao_cao_moi")

    done = restore_refused(site, rewrite(archive, tmp_path / "moi.tar", edit=newer), "mới hơn")
    assert "reports.9999_ky_bao_cao_moi" in done.stderr


def test_restore_refuses_an_archive_of_the_other_engine(mutated, tmp_path):
    site, archive = mutated
    other = "postgresql" if ENGINE == "sqlite" else "sqlite"
    new = "database.pgdump" if other == "postgresql" else "database.sqlite3.gz"
    with tarfile.open(archive) as src, tarfile.open(tmp_path / "khac.tar", "w") as out:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["members"][new] = manifest["members"].pop(MEMBER)
                manifest["database"] = {"engine": other, "member": new}
                data = json.dumps(manifest).encode()
            elif member.name == MEMBER:
                member.name = new
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    restore_refused(site, tmp_path / "khac.tar", "không khôi phục chéo")


def test_restore_asks_first_and_a_no_changes_nothing(mutated):
    site, archive = mutated
    done = restore_refused(site, archive, "Đã hủy: không khôi phục gì.", stdin="khong\n", yes=False)
    assert "THAY THẾ toàn bộ" in done.stdout
    restore_refused(site, archive, "Đã hủy", stdin="", yes=False)  # no terminal, no --yes


def test_a_missing_pg_dump_is_named_with_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(postgres, "PG_LIB", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GIAOBAN_PG_BIN", raising=False)
    with pytest.raises(BackupError) as caught:
        postgres.find_tool("pg_dump", 15)
    assert "Không tìm thấy pg_dump phiên bản 15 trở lên" in str(caught.value)
    assert "postgresql-client-15" in str(caught.value)
    assert "GIAOBAN_PG_BIN" in str(caught.value)


def test_a_pg_dump_older_than_the_server_is_refused(tmp_path, monkeypatch):
    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.9'\n")
    old.chmod(0o755)
    monkeypatch.setenv("GIAOBAN_PG_BIN", str(tmp_path))
    with pytest.raises(BackupError, match=r"quá cũ: .*pg_dump \(PostgreSQL\) 13\.9"):
        postgres.find_tool("pg_dump", 15)
    assert postgres.find_tool("pg_dump", 13)[0] == old


# ------------------------------------------------------------- SQLite under a writer


def sqlite_of(archive, target):
    with tarfile.open(archive) as tar, gzip.open(tar.extractfile(MEMBER)) as packed:
        target.write_bytes(packed.read())
    return sqlite3.connect(target)


@pytest.mark.skipif(ENGINE != "sqlite", reason="the online backup API is SQLite's")
def test_a_backup_taken_while_another_thread_writes_is_consistent(site, tmp_path):
    """Each transaction of the writer moves an amount between two accounts and journals
    it; a consistent copy holds each transaction whole: the balances add up, and each
    account's balance is what its journal lines say."""
    db = site.sqlite_path
    setup = sqlite3.connect(db, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE so_du (id integer PRIMARY KEY, so_tien integer NOT NULL)")
    setup.execute("CREATE TABLE nhat_ky (tu integer, den integer, so_tien integer)")
    setup.executemany("INSERT INTO so_du VALUES (?, 1000)", [(i,) for i in range(10)])
    setup.close()
    committed, stop = [0], threading.Event()

    def writer():
        conn = sqlite3.connect(db, timeout=30, isolation_level=None)
        while not stop.is_set():
            src, dst = random.sample(range(10), 2)
            amount = random.randint(1, 50)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE so_du SET so_tien = so_tien - ? WHERE id = ?", (amount, src))
            conn.execute("INSERT INTO nhat_ky VALUES (?, ?, ?)", (src, dst, amount))
            conn.execute("UPDATE so_du SET so_tien = so_tien + ? WHERE id = ?", (amount, dst))
            conn.execute("COMMIT")
            committed[0] += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    folder, during = site.data.parent / "backups", []
    try:
        while committed[0] < 20:
            time.sleep(0.01)
        for _ in range(2):
            start = committed[0]
            site.giaoban("backup", "--output", folder)
            during.append(committed[0] - start)
    finally:
        stop.set()
        thread.join()

    assert all(n > 0 for n in during), during  # the writer went on during every backup
    journaled = []
    for i, archive in enumerate(reversed(archives(folder))):  # oldest first
        conn = sqlite_of(archive, tmp_path / f"copy{i}.sqlite3")
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        balances = dict(conn.execute("SELECT id, so_tien FROM so_du"))
        assert sum(balances.values()) == 10_000
        for account in balances:
            (moved,) = conn.execute(
                "SELECT coalesce(sum(CASE WHEN den = ? THEN so_tien ELSE -so_tien END), 0) "
                "FROM nhat_ky WHERE ? IN (tu, den)",
                (account, account),
            ).fetchone()
            assert balances[account] == 1000 + moved
        journaled.append(conn.execute("SELECT count(*) FROM nhat_ky").fetchone()[0])
        conn.close()
    assert len(journaled) == 2 and journaled[0] < journaled[1] and journaled[0] >= 20
