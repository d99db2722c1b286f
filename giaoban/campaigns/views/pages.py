"""Đợt sinh hoạt chính trị — the start page and the campaign's page; the routes of every
campaign page (the editors, the results and the exports live in the modules beside it).

The start page lists the campaigns the user sees (`Campaign.objects.restrict`): launched
ones of the subtrees that hold the user's units, and those being prepared by their own
units; with each, where the user's unit stands and how its units below do.

The campaign page shows the plan, phases and requirements; once launched, for the unit it
is about (the launching unit, the user's own, or `?unit=CODE` of their scope): its own
requirements with the records that met them, a row per unit below, the lagging units and
what is overdue — from ONE `progress.compute` over that unit's subtree.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from giaoban.campaigns import progress
from giaoban.campaigns.models import Campaign
from giaoban.campaigns.views import edit, exports, results, setup
from giaoban.campaigns.views.common import (
    STATUS_CSS,
    campaign_or_404,
    decorate,
    node_of,
    own_node,
    start_path,
    trail_between,
)
from giaoban.campaigns.views.reading import (
    CHILDREN_PAGE,
    CHILDREN_PARAM,
    LAGGING_PAGE,
    LAGGING_PARAM,
    child_rows,
    lagging_rows,
    own_items,
    page_of,
    per_requirement,
    phases_with_requirements,
    status_of,
    totals,
)
from giaoban.core.due import LATE, ON_TIME, OVERDUE, PENDING
from giaoban.core.scope import CHANGE, VIEW, may
from giaoban.documents import public as documents

PAGE_SIZE = 10


def when_label(campaign, today):
    """Where the campaign is in time, in words (for a launched one)."""
    if not campaign.is_launched:
        return ""
    if today < campaign.start:
        return "upcoming"
    if today > campaign.end:
        return "ended"
    return "running"


def standing_on_index(user, campaign, today):
    """Where the user's unit stands on the campaign, for the start page's row: the unit,
    its UnitProgress, the Group of its subtree, the titles of what it has overdue."""
    campaign.node = own_node(user, campaign)
    campaign.mine = campaign.below = None
    campaign.mine_overdue = []
    node_path = start_path(campaign, campaign.node)
    if node_path is not None:
        result = progress.compute(campaign, today, within=node_path)
        campaign.below, _groups, campaign.mine = result.summary(node_path)
    mine = campaign.mine
    campaign.mine_label, campaign.mine_css = status_of(mine)
    if mine is not None:
        titles = {r.pk: r.title for r in result.requirements}
        campaign.mine_overdue = [titles[pk] for pk, (s, _m) in mine.items.items() if s == OVERDUE]
        campaign.mine_on_time = mine.count(ON_TIME)
        campaign.mine_late = mine.count(LATE)


@login_required
@require_GET
def index(request):
    user = request.user
    today = timezone.localdate()
    rows = Campaign.objects.restrict(user, VIEW).select_related("unit").order_by("-start", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    campaigns = list(page.object_list)
    for c in campaigns:
        decorate(user, c)
        c.when = when_label(c, today)
        if c.is_launched:
            standing_on_index(user, c, today)
    context = {
        "page": page,
        "campaigns": campaigns,
        "may_launch": may(user, CHANGE),
        "status_css": STATUS_CSS,
    }
    return render(request, "campaigns/index.html", context)


def _launched_context(request, campaign, node, default, requirements, today):
    node_path = start_path(campaign, node)
    if node_path is None:
        return {"node": node, "not_concerned": True}
    result = progress.compute(campaign, today, within=node_path)
    total, groups, mine, standings = totals(result, node_path)
    children = page_of(request, child_rows(groups), CHILDREN_PAGE, CHILDREN_PARAM)
    lagging = page_of(request, result.lagging(node_path), LAGGING_PAGE, LAGGING_PARAM)
    label, css = status_of(mine)
    return {
        "node": node,
        "default_node": default,
        "node_trail": trail_between(default, node),
        "mine": mine,
        "mine_label": label,
        "mine_css": css,
        "own_items": own_items(request.user, campaign, node, mine, requirements, today),
        "total": total,
        "standings": standings,
        "standing_order": (ON_TIME, LATE, PENDING, OVERDUE),
        "by_requirement": per_requirement(result, node_path),
        "children": children.object_list,
        "children_page": children,
        "children_param": CHILDREN_PARAM,
        "children_below": any(g.below for g in groups),
        "lagging": lagging_rows(lagging, result.requirements),
        "lagging_page": lagging,
        "lagging_param": LAGGING_PARAM,
    }


@login_required
@require_GET
def campaign(request, pk):
    """Everything about the campaign, for the unit the page is about."""
    user = request.user
    today = timezone.localdate()
    campaign = campaign_or_404(request, pk)
    node, default = node_of(request, campaign)
    requirements = list(
        campaign.requirements.select_related("phase", "level", "activity_kind").order_by(
            "phase__number", "order", "pk"
        )
    )
    plan_visible = bool(documents.visible(user, [campaign.plan_id]))
    context = {
        "campaign": campaign,
        "phases": phases_with_requirements(campaign, requirements),
        "requirement_count": len(requirements),
        "plan_visible": plan_visible,
        "when": when_label(campaign, today),
        "today": today,
        "print_unit": node.name if node is not None else campaign.unit.name,
        "print_period": campaign.title,
        "OVERDUE": OVERDUE,
    }
    if campaign.is_launched and node is not None:
        context.update(_launched_context(request, campaign, node, default, requirements, today))
    return render(request, "campaigns/campaign.html", context)


urlpatterns = [
    path("", index, name="index"),
    path("<int:pk>/", campaign, name="campaign"),
    *edit.urlpatterns,
    *setup.urlpatterns,
    *results.urlpatterns,
    *exports.urlpatterns,
]
