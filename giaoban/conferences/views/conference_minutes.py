"""Biên bản hội nghị: kept by the host's officers while the conference is not closed; read
on the conference's page (and as .docx) by everyone who may see it, read-only after the
close."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giaoban.conferences import services
from giaoban.conferences.forms_conference import MinutesForm
from giaoban.conferences.views.conference_common import (
    conference_or_404,
    edit_refusal,
    posted,
    run_form,
    url,
)

PAGE = "conferences/conference/minutes.html"


@login_required
@require_http_methods(["GET", "POST"])
def conference_minutes(request, pk):
    conference = conference_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal
    form = MinutesForm(*posted(request), initial={"minutes": conference.minutes})

    def save(data):
        services.save_minutes(request.user, conference, data["minutes"])
        messages.success(request, _("Đã lưu biên bản."))
        return redirect(url(conference, "#minutes"))

    response, status = run_form(request, conference, form, save)
    if response is not None:
        return response
    return render(request, PAGE, {"conference": conference, "form": form}, status=status)


urlpatterns = [
    path("hoi-nghi/<int:pk>/bien-ban/", conference_minutes, name="conference_minutes"),
]
