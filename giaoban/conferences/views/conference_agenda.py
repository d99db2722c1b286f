"""Chương trình hội nghị: the agenda editor — its items in order (title, presenting unit,
duration, linked documents), adding, editing, moving and removing them until the close.

The documents an item links to are picked among those the user may see
(`documents.public.restrict`), found by a search without diacritics (?q= on the page);
the items' pages list those found with the ones already linked.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from giaoban.conferences import services
from giaoban.conferences.forms_conference import AgendaItemForm
from giaoban.conferences.models import AgendaItem, Conference
from giaoban.conferences.views.conference_common import (
    conference_or_404,
    edit_refusal,
    posted,
    refuse,
    run_action,
    run_form,
)
from giaoban.core.scope import VIEW
from giaoban.core.text import fold
from giaoban.documents import public as documents

PAGE = "conferences/conference/agenda.html"
ITEM = "conferences/conference/agenda_item.html"
FOUND = 20  # documents listed by a search
MAX_Q = 100


def agenda_url(conference):
    return reverse("conferences:conference_agenda", kwargs={"pk": conference.pk})


def search_documents(request):
    """(q, documents the user may see matching ?q=, or a message when q is refused)."""
    q = (request.GET.get("q") or "").strip()
    if not q:
        return "", [], None
    if "\x00" in q or len(q) > MAX_Q:
        return "", [], _("Tìm văn bản: tối đa 100 ký tự, không chứa ký tự rỗng (NUL).")
    found = documents.restrict(request.user)
    for word in fold(q).split():
        found = found.filter(search_text__contains=word)
    return q, list(found.order_by("-issue_date", "-pk")[:FOUND]), None


def offered(request, linked=()):
    """The documents a form offers: those linked, those found, those posted (if visible)."""
    q, found, q_error = search_documents(request)
    chosen = {d.pk: d for d in linked}
    for d in found:
        chosen.setdefault(d.pk, d)
    ids = []
    for raw in request.POST.getlist("documents") if request.method == "POST" else ():
        if raw.isdigit():
            ids.append(int(raw))
    for pk, d in documents.visible(request.user, ids).items():
        chosen.setdefault(pk, d)
    return q, list(chosen.values()), q_error


def _docs(user, form):
    ids = form.cleaned_data.get("documents") or []
    return list(documents.visible(user, ids).values())


def _form(request, conference, linked=(), initial=None):
    q, docs, q_error = offered(request, linked)
    form = AgendaItemForm(
        *posted(request), user=request.user, conference=conference, documents=docs, initial=initial
    )
    return form, {"q": q, "q_error": q_error, "found": bool(q)}


def _items(conference):
    return list(
        conference.agenda.select_related("presenter")
        .prefetch_related("documents")
        .order_by("order", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference_agenda(request, pk):
    """The agenda, and a form to add an item at its end."""
    conference = conference_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal
    form, search = _form(request, conference)

    def save(data):
        item = services.add_item(
            request.user,
            conference,
            data["title"],
            data.get("presenter"),
            data.get("duration"),
            docs=_docs(request.user, form),
        )
        messages.success(
            request, _("Đã thêm mục %(n)s: %(t)s.") % {"n": item.order, "t": item.title}
        )
        return redirect(agenda_url(conference))

    response, status = run_form(request, conference, form, save)
    if response is not None:
        return response
    context = {"conference": conference, "form": form, "items": _items(conference), **search}
    return render(request, PAGE, context, status=status)


def item_or_404(request, pk):
    """(item, conference) if the user may see the conference, else 404."""
    visible = Conference.objects.restrict(request.user, VIEW)
    item = (
        AgendaItem.objects.filter(pk=pk, conference__in=visible)
        .select_related("conference", "presenter")
        .first()
    )
    if item is None:
        raise Http404
    return item, conference_or_404(request, item.conference_id)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item(request, pk):
    """Sửa một mục chương trình."""
    item, conference = item_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal
    linked = list(item.documents.all())
    initial = {
        "title": item.title,
        "presenter": item.presenter,
        "duration": item.duration,
        "documents": [d.pk for d in linked],
    }
    form, search = _form(request, conference, linked, initial)

    def save(data):
        services.update_item(
            request.user,
            item,
            data["title"],
            data.get("presenter"),
            data.get("duration"),
            docs=_docs(request.user, form),
        )
        messages.success(request, _("Đã lưu mục %(n)s.") % {"n": item.order})
        return redirect(agenda_url(conference))

    response, status = run_form(request, conference, form, save)
    if response is not None:
        return response
    context = {"conference": conference, "item": item, "form": form, **search}
    return render(request, ITEM, context, status=status)


@login_required
@require_POST
def agenda_move(request, pk):
    """Lên / xuống một bậc (step=-1 or 1)."""
    item, conference = item_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal
    step = {"-1": -1, "1": 1}.get(request.POST.get("step", ""))
    if step is None:
        return refuse(request, _("Hướng di chuyển không hợp lệ."), conference, status=400)

    def move():
        services.move_item(request.user, item, step)
        return redirect(agenda_url(conference))

    return run_action(request, conference, move)


@login_required
@require_POST
def agenda_delete(request, pk):
    item, conference = item_or_404(request, pk)
    refusal = edit_refusal(request, conference)
    if refusal is not None:
        return refusal

    def delete():
        services.delete_item(request.user, item)
        messages.success(request, _("Đã xóa mục “%(t)s”.") % {"t": item.title})
        return redirect(agenda_url(conference))

    return run_action(request, conference, delete)


urlpatterns = [
    path("hoi-nghi/<int:pk>/chuong-trinh/", conference_agenda, name="conference_agenda"),
    path("hoi-nghi/chuong-trinh/<int:pk>/", agenda_item, name="agenda_item"),
    path("hoi-nghi/chuong-trinh/<int:pk>/di-chuyen/", agenda_move, name="agenda_move"),
    path("hoi-nghi/chuong-trinh/<int:pk>/xoa/", agenda_delete, name="agenda_delete"),
]
