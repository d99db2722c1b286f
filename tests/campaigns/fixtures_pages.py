"""The campaign's pages on the seed's campaign of `conftest.scene` (its phases ended in April
2026, so every standing is settled whatever today is), with records behind it:

- Thái Nguyên (T19) held its launch meeting (day 5), issued its own plan implementing the
  ministry's (day 3) and sent its self-review with a file (day 40): complete;
- its commune X05500 held its session on day 12 and sent its self-review with a file on day
  41: complete; X05800 held its session on day 35 (late) and sent nothing: lagging;
- the ministry, the department, Hà Nội (T01) and its commune did nothing: lagging.

And helpers the page tests share: a client signed in, the tables a refused form must leave
as they were, a PDF upload.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from giaoban.campaigns import services
from giaoban.campaigns.models import Campaign, Phase, Requirement, Result, ResultFile
from giaoban.core import uploads
from tests.campaigns.conftest import day, issue, scene, session  # noqa: F401 (a fixture)

PDF = b"%PDF-1.4\n% test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ROOT = "/sinh-hoat-chinh-tri/"
CAMPAIGN_TABLES = (Campaign, Phase, Requirement, Result, ResultFile)


def pdf(name="ket-qua.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def rows_of(*models):
    """Every row of the campaign tables (or of `models`), to prove a refusal wrote nothing."""
    return {
        m._meta.label: sorted(map(repr, m.objects.order_by("pk").values_list()))
        for m in models or CAMPAIGN_TABLES
    }


def text(response):
    return response.content.decode()


def send(user, requirement, unit, words, when, name=None):
    files = []
    if name:
        upload = pdf(name)
        files = [(upload, uploads.check(upload))]
    return services.send_results(user, requirement, unit, words, files=files, day=when)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def progressed(scene, media):  # noqa: F811
    s, c = scene, scene.cast
    s.province_plan = issue(
        c.officer_a, c.leader_a, c.province_a, "Kế hoạch của tỉnh", day(3), implements=s.plan
    )
    s.launch_meeting = session(
        c.officer_a, c.province_a, s.plan, day(5), kind="gd-chinh-tri", title="Hội nghị phát động"
    )
    s.session_a1 = session(
        c.commune_officer, c.commune_a1, s.province_plan, day(12), title="Sinh hoạt chi bộ phường"
    )
    s.session_a2 = session(c.officer_a, c.commune_a2, s.province_plan, day(35))
    s.result_t19 = send(
        c.officer_a, s.r_review, c.province_a, "Đảng ủy tỉnh đã tự kiểm điểm.", day(40), "tinh.pdf"
    )
    s.result_a1 = send(
        c.commune_officer, s.r_review, c.commune_a1, "Chi bộ đã tự kiểm điểm.", day(41), "xa.pdf"
    )
    return s
