"""The seed's campaign on the fixed cast: the ministry launches it through its plan, sent to
its direct children; Thái Nguyên (T19) implements it with a plan of its own to its two
communes; Hà Nội (T01) has not. Phases: launch (T0 … T0+9), communes' sessions (T0+10 …
T0+29), self-review (T0+30 … T0+44). Requirements: each province holds a launch meeting
and issues its own plan (phase 1); each commune holds a thematic session (phase 2); every
unit sends its self-review results (phase 3)."""

import datetime

import pytest

from giaoban.activities import services as activities
from giaoban.activities.models import ActivityKind
from giaoban.campaigns import services
from giaoban.campaigns.models import Requirement
from giaoban.documents import services as documents
from giaoban.documents.models import Document
from giaoban.units.models import Level
from tests.conftest import make_user
from tests.documents.conftest import draft as document_draft

T0 = datetime.date(2026, 3, 2)
K = Requirement.Kind


def day(n):
    return T0 + datetime.timedelta(days=n)


def issue(officer, leader, unit, subject, when, implements=None, **fields):
    document = document_draft(officer, unit, subject=subject, **fields)
    if implements is not None:
        documents.add_link(document, implements, "implements", officer)
    documents.send_for_review(document, officer)
    return documents.issue(document, leader, when)[0]


def session(user, unit, document, when, kind="quan-triet", title="Buổi sinh hoạt chuyên đề"):
    return activities.record(
        user,
        unit,
        date=when,
        kind=kind,
        title=title,
        form="direct",
        party_members=10,
        officers=5,
        others=0,
        document=document.pk if document else None,
    )


class Scene:
    pass


@pytest.fixture
def scene(cast):
    s = Scene()
    s.cast = cast
    s.ministry_leader = make_user("ministry_leader", cast.root, "leader")
    s.plan = issue(
        cast.ministry_officer,
        s.ministry_leader,
        cast.root,
        "Kế hoạch đợt sinh hoạt chính trị về xây dựng, chỉnh đốn Đảng",
        day(-1),
        recipient_rule=Document.Rule.CHILDREN,
    )
    s.campaign = services.create(
        cast.ministry_officer,
        cast.root,
        "Đợt sinh hoạt chính trị về xây dựng, chỉnh đốn Đảng",
        s.plan.pk,
        T0,
        day(44),
    )
    officer = cast.ministry_officer
    s.p1 = services.add_phase(officer, s.campaign, "Phát động", T0, day(9))
    s.p2 = services.add_phase(officer, s.campaign, "Sinh hoạt chuyên đề", day(10), day(29))
    s.p3 = services.add_phase(officer, s.campaign, "Tự kiểm điểm", day(30), day(44))
    tinh, xa = Level.objects.get(code="tinh"), Level.objects.get(code="xa")
    launch_kind = ActivityKind.objects.get(code="gd-chinh-tri").pk
    session_kind = ActivityKind.objects.get(code="quan-triet").pk
    s.r_launch = services.add_requirement(
        officer, s.campaign, s.p1, K.ACTIVITY, "Tổ chức hội nghị phát động", tinh, launch_kind
    )
    s.r_plan = services.add_requirement(
        officer, s.campaign, s.p1, K.DOCUMENT, "Ban hành kế hoạch của đơn vị", tinh
    )
    s.r_session = services.add_requirement(
        officer, s.campaign, s.p2, K.ACTIVITY, "Sinh hoạt chuyên đề của chi bộ", xa, session_kind
    )
    s.r_review = services.add_requirement(
        officer, s.campaign, s.p3, K.RESULTS, "Tự kiểm điểm, báo cáo kết quả"
    )
    services.launch(officer, s.campaign)
    return s
