"""Văn bản minh họa — synthetic, labelled demo documents on the real units.

Modelled on the seed (an article on the ministry's party committee directing a political
campaign on building and rectifying the Party), every document here is invented: the
numbers are whatever the register allocates (there is no real "05-NQ/ĐU" behind them),
no signatory is named (the signing block carries the authority only), and every subject
line ends with LABEL, every body starts with it. `Document.is_demo` is set on each.

What the demo shows, with T the demo's "today":

- the ministry's party committee issues a resolution on building and rectifying the
  Party to the units directly below it (T-100);
- the ministry issues a plan for its dissemination (T-95) to every province: disseminate
  by T+5 (D1), adopt an implementation plan by T-30 (D2), report results by T+25 (D3);
- each province issues its own implementing plan to its communes, "implementing" both:
  most before D2, some after it (late), a few not at all (overdue). Each asks its
  communes to disseminate it by a day of its own (T-12 … T+5, never after the
  ministry's D1: no cascade warning) and to report by T+20. The communes' sessions are
  recorded by the activity log's demo (giaoban/activities/demo.py), about two thirds of
  them, so that every status of the task-tracking matrix has rows;
- other documents, so that every filter and status of the register has something: a
  directive, a guidance that a newer one replaced, a notice repealed by a decision, one
  issued with a validity that has ended, and at the demo province a draft and a document
  in review (its leader, `thainguyen.lanhdao`, can issue it).

Everything goes through `services` (create_draft → send_for_review → issue, add_link),
so numbers, recipients, notifications and the audit trail are the real ones. The work
is done by the demo's own account, which cannot log in (inactive, unusable password):
it holds an officer's and a leader's role at the units it issues for only while it
works, as the reports' demo does. Deterministic (a random generator seeded by unit code)
and idempotent: when the demo resolution exists, nothing is written.
"""

import datetime
import random
import time

from django.utils import timezone

from giaoban.accounts.system import SYSTEM_USERNAME, Grants, demo_actor
from giaoban.audit.context import acting_as
from giaoban.core import registry
from giaoban.documents import services
from giaoban.documents.models import PARTY, STATE, Document, DocumentKind, DocumentLink
from giaoban.units.models import Unit

LABEL = "(dữ liệu mẫu)"
SEED = "giaoban-demo-2026"
L = DocumentLink.Kind

RESOLUTION_SUBJECT = (
    "Về tăng cường xây dựng, chỉnh đốn Đảng và hệ thống chính trị trong Công an nhân dân " + LABEL
)
PLAN_SUBJECT = (
    "Tổ chức quán triệt, triển khai thực hiện Nghị quyết của Đảng ủy Công an Trung ương về "
    "tăng cường xây dựng, chỉnh đốn Đảng " + LABEL
)
PROVINCE_PLAN_SUBJECT = (
    "Triển khai thực hiện Nghị quyết của Đảng ủy Công an Trung ương và Kế hoạch của Bộ Công "
    "an về tăng cường xây dựng, chỉnh đốn Đảng " + LABEL
)

# Days relative to the demo's today.
RESOLUTION_DAY = -100
PLAN_DAY = -95
D1, D2, D3 = 5, -30, 25  # the central plan: disseminate, plan, report
COMMUNE_D1 = (-12, 5)  # the range of the provinces' own dissemination deadlines
COMMUNE_D3 = 20
MISSING_PLANS = 3  # provinces that have issued no plan yet (overdue)
LATE_SHARE = 0.2  # provinces whose plan came after D2


def _rng(*parts):
    return random.Random("|".join([SEED, *map(str, parts)]))


def _body(*paragraphs):
    return "\n\n".join([f"{LABEL} Văn bản minh họa, không phải văn bản thật.", *paragraphs])


