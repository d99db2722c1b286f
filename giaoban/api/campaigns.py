"""Campaigns API (đợt sinh hoạt chính trị): the campaigns (list, read), the progress of one
unit and of a subtree — read only.

The same rules as the pages, through the same functions: campaigns through
`Campaign.objects.restrict` (the launching unit's subtree and above; once launched, every
unit of the subtree too); progress through `campaigns.progress` (the rule written in its
docstring: computed from the records, never stored, never ticked), shown only for units of
the caller's scope — a unit outside it is a 404, as if missing, so that a province reads
its own subtree's figures of the ministry's campaign, never a sibling's. What a unit's
requirements were met by (activities, documents, results) is listed through their own
restricted querysets.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Path, Query, Router

from giaoban.activities.models import Activity
from giaoban.api import errors
from giaoban.api.campaign_schemas import (
    CampaignDetail,
    CampaignFilters,
    CampaignPage,
    ProgressFilters,
    SubtreeProgressOut,
    UnitProgressOut,
)
from giaoban.api.errors import ApiError
from giaoban.api.schemas import ErrorOut, UnitCode, ValidationErrorOut
from giaoban.api.units import get_visible_unit, unit_ref
from giaoban.campaigns import progress
from giaoban.campaigns.models import Campaign, Phase, Requirement, Result
from giaoban.core import due
from giaoban.core.scope import VIEW, can, role_paths
from giaoban.documents import public as documents
from giaoban.documents.models import Document, DocumentLink
from giaoban.units.models import Unit

router = Router(tags=["Đợt sinh hoạt chính trị"])

errors.LABELS.update(
    {
        "campaign": gettext_lazy("Mã số đợt sinh hoạt chính trị (campaign)"),
    }
)

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
CAMPAIGN_PK = Path(
    ..., ge=1, le=2_147_483_647, description="Mã số (id) của đợt sinh hoạt chính trị."
)
UNIT_CODE = Path(..., description="Mã đơn vị, ví dụ T19 (không phân biệt hoa/thường).")
K = Requirement.Kind
STANDINGS = (due.ON_TIME, due.LATE, due.PENDING, due.OVERDUE)
ISSUED = (Document.Status.ISSUED, Document.Status.REPLACED)

PHASE_STATES = {
    "finished": gettext_lazy("Đã kết thúc"),
    "running": gettext_lazy("Đang diễn ra"),
    "upcoming": gettext_lazy("Sắp tới"),
}
UNIT_STATES = {
    "complete": gettext_lazy("Hoàn thành"),
    "lagging": gettext_lazy("Chậm tiến độ"),
    "in_progress": gettext_lazy("Đang thực hiện"),
    "not_applicable": gettext_lazy("Không áp dụng"),
}


# ------------------------------------------------------------------ campaigns


def get_campaign(request, pk):
    found = (
        Campaign.objects.restrict(request.auth, VIEW)
        .select_related("unit", "plan")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise ApiError(
            404,
            _("Không tìm thấy đợt sinh hoạt chính trị mã số %(pk)s trong phạm vi của đồng chí.")
            % {"pk": pk},
        )
    return found


def _phase_state(phase, today):
    if phase.end < today:
        return "finished"
    return "running" if phase.start <= today else "upcoming"


def campaign_row(c, phases, seen_plans, today):
    running = next((p.number for p in phases if _phase_state(p, today) == "running"), None)
    return {
        "id": c.pk,
        "title": c.title,
        "unit": unit_ref(c.unit),
        "plan": {
            "id": c.plan_id if c.plan_id in seen_plans else None,
            "label": documents.label(c.plan),
        },
        "start": c.start,
        "end": c.end,
        "status": c.status,
        "status_name": str(Campaign.Status(c.status).label),
        "launched_at": c.launched_at,
        "current_phase": running,
        "is_demo": c.is_demo,
    }


def _phases_of(campaigns):
    out = {c.pk: [] for c in campaigns}
    for phase in Phase.objects.filter(campaign__in=list(out)).order_by("campaign", "number"):
        out[phase.campaign_id].append(phase)
    return out


@router.get(
    "/campaigns",
    response={200: CampaignPage, **READ_ERRORS},
    url_name="campaign_list",
    operation_id="listCampaigns",
    summary="Danh sách đợt sinh hoạt chính trị",
)
def list_campaigns(request, filters: Query[CampaignFilters]):
    """Các đợt sinh hoạt chính trị đồng chí được xem: đợt do đơn vị trong phạm vi của đồng
    chí phát động (cả khi đang chuẩn bị), và đợt đã phát động cho cây đơn vị có đơn vị của
    đồng chí; mới nhất trước. Lọc theo đơn vị phát động, trạng thái."""
    user, today = request.auth, timezone.localdate()
    rows = Campaign.objects.restrict(user, VIEW).select_related("unit", "plan")
    if filters.unit:
        rows = rows.filter(unit=get_visible_unit(request, filters.unit))
    if filters.status:
        rows = rows.filter(status=filters.status)
    rows = rows.order_by("-start", "-pk")
    page = list(rows[filters.offset : filters.offset + filters.limit])
    phases = _phases_of(page)
    seen = documents.visible(user, {c.plan_id for c in page})
    return {
        "total": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [campaign_row(c, phases[c.pk], seen, today) for c in page],
    }


def _named(obj):
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def requirement_out(r):
    return {
        "id": r.pk,
        "phase": r.phase.number,
        "title": r.title,
        "kind": r.kind,
        "kind_name": str(K(r.kind).label),
        "level": _named(r.level),
        "activity_kind": _named(r.activity_kind),
        "min_count": r.min_count,
        "deadline": r.phase.end,
    }


def _requirements(campaign):
    return list(
        campaign.requirements.select_related("phase", "level", "activity_kind").order_by(
            "phase__number", "order", "pk"
        )
    )


@router.get(
    "/campaigns/{campaign}",
    response={200: CampaignDetail, **READ_ERRORS},
    url_name="campaign_detail",
    operation_id="getCampaign",
    summary="Một đợt sinh hoạt chính trị: kế hoạch, giai đoạn, yêu cầu theo cấp",
)
def get_campaign_detail(request, campaign: int = CAMPAIGN_PK):
    """Đơn vị phát động, kế hoạch phát động (văn bản trong sổ văn bản), thời gian, mục đích
    yêu cầu, các giai đoạn (đã kết thúc, đang diễn ra, sắp tới) và các yêu cầu theo cấp và
    giai đoạn — mỗi yêu cầu được đáp ứng bằng hồ sơ: hoạt động đúng loại gắn với kế hoạch
    của đợt, văn bản triển khai kế hoạch, báo cáo kết quả."""
    user, today = request.auth, timezone.localdate()
    found = get_campaign(request, campaign)
    phases = list(found.phases.order_by("number"))
    seen = documents.visible(user, [found.plan_id])
    return {
        **campaign_row(found, phases, seen, today),
        "description": found.description,
        "phases": [
            {
                "number": p.number,
                "title": p.title,
                "start": p.start,
                "end": p.end,
                "state": _phase_state(p, today),
                "state_name": str(PHASE_STATES[_phase_state(p, today)]),
            }
            for p in phases
        ],
        "requirements": [requirement_out(r) for r in _requirements(found)],
        "created_at": found.created_at,
        "updated_at": found.updated_at,
    }


# ------------------------------------------------------------------ progress


def _standings(items):
    counts = dict.fromkeys(STANDINGS, 0)
    for s, _met in items:
        counts[s] += 1
    return counts


def _standing_counts(counts):
    return {s: counts.get(s, 0) for s in STANDINGS}


def _unit_state(p):
    if not p.applicable:
        return "not_applicable"
    if p.complete:
        return "complete"
    return "lagging" if p.lagging else "in_progress"


def own_counts(p):
    state = _unit_state(p)
    return {
        "applicable": p.applicable,
        "met": p.met,
        "complete": p.complete,
        "lagging": p.lagging,
        "state": state,
        "state_name": str(UNIT_STATES[state]),
        "standings": _standings(p.items.values()),
    }


def _below(group):
    return {"units": group.below, "complete": group.complete, "lagging": group.lagging}


def _concerned(computed, campaign, unit):
    """The unit's progress, or a 404: a unit the campaign does not concern."""
    found = computed.of(unit.pk)
    if found is None:
        raise ApiError(
            404,
            _("%(unit)s không thuộc phạm vi đợt “%(title)s”.")
            % {"unit": unit.name, "title": campaign.title},
        )
    return found


