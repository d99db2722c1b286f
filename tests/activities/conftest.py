"""The activity log's scene: the fixed cast (tests/conftest.py), a viewer of province A,
and a central document addressed to the whole tree, due to be disseminated 10 days ago."""

import datetime

import pytest
from django.utils import timezone

from giaoban.activities.models import ActivityKind
from giaoban.documents.models import Document
from tests.conftest import make_user
from tests.documents.conftest import PARTY, issued

DAY = datetime.timedelta(days=1)


class Scene:
    pass


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def scene(cast):
    s = Scene()
    s.cast = cast
    s.today = timezone.localdate()
    s.leader = make_user("ministry_leader", cast.root, "leader")
    s.viewer = make_user("viewer_a", cast.province_a, "viewer")
    s.issued_on = s.today - 30 * DAY
    s.due = s.today - 10 * DAY
    s.document = issued(
        cast.ministry_officer,
        s.leader,
        cast.root,
        PARTY,
        "NQ",
        day=s.issued_on,
        recipient_rule=Document.Rule.SUBTREE,
        subject="Nghị quyết về xây dựng và chỉnh đốn Đảng",
        disseminate_by=s.due,
    )
    s.kinds = {k.code: k for k in ActivityKind.objects.all()}
    s.session_kind = s.kinds["quan-triet"]
    s.sport = s.kinds["the-thao"]
    return s


def values(**fields):
    """A valid activity's fields, with `fields` over them."""
    out = {
        "date": timezone.localdate() - 3 * DAY,
        "kind": "the-thao",
        "title": "Giải bóng đá chào mừng ngày thành lập",
        "form": "direct",
        "party_members": 12,
        "officers": 30,
        "others": 5,
        "notes": "",
    }
    out.update(fields)
    return out
