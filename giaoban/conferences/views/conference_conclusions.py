"""Kết luận hội nghị và nhiệm vụ: the numbered conclusions (added, edited, removed until
the close) and, under each, its tasks — assigned to units of the host's subtree, chosen
one by one or by a rule (every unit directly below: every province; a level), with a
deadline on or after the day of the conference (`tasks.assign`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from giaoban.conferences import services, tasks
from giaoban.conferences.forms_conference import AssignForm, ConclusionForm
from giaoban.conferences.models import Conclusion, Conference, Task
from giaoban.conferences.views.conference_common import (
    conference_or_404,
    edit_refusal,
    posted,
    run_action,
    run_form,
)
from giaoban.core import due
from giaoban.core.scope import VIEW
from giaoban.units.rules import Rule

PAGE = "conferences/conference/conclusions.html"
EDIT = "conferences/conference/conclusion_edit.html"
ASSIGN = "conferences/conference/assign.html"


def conclusions_url(conference, anchor=""):
    return reverse("conferences:conclusions", kwargs={"pk": conference.pk}) + anchor


def with_tasks(user, conference):
    """The conclusions in order, each with its tasks (those the user may see: the host's
    people see them all) and where they stand."""
    rows = list(conference.conclusions.order_by("number"))
    by_id = {c.pk: c for c in rows}
    for c in rows:
        c.task_rows = []
    found = (
        Task.objects.restrict(user)
        .filter(conclusion__conference=conference)
        .select_related("unit")
        .prefetch_related("progress")
        .order_by("path")
    )
    for task in found:
        standing = tasks.standing(task)
        task.standing_label = due.STANDING_LABELS.get(standing, "")
        task.standing_css = due.STANDING_CSS.get(standing, "")
        task.has_progress = bool(task.progress.all())
        by_id[task.conclusion_id].task_rows.append(task)
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def conclusions(request, pk):
    """The conclusions with their tasks, and a form to add one."""
    conference = conference_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal
    form = ConclusionForm(*posted(request))

    def save(data):
        c = services.add_conclusion(request.user, conference, data["text"])
        messages.success(
            request,
            _("Đã thêm kết luận %(n)s: giao nhiệm vụ cho đơn vị ở dưới kết luận.")
            % {"n": c.number},
        )
        return redirect(conclusions_url(conference, f"#conclusion-{c.number}"))

    response, status = run_form(request, conference, form, save)
    if response is not None:
        return response
    context = {
        "conference": conference,
        "form": form,
        "conclusions": with_tasks(request.user, conference),
    }
    return render(request, PAGE, context, status=status)


def conclusion_or_404(request, pk):
    visible = Conference.objects.restrict(request.user, VIEW)
    conclusion = Conclusion.objects.filter(pk=pk, conference__in=visible).first()
    if conclusion is None:
        raise Http404
    return conclusion, conference_or_404(request, conclusion.conference_id)


@login_required
@require_http_methods(["GET", "POST"])
def conclusion_edit(request, pk):
    conclusion, conference = conclusion_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal
    form = ConclusionForm(*posted(request), initial={"text": conclusion.text})

    def save(data):
        services.edit_conclusion(request.user, conclusion, data["text"])
        messages.success(request, _("Đã lưu kết luận %(n)s.") % {"n": conclusion.number})
        return redirect(conclusions_url(conference, f"#conclusion-{conclusion.number}"))

    response, status = run_form(request, conference, form, save)
    if response is not None:
        return response
    context = {"conference": conference, "conclusion": conclusion, "form": form}
    return render(request, EDIT, context, status=status)


@login_required
@require_POST
def conclusion_delete(request, pk):
    conclusion, conference = conclusion_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal

    def delete():
        services.delete_conclusion(request.user, conclusion)
        messages.success(
            request,
            _("Đã xóa kết luận %(n)s và các nhiệm vụ của kết luận đó.") % {"n": conclusion.number},
        )
        return redirect(conclusions_url(conference))

    return run_action(request, conference, delete)


def _assign_rename(form):
    rule = form.cleaned_data.get("rule")
    target = {Rule.EXPLICIT: "units", Rule.LEVEL: "level"}.get(rule)
    return {"units": target}


@login_required
@require_http_methods(["GET", "POST"])
def conclusion_assign(request, pk):
    """Giao nhiệm vụ của một kết luận cho các đơn vị."""
    conclusion, conference = conclusion_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal
    form = AssignForm(*posted(request), user=request.user, conference=conference)

    def save(_data):
        made = tasks.assign(request.user, conclusion, **form.assignment(conclusion))
        messages.success(
            request,
            ngettext(
                "Đã giao nhiệm vụ cho %(n)s đơn vị.",
                "Đã giao nhiệm vụ cho %(n)s đơn vị.",
                len(made),
            )
            % {"n": len(made)}
            if made
            else _("Các đơn vị đã chọn đều đã có nhiệm vụ của kết luận này."),
        )
        return redirect(conclusions_url(conference, f"#conclusion-{conclusion.number}"))

    response, status = run_form(request, conference, form, save, _assign_rename)
    if response is not None:
        return response
    existing = list(conclusion.tasks.select_related("unit").order_by("path"))
    context = {
        "conference": conference,
        "conclusion": conclusion,
        "form": form,
        "existing": existing,
    }
    return render(request, ASSIGN, context, status=status)


@login_required
@require_POST
def task_withdraw(request, pk):
    """Rút một nhiệm vụ đã giao (before the close, nothing reported on it yet)."""
    visible = Conference.objects.restrict(request.user, VIEW)
    task = (
        Task.objects.filter(pk=pk, conclusion__conference__in=visible)
        .select_related("conclusion", "unit")
        .first()
    )
    if task is None:
        raise Http404
    conference = conference_or_404(request, task.conclusion.conference_id)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal

    def withdraw():
        tasks.remove(request.user, task)
        messages.success(request, _("Đã rút nhiệm vụ của %(unit)s.") % {"unit": task.unit.name})
        return redirect(conclusions_url(conference, f"#conclusion-{task.conclusion.number}"))

    return run_action(request, conference, withdraw)


urlpatterns = [
    path("hoi-nghi/<int:pk>/ket-luan/", conclusions, name="conclusions"),
    path("hoi-nghi/ket-luan/<int:pk>/sua/", conclusion_edit, name="conclusion_edit"),
    path("hoi-nghi/ket-luan/<int:pk>/xoa/", conclusion_delete, name="conclusion_delete"),
    path("hoi-nghi/ket-luan/<int:pk>/giao-nhiem-vu/", conclusion_assign, name="conclusion_assign"),
    path("hoi-nghi/nhiem-vu/<int:pk>/rut/", task_withdraw, name="task_withdraw"),
]