def _default_node(user, campaign):
    """The launching unit for those who see its scope; else the caller's own outermost unit
    inside the campaign's subtree."""
    if can(user, VIEW, campaign.unit):
        return campaign.unit
    inside = sorted(p for p in role_paths(user, VIEW) if p.startswith(campaign.path))
    node = Unit.objects.filter(path=inside[0]).first() if inside else None
    if node is None:
        raise ApiError(
            404,
            _("Đồng chí không có đơn vị nào thuộc phạm vi đợt “%(title)s”.")
            % {"title": campaign.title},
        )
    return node


@router.get(
    "/campaigns/{campaign}/progress",
    response={200: SubtreeProgressOut, **READ_ERRORS},
    url_name="campaign_progress",
    operation_id="getCampaignProgress",
    summary="Tiến độ của đợt theo cây đơn vị: đơn vị gốc và từng đơn vị trực thuộc",
)
def campaign_progress(request, filters: Query[ProgressFilters], campaign: int = CAMPAIGN_PK):
    """Tiến độ tính từ hồ sơ tại đơn vị gốc `node` (mặc định đơn vị phát động, hoặc đơn vị
    của đồng chí nếu đồng chí ở cấp dưới): yêu cầu của chính đơn vị gốc (đã đáp ứng x trên
    y), các đơn vị dưới nó (hoàn thành x trên y, chậm z) và mỗi đơn vị trực thuộc một dòng
    — yêu cầu của chính nó, các đơn vị dưới nó hoàn thành và chậm. Một đơn vị hoàn thành
    khi đã đáp ứng mọi yêu cầu áp dụng cho nó; chậm khi có yêu cầu quá hạn chưa thực hiện;
    đơn vị không có yêu cầu nào là “không áp dụng”, không được tính.

    `node` phải thuộc phạm vi của đồng chí (ngoài phạm vi → 404, như không tồn tại) và
    thuộc phạm vi đợt: một tỉnh chỉ đọc được số liệu của cây đơn vị mình."""
    user = request.auth
    found = get_campaign(request, campaign)
    if filters.node:
        node = get_visible_unit(request, filters.node)
    else:
        node = _default_node(user, found)
    computed = progress.compute(found)
    own = _concerned(computed, found, node)
    total, groups, _own = computed.summary(own.path)
    return {
        "campaign": {"id": found.pk, "title": found.title},
        "node": unit_ref(node),
        "today": computed.today,
        "own": own_counts(own),
        "below": _below(total),
        "standings": _standing_counts(total.standings),
        "groups": [
            {
                "unit": unit_ref(g.unit) if g.unit else {"code": g.code, "name": g.code},
                "own": own_counts(g.own) if g.own is not None else None,
                "below": _below(g),
                "standings": _standing_counts(g.standings),
            }
            for g in groups
        ],
    }


