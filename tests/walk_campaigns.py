"""The permission walk's objects of the campaigns app (đợt sinh hoạt chính trị).

Built once per walk world (`records(w)`), around the walk's actors: officer_a holds every role
at province A (T19), commune_officer every role at commune A1 (X05500).

In scope (what officer_a opens): T19's launched campaign (its plan issued to A1 and A2; a
phase that ended, one running; a document requirement for the province, overdue; a thematic
session for each commune, A1's recorded; results from every unit, A1's sent with a file) and
T19's campaign being prepared (two phases, a requirement in the first).

Out of the commune officer's reach: T19's campaign being prepared (a unit below never sees
it before it is launched) and province B's campaign (a commune launches none: it issues no
plan, having no unit below to send it to); the results files of A2, of T19 itself and of
B's commune. T19's launched campaign is the commune's to see, never to change: its editors
answer 403.
"""

import datetime

from django.utils import timezone

from giaoban.activities import services as activities
from giaoban.activities.models import ActivityKind
from giaoban.campaigns import services
from giaoban.campaigns.models import Requirement
from giaoban.core import uploads
from giaoban.units.models import Level
from tests.conftest import make_user
from tests.documents.conftest import issued
from tests.walk_records import pdf

K = Requirement.Kind
ROOT = "/sinh-hoat-chinh-tri/"


def _day(offset):
    return timezone.localdate() + datetime.timedelta(days=offset)


def _text(offset):
    return _day(offset).strftime("%d/%m/%Y")


def _send(user, requirement, unit, text, day):
    upload = pdf(f"ket-qua-{unit.code.lower()}.pdf")
    return services.send_results(
        user, requirement, unit, text, files=[(upload, uploads.check(upload))], day=day
    )


def _launched(officer, leader, unit, title):
    """A campaign of `unit` with one phase and a results requirement for every unit, launched."""
    plan = issued(officer, leader, unit, subject=f"Kế hoạch {title}", day=_day(-31))
    campaign = services.create(officer, unit, title, plan.pk, _day(-30), _day(30))
    phase = services.add_phase(officer, campaign, "Tự kiểm điểm", _day(-30), _day(30))
    requirement = services.add_requirement(
        officer, campaign, phase, K.RESULTS, "Tự kiểm điểm, báo cáo kết quả"
    )
    services.launch(officer, campaign)
    return campaign, requirement


