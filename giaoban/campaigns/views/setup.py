"""Giai đoạn và yêu cầu của đợt: adding, editing and deleting them while the campaign is
prepared (an officer of the launching unit, or above).

A phase lies inside the campaign's dates and overlaps no other; a requirement names a
phase, a level (or every unit), and the record that meets it — an activity of a kind in
use, the unit's implementing document, or results. A refusal of the services (a phase
outside the campaign, a level with no unit in its subtree, an activity kind not in use)
is shown beside the field it concerns, with a 400, and nothing is written.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from giaoban.campaigns import services
from giaoban.campaigns.forms import PhaseForm, RequirementForm, requirement_initial
from giaoban.campaigns.models import Phase, Requirement
from giaoban.campaigns.views.common import (
    REFUSALS,
    campaign_or_404,
    manage_refusal,
    part_or_404,
    posted,
    put_error,
    refuse,
    url,
)

PHASE_FORM = "campaigns/phase.html"
REQUIREMENT_FORM = "campaigns/requirement.html"


# ------------------------------------------------------------------ phases


def _phase_form(request, campaign, phase=None):
    initial = {}
    if phase is not None:
        initial = {"title": phase.title, "start": phase.start, "end": phase.end}
    elif not campaign.phases.exists():
        initial = {"start": campaign.start, "end": campaign.end}
    form = PhaseForm(*posted(request), initial=initial)
    if request.method == "GET":
        return render(request, PHASE_FORM, {"form": form, "campaign": campaign, "phase": phase})
    if form.is_valid():
        data = form.cleaned_data
        try:
            if phase is None:
                done = services.add_phase(
                    request.user, campaign, data["title"], data["start"], data["end"]
                )
                note = _("Đã thêm giai đoạn %(n)s.") % {"n": done.number}
            else:
                services.update_phase(
                    request.user, phase, data["title"], data["start"], data["end"]
                )
                note = _("Đã lưu giai đoạn.")
        except REFUSALS as error:
            if error.forbidden:
                return refuse(request, error.message, campaign)
            put_error(form, error)
        else:
            messages.success(request, note)
            return redirect(url(campaign, "#phases"))
    context = {"form": form, "campaign": campaign, "phase": phase}
    return render(request, PHASE_FORM, context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def phase_add(request, pk):
    """Thêm giai đoạn."""
    campaign = campaign_or_404(request, pk)
    return manage_refusal(request, campaign) or _phase_form(request, campaign)


@login_required
@require_http_methods(["GET", "POST"])
def phase_edit(request, pk):
    """Sửa giai đoạn."""
    phase = part_or_404(request, Phase, pk)
    campaign = phase.campaign
    return manage_refusal(request, campaign) or _phase_form(request, campaign, phase)


@login_required
@require_POST
def phase_delete(request, pk):
    phase = part_or_404(request, Phase, pk)
    campaign = phase.campaign
    refusal = manage_refusal(request, campaign)
    if refusal is not None:
        return refusal
    try:
        services.delete_phase(request.user, phase)
    except REFUSALS as error:
        return refuse(request, error.message, campaign, status=403 if error.forbidden else 400)
    messages.success(request, _("Đã xóa giai đoạn “%(t)s”.") % {"t": phase.title})
    return redirect(url(campaign, "#phases"))


# ------------------------------------------------------------------ requirements


def _requirement_form(request, campaign, requirement=None):
    initial = requirement_initial(requirement) if requirement else {"min_count": 1}
    if requirement is None and request.GET.get("phase", "").isdigit():
        initial["phase"] = int(request.GET["phase"])
    form = RequirementForm(*posted(request), campaign=campaign, initial=initial)
    context = {"form": form, "campaign": campaign, "requirement": requirement}
    if not form.phases:
        context["no_phase"] = True
    if request.method == "GET":
        return render(request, REQUIREMENT_FORM, context)
    if form.is_valid():
        values = form.values()
        try:
            if requirement is None:
                services.add_requirement(request.user, campaign, **values)
                note = _("Đã thêm yêu cầu “%(t)s”.") % {"t": values["title"].strip()}
            else:
                services.update_requirement(request.user, requirement, **values)
                note = _("Đã lưu yêu cầu.")
        except REFUSALS as error:
            if error.forbidden:
                return refuse(request, error.message, campaign)
            put_error(form, error)
        else:
            messages.success(request, note)
            return redirect(url(campaign, "#phases"))
    return render(request, REQUIREMENT_FORM, context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def requirement_add(request, pk):
    """Thêm yêu cầu."""
    campaign = campaign_or_404(request, pk)
    return manage_refusal(request, campaign) or _requirement_form(request, campaign)


@login_required
@require_http_methods(["GET", "POST"])
def requirement_edit(request, pk):
    """Sửa yêu cầu."""
    requirement = part_or_404(request, Requirement, pk)
    campaign = requirement.campaign
    return manage_refusal(request, campaign) or _requirement_form(request, campaign, requirement)


@login_required
@require_POST
def requirement_delete(request, pk):
    requirement = part_or_404(request, Requirement, pk)
    campaign = requirement.campaign
    refusal = manage_refusal(request, campaign)
    if refusal is not None:
        return refusal
    try:
        services.delete_requirement(request.user, requirement)
    except REFUSALS as error:
        return refuse(request, error.message, campaign)
    messages.success(request, _("Đã xóa yêu cầu “%(t)s”.") % {"t": requirement.title})
    return redirect(url(campaign, "#phases"))


urlpatterns = [
    path("<int:pk>/giai-doan/them/", phase_add, name="phase_add"),
    path("giai-doan/<int:pk>/", phase_edit, name="phase_edit"),
    path("giai-doan/<int:pk>/xoa/", phase_delete, name="phase_delete"),
    path("<int:pk>/yeu-cau/them/", requirement_add, name="requirement_add"),
    path("yeu-cau/<int:pk>/", requirement_edit, name="requirement_edit"),
    path("yeu-cau/<int:pk>/xoa/", requirement_delete, name="requirement_delete"),
]
