"""A data directory that refuses writes, for real where the kernel lets us: a tmpfs of a few
KiB filled up (ENOSPC), or a folder bind-mounted read-only (EROFS — root included, which
file permissions would not stop). Mounting needs root with CAP_SYS_ADMIN; without it the
same errors are raised in-process by the storage (Django's FileSystemStorage._save), which
for a full disk first writes the beginning of the file, as a real one does."""

import errno
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import FileSystemStorage

FULL, READ_ONLY = "full", "read-only"


def _mount(*args):
    mount = shutil.which("mount")
    if os.geteuid() != 0 or mount is None:
        return False
    return subprocess.run([mount, *args], capture_output=True).returncode == 0


def _umount(path):
    subprocess.run(
        [shutil.which("umount") or "/usr/bin/umount", "-l", str(path)], capture_output=True
    )


@contextmanager
def tmpfs(path, size):
    """A tmpfs of `size` bytes at `path`, or None where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    if not _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)):
        yield None
        return
    try:
        yield path
    finally:
        _umount(path)


def fill(root, leave=0):
    """Write a filler file until the disk holds only `leave` more bytes (about: tmpfs counts
    whole pages)."""
    fd = os.open(root / ".day-o-dia", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC, error
    finally:
        os.close(fd)
    if leave:
        with open(root / ".day-o-dia", "r+b") as filler:
            filler.truncate(max(0, os.path.getsize(root / ".day-o-dia") - leave))


@contextmanager
def read_only(path):
    """`path` bind-mounted onto itself read-only, or None where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    if not _mount("--bind", str(path), str(path)):
        yield None
        return
    try:
        if not _mount("-o", "remount,ro,bind", str(path)):
            yield None
            return
        yield path
    finally:
        _umount(path)


def simulated_save(kind):
    """FileSystemStorage._save failing as a full or read-only disk does."""

    def _save(self, name, content):
        path = Path(self.path(name))
        if kind == READ_ONLY:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path.parent))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(next(iter(content.chunks()))[:10])  # its beginning, then no room
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    return _save


@contextmanager
def refusing(root, kind, monkeypatch):
    """A folder under `root` for MEDIA_ROOT that refuses writes as `kind` says; yields
    (folder, "real" or "simulated")."""
    media = root / "uploads"
    if kind == FULL:
        with tmpfs(media, 64 * 1024) as mounted:
            if mounted is not None:
                fill(mounted)
                yield mounted, "real"
                return
    else:
        media.mkdir(parents=True, exist_ok=True)
        (media / "co-san.txt").write_text("đã có trước\n", encoding="utf-8")
        with read_only(media) as mounted:
            if mounted is not None:
                yield mounted, "real"
                return
    monkeypatch.setattr(FileSystemStorage, "_save", simulated_save(kind))
    yield media, "simulated"
