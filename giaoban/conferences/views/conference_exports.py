"""A conference's files, for anyone who may see it (out of scope: 404): the agenda and the
participants with their attendance as Word and as one Excel workbook, the minutes as
Word. The participants are those the user may see; linked documents those they may open.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from giaoban.conferences import exports
from giaoban.conferences.views.conference_common import (
    conference_or_404,
    participants_seen,
    sees_all_participants,
)
from giaoban.documents import public as documents
from giaoban.exports.docx import DOCX_TYPE
from giaoban.exports.xlsx import XLSX_TYPE


def _file(data, content_type, filename):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _agenda(user, conference):
    items = list(
        conference.agenda.select_related("presenter")
        .prefetch_related("documents")
        .order_by("order", "pk")
    )
    ids = {d.pk for item in items for d in item.documents.all()}
    return items, set(documents.visible(user, ids)) if ids else set()


def _docx(data, conference, what):
    return _file(data, DOCX_TYPE, exports.filename(conference, what, "docx"))


@login_required
@require_GET
def agenda_docx(request, pk):
    """Chương trình hội nghị (.docx)."""
    conference = conference_or_404(request, pk)
    items, visible = _agenda(request.user, conference)
    return _docx(exports.agenda_docx(conference, items, visible), conference, "chuong-trinh")


@login_required
@require_GET
def participants_docx(request, pk):
    """Danh sách đơn vị dự và điểm danh (.docx)."""
    conference = conference_or_404(request, pk)
    rows = participants_seen(request.user, conference)
    partial = not sees_all_participants(request.user, conference)
    data = exports.participants_docx(conference, rows, partial)
    return _docx(data, conference, "diem-danh")


@login_required
@require_GET
def minutes_docx(request, pk):
    """Biên bản hội nghị (.docx)."""
    conference = conference_or_404(request, pk)
    attendance = None
    if sees_all_participants(request.user, conference):
        attendance = exports.totals(participants_seen(request.user, conference))
    conclusions = list(conference.conclusions.order_by("number"))
    data = exports.minutes_docx(conference, conclusions, attendance)
    return _docx(data, conference, "bien-ban")


@login_required
@require_GET
def conference_xlsx(request, pk):
    """Chương trình và điểm danh (.xlsx): two sheets."""
    conference = conference_or_404(request, pk)
    items, visible = _agenda(request.user, conference)
    rows = participants_seen(request.user, conference)
    partial = not sees_all_participants(request.user, conference)
    data = exports.conference_xlsx(conference, items, visible, rows, partial)
    return _file(data, XLSX_TYPE, exports.filename(conference, "chuong-trinh-diem-danh", "xlsx"))


urlpatterns = [
    path("hoi-nghi/<int:pk>/chuong-trinh.docx", agenda_docx, name="conference_agenda_docx"),
    path(
        "hoi-nghi/<int:pk>/diem-danh.docx",
        participants_docx,
        name="conference_participants_docx",
    ),
    path("hoi-nghi/<int:pk>/bien-ban.docx", minutes_docx, name="conference_minutes_docx"),
    path("hoi-nghi/<int:pk>/chuong-trinh-diem-danh.xlsx", conference_xlsx, name="conference_xlsx"),
]
