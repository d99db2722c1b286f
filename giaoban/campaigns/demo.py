"""Đợt sinh hoạt chính trị minh họa — synthetic, labelled: the seed's campaign.

"Đảng ủy Công an Trung ương tập trung chỉ đạo tổ chức đợt sinh hoạt chính trị sâu rộng
trong toàn lực lượng về xây dựng, chỉnh đốn Đảng và hệ thống chính trị trong Công an nhân
dân" — with T the demo's "today":

- the ministry issues its plan for the campaign (a kế hoạch of its command, T-80) to the
  provinces, through the register (`documents.public.issue_plan`: draft, review, issue),
  and launches the campaign through it (`services`): T-80 … T+40, three phases —
  1. launch, plans and thematic sessions (T-80 … T-21, finished): each province holds its
     launch meeting (an activity "giáo dục chính trị tư tưởng" linked to the plan) and
     issues its own plan implementing the ministry's; every commune's party cell holds a
     thematic session for its members (an activity "học tập, quán triệt" linked to its
     province's plan, so that it counts in the demo form's computed dissemination
     indicators);
  2. self-review and results (T-20 … T+15, running): every unit sends its results;
  3. the ministry's summing-up (T+16 … T+40, to come).
- the provinces, in code order, take the outcomes of PROVINCE_OUTCOMES in turn (most on
  time; one in four late with its plan, or without a launch meeting, or without a plan —
  whose communes then have nothing to link a session to); the demo province is on time
  and still owes its results, Hà Nội issued its plan late;
- each commune of a province with a plan holds its session (SESSION_SHARE, after its
  province's plan; LATE_SHARE after the phase's end), and some of those have sent their
  results; the demo commune held its session on time and still owes its results, so that
  a visitor can send them.

The sessions go through the activity log's bulk path (`activities.public.record_many`,
one call), the plans through the register, the results through `services.send_results`,
as the demo's own account (accounts.system), which cannot log in and holds roles only
while it works. No person is named anywhere; the campaign, the plans, the sessions and
the results carry LABEL. Deterministic (generators seeded by unit code), idempotent
(nothing is written when the demo campaign exists).
"""

import datetime
import random
import time

from django.utils import timezone

from giaoban.accounts.system import SYSTEM_USERNAME, Grants, demo_actor
from giaoban.activities import public as activities
from giaoban.audit.context import acting_as
from giaoban.campaigns import services
from giaoban.campaigns.models import Campaign, Requirement, Result
from giaoban.core import registry
from giaoban.documents import public as documents
from giaoban.units.models import Level, Unit

LABEL = "(dữ liệu mẫu)"
SEED = "giaoban-demo-2026"
# After the activity log's (110), before the reports' (120): the reports' current drafts
# count the campaign's sessions in their computed dissemination indicators.
DEMO_ORDER = 115
MESSAGE = "Nạp đợt sinh hoạt chính trị minh họa"
K = Requirement.Kind

TITLE = (
    "Đợt sinh hoạt chính trị sâu rộng trong toàn lực lượng về xây dựng, chỉnh đốn Đảng và "
    "hệ thống chính trị trong Công an nhân dân " + LABEL
)
DESCRIPTION = (
    f"{LABEL} Đợt minh họa, không phải đợt thật. Nâng cao nhận thức, trách nhiệm của cán "
    "bộ, đảng viên, chiến sĩ về xây dựng, chỉnh đốn Đảng và hệ thống chính trị; mỗi chi bộ "
    "sinh hoạt chuyên đề, mỗi đơn vị tự kiểm điểm, báo cáo kết quả. Tiến độ của từng đơn vị "
    "tính từ hồ sơ: hoạt động ghi trong nhật ký, văn bản triển khai, báo cáo kết quả."
)
PLAN_SUBJECT = "Tổ chức đợt sinh hoạt chính trị về xây dựng, chỉnh đốn Đảng và hệ thống chính trị "
PROVINCE_PLAN_SUBJECT = (
    "Thực hiện đợt sinh hoạt chính trị về xây dựng, chỉnh đốn Đảng và hệ thống chính trị "
)
PLAN_BODY = "\n\n".join(
    [
        f"{LABEL} Văn bản minh họa, không phải văn bản thật.",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Tổ chức đợt sinh hoạt chính trị sâu rộng trong toàn lực lượng, gắn với thực tiễn "
        "công tác, chiến đấu của từng đơn vị.",
        "II. NỘI DUNG, THỜI GIAN",
        "1. Giai đoạn 1: Công an các tỉnh, thành phố tổ chức hội nghị phát động và ban hành "
        "kế hoạch thực hiện; chi bộ Công an cấp xã sinh hoạt chính trị chuyên đề cho toàn thể "
        "đảng viên, ghi buổi sinh hoạt vào nhật ký hoạt động.",
        "2. Giai đoạn 2: các đơn vị tự kiểm điểm, báo cáo kết quả.",
        "3. Giai đoạn 3: sơ kết đợt, rút kinh nghiệm.",
    ]
)
PROVINCE_PLAN_BODY = "\n\n".join(
    [
        f"{LABEL} Văn bản minh họa, không phải văn bản thật.",
        "Thực hiện Kế hoạch của Bộ Công an, Công an tỉnh triển khai đợt sinh hoạt chính trị: "
        "chi bộ Công an các xã, phường sinh hoạt chuyên đề cho toàn thể đảng viên, ghi buổi "
        "sinh hoạt vào nhật ký hoạt động; tự kiểm điểm, báo cáo kết quả về Công an tỉnh.",
    ]
)
LAUNCH_TITLE = f"Hội nghị phát động đợt sinh hoạt chính trị về xây dựng, chỉnh đốn Đảng {LABEL}"
SESSION_TITLE = f"Sinh hoạt chính trị chuyên đề về xây dựng, chỉnh đốn Đảng {LABEL}"
SESSION_NOTES = f"{LABEL} Chi bộ sinh hoạt chuyên đề cho toàn thể đảng viên (chỉ ghi số lượng)."
RESULTS_TEXT = (
    f"{LABEL} Đơn vị đã tổ chức tự kiểm điểm tập thể và cá nhân theo kế hoạch; {{n}} đảng "
    "viên tham gia, đề ra biện pháp khắc phục hạn chế, khuyết điểm."
)

