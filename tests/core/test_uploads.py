"""core.uploads: what a file must be to be kept, where it is kept, how it is served."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from giaoban.core import uploads

PDF = b"%PDF-1.4\n%%EOF\n"


def upload(name, data):
    return SimpleUploadedFile(name, data)


def refusal(name, data, **kwargs):
    with pytest.raises(ValidationError) as error:
        uploads.check(upload(name, data), **kwargs)
    return error.value.code, error.value.messages[0]


def test_a_pdf_is_kept_with_its_name_type_size_and_digest():
    checked = uploads.check(upload("Biên bản.pdf", PDF))
    assert (checked.name, checked.extension, checked.content_type, checked.size) == (
        "Biên bản.pdf",
        "pdf",
        "application/pdf",
        len(PDF),
    )
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    "name, data, code, words",
    [
        ("chay.exe", b"MZ\x90\x00", "type", "loại tệp không được chấp nhận"),
        ("trang.html", b"<html>", "type", "chỉ nhận .doc, .docx"),
        ("khong-duoi", PDF, "type", "loại tệp không được chấp nhận"),
        ("rong.pdf", b"", "empty", "trống (0 byte)"),
        ("gia.pdf", b"<script>alert(1)</script>", "content", "nội dung không phải tệp .pdf"),
        ("anh.png", PDF, "content", "nội dung không phải tệp .png"),
        ("bang.xlsx", b"not a zip", "content", "tệp bị đổi tên hoặc hỏng"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused_naming_it(name, data, code, words):
    found_code, message = refusal(name, data)
    assert found_code == code
    assert f"“{name}”" in message and words in message


def test_a_file_over_the_limit_is_refused_with_both_sizes():
    code, message = refusal("lon.pdf", PDF + b"x" * 2048, max_bytes=1024)
    assert code == "size"
    assert "quá giới hạn 1,0" in message


def test_names_lose_their_folders_and_control_characters_and_are_nfc():
    assert uploads.clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert uploads.clean_name("C:\\Users\\a\\Ke hoach.docx") == "Ke hoach.docx"
    assert uploads.clean_name("Bie\u0302n ba\u0309n\x00.pdf") == "Biên bản.pdf"
    assert uploads.clean_name("") == "tep"


def test_files_are_stored_outside_the_static_root_and_served_as_downloads(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    file = upload("Kế hoạch.pdf", PDF)
    stored = uploads.store(file, uploads.check(file), "documents/1")
    path = Path(settings.MEDIA_ROOT) / stored
    assert path.read_bytes() == PDF
    assert "Kế hoạch" not in stored  # a random name on disk: the user's name is data
    assert not str(path.resolve()).startswith(str(Path(settings.STATIC_ROOT).resolve()))
    response = uploads.download(stored, "Kế hoạch.pdf")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF
    uploads.delete(stored)
    assert not path.exists()


def test_the_media_root_is_not_inside_the_static_root():
    media, static = Path(settings.MEDIA_ROOT).resolve(), Path(settings.STATIC_ROOT).resolve()
    assert static not in media.parents and media != static
