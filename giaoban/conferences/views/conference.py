"""The conference's page (hội nghị giao ban), starting and closing it; the routes of every
conference page (the editors live in the conference_* modules beside this one).

Everyone who may see the conference (the host's subtree and above, and each participant
with its ancestors) reads its page; a participant reads its own row of the attendance, its
own papers and tasks, never a sibling's. The host's officers (and those above) keep it
until the close; a leader of the host starts or closes it. Closing issues the thông báo
kết luận through the document register.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giaoban.conferences import exports, services, tasks
from giaoban.conferences.models import Consolidation, Paper, Task
from giaoban.conferences.views import (
    conference_agenda,
    conference_attendance,
    conference_conclusions,
    conference_edit,
    conference_exports,
    conference_minutes,
    conference_papers,
)
from giaoban.conferences.views.conference_common import (
    REFUSALS,
    conference_or_404,
    participants_seen,
    refuse,
    run_action,
    sees_all_participants,
    url,
)
from giaoban.core import due
from giaoban.documents import public as documents

CLOSE = "conferences/conference/close.html"


def agenda_of(user, conference):
    """(items, {document id: Document} the user may see among those linked)."""
    items = list(
        conference.agenda.select_related("presenter")
        .prefetch_related("documents")
        .order_by("order", "pk")
    )
    ids = {d.pk for item in items for d in item.documents.all()}
    visible = documents.visible(user, ids) if ids else {}
    for item in items:
        item.shown = [d for d in item.documents.all() if d.pk in visible]
        item.hidden = len(item.documents.all()) - len(item.shown)
    return items, visible


def tasks_by_conclusion(user, conference):
    """{conclusion id: [task]} of the tasks the user may see, with where each stands."""
    rows = (
        Task.objects.restrict(user)
        .filter(conclusion__conference=conference)
        .select_related("unit")
        .order_by("path")
    )
    out = {}
    for task in rows:
        standing = tasks.standing(task)
        task.standing_label = due.STANDING_LABELS.get(standing, "")
        task.standing_css = due.STANDING_CSS.get(standing, "")
        task.timing = tasks.timing(task)
        out.setdefault(task.conclusion_id, []).append(task)
    return out


def papers_context(user, conference, participants):
    """The papers the user may see, the units invited among the rows shown, and those the
    user may send a paper for."""
    papers = list(
        Paper.objects.restrict(user)
        .filter(conference=conference)
        .select_related("unit")
        .order_by("path", "pk")
    )
    sent = {p.unit_id for p in papers}
    invited = [p for p in participants if p.paper_invited]
    for p in invited:
        p.has_paper = p.unit_id in sent
    for paper in papers:
        paper.deletable = services.may_delete_paper(user, conference, paper)
    return {
        "papers": papers,
        "invited": invited,
        "may_send": [p for p in invited if services.may_upload_paper(user, conference, p)],
        "papers_closed": services.papers_closed(conference),
    }


def report_of(user, conference):
    """The consolidated report presented, and whether the user may open it."""
    report = conference.consolidation
    if report is None:
        return None, False
    return report, Consolidation.objects.restrict(user).filter(pk=report.pk).exists()


def notice_of(user, conference):
    notice = conference.notice
    if notice is None:
        return None, None
    visible = documents.visible(user, [notice.pk])
    return notice, documents.url(notice) if visible else None


def actions(user, conference):
    return {
        "edit": conference.editable,
        "start": services.may_start(user, conference),
        "close": services.may_close(user, conference),
        "assign": conference.editable and tasks.may_assign(user, conference),
    }


@login_required
@require_GET
def conference(request, pk):
    """Everything about the conference, with what the user may do."""
    user = request.user
    conference = conference_or_404(request, pk)
    items, visible = agenda_of(user, conference)
    participants = participants_seen(user, conference)
    sees_all = sees_all_participants(user, conference)
    report, report_visible = report_of(user, conference)
    notice, notice_url = notice_of(user, conference)
    conclusions = list(conference.conclusions.order_by("number"))
    by_conclusion = tasks_by_conclusion(user, conference)
    for c in conclusions:
        c.shown_tasks = by_conclusion.get(c.pk, [])
    context = {
        "conference": conference,
        "actions": actions(user, conference),
        "items": items,
        "agenda_minutes": sum(item.duration or 0 for item in items),
        "linked_documents": sorted(visible.values(), key=lambda d: str(d)),
        "participants": participants,
        "sees_all": sees_all,
        "totals": exports.totals(participants),
        "report": report,
        "report_visible": report_visible,
        "notice": notice,
        "notice_url": notice_url,
        "conclusions": conclusions,
        "print_unit": conference.unit.name,
        "print_period": conference.period_label,
        **papers_context(user, conference, participants),
    }
    return render(request, "conferences/conference/detail.html", context)


@login_required
@require_POST
def start(request, pk):
    """Bắt đầu hội nghị: from now the minutes are kept until the close."""
    conference = conference_or_404(request, pk)

    def begin():
        services.start(request.user, conference)
        messages.success(request, _("Hội nghị đã bắt đầu: ghi biên bản trong khi họp."))
        return redirect(url(conference))

    return run_action(request, conference, begin)


def _close_context(conference):
    recipients = services.notice_recipients(conference)
    return {
        "conference": conference,
        "recipients": recipients[:12],
        "recipient_count": len(recipients),
        "conclusion_count": conference.conclusions.count(),
        "task_count": Task.objects.filter(conclusion__conference=conference).count(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def close(request, pk):
    """Kết thúc hội nghị (a leader of the host): a confirmation, then the close, which locks
    the minutes, conclusions and agenda and issues the thông báo kết luận."""
    conference = conference_or_404(request, pk)
    if not services.may_close(request.user, conference):
        if conference.is_closed:
            return refuse(request, _("Hội nghị đã kết thúc."), conference)
        return refuse(
            request,
            _("Chỉ lãnh đạo %(unit)s kết thúc được hội nghị.") % {"unit": conference.unit.name},
            conference,
        )
    context = _close_context(conference)
    if request.method == "GET":
        return render(request, CLOSE, context)
    try:
        document = services.close(request.user, conference)
    except REFUSALS as error:
        if error.forbidden:
            return refuse(request, error.message, conference)
        context["error"] = error.message
        return render(request, CLOSE, context, status=400)
    messages.success(
        request,
        _("Đã kết thúc hội nghị và ban hành thông báo kết luận số %(symbol)s.")
        % {"symbol": document.symbol},
    )
    return redirect(url(conference))


urlpatterns = [
    path("hoi-nghi/<int:pk>/", conference, name="conference"),
    path("hoi-nghi/<int:pk>/bat-dau/", start, name="conference_start"),
    path("hoi-nghi/<int:pk>/ket-thuc/", close, name="conference_close"),
    *conference_edit.urlpatterns,
    *conference_attendance.urlpatterns,
    *conference_agenda.urlpatterns,
    *conference_papers.urlpatterns,
    *conference_minutes.urlpatterns,
    *conference_conclusions.urlpatterns,
    *conference_exports.urlpatterns,
]