# Days relative to the demo's today.
PLAN_DAY = -80  # the ministry's plan, the campaign's first day
PHASES = [
    ("Phát động, xây dựng kế hoạch và sinh hoạt chính trị chuyên đề", PLAN_DAY, -21),
    ("Tự kiểm điểm, báo cáo kết quả", -20, 15),
    ("Sơ kết đợt, rút kinh nghiệm", 16, 40),
]
# Provinces other than the demo ones, in code order, in turn.
PROVINCE_OUTCOMES = [
    "on_time",
    "missing",  # no plan: its communes have nothing to link their session to
    "on_time",
    "late",  # its plan after the first phase
    "on_time",
    "no_launch",  # a plan, no launch meeting
    "on_time",
    "on_time",
    "late",
    "on_time",
    "on_time",
    "on_time",
]
SESSION_SHARE = 0.88  # communes (of a province with a plan) that held their session
LATE_SHARE = 0.1  # of those, after the first phase
RESULTS_SHARE = 0.5  # units on track that have sent their self-review already


def _rng(*parts):
    return random.Random("|".join([SEED, *map(str, parts)]))


def load_demo_campaigns(ctx):
    """The `giaoban demo` loader (registered at import of this module)."""
    load(ctx, log=ctx.log)


registry.demo.register(load_demo_campaigns, order=DEMO_ORDER)


def exists(ministry):
    return Campaign.objects.filter(unit=ministry, title=TITLE, is_demo=True).exists()


def load(ctx, today=None, log=print):
    """Load the demo campaign; returns {what: how many} (empty when already loaded)."""
    started = time.monotonic()
    today = today or timezone.localdate()
    if exists(ctx.ministry):
        log("Đợt sinh hoạt chính trị minh họa đã có — bỏ qua.")
        return {}
    actor = demo_actor(ctx.ministry)
    with acting_as(user=actor, label=SYSTEM_USERNAME), Grants(actor) as grants:
        counts = _Demo(ctx, actor, grants, today).run()
    log(
        f"Đợt sinh hoạt chính trị minh họa: {counts['plans']} kế hoạch cấp tỉnh, "
        f"{counts['sessions']} buổi sinh hoạt, {counts['results']} báo cáo kết quả "
        f"({time.monotonic() - started:.1f} s)."
    )
    return counts


