"""Tham luận: inviting units to send a paper by a deadline (the host's officers), an invited
unit sending its paper (its officers, or those above it), downloading and removing one.

A file goes through `core.uploads.check` (type, size, empty, content against its
extension) before the service stores it; a paper is downloaded only by who may see it
(`Paper.objects.restrict`: the sending unit's subtree and above, and the host's).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giaoban.conferences import services
from giaoban.conferences.forms_conference import InviteForm, PaperForm
from giaoban.conferences.models import Paper
from giaoban.conferences.views.conference_common import (
    conference_or_404,
    edit_refusal,
    participants_seen,
    posted,
    refuse,
    run_action,
    run_form,
    url,
)
from giaoban.core import uploads
from giaoban.core.scope import VIEW

INVITE = "conferences/conference/papers_invite.html"
UPLOAD = "conferences/conference/paper_upload.html"


@login_required
@require_http_methods(["GET", "POST"])
def papers_invite(request, pk):
    """Mời gửi tham luận: which participants, and by when."""
    conference = conference_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal
    participants = list(conference.participants.select_related("unit").order_by("path"))
    initial = {
        "participants": [p.pk for p in participants if p.paper_invited],
        "papers_due": conference.papers_due,
    }
    form = InviteForm(*posted(request), participants=participants, initial=initial)

    def save(data):
        services.invite_papers(request.user, conference, data["participants"], data["papers_due"])
        messages.success(
            request,
            _("Đã mời %(n)s đơn vị gửi tham luận, hạn %(d)s.")
            % {"n": len(data["participants"]), "d": data["papers_due"].strftime("%d/%m/%Y")},
        )
        return redirect(url(conference, "#papers"))

    response, status = run_form(request, conference, form, save)
    if response is not None:
        return response
    sent = set(conference.papers.values_list("unit_id", flat=True))
    context = {
        "conference": conference,
        "form": form,
        "sent_participants": {p.pk for p in participants if p.unit_id in sent},
    }
    return render(request, INVITE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def paper_upload(request, pk):
    """Gửi tham luận: an invited unit's officer, before the deadline."""
    conference = conference_or_404(request, pk)
    mine = [
        p
        for p in participants_seen(request.user, conference)
        if services.may_upload_paper(request.user, conference, p)
    ]
    if not mine:
        if conference.is_closed:
            return refuse(request, services.closed_message(), conference)
        return refuse(
            request,
            _("Đơn vị của đồng chí không được mời gửi tham luận cho hội nghị này."),
            conference,
        )
    form = PaperForm(*posted(request, files=True), participants=mine)

    def save(data):
        participant = next(p for p in mine if p.pk == data["participant"])
        paper = services.upload_paper(
            request.user, conference, participant, data["file"], form.checked, data["title"]
        )
        messages.success(
            request,
            _("Đã gửi tham luận “%(t)s” của %(unit)s.")
            % {"t": paper.title, "unit": participant.unit.name},
        )
        return redirect(url(conference, "#papers"))

    response, status = run_form(request, conference, form, save)
    if response is not None:
        return response
    context = {
        "conference": conference,
        "form": form,
        "closed": services.papers_closed(conference),
        "max_size": uploads.MAX_BYTES,
    }
    return render(request, UPLOAD, context, status=status)


def paper_or_404(request, pk):
    paper = (
        Paper.objects.restrict(request.user, VIEW)
        .filter(pk=pk)
        .select_related("conference", "conference__unit", "unit")
        .first()
    )
    if paper is None:
        raise Http404(_("Không tìm thấy tham luận."))
    return paper


@login_required
@require_GET
def paper_file(request, pk):
    """Tải tham luận: as a download (nosniff, a sandboxing CSP), for who may see it."""
    return paper_or_404(request, pk).download()


@login_required
@require_POST
def paper_delete(request, pk):
    paper = paper_or_404(request, pk)
    conference = paper.conference

    def delete():
        services.delete_paper(request.user, paper)
        messages.success(request, _("Đã xóa tham luận “%(t)s”.") % {"t": paper.title})
        return redirect(url(conference, "#papers"))

    return run_action(request, conference, delete)


urlpatterns = [
    path("hoi-nghi/<int:pk>/moi-tham-luan/", papers_invite, name="papers_invite"),
    path("hoi-nghi/<int:pk>/gui-tham-luan/", paper_upload, name="paper_upload"),
    path("hoi-nghi/tham-luan/<int:pk>/tep/", paper_file, name="paper_file"),
    path("hoi-nghi/tham-luan/<int:pk>/xoa/", paper_delete, name="paper_delete"),
]
