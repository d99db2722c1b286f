"""Uploaded files (tệp đính kèm): what is accepted, where it is kept, how it is served.

Every app that takes files (a document's text and annexes, a unit's implementation plan,
the evidence of an activity) goes through here:

- `check(upload)` refuses, in Vietnamese and naming the file, a type that is not
  accepted, a file over the size limit, an empty file, and content that is not what its
  extension says (a `.pdf` that is not a PDF, a renamed executable): the first bytes are
  read and compared with the format's signature;
- `store(upload, folder)` writes it under MEDIA_ROOT (the data directory's `uploads/`,
  never the static root), under a random name: the user's file name is kept only as
  data, so it can never choose a path;
- `download(stored_name, file_name)` answers with the file as an attachment, with
  `X-Content-Type-Options: nosniff`, for a view that has already checked the scope.

A data directory that cannot take the file (full, read-only, not writable) is the
operator's fault, not the user's: `store` removes whatever part of the file it wrote and
raises `StorageError` (a Vietnamese message saying so); the caller's transaction rolls back
as for any exception, and the shell answers with that message (shell/middleware.py).
"""

import errno
import hashlib
import logging
import mimetypes
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024  # 20 MB a file

FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
READ_ONLY = frozenset({errno.EROFS})
NOT_WRITABLE = frozenset({errno.EACCES, errno.EPERM})

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # .doc, .xls of Office 97–2003
# extension → (signatures its first bytes must start with, content type sent back)
ACCEPTED = {
    "pdf": ((b"%PDF-",), "application/pdf"),
    "docx": (
        _ZIP,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (_ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        _ZIP,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": (_ZIP, "application/vnd.oasis.opendocument.text"),
    "ods": (_ZIP, "application/vnd.oasis.opendocument.spreadsheet"),
    "doc": (_OLE, "application/msword"),
    "xls": (_OLE, "application/vnd.ms-excel"),
    "jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
}


@dataclass(frozen=True)
class Checked:
    name: str  # the file name as the user gave it, NFC, without any folder
    extension: str
    content_type: str
    size: int
    sha256: str


def accepted_extensions():
    return sorted(ACCEPTED)


def accept_attribute():
    """For <input type=file accept="…">."""
    return ",".join(f".{ext}" for ext in accepted_extensions())


def clean_name(name):
    """The last part of a file name, NFC, without control characters (stored as data)."""
    name = unicodedata.normalize("NFC", PurePosixPath(str(name).replace("\\", "/")).name)
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or "tep"


def check(upload, max_bytes=MAX_BYTES):
    """Checked(...) for an uploaded file, or ValidationError in Vietnamese naming it."""
    name = clean_name(getattr(upload, "name", ""))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED:
        raise ValidationError(
            _("Tệp “%(name)s”: loại tệp không được chấp nhận; chỉ nhận %(types)s.")
            % {"name": name, "types": ", ".join(f".{e}" for e in accepted_extensions())},
            code="type",
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” trống (0 byte).") % {"name": name}, code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("Tệp “%(name)s” nặng %(size)s, quá giới hạn %(max)s một tệp.")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(max_bytes)},
            code="size",
        )
    signatures, content_type = ACCEPTED[extension]
    upload.seek(0)
    head = upload.read(16)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _(
                "Tệp “%(name)s”: nội dung không phải tệp .%(ext)s như phần mở rộng của tên "
                "tệp (tệp bị đổi tên hoặc hỏng)."
            )
            % {"name": name, "ext": extension},
            code="content",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Checked(name, extension, content_type, size, digest.hexdigest())


class StorageError(Exception):
    """The data directory could not take a file (its OSError is the cause); the message is
    the user's, in Vietnamese."""

    def __init__(self, error):
        self.errno = error.errno
        super().__init__(storage_message(error.errno))

    @property
    def message(self):
        return self.args[0]


def storage_message(code):
    """What a user reads when the data directory refuses a write (OSError's errno)."""
    if code in FULL:
        reason = _("ổ đĩa dữ liệu của máy chủ đã đầy")
    elif code in READ_ONLY:
        reason = _("ổ đĩa dữ liệu của máy chủ đang ở chế độ chỉ đọc")
    elif code in NOT_WRITABLE:
        reason = _("máy chủ không có quyền ghi vào thư mục dữ liệu")
    else:
        reason = _("máy chủ gặp lỗi khi ghi ổ đĩa dữ liệu")
    return _(
        "Không lưu được tệp: %(reason)s. Không có gì được ghi; đồng chí hãy báo cho quản trị viên."
    ) % {"reason": reason}


def store(upload, checked, folder):
    """Write a checked upload under MEDIA_ROOT/<folder>/<yyyy>/<random>.<ext>; returns the
    stored name (relative to MEDIA_ROOT). StorageError if the disk refuses it, with no part
    of the file left behind."""
    year = timezone.localdate().year
    target = f"{folder}/{year}/{secrets.token_hex(16)}.{checked.extension}"
    upload.seek(0)
    try:
        return default_storage.save(target, upload)
    except OSError as error:
        # Django's storage leaves what it wrote before a full disk stopped it. The name is
        # random and fresh: the file there, if any, is this one's beginning.
        _remove_partial(target)
        raise StorageError(error) from error


def _remove_partial(target):
    try:
        default_storage.delete(target)
    except OSError as error:  # a read-only disk: nothing was written there either
        logger.warning("Không xóa được phần tệp đã ghi dở %s: %s", target, error)


def delete(stored_name):
    if stored_name and default_storage.exists(stored_name):
        default_storage.delete(stored_name)


def download(stored_name, file_name, content_type=None):
    """The stored file as a download (the caller has checked the user's scope)."""
    if not stored_name or not default_storage.exists(stored_name):
        raise Http404(_("Tệp không còn trên máy chủ."))
    content_type = content_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    response = FileResponse(
        default_storage.open(stored_name, "rb"),
        as_attachment=True,
        filename=file_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def media_root():
    return settings.MEDIA_ROOT