class Records:
    def __init__(self, w):
        officer = w.officer_a
        tinh, xa = Level.objects.get(code="tinh"), Level.objects.get(code="xa")
        session_kind = ActivityKind.objects.get(code="quan-triet")
        # T19's launched campaign.
        self.plan = issued(
            officer,
            w.leader_a,
            w.province_a,
            subject="Kế hoạch đợt sinh hoạt chính trị",
            day=_day(-41),
        )
        self.campaign = services.create(
            officer,
            w.province_a,
            "Đợt sinh hoạt chính trị về xây dựng Đảng",
            self.plan.pk,
            _day(-40),
            _day(20),
            "Quán triệt, tự kiểm điểm.",
        )
        self.phase1 = services.add_phase(officer, self.campaign, "Phát động", _day(-40), _day(-20))
        self.phase2 = services.add_phase(
            officer, self.campaign, "Sinh hoạt chuyên đề", _day(-19), _day(20)
        )
        self.r_plan = services.add_requirement(
            officer, self.campaign, self.phase1, K.DOCUMENT, "Ban hành kế hoạch của đơn vị", tinh
        )
        self.r_session = services.add_requirement(
            officer,
            self.campaign,
            self.phase2,
            K.ACTIVITY,
            "Sinh hoạt chuyên đề của chi bộ",
            xa,
            session_kind.pk,
        )
        self.r_review = services.add_requirement(
            officer, self.campaign, self.phase2, K.RESULTS, "Tự kiểm điểm, báo cáo kết quả"
        )
        services.launch(officer, self.campaign)
        self.session = activities.record(
            w.commune_officer,
            w.commune_a1,
            date=_day(-5),
            kind=session_kind.code,
            title="Sinh hoạt chuyên đề của chi bộ phường",
            form="direct",
            party_members=12,
            officers=20,
            others=0,
            document=self.plan.pk,
        )
        self.result = _send(
            w.commune_officer, self.r_review, w.commune_a1, "Đã tự kiểm điểm.", _day(-2)
        )
        self.sibling_result = _send(
            officer, self.r_review, w.commune_a2, "Xã đã kiểm điểm.", _day(-2)
        )
        self.own_result = _send(
            officer, self.r_review, w.province_a, "Tỉnh đã kiểm điểm.", _day(-1)
        )
        # T19's campaign being prepared.
        self.draft = services.create(
            officer, w.province_a, "Đợt đang chuẩn bị của tỉnh", self.plan.pk, _day(10), _day(60)
        )
        self.draft_phase = services.add_phase(officer, self.draft, "Học tập", _day(10), _day(30))
        self.draft_empty_phase = services.add_phase(
            officer, self.draft, "Sơ kết", _day(31), _day(40)
        )
        self.draft_requirement = services.add_requirement(
            officer, self.draft, self.draft_phase, K.RESULTS, "Báo cáo kết quả học tập"
        )
        # Province B's campaign (a commune issues no document of its own: it launches none).
        leader_b = make_user("walk_camp_leader_b", w.province_b, "leader")
        self.other, self.other_requirement = _launched(
            w.officer_b, leader_b, w.province_b, "Đợt của thành phố"
        )
        self.other_phase = self.other_requirement.phase
        self.other_result = _send(
            w.officer_b, self.other_requirement, w.commune_b1, "Phường đã kiểm điểm.", _day(-1)
        )


def records(w):
    if not hasattr(w, "_campaign_records"):
        w._campaign_records = Records(w)
    return w._campaign_records


# --- KWARG_RULES providers: side "in" → what officer_a opens; "out" → what commune_officer
# must not open.


def _pick(in_name, out_names):
    def give(w, side):
        r = records(w)
        names = out_names if side == "out" else [in_name]
        return [getattr(r, name).pk for name in names]

    return give


UNSEEN = ["draft", "other"]  # campaigns the commune officer never sees

# The editors of a campaign being prepared; the commune officer sees T19's launched campaign
# but may not change it (403), and sees none of the others (404).
DRAFT_EDITORS = ("campaigns:campaign_launch", "campaigns:phase_add", "campaigns:requirement_add")

seen_campaigns = _pick("campaign", UNSEEN)
edited_campaigns = _pick("campaign", ["campaign", *UNSEEN])
draft_campaigns = _pick("draft", ["campaign", *UNSEEN])
# A unit's progress: T19's launched campaign too, with the units out of the commune's scope.
unit_campaigns = _pick("campaign", ["campaign", *UNSEEN])
phases = _pick(
    "draft_empty_phase",
    ["phase2", "draft_phase", "draft_empty_phase", "other_phase"],
)
requirements = _pick("draft_requirement", ["r_review", "draft_requirement", "other_requirement"])
# Results of T19's launched campaign (with the units out of the commune's scope), and others.
results_requirements = _pick("r_review", ["r_review", "draft_requirement", "other_requirement"])


def result_files(w, side):
    r = records(w)
    if side == "out":
        found = (r.sibling_result, r.own_result, r.other_result)
        return [result.files.get().pk for result in found]
    return [r.result.files.get().pk]


# Pages without URL arguments whose leak check must read a page with campaigns on it.
LISTS = ("campaigns:index", "campaigns:campaign_new", "api:campaign_list")


# --- The writing walk's cases (tests/test_walk_writes.py): (actor, url, data) that succeed.


def _campaign_data(w, **changes):
    data = {
        "unit": w.province_a.code,
        "title": "Đợt sinh hoạt chính trị mới",
        "plan": str(records(w).plan.pk),
        "start": _text(5),
        "end": _text(50),
        "description": "Mục đích, yêu cầu của đợt.",
    }
    return {**data, **changes}


