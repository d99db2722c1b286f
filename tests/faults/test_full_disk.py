"""Issue 11, point 4: an upload to a full or read-only data directory gets a clear message
and writes nothing — no row, no audit entry, no part of a file.

Every path that stores an uploaded file goes through `core.uploads.store` (a document's
files, a recipient's plan and results, a conference's papers and its consolidated report,
a task's progress, a campaign's results, an activity's evidence); each is posted here as
the permission walk makes it succeed (tests/test_walk_writes.py), onto a data directory
that refuses the file (tests/faults/disks.py: a real full tmpfs and a real read-only bind
mount where the machine allows mounting, the same errors raised in-process otherwise)."""

import errno
import hashlib

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from giaoban.core import uploads
from tests import dbstate, walk_conferences, walk_records
from tests.faults.disks import FULL, READ_ONLY, fill, refusing, simulated_save, tmpfs
from tests.test_permission_walk import shared_layers  # noqa: F401 — orders the tests
from tests.test_walk_writes import WRITES as WALK
from tests.test_walk_writes import (  # noqa: F401 — the walk's fixtures
    shared_world,
    world,
    world_copy,
)

PDF = b"%PDF-1.4\n% minh chung\n" + b"0" * 40_000 + b"\n%%EOF\n"
SAID = {
    FULL: "Không lưu được tệp: ổ đĩa dữ liệu của máy chủ đã đầy.",
    READ_ONLY: "Không lưu được tệp: ổ đĩa dữ liệu của máy chủ đang ở chế độ chỉ đọc.",
}
NOTHING = "Không có gì được ghi; đồng chí hãy báo cho quản trị viên."


def pdf(name="minh-chung.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def case_activity_create(w):
    actor, url, data = walk_records.case_activity_create(w)
    return actor, url, {**data, "files": [pdf(), pdf("danh-sach.pdf")]}


def case_activity_edit(w):
    actor, url, data = walk_records.case_activity_edit(w)
    return actor, url, {**data, "files": pdf()}


def case_task_progress(w):
    actor, url, data = walk_conferences.case_task_progress(w)
    return actor, url, {**data, "files": pdf("ket-qua.pdf")}


# The walk's cases that store a file, and those that may: given one.
WRITES = {
    name: WALK[name]
    for name in (
        "campaigns:results",
        "conferences:consolidation_issue",
        "conferences:paper_upload",
        "documents:attach",
        "documents:plan_upload",
        "documents:results",
    )
} | {
    "activities:create": case_activity_create,
    "activities:edit": case_activity_edit,
    "conferences:task_progress": case_task_progress,
}


def files_under(root):
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("disk", [FULL, READ_ONLY])
@pytest.mark.parametrize("name", sorted(WRITES))
def test_an_upload_the_disk_refuses_is_answered_and_writes_nothing(
    name,
    disk,
    world,  # noqa: F811 — the walk's fixture
    settings,
    tmp_path,
    monkeypatch,
):
    actor, url, data = WRITES[name](world)
    client = Client()
    client.force_login(actor)
    with refusing(tmp_path, disk, monkeypatch) as (media, _how):
        settings.MEDIA_ROOT = str(media)
        files, rows = files_under(media), dbstate.fingerprint()
        response = client.post(url, data)
        assert response.status_code == 507, (name, response.status_code)
        html = response.content.decode()
        assert SAID[disk] in html and NOTHING in html, html
        assert '<html lang="vi">' in html and "Traceback" not in html
        assert dbstate.changed(rows, dbstate.fingerprint()) == [], name
        assert files_under(media) == files


@pytest.mark.parametrize("disk", [FULL, READ_ONLY])
def test_store_leaves_no_part_of_a_file_the_disk_could_not_take(
    disk, settings, tmp_path, monkeypatch
):
    upload = pdf()
    checked = uploads.check(upload)
    with refusing(tmp_path, disk, monkeypatch) as (media, _how):
        settings.MEDIA_ROOT = str(media)
        before = files_under(media)
        with pytest.raises(uploads.StorageError) as caught:
            uploads.store(upload, checked, "activities")
        assert str(caught.value) == f"{SAID[disk]} {NOTHING}"
        assert caught.value.errno == (errno.ENOSPC if disk == FULL else errno.EROFS)
        assert files_under(media) == before


def test_a_file_cut_short_by_a_real_full_disk_is_removed(settings, tmp_path):
    """Some KiB free and a 40 KB file: the kernel takes its beginning, then refuses."""
    with tmpfs(tmp_path / "uploads", 64 * 1024) as media:
        if media is None:
            pytest.skip("mounting a tmpfs needs root with CAP_SYS_ADMIN (simulated above)")
        fill(media, leave=8 * 1024)
        settings.MEDIA_ROOT = str(media)
        upload = pdf()
        name = None
        with pytest.raises(uploads.StorageError, match="đã đầy"):
            name = uploads.store(upload, uploads.check(upload), "activities")
        assert name is None
        assert list(files_under(media)) == [".day-o-dia"]
        (media / ".day-o-dia").unlink()  # room again: the same upload goes through
        name = uploads.store(upload, uploads.check(upload), "activities")
        assert (media / name).read_bytes() == PDF


def test_a_file_that_does_not_fit_takes_the_files_stored_before_it_back(
    world,  # noqa: F811 — the walk's fixture
    settings,
    tmp_path,
    monkeypatch,
):
    """Two files: the first, small, is stored; the disk is full in the middle of the second.
    The activity is not recorded and the first file goes too."""
    actor, url, data = walk_records.case_activity_create(world)
    small = SimpleUploadedFile("nho.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    data = {**data, "files": [small, pdf()]}
    client = Client()
    client.force_login(actor)
    with tmpfs(tmp_path / "uploads", 64 * 1024) as media:
        if media is None:
            media = tmp_path / "uploads"
            monkeypatch.setattr(FileSystemStorage, "_save", full_at_second_file())
        else:
            fill(media, leave=12 * 1024)
        settings.MEDIA_ROOT = str(media)
        files, rows = files_under(media), dbstate.fingerprint()
        stored, real_store = [], uploads.store

        def store(*args):
            stored.append(real_store(*args))
            return stored[-1]

        monkeypatch.setattr(uploads, "store", store)
        response = client.post(url, data)
        assert response.status_code == 507
        assert SAID[FULL] in response.content.decode()
        assert len(stored) == 1  # the first file was on the disk…
        assert files_under(media) == files  # …and is not any more
        assert dbstate.changed(rows, dbstate.fingerprint()) == []


def full_at_second_file():
    real, calls = FileSystemStorage._save, []

    def _save(self, name, content):
        calls.append(name)
        if len(calls) == 1:
            return real(self, name, content)
        return simulated_save(FULL)(self, name, content)

    return _save
