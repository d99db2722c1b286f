"""The task page (nhiệm vụ), what can be done from it, and its files.

- task: the conclusion and its conference, the assigning unit and the unit, the deadline
  and expected result, the status and the standing (one name each), the progress history
  with the record each report names as evidence (linked to its page) and its files; the
  actions the user's role allows.
- task_progress (an officer of the task's unit: text, evidence, files), task_done (the
  unit's leader), task_accept / task_return (a leader of the assigning unit, a reason to
  send back): POST only, through `conferences.tasks`; a refusal re-renders the page with
  the message beside the field (400), or above the actions (403 for the role, 409 for the
  task's state); nothing half-written.
- task_file: a progress report's file, as a download, for whoever may see the task.

A task is visible to its unit, the units above it and the assigning unit
(`Task.objects.restrict`); out of that scope it is a 404, as if missing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from giaoban.conferences import tasks
from giaoban.conferences.forms_tasks import ProgressForm, ReturnForm
from giaoban.conferences.models import Conference, ProgressFile, Task
from giaoban.core import due
from giaoban.core.scope import VIEW, get_in_scope_or_404
from giaoban.documents import public as documents

T = Task.Status


def get_task(request, pk):
    found = Task.objects.select_related(
        "unit", "assigner", "conclusion", "conclusion__conference", "conclusion__conference__unit"
    )
    task = get_in_scope_or_404(
        found, request.user, VIEW, message=_("Không tìm thấy nhiệm vụ."), pk=pk
    )
    today = timezone.localdate()
    task.standing = tasks.standing(task, today)
    task.standing_label = due.STANDING_LABELS[task.standing]
    task.standing_css = due.STANDING_CSS[task.standing]
    task.timing = tasks.timing(task, today)
    task.status_label = T(task.status).label
    return task


def history(user, task):
    """The progress reports, newest first, each with its evidence (linked if the user may
    open it) and its files."""
    rows = list(
        task.progress.select_related(
            "created_by",
            "evidence_document",
            "evidence_activity",
            "evidence_report__form",
            "evidence_report__unit",
        ).prefetch_related(Prefetch("files", queryset=ProgressFile.objects.order_by("pk")))
    )
    seen = documents.visible(user, {p.evidence_document_id for p in rows if p.evidence_document_id})
    for p in rows:
        p.evidence = None
        found = tasks.evidence_of(p)
        if found is None:
            continue
        kind, record, label, url = found
        if kind == "document" and record.pk not in seen:
            url = ""
        p.evidence = {"kind": tasks.EVIDENCE_KINDS[kind], "label": label, "url": url}
    return rows


def notes(user, task, actions):
    """Why an action the page does not offer is not there, for the people concerned."""
    out = []
    if task.status == T.DONE and not actions["decide"]:
        out.append(
            _("Đơn vị đã báo hoàn thành ngày %(d)s; chờ lãnh đạo %(unit)s nghiệm thu.")
            % {"d": task.done_on.strftime("%d/%m/%Y"), "unit": task.assigner.name}
        )
    if task.status == T.ACCEPTED:
        out.append(_("Nhiệm vụ đã được nghiệm thu."))
    if actions["mark_done"] and not task.progress.exists():
        out.append(_("Cần có báo cáo tiến độ (kèm minh chứng) trước khi báo hoàn thành."))
    return out


def render_task(request, task, status=200, refusal="", progress_form=None, return_form=None):
    user = request.user
    actions = tasks.actions(user, task)
    conference = task.conclusion.conference
    if actions["report"] and progress_form is None:
        progress_form = ProgressForm(choices=tasks.evidence_choices(user, task))
    if actions["decide"] and return_form is None:
        return_form = ReturnForm()
    context = {
        "task": task,
        "conference": conference,
        "conference_visible": Conference.objects.restrict(user, VIEW)
        .filter(pk=conference.pk)
        .exists(),
        "history": history(user, task),
        "actions": actions,
        "has_actions": any(actions.values()),
        "notes": notes(user, task, actions),
        "refusal": refusal,
        "progress_form": progress_form if actions["report"] else None,
        "return_form": return_form if actions["decide"] else None,
        "today": timezone.localdate(),
    }
    return render(request, "conferences/tasks/detail.html", context, status=status)


def _refused(request, task, error, **forms):
    """A TaskError as the page answers it: 403 (role), 409 (the task's state), 400."""
    status = 403 if error.forbidden else (400 if error.field else 409)
    return render_task(request, task, status, refusal=error.message, **forms)


def _done(request, task, message):
    messages.success(request, message)
    return redirect(tasks.url(task))


@login_required
@require_GET
def task(request, pk):
    return render_task(request, get_task(request, pk))


@login_required
@require_POST
def task_progress(request, pk):
    """Báo cáo tiến độ: text, evidence, files — all or nothing."""
    user, found = request.user, get_task(request, pk)
    refusal = tasks.progress_refusal(user, found)
    if refusal is not None:
        return _refused(request, found, refusal)
    form = ProgressForm(request.POST, request.FILES, choices=tasks.evidence_choices(user, found))
    if not form.is_valid():
        return render_task(request, found, 400, progress_form=form)
    kind, record = form.cleaned_data["evidence"]
    try:
        tasks.report_progress(
            user, found, form.cleaned_data["text"], kind, record, form.cleaned_data["files"]
        )
    except tasks.TaskError as error:
        if error.field in form.fields and not error.forbidden:
            form.add_error(error.field, error.message)
            return render_task(request, found, 400, progress_form=form)
        return _refused(request, found, error, progress_form=form)
    return _done(request, found, _("Đã ghi báo cáo tiến độ của %(u)s.") % {"u": found.unit.name})


@login_required
@require_POST
def task_done(request, pk):
    """Báo hoàn thành: the unit's leader, after a progress report."""
    found = get_task(request, pk)
    try:
        tasks.mark_done(request.user, found)
    except tasks.TaskError as error:
        return _refused(request, found, error)
    return _done(
        request,
        found,
        _("Đã báo hoàn thành nhiệm vụ; chờ %(unit)s nghiệm thu.") % {"unit": found.assigner.name},
    )


@login_required
@require_POST
def task_accept(request, pk):
    """Nghiệm thu: a leader of the assigning unit."""
    found = get_task(request, pk)
    try:
        tasks.accept(request.user, found)
    except tasks.TaskError as error:
        return _refused(request, found, error)
    return _done(request, found, _("Đã nghiệm thu nhiệm vụ của %(u)s.") % {"u": found.unit.name})


@login_required
@require_POST
def task_return(request, pk):
    """Trả lại, with the reason: a leader of the assigning unit."""
    found = get_task(request, pk)
    refusal = tasks.decision_refusal(request.user, found, _("trả lại"))
    if refusal is not None:
        return _refused(request, found, refusal)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return render_task(request, found, 400, return_form=form)
    try:
        tasks.send_back(request.user, found, form.cleaned_data["reason"])
    except tasks.TaskError as error:
        if error.field == "reason":
            form.add_error("reason", error.message)
            return render_task(request, found, 400, return_form=form)
        return _refused(request, found, error, return_form=form)
    return _done(
        request, found, _("Đã trả lại nhiệm vụ cho %(u)s kèm lý do.") % {"u": found.unit.name}
    )


@login_required
@require_GET
def task_file(request, pk):
    """A progress report's file, for whoever may see its task (nosniff, as an attachment)."""
    found = ProgressFile.objects.restrict(request.user, VIEW).filter(pk=pk).first()
    if found is None:
        raise Http404(_("Không tìm thấy tệp."))
    return found.download()


urlpatterns = [
    path("nhiem-vu/<int:pk>/", task, name="task"),
    path("nhiem-vu/<int:pk>/tien-do/", task_progress, name="task_progress"),
    path("nhiem-vu/<int:pk>/hoan-thanh/", task_done, name="task_done"),
    path("nhiem-vu/<int:pk>/nghiem-thu/", task_accept, name="task_accept"),
    path("nhiem-vu/<int:pk>/tra-lai/", task_return, name="task_return"),
    path("nhiem-vu/tep/<int:pk>/", task_file, name="task_file"),
]
