"""What the campaign's pages share: finding the campaign in the user's scope, where in its
tree the user stands, saying why an action is refused, putting a service's refusal on the
field it names.

A campaign is found through `Campaign.objects.restrict(user)`: launched, by every unit
of the launching unit's subtree (and above it); being prepared, by the launching unit
and above only; anything else is a 404. Who may change it is asked of the services
(`may_manage`: an officer of the launching unit or above); a user who may see it but not
do the action gets 403 with the reason, in Vietnamese.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from giaoban.campaigns import services
from giaoban.campaigns.models import Campaign
from giaoban.campaigns.services import CampaignError
from giaoban.core import roles
from giaoban.core.paths import codes
from giaoban.core.scope import VIEW, can, get_in_scope_or_404
from giaoban.units import history
from giaoban.units.models import Unit

STATUS_CSS = {Campaign.Status.DRAFT: "info", Campaign.Status.LAUNCHED: "ok"}
REFUSED = "campaigns/refused.html"


def campaign_or_404(request, pk):
    """The campaign if the user may see it (404 otherwise), with what the pages show."""
    source = Campaign.objects.select_related("unit", "unit__level", "plan")
    campaign = get_in_scope_or_404(source, request.user, VIEW, pk=pk)
    return decorate(request.user, campaign)


def part_or_404(request, model, pk):
    """A phase or requirement of a campaign the user may see (404 otherwise)."""
    seen = Campaign.objects.restrict(request.user, VIEW)
    part = (
        model.objects.filter(pk=pk, campaign__in=seen)
        .select_related("campaign", "campaign__unit", "campaign__plan")
        .first()
    )
    if part is None:
        raise Http404(_("Không tìm thấy."))
    decorate(request.user, part.campaign)
    return part


def decorate(user, campaign):
    campaign.status_css = STATUS_CSS.get(campaign.status, "")
    campaign.manageable = services.may_manage(user, campaign)
    campaign.editable = campaign.manageable and not campaign.is_launched
    campaign.sees_unit = can(user, VIEW, campaign.unit)
    return campaign


def url(campaign, anchor="", unit=None):
    out = reverse("campaigns:campaign", kwargs={"pk": campaign.pk})
    if unit is not None and unit.pk != campaign.unit_id:
        out += f"?unit={unit.code}"
    return out + anchor


def refuse(request, message, campaign=None, status=403):
    """The reason an action cannot be done (not this user's, already launched)."""
    context = {"message": message, "campaign": campaign}
    return render(request, REFUSED, context, status=status)


def manage_refusal(request, campaign, draft_only=True):
    """Why this user cannot change the campaign's set-up now (None: they can)."""
    if not campaign.manageable:
        return refuse(
            request,
            _(
                "Chỉ cán bộ của %(unit)s hoặc của đơn vị cấp trên mới chuẩn bị được đợt sinh "
                "hoạt chính trị này."
            )
            % {"unit": campaign.unit.name},
            campaign,
        )
    if draft_only and campaign.is_launched:
        return refuse(
            request,
            _("Đợt đã phát động: giai đoạn và yêu cầu không thay đổi được nữa."),
            campaign,
        )
    return None


def posted(request, files=False):
    """A form's data: bound on a POST even when empty (so "nothing sent" is an error)."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def put_error(form, error, rename=None):
    """A service's refusal onto the field it names (or the form as a whole)."""
    field = (rename or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


REFUSALS = (CampaignError,)


# ------------------------------------------------------------------ where the user stands


def own_node(user, campaign):
    """The unit the user looks at a campaign from: the launching unit for who sees it, else
    the outermost unit the user holds a role at inside the campaign's subtree (their own
    unit's first); None when there is none."""
    if can(user, VIEW, campaign.unit):
        return campaign.unit
    outer = roles.role_paths(user, roles.ROLES)
    mine = user.unit.path if user.unit_id else None
    inside = [p for p in outer if p.startswith(campaign.path)]
    chosen = next((p for p in inside if mine and mine.startswith(p)), None)
    chosen = chosen or (inside[0] if inside else None)
    if chosen is None:
        return None
    return Unit.objects.select_related("level").filter(path=chosen).first()


def node_of(request, campaign):
    """(node, default): the unit the page is about — `?unit=CODE` (a unit of the user's
    scope inside the campaign's), else where the user stands (404 for a unit outside)."""
    default = own_node(request.user, campaign)
    code = (request.GET.get("unit") or "").strip().upper()
    if not code or (default is not None and code == default.code):
        return default, default
    node = (
        Unit.objects.restrict(request.user, VIEW)
        .select_related("level")
        .filter(code=code, path__startswith=campaign.path)
        .first()
    )
    if node is None:
        raise Http404(_("Không có đơn vị này trong phạm vi đợt mà đồng chí được xem."))
    return node, default


def start_path(campaign, unit):
    """The unit's path on the campaign's first day (progress counts on that tree), or None
    when the unit did not exist then."""
    if unit is None:
        return None
    return history.paths_on(campaign.start).get(unit.pk)


def trail_between(default, node):
    """The units from the default node down to the chosen one (for the crumbs)."""
    if default is None or node.pk == default.pk or not node.path.startswith(default.path):
        return [default] if default is not None and node.pk != default.pk else []
    wanted = codes(node.path)[len(codes(default.path)) - 1 : -1]
    found = {u.code: u for u in Unit.objects.filter(code__in=wanted)}
    return [found[c] for c in wanted if c in found]
