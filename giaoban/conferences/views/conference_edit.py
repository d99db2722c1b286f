"""Tạo, sửa hội nghị: the host, body, period, details and participants of a conference.

Creating is for a unit where the user may change data (its officers, and those above);
editing is for the same people until the close. Choosing the participants again keeps
the attendance of the units kept (`services.set_participants`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giaoban.conferences import services
from giaoban.conferences.forms_conference import ConferenceForm, conference_initial
from giaoban.conferences.views.conference_common import (
    REFUSALS,
    conference_or_404,
    edit_refusal,
    put_error,
    refuse,
    url,
)
from giaoban.core.scope import CHANGE, can, may
from giaoban.units.models import Unit
from giaoban.units.rules import Rule

FORM = "conferences/conference/edit.html"
# The services' field names on the form's.
RENAME = {"participant_rule": "participant_rule", "unit": "unit"}


def _rename(form):
    """A refusal about the participants lands on the box of units when they were listed."""
    rename = dict(RENAME)
    if form.cleaned_data.get("participant_rule") == Rule.EXPLICIT:
        rename["participant_rule"] = "participant_units"
    elif form.cleaned_data.get("participant_rule") == Rule.LEVEL:
        rename["participant_rule"] = "participant_level"
    return rename


def _new_initial(request):
    initial = {"participant_rule": Rule.CHILDREN, "body": services.PARTY}
    code = (request.GET.get("unit") or "").strip().upper()
    chosen = Unit.objects.restrict(request.user, CHANGE).filter(code=code).first() if code else None
    if chosen is not None:
        initial["unit"] = chosen
    elif request.user.unit_id and can(request.user, CHANGE, request.user.unit):
        initial["unit"] = request.user.unit
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def conference_new(request):
    """Tạo hội nghị."""
    user = request.user
    if not may(user, CHANGE):
        return refuse(request, _("Đồng chí không có đơn vị nào được tạo hội nghị."))
    if request.method == "GET":
        form = ConferenceForm(user=user, initial=_new_initial(request))
        return render(request, FORM, {"form": form})
    form = ConferenceForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        rule, level, units = form.participants()
        form_, key = data["period"]
        try:
            conference = services.create(
                user, data["unit"], form_, key, data["date"], rule, level, units, **form.details()
            )
        except REFUSALS as error:
            if error.forbidden:
                return refuse(request, error.message)
            put_error(form, error, _rename(form))
        else:
            messages.success(
                request,
                _("Đã tạo hội nghị với %(n)s đơn vị dự.") % {"n": conference.participants.count()},
            )
            return redirect(url(conference))
    return render(request, FORM, {"form": form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def conference_edit(request, pk):
    """Sửa thông tin hội nghị và đơn vị dự (until the close)."""
    user = request.user
    conference = conference_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal
    if request.method == "GET":
        form = ConferenceForm(
            user=user, conference=conference, initial=conference_initial(conference)
        )
        return render(request, FORM, {"form": form, "conference": conference})
    form = ConferenceForm(request.POST, user=user, conference=conference)
    if form.is_valid():
        rule, level, units = form.participants()
        form_, key = form.cleaned_data["period"]
        try:
            with transaction.atomic():
                services.update(
                    user,
                    conference,
                    form=form_,
                    period_key=key,
                    date=form.cleaned_data["date"],
                    **form.details(),
                )
                services.set_participants(user, conference, rule, level, units)
        except REFUSALS as error:
            if error.forbidden:
                return refuse(request, error.message, conference)
            put_error(form, error, _rename(form))
        else:
            messages.success(request, _("Đã lưu thông tin hội nghị."))
            return redirect(url(conference))
    context = {"form": form, "conference": conference}
    return render(request, FORM, context, status=400)


urlpatterns = [
    path("hoi-nghi/moi/", conference_new, name="conference_new"),
    path("hoi-nghi/<int:pk>/sua/", conference_edit, name="conference_edit"),
]
