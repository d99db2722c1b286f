"""Ghi, xem, sửa, xóa một hoạt động, and its evidence files.

- create (?unit=code, the user's own by default; ?document=<pk> pre-selects a document
  the unit received: a dissemination session);
- detail: the activity, its files, who recorded it;
- edit / delete (a confirmation page, then POST) / file_remove (POST);
- file: a download of an evidence file through core.uploads.download (an attachment,
  nosniff), only within the user's scope — in the query.

Scope: the activity is looked up through `restrict` (404 outside the user's view, 403 in
view without the right to record); the services check the right again and write
everything of one change in one transaction, audited.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giaoban.activities import services
from giaoban.activities.forms import ActivityForm, initial_of
from giaoban.activities.models import ActivityFile, ActivityKind
from giaoban.activities.records import may_record
from giaoban.activities.validation import ActivityError
from giaoban.activities.views import common
from giaoban.core import uploads
from giaoban.core.scope import CHANGE, VIEW, get_in_scope_or_404
from giaoban.documents import public as documents

SESSION_KIND = "quan-triet"


def detail_url(activity):
    return reverse("activities:detail", kwargs={"pk": activity.pk})


def _save(request, form, write):
    """Run `write()` (a service call); a refusal goes onto the form's fields."""
    try:
        return write()
    except ActivityError as error:
        if error.forbidden:
            raise PermissionDenied(error.message) from None
        form.put(error)
        return None


def _form_context(unit, form, activity=None):
    return {
        "unit": unit,
        "form": form,
        "activity": activity,
        "max_files": services.MAX_FILES,
        "types": ", ".join(f".{e}" for e in uploads.accepted_extensions()),
    }


def _preselected(request, unit):
    """The initial values of a new activity: today, and the document of ?document=<pk>
    when the unit received it (a dissemination session)."""
    initial = {"unit": unit.code}
    raw = (request.GET.get("document") or "").strip()
    if not raw:
        return initial, None
    document = None
    given = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else None
    if given is not None and documents.is_recipient(given, unit):
        document = documents.received(unit).filter(pk=given).first()
    if document is None:
        return initial, _(
            "Văn bản được chọn không có trong các văn bản %(unit)s đã nhận: chọn lại văn bản "
            "trong danh sách."
        ) % {"unit": unit.name}
    initial["document"] = str(document.pk)
    if ActivityKind.objects.filter(code=SESSION_KIND, is_active=True).exists():
        initial["kind"] = SESSION_KIND
    initial["title"] = _("Quán triệt %(doc)s") % {"doc": document.symbol}
    return initial, None


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """Ghi hoạt động (a dissemination session when a document is chosen)."""
    unit = common.unit_from(request, CHANGE)
    if request.method == "POST":
        form = ActivityForm(request.POST, request.FILES, unit=unit)
        if form.is_valid():
            activity = _save(
                request,
                form,
                lambda: services.record(
                    request.user, unit, files=form.cleaned_data["files"], **form.values()
                ),
            )
            if activity is not None:
                messages.success(request, _("Đã ghi hoạt động “%(t)s”.") % {"t": activity.title})
                return redirect(detail_url(activity))
        context = _form_context(unit, form)
        return render(request, "activities/form.html", context, status=400)
    initial, warning = _preselected(request, unit)
    form = ActivityForm(unit=unit, initial=initial)
    context = {**_form_context(unit, form), "warning": warning}
    return render(request, "activities/form.html", context)


@login_required
@require_GET
def detail(request, pk):
    """Một hoạt động: what was done, by whom, how many took part, and its evidence."""
    activity = common.get_activity(request, pk)
    context = {
        "activity": activity,
        "unit": activity.unit,
        "files": list(activity.files.all()),
        "may_change": may_record(request.user, activity.unit),
        "document_url": _document_url(activity),
    }
    return render(request, "activities/detail.html", context)


def _document_url(activity):
    if not activity.document_id:
        return ""
    return reverse("documents:detail", kwargs={"pk": activity.document_id})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """Sửa hoạt động (and add evidence files)."""
    activity = common.get_activity(request, pk, CHANGE)
    unit = activity.unit
    if request.method == "POST":
        form = ActivityForm(request.POST, request.FILES, unit=unit, activity=activity)
        if form.is_valid():
            saved = _save(
                request,
                form,
                lambda: services.update(
                    activity, request.user, files=form.cleaned_data["files"], **form.values()
                ),
            )
            if saved is not None:
                messages.success(request, _("Đã lưu hoạt động “%(t)s”.") % {"t": saved.title})
                return redirect(detail_url(saved))
        context = {**_form_context(unit, form, activity), "files": list(activity.files.all())}
        return render(request, "activities/form.html", context, status=400)
    form = ActivityForm(unit=unit, activity=activity, initial=initial_of(activity))
    context = {**_form_context(unit, form, activity), "files": list(activity.files.all())}
    return render(request, "activities/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    """Xóa hoạt động: a confirmation page, then the POST deletes (files and totals too)."""
    activity = common.get_activity(request, pk, CHANGE)
    if request.method == "POST":
        unit = activity.unit
        title = activity.title
        try:
            services.delete(activity, request.user)
        except ActivityError as error:
            raise PermissionDenied(error.message) from None
        messages.success(request, _("Đã xóa hoạt động “%(t)s”.") % {"t": title})
        return redirect(common.log_url(unit))
    context = {"activity": activity, "unit": activity.unit, "files": list(activity.files.all())}
    return render(request, "activities/delete.html", context)


def _file(request, pk, action):
    return get_in_scope_or_404(
        ActivityFile.objects.select_related("activity__unit"), request.user, action, pk=pk
    )


@login_required
@require_GET
def file(request, pk):
    """Tải tệp minh chứng: as a download, never shown inline (nosniff, a sandboxing CSP)."""
    found = _file(request, pk, VIEW)
    return found.download()


@login_required
@require_POST
def file_remove(request, pk):
    """Xóa một tệp minh chứng."""
    found = _file(request, pk, CHANGE)
    activity = found.activity
    try:
        services.remove_file(found, request.user)
    except ActivityError as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": found.name})
    return redirect(reverse("activities:edit", kwargs={"pk": activity.pk}))


urlpatterns = [
    path("moi/", create, name="create"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/sua/", edit, name="edit"),
    path("<int:pk>/xoa/", delete, name="delete"),
    path("tep/<int:pk>/", file, name="file"),
    path("tep/<int:pk>/xoa/", file_remove, name="file_remove"),
]
