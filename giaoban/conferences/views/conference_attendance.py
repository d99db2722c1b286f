"""Điểm danh: the attendance of every participant in one form (a table: unit, present or
absent, the reason of an absence, the number of delegates — a count, never names).

All or nothing: one row refused and no row is written; every refused row says why, in
its own cells.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from giaoban.conferences import exports, services
from giaoban.conferences.forms_conference import AttendanceForm
from giaoban.conferences.views.conference_common import (
    conference_or_404,
    edit_refusal,
    posted,
    run_form,
    url,
)

PAGE = "conferences/conference/attendance.html"


@login_required
@require_http_methods(["GET", "POST"])
def conference_attendance(request, pk):
    conference = conference_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal
    participants = list(conference.participants.select_related("unit").order_by("path"))
    form = AttendanceForm(*posted(request), participants=participants)

    def save(_data):
        changed = services.set_attendance(request.user, conference, form.rows())
        messages.success(
            request,
            ngettext(
                "Đã lưu điểm danh (%(n)s đơn vị thay đổi).",
                "Đã lưu điểm danh (%(n)s đơn vị thay đổi).",
                changed,
            )
            % {"n": changed},
        )
        return redirect(url(conference, "#attendance"))

    response, status = run_form(request, conference, form, save)
    if response is not None:
        return response
    context = {
        "conference": conference,
        "form": form,
        "rows": form.table(),
        "totals": exports.totals(participants),
    }
    return render(request, PAGE, context, status=status)


urlpatterns = [
    path("hoi-nghi/<int:pk>/diem-danh/", conference_attendance, name="conference_attendance"),
]