RESOLUTION_BODY = _body(
    "I. TÌNH HÌNH VÀ NGUYÊN NHÂN",
    "Thời gian qua, dưới sự lãnh đạo, chỉ đạo của Đảng ủy Công an Trung ương, công tác xây "
    "dựng Đảng, xây dựng lực lượng Công an nhân dân về chính trị, tư tưởng đã đạt được nhiều "
    "kết quả tích cực; các cấp ủy đã tổ chức quán triệt, triển khai kịp thời các nghị quyết, "
    "chỉ thị của Trung ương. Tuy nhiên, việc quán triệt ở một số cơ sở còn chậm, hình thức.",
    "II. MỤC TIÊU, NHIỆM VỤ VÀ GIẢI PHÁP",
    "1. Nâng cao nhận thức, trách nhiệm của cấp ủy, người đứng đầu trong lãnh đạo, chỉ đạo "
    "công tác xây dựng Đảng, xây dựng lực lượng về chính trị, tư tưởng, coi đây là lĩnh vực "
    "công tác quan trọng hàng đầu.",
    "2. Tổ chức đợt sinh hoạt chính trị sâu rộng trong toàn lực lượng về xây dựng, chỉnh đốn "
    "Đảng và hệ thống chính trị; gắn với thực tiễn công tác, chiến đấu của từng đơn vị.",
    "3. Duy trì các hoạt động giáo dục chính trị tư tưởng, giáo dục truyền thống, văn hóa, "
    "văn nghệ, thể thao, điều lệnh; phát huy vai trò các tổ chức chính trị - xã hội và công "
    "tác dân vận.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Công an các đơn vị, địa phương xây dựng kế hoạch triển khai thực hiện Nghị quyết này.",
)
PLAN_BODY = _body(
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Quán triệt sâu sắc nội dung Nghị quyết của Đảng ủy Công an Trung ương về tăng cường "
    "xây dựng, chỉnh đốn Đảng đến toàn thể cán bộ, đảng viên, chiến sĩ.",
    "II. NỘI DUNG, THỜI GIAN",
    "1. Công an các tỉnh, thành phố tổ chức hội nghị quán triệt và xây dựng kế hoạch triển "
    "khai thực hiện, chỉ đạo Công an cấp xã tổ chức quán triệt đến từng cán bộ, chiến sĩ.",
    "2. Báo cáo kết quả thực hiện về Bộ Công an (qua Cục Công tác đảng và công tác chính "
    "trị) đúng thời hạn ghi tại văn bản.",
)
PROVINCE_PLAN_BODY = _body(
    "Thực hiện Nghị quyết của Đảng ủy Công an Trung ương và Kế hoạch của Bộ Công an, Công "
    "an tỉnh xây dựng kế hoạch triển khai như sau:",
    "1. Công an các xã, phường tổ chức quán triệt đến toàn thể cán bộ, chiến sĩ (có thể lồng "
    "ghép sinh hoạt chi bộ), ghi buổi quán triệt vào nhật ký hoạt động.",
    "2. Báo cáo kết quả về Công an tỉnh (qua Phòng Công tác đảng và công tác chính trị).",
)


# ---------------------------------------------------------------- the actor


# ---------------------------------------------------------------- writing one document


def _kind(body, abbreviation):
    return DocumentKind.objects.get(body=body, abbreviation=abbreviation)


class _Writer:
    """Drafts, reviews and issues documents as the actor, each labelled demo."""

    def __init__(self, actor, grants, today):
        self.actor, self.grants, self.today = actor, grants, today

    def day(self, offset):
        return self.today + datetime.timedelta(days=offset)

    def draft(self, unit, body, abbreviation, subject, text, **fields):
        self.grants.at(unit)
        fields.setdefault("signer_title", _signer(unit, body))
        document = services.create_draft(
            self.actor,
            unit,
            body,
            kind=_kind(body, abbreviation),
            subject=subject,
            body_text=text,
            **fields,
        )
        document.is_demo = True
        document.save(update_fields=["is_demo"])  # audited, as every save
        return document

    def issue(self, document, offset, links=(), units=()):
        for target, kind in links:
            services.add_link(document, target, kind, self.actor)
        services.send_for_review(document, self.actor)
        document, _warnings = services.issue(
            document, self.actor, self.day(offset), explicit_units=units
        )
        return document

    def deadlines(self, d1=None, d2=None, d3=None):
        out = {}
        for name, offset in (("disseminate_by", d1), ("plan_by", d2), ("report_by", d3)):
            if offset is not None:
                out[name] = self.day(offset)
        return out