def _activities(user, campaign, unit, chain, today):
    """{activity kind id: [activity]} of the unit's sessions linked to the campaign's chain."""
    rows = (
        Activity.objects.restrict(user, VIEW)
        .filter(
            unit=unit,
            document_id__in=sorted(chain),
            date__gte=campaign.start,
            date__lte=today,
        )
        .only("pk", "date", "title", "kind_id")
        .order_by("date", "pk")
    )
    out = {}
    for a in rows:
        out.setdefault(a.kind_id, []).append(a)
    return out


def _documents(user, campaign, unit, chain):
    """The unit's issued documents implementing a document of the chain, from the first day
    of the campaign on, first issued first."""
    rows = (
        Document.objects.filter(
            unit=unit,
            status__in=ISSUED,
            issue_date__gte=campaign.start,
            links_out__target_id__in=sorted(chain),
            links_out__kind=DocumentLink.Kind.IMPLEMENTS,
        )
        .distinct()
        .order_by("issue_date", "pk")
    )
    found = list(rows)
    seen = documents.visible(user, [d.pk for d in found])
    return [
        {
            "kind": "document",
            "id": d.pk if d.pk in seen else None,
            "label": documents.label(d),
            "date": d.issue_date,
        }
        for d in found
    ]


def _results(user, campaign, unit):
    rows = Result.objects.restrict(user, VIEW).filter(campaign=campaign, unit=unit)
    return {r.requirement_id: r for r in rows.prefetch_related("files")}