def case_campaign_new(w):
    return w.officer_a, f"{ROOT}moi/", _campaign_data(w)


def case_campaign_edit(w):
    # Launched: the title, the purpose and the last day still change.
    c = records(w).campaign
    data = {"title": "Tên đợt đã sửa", "end": _text(25), "description": "Mục đích đã sửa."}
    return w.officer_a, f"{ROOT}{c.pk}/sua/", data


def case_campaign_launch(w):
    return w.officer_a, f"{ROOT}{records(w).draft.pk}/phat-dong/", {}


def case_phase_add(w):
    data = {"title": "Tổng kết", "start": _text(41), "end": _text(60)}
    return w.officer_a, f"{ROOT}{records(w).draft.pk}/giai-doan/them/", data


def case_phase_edit(w):
    phase = records(w).draft_phase
    data = {"title": "Học tập, quán triệt", "start": _text(10), "end": _text(29)}
    return w.officer_a, f"{ROOT}giai-doan/{phase.pk}/", data


def case_phase_delete(w):
    return w.officer_a, f"{ROOT}giai-doan/{records(w).draft_empty_phase.pk}/xoa/", {}


def _requirement_data(w, **changes):
    r = records(w)
    data = {
        "title": "Sinh hoạt chuyên đề",
        "phase": str(r.draft_phase.pk),
        "level": str(Level.objects.get(code="xa").pk),
        "kind": K.ACTIVITY,
        "activity_kind": str(ActivityKind.objects.get(code="quan-triet").pk),
        "min_count": "2",
    }
    return {**data, **changes}


def case_requirement_add(w):
    return w.officer_a, f"{ROOT}{records(w).draft.pk}/yeu-cau/them/", _requirement_data(w)


def case_requirement_edit(w):
    req = records(w).draft_requirement
    data = _requirement_data(w, title="Báo cáo kết quả (sửa)", kind=K.RESULTS, level="")
    data.pop("activity_kind")
    return w.officer_a, f"{ROOT}yeu-cau/{req.pk}/", data


def case_requirement_delete(w):
    return w.officer_a, f"{ROOT}yeu-cau/{records(w).draft_requirement.pk}/xoa/", {}


def case_results(w):
    req = records(w).r_review
    data = {"text": "Đã tự kiểm điểm, bổ sung biên bản.", "files": [pdf("bien-ban-kiem-diem.pdf")]}
    return w.commune_officer, f"{ROOT}yeu-cau/{req.pk}/ket-qua/{w.commune_a1.code}/", data


WRITES = {
    "campaigns:campaign_new": case_campaign_new,
    "campaigns:campaign_edit": case_campaign_edit,
    "campaigns:campaign_launch": case_campaign_launch,
    "campaigns:phase_add": case_phase_add,
    "campaigns:phase_edit": case_phase_edit,
    "campaigns:phase_delete": case_phase_delete,
    "campaigns:requirement_add": case_requirement_add,
    "campaigns:requirement_edit": case_requirement_edit,
    "campaigns:requirement_delete": case_requirement_delete,
    "campaigns:results": case_results,
}

# The audit entries each write must leave: (model label, action), beyond "some entry for each
# audited table it changed".
AUDIT_ENTRIES = {
    "campaigns:campaign_new": {("campaigns.Campaign", "create")},
    "campaigns:campaign_edit": {("campaigns.Campaign", "update")},
    "campaigns:campaign_launch": {("campaigns.Campaign", "transition")},
    "campaigns:phase_add": {("campaigns.Phase", "create")},
    "campaigns:phase_edit": {("campaigns.Phase", "update")},
    "campaigns:phase_delete": {("campaigns.Phase", "delete")},
    "campaigns:requirement_add": {("campaigns.Requirement", "create")},
    "campaigns:requirement_edit": {("campaigns.Requirement", "update")},
    "campaigns:requirement_delete": {("campaigns.Requirement", "delete")},
    "campaigns:results": {("campaigns.Result", "update"), ("campaigns.ResultFile", "create")},
}