def _signer(unit, body):
    """The signing authority only, never a person's name."""
    if body == PARTY:
        return "T/M BAN THƯỜNG VỤ"
    if unit.parent_id is None:
        return "KT. BỘ TRƯỞNG"
    return "GIÁM ĐỐC"


# ---------------------------------------------------------------- loading


def load_demo_documents(ctx):
    """The `giaoban demo` loader: demo documents (registered at import of this module)."""
    load(ctx, log=ctx.log)


# Before the activity log's (whose sessions need these documents) and the reports' (whose
# current figures are computed from those sessions), whichever module is imported first.
DEMO_ORDER = 100
registry.demo.register(load_demo_documents, order=DEMO_ORDER)


def exists(ministry):
    return Document.objects.filter(is_demo=True, unit=ministry, subject=RESOLUTION_SUBJECT).exists()


def load(ctx, today=None, log=print):
    """Load the demo documents; returns {what: how many} (empty when already loaded)."""
    started = time.monotonic()
    today = today or timezone.localdate()
    if exists(ctx.ministry):
        log("Văn bản minh họa đã có — bỏ qua.")
        return {}
    actor = demo_actor(ctx.ministry)
    grants = Grants(actor)
    writer = _Writer(actor, grants, today)
    try:
        with acting_as(user=actor, label=SYSTEM_USERNAME):
            counts = _load(ctx, writer)
    finally:
        grants.drop()
    log(
        f"Văn bản minh họa: {counts['documents']} văn bản, {counts['plans']} kế hoạch cấp tỉnh "
        f"({time.monotonic() - started:.1f} s)."
    )
    return counts


def _load(ctx, writer):
    ministry = ctx.ministry
    resolution = writer.draft(
        ministry,
        PARTY,
        "NQ",
        RESOLUTION_SUBJECT,
        RESOLUTION_BODY,
        recipient_rule=Document.Rule.CHILDREN,
    )
    resolution = writer.issue(resolution, RESOLUTION_DAY)
    plan = writer.draft(
        ministry,
        STATE,
        "KH",
        PLAN_SUBJECT,
        PLAN_BODY,
        recipient_rule=Document.Rule.LEVEL,
        recipient_level=ctx.province_a.level,
        **writer.deadlines(D1, D2, D3),
    )
    plan = writer.issue(plan, PLAN_DAY, links=[(resolution, L.IMPLEMENTS)])
    plans = _province_plans(ctx, writer, resolution, plan)
    others = _others(ctx, writer)
    return {
        "documents": 2 + len(plans) + others,
        "plans": len(plans),
        "resolution": resolution.pk,
        "plan": plan.pk,
    }


def province_outcomes(ctx, provinces):
    """{province id: "on_time" | "late" | "missing"}: the demo province on time, the second
    one late, MISSING_PLANS others without a plan, about LATE_SHARE of the rest late."""
    out = {ctx.province_a.pk: "on_time", ctx.province_b.pk: "late"}
    rest = [p for p in provinces if p.pk not in out]
    drawn = sorted(rest, key=lambda p: _rng(p.code, "missing").random())
    missing = {p.pk for p in drawn[:MISSING_PLANS]}
    for p in rest:
        if p.pk in missing:
            out[p.pk] = "missing"
        else:
            out[p.pk] = "late" if _rng(p.code, "plan").random() < LATE_SHARE else "on_time"
    return out


def _province_plans(ctx, writer, resolution, plan):
    """Each province's implementing plan to its communes, as `province_outcomes` says."""
    provinces = list(Unit.objects.filter(pk__in=plan.recipients.values("unit_id")).order_by("code"))
    received = set(resolution.recipients.values_list("unit_id", flat=True))
    outcomes = province_outcomes(ctx, provinces)
    issued = []
    for province in provinces:
        outcome = outcomes[province.pk]
        if outcome == "missing" or not province.children.exists():
            continue
        rng = _rng(province.code, "plan")
        if outcome == "on_time":
            day = rng.randint(PLAN_DAY + 5, D2)
        else:
            day = rng.randint(D2 + 1, D2 + 15)
        d1 = max(day, min(D1, rng.randint(*COMMUNE_D1)))
        links = [(plan, L.IMPLEMENTS)]
        if province.pk in received:
            links.append((resolution, L.IMPLEMENTS))
        document = writer.draft(
            province,
            STATE,
            "KH",
            PROVINCE_PLAN_SUBJECT,
            PROVINCE_PLAN_BODY,
            recipient_rule=Document.Rule.CHILDREN,
            **writer.deadlines(d1, None, COMMUNE_D3),
        )
        issued.append(writer.issue(document, day, links))
    return issued