def _result_out(result):
    if result is None:
        return None
    return {
        "text": result.text,
        "sent_on": result.sent_on,
        "files": [
            {
                "id": f.pk,
                "name": f.name,
                "content_type": f.content_type,
                "size": f.size,
                "uploaded_at": f.uploaded_at,
            }
            for f in result.files.all()
        ],
    }


@router.get(
    "/campaigns/{campaign}/units/{code}",
    response={200: UnitProgressOut, **READ_ERRORS},
    url_name="campaign_unit_progress",
    operation_id="getCampaignUnitProgress",
    summary="Tiến độ của một đơn vị trong đợt: từng yêu cầu, ngày đáp ứng, hồ sơ đáp ứng",
)
def unit_progress(request, campaign: int = CAMPAIGN_PK, code: UnitCode = UNIT_CODE):
    """Các yêu cầu áp dụng cho đơn vị, mỗi yêu cầu với tình trạng theo ma trận theo dõi
    nhiệm vụ (`on_time` đúng hạn, `late` quá hạn mới làm, `pending` còn hạn, `overdue` quá
    hạn chưa làm) so với ngày cuối giai đoạn, ngày hồ sơ đáp ứng yêu cầu và chính các hồ sơ
    ấy: hoạt động đúng loại gắn với kế hoạch của đợt (hoặc văn bản triển khai nó), văn bản
    của đơn vị triển khai kế hoạch, báo cáo kết quả đơn vị đã gửi kèm tệp. Không đánh dấu
    tay.

    Đơn vị ngoài phạm vi của đồng chí → 404 như không tồn tại; đơn vị không thuộc phạm vi
    đợt → 404."""
    user = request.auth
    found = get_campaign(request, campaign)
    unit = get_visible_unit(request, code)
    computed = progress.compute(found)
    mine = _concerned(computed, found, unit)
    today = computed.today
    applying = [r for r in computed.requirements if r.pk in mine.items]
    kinds = {r.kind for r in applying}
    chain = documents.chain_ids(found.plan_id) if kinds & {K.ACTIVITY, K.DOCUMENT} else set()
    sessions = _activities(user, found, unit, chain, today) if K.ACTIVITY in kinds else {}
    issued = _documents(user, found, unit, chain) if K.DOCUMENT in kinds else []
    results = _results(user, found, unit) if K.RESULTS in kinds else {}
    items = []
    for r in applying:
        standing, met_on = mine.items[r.pk]
        records = []
        if r.kind == K.ACTIVITY:
            records = [
                {"kind": "activity", "id": a.pk, "label": str(a), "date": a.date}
                for a in sessions.get(r.activity_kind_id, [])
            ]
        elif r.kind == K.DOCUMENT:
            records = issued
        items.append(
            {
                "requirement": r.pk,
                "title": r.title,
                "phase": r.phase.number,
                "kind": r.kind,
                "kind_name": str(K(r.kind).label),
                "deadline": r.phase.end,
                "standing": standing,
                "standing_name": str(due.STANDING_LABELS[standing]),
                "met_on": met_on,
                "records": records,
                "results": _result_out(results.get(r.pk)) if r.kind == K.RESULTS else None,
            }
        )
    return {
        "campaign": {"id": found.pk, "title": found.title},
        "unit": unit_ref(unit),
        "level": unit.level.code,
        "today": today,
        "counts": own_counts(mine),
        "requirements": items,
    }