class _Demo:
    def __init__(self, ctx, actor, grants, today):
        self.ctx, self.actor, self.grants, self.today = ctx, actor, grants, today
        self.counts = {"campaigns": 0, "plans": 0, "sessions": 0, "results": 0}

    def day(self, offset):
        return self.today + datetime.timedelta(days=offset)

    def run(self):
        ministry = self.ctx.ministry
        self.grants.at(ministry)
        provinces = list(
            Unit.objects.active_on(self.today)
            .filter(parent=ministry, level__code="tinh")
            .select_related("level")
            .order_by("code")
        )
        plan = self.ministry_plan(ministry, provinces)
        campaign = self.campaign(ministry, plan)
        outcomes = self.province_outcomes(provinces)
        plans = self.province_plans(provinces, plan, outcomes)
        sessions, done = self.sessions(provinces, plan, plans, outcomes)
        self.counts["sessions"] = len(sessions)
        if sessions:
            activities.record_many(
                self.actor, sessions, is_demo=True, check_scope=False, message=MESSAGE
            )
        self.results(campaign, provinces, outcomes, done)
        return self.counts

    # ---------------------------------------------------------- the plan and the campaign

    def ministry_plan(self, ministry, provinces):
        p1_end, p2_end = PHASES[0][2], PHASES[1][2]
        level = provinces[0].level if provinces else Level.objects.get(code="tinh")
        plan, _warnings = documents.issue_plan(
            self.actor,
            ministry,
            documents.STATE,
            "KH",
            PLAN_SUBJECT + LABEL,
            PLAN_BODY,
            day=self.day(PLAN_DAY),
            recipient_rule=documents.Rule.LEVEL,
            recipient_level=level,
            disseminate_by=self.day(p1_end),
            plan_by=self.day(p1_end),
            report_by=self.day(p2_end),
            signer_title="KT. BỘ TRƯỞNG",
            is_demo=True,
        )
        return plan

    def campaign(self, ministry, plan):
        actor = self.actor
        campaign = services.create(
            actor,
            ministry,
            TITLE,
            plan.pk,
            self.day(PLAN_DAY),
            self.day(PHASES[-1][2]),
            description=DESCRIPTION,
            is_demo=True,
        )
        phases = [
            services.add_phase(actor, campaign, title, self.day(start), self.day(end))
            for title, start, end in PHASES
        ]
        codes = activities.kind_ids(["gd-chinh-tri", "quan-triet"])
        tinh, xa = Level.objects.get(code="tinh"), Level.objects.get(code="xa")
        ministry_level = ministry.level
        for phase, kind, title, level, activity_kind in (
            (0, K.ACTIVITY, "Tổ chức hội nghị phát động đợt", tinh, codes.get("gd-chinh-tri")),
            (0, K.DOCUMENT, "Ban hành kế hoạch thực hiện đợt của đơn vị", tinh, None),
            (
                0,
                K.ACTIVITY,
                "Chi bộ sinh hoạt chính trị chuyên đề cho toàn thể đảng viên",
                xa,
                codes.get("quan-triet"),
            ),
            (1, K.RESULTS, "Tự kiểm điểm, báo cáo kết quả thực hiện đợt", None, None),
            (2, K.RESULTS, "Sơ kết đợt trong toàn lực lượng", ministry_level, None),
        ):
            if kind == K.ACTIVITY and activity_kind is None:
                continue  # a kind an administrator has retired
            services.add_requirement(
                actor, campaign, phases[phase], kind, title, level, activity_kind
            )
        services.launch(actor, campaign)
        Campaign.objects.filter(pk=campaign.pk).update(
            launched_at=_at(self.day(PLAN_DAY), 15), created_at=_at(self.day(PLAN_DAY - 2), 9)
        )
        self.counts["campaigns"] += 1
        return Campaign.objects.get(pk=campaign.pk)

    # ---------------------------------------------------------- the provinces

    def province_outcomes(self, provinces):
        """{province id: outcome}: the demo province on time, Hà Nội late, the others in
        turn."""
        ctx = self.ctx
        fixed = {ctx.province_a.pk: "on_time", ctx.province_b.pk: "late"}
        others = [p for p in provinces if p.pk not in fixed]
        out = {p.pk: PROVINCE_OUTCOMES[n % len(PROVINCE_OUTCOMES)] for n, p in enumerate(others)}
        out.update({pk: v for pk, v in fixed.items() if any(p.pk == pk for p in provinces)})
        return out

    def province_plans(self, provinces, plan, outcomes):
        """{province id: its plan} of the provinces that issued one, through the register."""
        p1_end, p2_end = PHASES[0][2], PHASES[1][2]
        out = {}
        for province in provinces:
            outcome = outcomes[province.pk]
            if outcome == "missing":
                continue
            rng = _rng(province.code, "campaign-plan")
            if outcome == "late":
                day = rng.randint(p1_end + 1, -6)
                deadline = day + 10
            else:
                day = rng.randint(PLAN_DAY + 2, p1_end - 25)
                deadline = p1_end
            self.grants.at(province)
            out[province.pk], _warnings = documents.issue_plan(
                self.actor,
                province,
                documents.STATE,
                "KH",
                PROVINCE_PLAN_SUBJECT + LABEL,
                PROVINCE_PLAN_BODY,
                day=self.day(day),
                implements=[plan],
                recipient_rule=documents.Rule.CHILDREN,
                disseminate_by=self.day(deadline),
                report_by=self.day(p2_end),
                signer_title="GIÁM ĐỐC",
                is_demo=True,
            )
        self.counts["plans"] = len(out)
        return out

    # ---------------------------------------------------------- the sessions

    def sessions(self, provinces, plan, plans, outcomes):
        """The provinces' launch meetings and the communes' thematic sessions as rows for
        the activity log; returns (rows, {unit id: the day its part of phase 1 was done})."""
        p1_end = PHASES[0][2]
        rows, done = [], {}
        for province in provinces:
            outcome = outcomes[province.pk]
            rng = _rng(province.code, "campaign-launch")
            own = plans.get(province.pk)
            launched = None
            if outcome != "no_launch":
                first = PLAN_DAY + 1
                launched = rng.randint(first, p1_end - 3)
                if province.active_on(self.day(launched)):
                    rows.append(
                        self.row(province, plan, launched, LAUNCH_TITLE, "gd-chinh-tri", rng)
                    )
            if own is None:
                continue
            if launched is not None:
                done[province.pk] = max(_offset(own, self), launched)
            for commune in _communes(province, self.today):
                day = self.session_day(commune, _offset(own, self))
                if day is None or not commune.active_on(self.day(day)):
                    continue
                rows.append(
                    self.row(commune, own, day, SESSION_TITLE, "quan-triet", _rng(commune.code))
                )
                done[commune.pk] = day
        return rows, done

    def session_day(self, commune, issued):
        """The day of the commune's session (None: none), from its province's plan on."""
        p1_end = PHASES[0][2]
        rng = _rng(commune.code, "campaign-session")
        demo = commune.pk == self.ctx.commune_a.pk
        if not demo and rng.random() >= SESSION_SHARE:
            return None
        first = issued + 1
        if first > -1:
            return None
        if first > p1_end or (not demo and rng.random() < LATE_SHARE):
            return rng.randint(max(first, p1_end + 1), -1)
        return rng.randint(first, p1_end)

    def row(self, unit, document, day, title, kind, rng):
        commune = unit.level.code == "xa"
        members = rng.randint(8, 30) if commune else rng.randint(80, 250)
        return {
            "unit": unit,
            "date": self.day(day),
            "kind": kind,
            "title": title,
            "form": "cell" if commune else "direct",
            "party_members": members,
            "officers": rng.randint(2, 12) if commune else rng.randint(20, 80),
            "others": 0,
            "notes": SESSION_NOTES if commune else f"{LABEL} Hội nghị phát động minh họa.",
            "document": document.pk,
        }

    # ---------------------------------------------------------- the results

    def results(self, campaign, provinces, outcomes, done):
        """Self-reviews sent by some of the units on track (never the demo province nor the
        demo commune: a visitor sends theirs), Hà Nội's among them; some departments'."""
        requirement = campaign.requirements.get(kind=K.RESULTS, level__isnull=True)
        p2_start = PHASES[1][1]
        ctx = self.ctx
        senders = []
        for province in provinces:
            if province.pk == ctx.province_a.pk or province.pk not in done:
                continue
            if province.pk == ctx.province_b.pk or _rng(province.code, "results").random() < (
                RESULTS_SHARE
            ):
                senders.append((province, done[province.pk]))
            for commune in _communes(province, self.today):
                if commune.pk in done and commune.pk != ctx.commune_a.pk:
                    if _rng(commune.code, "results").random() < RESULTS_SHARE:
                        senders.append((commune, done[commune.pk]))
        departments = Unit.objects.active_on(self.today).filter(
            parent=ctx.ministry, level__code="cuc"
        )
        for department in departments.order_by("code"):
            if _rng(department.code, "results").random() < RESULTS_SHARE:
                senders.append((department, PLAN_DAY))
        sent = {}
        for unit, after in senders:
            first = max(p2_start, after + 1)
            if first > -1:
                continue
            day = _rng(unit.code, "results-day").randint(first, -1)
            members = _rng(unit.code, "results-n").randint(8, 300)
            services.send_results(
                self.actor,
                requirement,
                unit,
                RESULTS_TEXT.format(n=members),
                day=self.day(day),
            )
            sent.setdefault(day, []).append(unit.pk)
        # Dated as they would have been sent (the audit trail keeps the moment of loading).
        for day, units in sent.items():
            Result.objects.filter(campaign=campaign, unit_id__in=units).update(
                created_at=_at(self.day(day), 10)
            )
        self.counts["results"] = sum(len(v) for v in sent.values())


def _offset(document, demo):
    return (document.issue_date - demo.today).days


def _communes(province, today):
    return list(
        Unit.objects.active_on(today)
        .filter(parent=province, level__code="xa")
        .select_related("level")
        .order_by("code")
    )


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