def _others(ctx, writer):
    """A directive, a guidance replaced by a newer one, a notice repealed by a decision, an
    expired one, and at the demo province a draft and a document in review."""
    ministry, province = ctx.ministry, ctx.province_a
    children = {"recipient_rule": Document.Rule.CHILDREN}
    n = 0
    directive = writer.draft(
        ministry,
        PARTY,
        "CT",
        "Về tăng cường giáo dục chính trị tư tưởng, giáo dục truyền thống trong Công an nhân "
        "dân " + LABEL,
        _body("Các cấp ủy tăng cường giáo dục chính trị tư tưởng, giáo dục truyền thống."),
        **children,
        **writer.deadlines(-20, None, 40),
    )
    writer.issue(directive, -60)
    n += 1
    old_guidance = writer.draft(
        ministry,
        STATE,
        "HD",
        "Hướng dẫn ghi nhật ký hoạt động công tác đảng, công tác chính trị " + LABEL,
        _body("Hướng dẫn các đơn vị ghi nhật ký hoạt động theo mẫu cũ."),
        **children,
    )
    old_guidance = writer.issue(old_guidance, -330)
    new_guidance = writer.draft(
        ministry,
        STATE,
        "HD",
        "Hướng dẫn ghi nhật ký hoạt động công tác đảng, công tác chính trị (thay thế hướng "
        "dẫn trước) " + LABEL,
        _body("Hướng dẫn này thay thế hướng dẫn trước về ghi nhật ký hoạt động."),
        **children,
    )
    writer.issue(new_guidance, -40, links=[(old_guidance, L.REPLACES)])
    n += 2
    notice = writer.draft(
        ministry,
        PARTY,
        "TB",
        "Thông báo lịch sinh hoạt chính trị chuyên đề " + LABEL,
        _body("Thông báo lịch sinh hoạt chính trị chuyên đề trong năm."),
        **children,
    )
    notice = writer.issue(notice, -80)
    decision = writer.draft(
        ministry,
        PARTY,
        "QĐ",
        "Quyết định bãi bỏ Thông báo lịch sinh hoạt chính trị chuyên đề " + LABEL,
        _body("Bãi bỏ thông báo lịch sinh hoạt chính trị chuyên đề đã ban hành."),
        **children,
    )
    writer.issue(decision, -10, links=[(notice, L.REPEALS)])
    n += 2
    expired = writer.draft(
        ministry,
        STATE,
        "TB",
        "Thông báo tạm thời về thời gian giao ban công tác đảng, công tác chính trị " + LABEL,
        _body("Thông báo có hiệu lực trong một thời gian ngắn."),
        effective_from=writer.day(-50),
        effective_to=writer.day(-20),
        **children,
    )
    writer.issue(expired, -50)
    n += 1
    province_notice = writer.draft(
        province,
        PARTY,
        "TB",
        "Thông báo kết luận hội nghị giao ban công tác đảng, công tác chính trị " + LABEL,
        _body("Thông báo kết luận của Ban Thường vụ Đảng ủy tại hội nghị giao ban."),
        **children,
        **writer.deadlines(None, None, 30),
    )
    services.send_for_review(province_notice, writer.actor)  # in review: its leader issues it
    writer.draft(
        province,
        STATE,
        "HD",
        "Hướng dẫn tổ chức hoạt động văn hóa, văn nghệ, thể thao chào mừng ngày truyền thống "
        + LABEL,
        _body("Dự thảo hướng dẫn, đang soạn."),
        **children,
    )
    n += 2
    return n
