"""What the conference's tests share (imported by test_conference_*.py and test_index.py):
the ministry's conference for 2026-H1 with its three direct children as participants
(the department CTDCT, Thái Nguyên T19, Hà Nội T01), held ten days ago, and a few helpers.

A module of its own so that pytest collects no test twice; it holds none."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from giaoban.conferences import services
from giaoban.conferences.models import Conference, Participant
from giaoban.core import uploads
from tests.conferences.conftest import KEY

TODAY = timezone.localdate()
DAY = TODAY - datetime.timedelta(days=10)  # the conference's day: closing it is possible
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
A = Participant.Attendance
S = Conference.Status


def days(n):
    return DAY + datetime.timedelta(days=n)


def dmy(day):
    return day.strftime("%d/%m/%Y")


def pdf(name="tham-luan.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def checked(upload):
    return upload, uploads.check(upload)


@pytest.fixture
def conference(cast, form):
    return services.create(
        cast.ministry_officer,
        cast.root,
        form,
        KEY,
        DAY,
        place="Hội trường A",
        start_time=datetime.time(8, 0),
        end_time=datetime.time(11, 30),
    )


def participant(conference, unit):
    return Participant.objects.get(conference=conference, unit=unit)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]
