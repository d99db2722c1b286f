"""Launching and keeping a campaign (đợt sinh hoạt chính trị), and the results units send.

- An officer of a unit (or above it) prepares a campaign of that unit from one of its
  issued documents (the plan that launches it): title, dates, phases inside the campaign's
  dates that do not overlap, and requirements per level and phase, each met by a record —
  an activity of a kind linked to the campaign, a document implementing its plan, or a
  results text. A requirement that no record could ever meet is refused: an activity kind
  not in use, a level with no unit in the campaign's subtree.
- Launching makes it visible to every unit of the subtree (`CampaignQuerySet.subtree_of`)
  and tells their officers and leaders; the phases and requirements are then fixed (a
  later change would move every unit's progress under its feet), while the title, the
  description and the last day may still change (audited).
- A unit's officer sends the results a RESULTS requirement asks for: a text and files.

Errors are `CampaignError` with a Vietnamese message and the field they concern.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from giaoban.activities import public as activities
from giaoban.audit.registry import mark, take_snapshot
from giaoban.campaigns.models import Campaign, Phase, Requirement, Result, ResultFile
from giaoban.core import roles, uploads
from giaoban.core.scope import CHANGE, can
from giaoban.core.text import TextError, clean
from giaoban.documents import public as documents
from giaoban.notifications.services import notify_all
from giaoban.units import history
from giaoban.units.models import Level, Unit

S = Campaign.Status
K = Requirement.Kind
LAUNCHED_NOTICE = "campaigns.launched"


class CampaignError(Exception):
    def __init__(self, message, field=None, forbidden=False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.forbidden = forbidden


def _text(value, field, limit, required=True):
    try:
        return clean(value, limit, required)
    except TextError as error:
        raise CampaignError(str(error), field=field) from None


def may_manage(user, campaign):
    return can(user, CHANGE, campaign.unit)


def _locked(campaign):
    return Campaign.objects.select_for_update().select_related("unit").get(pk=campaign.pk)


def _require_manage(user, campaign, draft_only=False):
    if not may_manage(user, campaign):
        raise CampaignError(
            _("Đồng chí không quản lý được đợt sinh hoạt chính trị của đơn vị này."),
            forbidden=True,
        )
    if draft_only and campaign.is_launched:
        raise CampaignError(
            _("Đợt đã phát động: giai đoạn và yêu cầu không thay đổi được nữa."), forbidden=True
        )


def _check_dates(start, end, field="end"):
    if start is None or end is None:
        raise CampaignError(_("Cần có ngày bắt đầu và ngày kết thúc."), field=field)
    if end < start:
        raise CampaignError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."), field=field)


def _plan(user, unit, plan_id):
    found = documents.issued_document(user, plan_id, unit) if plan_id else None
    if found is None:
        raise CampaignError(
            _("Kế hoạch phát động phải là văn bản đã ban hành của %(unit)s.") % {"unit": unit.name},
            field="plan",
        )
    return found


def url(campaign):
    return reverse("campaigns:campaign", kwargs={"pk": campaign.pk})


# ------------------------------------------------------------------ the campaign


@transaction.atomic
def create(user, unit, title, plan_id, start, end, description="", is_demo=False):
    if not can(user, CHANGE, unit):
        raise CampaignError(_("Đồng chí không phát động được đợt của đơn vị này."), forbidden=True)
    plan = _plan(user, unit, plan_id)
    _check_dates(start, end)
    return Campaign.objects.create(
        unit=unit,
        path=unit.path,
        title=_text(title, "title", 300),
        description=_text(description, "description", 20_000, required=False),
        plan=plan,
        start=start,
        end=end,
        created_by=user,
        is_demo=is_demo,
    )


@transaction.atomic
def update(user, campaign, title, description, end, start=None, plan_id=None):
    """While preparing, everything; once launched, the title, description and last day
    (never before a phase's end)."""
    campaign = _locked(campaign)
    _require_manage(user, campaign)
    campaign.title = _text(title, "title", 300)
    campaign.description = _text(description, "description", 20_000, required=False)
    if not campaign.is_launched:
        if start is not None:
            campaign.start = start
        if plan_id is not None:
            campaign.plan = _plan(user, campaign.unit, plan_id)
    elif start is not None and start != campaign.start:
        raise CampaignError(_("Đợt đã phát động: không đổi ngày bắt đầu."), field="start")
    _check_dates(campaign.start, end)
    campaign.end = end
    last = campaign.phases.aggregate(m=Max("end"))["m"]
    first = campaign.phases.order_by("start").values_list("start", flat=True).first()
    outside = {"start": first and first < campaign.start, "end": last and last > end}
    for field, out in outside.items():
        if out:
            raise CampaignError(
                _("Các giai đoạn phải nằm trong thời gian của đợt (%(s)s–%(e)s).")
                % {"s": f"{campaign.start:%d/%m/%Y}", "e": f"{campaign.end:%d/%m/%Y}"},
                field=field,
            )
    campaign.save()
    return campaign


# ------------------------------------------------------------------ phases


def _check_phase(campaign, start, end, exclude=None):
    _check_dates(start, end)
    if start < campaign.start or end > campaign.end:
        raise CampaignError(
            _("Giai đoạn phải nằm trong thời gian của đợt (%(s)s–%(e)s).")
            % {"s": f"{campaign.start:%d/%m/%Y}", "e": f"{campaign.end:%d/%m/%Y}"},
            field="start",
        )
    others = campaign.phases.exclude(pk=exclude) if exclude else campaign.phases.all()
    for other in others:
        if start <= other.end and other.start <= end:
            raise CampaignError(
                _("Trùng thời gian với giai đoạn %(n)s (%(s)s–%(e)s).")
                % {"n": other.number, "s": f"{other.start:%d/%m/%Y}", "e": f"{other.end:%d/%m/%Y}"},
                field="start",
            )


def _renumber(campaign):
    phases = enumerate(campaign.phases.order_by("start", "pk"), start=1)
    moving = [(n, phase) for n, phase in phases if phase.number != n]
    for n, phase in moving:
        # The trail shows the number the phase had, not the stand-in that keeps it away
        # from the others' (unique per campaign) while they move.
        take_snapshot(phase)
        Phase.objects.filter(pk=phase.pk).update(number=1000 + n)
    for n, phase in moving:
        phase.number = n
        phase.save(update_fields=["number"])


@transaction.atomic
def add_phase(user, campaign, title, start, end):
    campaign = _locked(campaign)
    _require_manage(user, campaign, draft_only=True)
    _check_phase(campaign, start, end)
    top = campaign.phases.aggregate(m=Max("number"))["m"] or 0
    phase = Phase.objects.create(
        campaign=campaign, number=top + 1, title=_text(title, "title", 300), start=start, end=end
    )
    _renumber(campaign)
    phase.refresh_from_db()
    return phase


@transaction.atomic
def update_phase(user, phase, title, start, end):
    campaign = _locked(phase.campaign)
    _require_manage(user, campaign, draft_only=True)
    _check_phase(campaign, start, end, exclude=phase.pk)
    phase.title, phase.start, phase.end = _text(title, "title", 300), start, end
    phase.save()
    _renumber(campaign)
    return phase


@transaction.atomic
def delete_phase(user, phase):
    campaign = _locked(phase.campaign)
    _require_manage(user, campaign, draft_only=True)
    if phase.requirements.exists():
        raise CampaignError(_("Giai đoạn còn yêu cầu: xóa các yêu cầu trước."), field="phase")
    phase.delete()
    _renumber(campaign)


# ------------------------------------------------------------------ requirements


def _subtree_ids(campaign):
    paths = history.paths_on(campaign.start)
    root = paths.get(campaign.unit_id, campaign.path)
    return [pk for pk, path in paths.items() if path.startswith(root)]


def unit_count(campaign):
    """How many units the campaign concerns (the launching one included)."""
    return len(_subtree_ids(campaign))


def _levels_in(campaign):
    """The ids of the levels that have a unit in the campaign's subtree on its first day."""
    ids = _subtree_ids(campaign)
    return set(Unit.objects.filter(pk__in=ids).values_list("level_id", flat=True).distinct())


def levels_for(campaign):
    """[(Level, how many units)] of the levels with a unit in the campaign's subtree on its
    first day, top level first: what a requirement may name."""
    counts = defaultdict(int)
    for level_id in Unit.objects.filter(pk__in=_subtree_ids(campaign)).values_list(
        "level_id", flat=True
    ):
        counts[level_id] += 1
    levels = Level.objects.filter(pk__in=list(counts)).order_by("rank", "pk")
    return [(level, counts[level.pk]) for level in levels]


def _check_requirement(campaign, kind, level, activity_kind_id, min_count):
    if kind not in K.values:
        raise CampaignError(_("Cách đáp ứng không hợp lệ."), field="kind")
    if level is not None and level.pk not in _levels_in(campaign):
        raise CampaignError(
            _(
                "Không có đơn vị cấp %(level)s nào thuộc phạm vi đợt: yêu cầu này không đơn vị "
                "nào thực hiện được."
            )
            % {"level": level.name},
            field="level",
        )
    if kind == K.ACTIVITY:
        kinds = dict(activities.kinds())
        if activity_kind_id not in kinds:
            raise CampaignError(
                _("Yêu cầu tổ chức hoạt động cần một loại hoạt động đang dùng."),
                field="activity_kind",
            )
        if not 1 <= (min_count or 0) <= 100:
            raise CampaignError(_("Số hoạt động tối thiểu từ 1 đến 100."), field="min_count")
    elif activity_kind_id:
        raise CampaignError(
            _("Chỉ yêu cầu tổ chức hoạt động mới chọn loại hoạt động."), field="activity_kind"
        )


@transaction.atomic
def add_requirement(
    user, campaign, phase, kind, title, level=None, activity_kind_id=None, min_count=1
):
    campaign = _locked(campaign)
    _require_manage(user, campaign, draft_only=True)
    if phase is None or phase.campaign_id != campaign.pk:
        raise CampaignError(_("Chọn một giai đoạn của đợt."), field="phase")
    if isinstance(level, int):
        level = Level.objects.filter(pk=level).first()
    _check_requirement(campaign, kind, level, activity_kind_id, min_count)
    top = campaign.requirements.aggregate(m=Max("order"))["m"] or 0
    return Requirement.objects.create(
        campaign=campaign,
        phase=phase,
        level=level,
        kind=kind,
        activity_kind_id=activity_kind_id if kind == K.ACTIVITY else None,
        min_count=min_count if kind == K.ACTIVITY else 1,
        title=_text(title, "title", 300),
        order=top + 1,
    )


@transaction.atomic
def update_requirement(
    user, requirement, phase, kind, title, level=None, activity_kind_id=None, min_count=1
):
    """While preparing: any of a requirement's fields, checked as when added."""
    campaign = _locked(requirement.campaign)
    _require_manage(user, campaign, draft_only=True)
    if phase is None or phase.campaign_id != campaign.pk:
        raise CampaignError(_("Chọn một giai đoạn của đợt."), field="phase")
    if isinstance(level, int):
        level = Level.objects.filter(pk=level).first()
    _check_requirement(campaign, kind, level, activity_kind_id, min_count)
    requirement.phase = phase
    requirement.level = level
    requirement.kind = kind
    requirement.activity_kind_id = activity_kind_id if kind == K.ACTIVITY else None
    requirement.min_count = min_count if kind == K.ACTIVITY else 1
    requirement.title = _text(title, "title", 300)
    requirement.save()
    return requirement


@transaction.atomic
def delete_requirement(user, requirement):
    campaign = _locked(requirement.campaign)
    _require_manage(user, campaign, draft_only=True)
    requirement.delete()


# ------------------------------------------------------------------ launch


@transaction.atomic
def launch(user, campaign):
    """Phát động: visible to every unit of the subtree, whose officers and leaders are told."""
    campaign = _locked(campaign)
    _require_manage(user, campaign, draft_only=True)
    if not campaign.requirements.exists():
        raise CampaignError(_("Đợt chưa có yêu cầu nào."), field="requirements")
    take_snapshot(campaign)
    mark(campaign, "transition", _("Phát động"))
    campaign.status = S.LAUNCHED
    campaign.launched_at = timezone.now()
    campaign.save()
    people = get_user_model().objects.filter(
        role_assignments__unit__path__startswith=campaign.path,
        role_assignments__role__in=(roles.OFFICER, roles.LEADER),
    )
    notify_all(
        people,
        LAUNCHED_NOTICE,
        (_("Phát động: %(t)s") % {"t": campaign.title})[:255],
        _("Từ ngày %(s)s đến ngày %(e)s.")
        % {"s": f"{campaign.start:%d/%m/%Y}", "e": f"{campaign.end:%d/%m/%Y}"},
        url(campaign),
    )
    return campaign


# ------------------------------------------------------------------ results


def applies(requirement, unit):
    return requirement.level_id is None or requirement.level_id == unit.level_id


def may_send_results(user, campaign, unit):
    return campaign.is_launched and unit.path.startswith(campaign.path) and can(user, CHANGE, unit)


def concerns(campaign, unit):
    """Whether `unit` was in the campaign's subtree on its first day (units created later
    owe it nothing)."""
    paths = history.paths_on(campaign.start)
    root, path = paths.get(campaign.unit_id), paths.get(unit.pk)
    return bool(root and path and path.startswith(root))


@transaction.atomic
def send_results(user, requirement, unit, text, files=(), day=None):
    """A unit's results for a RESULTS requirement: its text (sent again, it replaces the
    earlier one; the first day counts) and files ([(upload, Checked)]), all or nothing."""
    campaign = _locked(requirement.campaign)
    if not may_send_results(user, campaign, unit):
        raise CampaignError(
            _("Đồng chí không gửi được báo cáo kết quả của đơn vị này."), forbidden=True
        )
    if requirement.kind != K.RESULTS:
        raise CampaignError(
            _("Yêu cầu này không đáp ứng bằng báo cáo kết quả."), field="requirement"
        )
    if not applies(requirement, unit) or not concerns(campaign, unit):
        raise CampaignError(_("Yêu cầu này không áp dụng cho đơn vị."), field="requirement")
    text = _text(text, "text", 20_000)
    result = Result.objects.select_for_update().filter(requirement=requirement, unit=unit).first()
    if result is None:
        result = Result(
            requirement=requirement,
            campaign=campaign,
            unit=unit,
            path=unit.path,
            sent_on=day or timezone.localdate(),
            created_by=user,
        )
    result.text = text
    result.save()
    stored = []
    try:
        for upload, checked in files:
            stored.append(uploads.store(upload, checked, f"campaigns/{campaign.pk}"))
            ResultFile.objects.create(
                result=result,
                name=checked.name,
                stored=stored[-1],
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=user,
            )
    except BaseException:
        for name in stored:
            uploads.delete(name)
        raise
    return result
