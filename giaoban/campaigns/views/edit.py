"""Phát động đợt mới, sửa thông tin đợt, phát động.

Creating is for a unit where the user may change data (its officers, and those above):
the launching unit is chosen first (`?unit=CODE`, the user's own by default), since the
plan is one of ITS issued documents. Editing is for the same people: while the campaign
is prepared, everything; once launched, the title, the description and the last day.
Launching (`services.launch`) makes it visible to every unit of the subtree and tells
their officers and leaders; its phases and requirements are then fixed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giaoban.campaigns import services
from giaoban.campaigns.forms import CampaignForm, campaign_initial
from giaoban.campaigns.views.common import (
    REFUSALS,
    campaign_or_404,
    manage_refusal,
    posted,
    put_error,
    refuse,
    url,
)
from giaoban.core.scope import CHANGE, can, may
from giaoban.units.forms import UnitCodeField
from giaoban.units.models import Unit

FORM = "campaigns/edit.html"
LAUNCH = "campaigns/launch.html"


def launching_unit(request):
    """The unit a new campaign is launched by: `?unit=CODE` (or the form's hidden field)
    among the units where the user may change data, else the user's own, else the first
    unit they hold such a role at."""
    user = request.user
    code = (request.POST.get("unit") or request.GET.get("unit") or "").strip().upper()
    scope = Unit.objects.restrict(user, CHANGE).select_related("level")
    if code:
        chosen = scope.filter(code=code).first()
        if chosen is not None:
            return chosen
    if user.unit_id and can(user, CHANGE, user.unit):
        return scope.filter(pk=user.unit_id).first()
    return scope.order_by("path").first()


def unit_picker(user, unit):
    field = UnitCodeField(user, CHANGE, label=_("Đơn vị phát động"))
    field.widget.attrs["id"] = "id_pick_unit"
    return field.widget.render("unit", f"{unit.code} — {unit.name}" if unit else "")


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    """Phát động đợt mới: its launching unit, title, plan, dates, purpose."""
    user = request.user
    if not may(user, CHANGE):
        return refuse(request, _("Đồng chí không có đơn vị nào được phát động đợt."))
    unit = launching_unit(request)
    if unit is None:
        return refuse(request, _("Đồng chí không có đơn vị nào được phát động đợt."))
    form = CampaignForm(*posted(request), user=user, unit=unit)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.create(
                    user,
                    unit,
                    data["title"],
                    data["plan"],
                    data["start"],
                    data["end"],
                    data["description"],
                )
            except REFUSALS as error:
                if error.forbidden:
                    return refuse(request, error.message)
                put_error(form, error)
            else:
                messages.success(
                    request,
                    _("Đã lập đợt. Thêm giai đoạn và yêu cầu, rồi phát động."),
                )
                return redirect(url(campaign))
    context = {"form": form, "unit": unit, "picker": unit_picker(user, unit)}
    return render(request, FORM, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    """Sửa thông tin đợt."""
    user = request.user
    campaign = campaign_or_404(request, pk)
    refusal = manage_refusal(request, campaign, draft_only=False)
    if refusal is not None:
        return refusal
    form = CampaignForm(
        *posted(request),
        user=user,
        unit=campaign.unit,
        campaign=campaign,
        initial=campaign_initial(campaign),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update(
                    user,
                    campaign,
                    data["title"],
                    data["description"],
                    data["end"],
                    start=data.get("start"),
                    plan_id=data.get("plan"),
                )
            except REFUSALS as error:
                if error.forbidden:
                    return refuse(request, error.message, campaign)
                put_error(form, error)
            else:
                messages.success(request, _("Đã lưu thông tin đợt."))
                return redirect(url(campaign))
    context = {"form": form, "campaign": campaign, "unit": campaign.unit}
    return render(request, FORM, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def launch(request, pk):
    """Phát động: a confirmation, then the launch."""
    campaign = campaign_or_404(request, pk)
    refusal = manage_refusal(request, campaign)
    if refusal is not None:
        return refusal
    context = {
        "campaign": campaign,
        "phase_count": campaign.phases.count(),
        "requirement_count": campaign.requirements.count(),
        "unit_count": services.unit_count(campaign),
    }
    if request.method == "GET":
        return render(request, LAUNCH, context)
    try:
        services.launch(request.user, campaign)
    except REFUSALS as error:
        if error.forbidden:
            return refuse(request, error.message, campaign)
        context["error"] = error.message
        return render(request, LAUNCH, context, status=400)
    messages.success(
        request,
        _("Đã phát động đợt: %(n)s đơn vị thuộc phạm vi đợt được thông báo.")
        % {"n": context["unit_count"]},
    )
    return redirect(url(campaign))


urlpatterns = [
    path("moi/", campaign_new, name="campaign_new"),
    path("<int:pk>/sua/", campaign_edit, name="campaign_edit"),
    path("<int:pk>/phat-dong/", launch, name="campaign_launch"),
]
