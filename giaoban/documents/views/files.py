"""Tệp đính kèm, kế hoạch triển khai, báo cáo kết quả: the files of a document and what a
recipient sends back.

- attach: several files to a draft at once, all or nothing (core.uploads checks each one:
  type, size, content against its extension, empty); file_delete removes one from a draft;
- file: a download through core.uploads.download (an attachment, nosniff), only if the user
  may see the document and, for a recipient's plan or results, the recipient row too —
  both in the query;
- results / plan_upload: what a recipient unit reports back (services.record_results,
  services.mark_plan_uploaded), by who may change that unit's data, for an issued document.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giaoban.core import uploads
from giaoban.core.scope import CHANGE, VIEW, can, get_in_scope_or_404
from giaoban.documents import forms, obligations, services
from giaoban.documents.models import Attachment, Document, Recipient
from giaoban.documents.services import DocumentError
from giaoban.documents.views.editing import (
    detail_url,
    edit_refusal,
    get_document,
    posted,
    refuse,
    safe_next,
)
from giaoban.documents.views.register import visible_documents

R = Attachment.Role


def _names(rows):
    return ", ".join(f"“{a.name}”" for a in rows)


def _visible_attachments(user):
    """Attachments of documents the user may see; a recipient's files only if the user may
    also see that recipient row (its unit's subtree, or the issuer's)."""
    return Attachment.objects.filter(
        document__in=visible_documents(user),
    ).filter(Q(recipient__isnull=True) | Q(recipient__in=Recipient.objects.restrict(user, VIEW)))


# ---------------------------------------------------------------- a document's own files


@login_required
@require_http_methods(["GET", "POST"])
def attach(request, pk):
    """Đính kèm tệp vào dự thảo: several at once; one refused file and none is kept."""
    document = get_document(request, pk)
    refusal = edit_refusal(request, document)
    if refusal is not None:
        return refusal
    form = forms.AttachForm(*posted(request, files=True))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rows = services.attach_files(
                    document, request.user, form.cleaned_data["files"], R.DOCUMENT
                )
            except DocumentError as error:
                return refuse(request, error.message, document)
            messages.success(
                request,
                ngettext(
                    "Đã đính kèm tệp %(names)s.", "Đã đính kèm %(n)s tệp: %(names)s.", len(rows)
                )
                % {"n": len(rows), "names": _names(rows)},
            )
            return redirect(safe_next(request, detail_url(document)))
    context = {
        "document": document,
        "form": form,
        "attachments": list(document.attachments.filter(recipient__isnull=True)),
        "max_size": uploads.MAX_BYTES,
        "types": ", ".join(f".{e}" for e in uploads.accepted_extensions()),
    }
    return render(request, "documents/files_attach.html", context, status=status)


@login_required
@require_GET
def file(request, pk):
    """Tải tệp: as a download, never shown inline (nosniff, a sandboxing CSP)."""
    attachment = _visible_attachments(request.user).filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("Không tìm thấy tệp."))
    return attachment.download()


@login_required
@require_POST
def file_delete(request, pk):
    """Xóa tệp của dự thảo: the row (audited) and the stored file."""
    attachment = (
        _visible_attachments(request.user)
        .filter(pk=pk)
        .select_related("document", "document__unit")
        .first()
    )
    if attachment is None:
        raise Http404(_("Không tìm thấy tệp."))
    document = attachment.document
    if attachment.role != R.DOCUMENT:
        return refuse(
            request,
            _("Tệp kế hoạch, báo cáo kết quả của đơn vị nhận không xóa được."),
            document,
            code=409,
        )
    refusal = edit_refusal(request, document)
    if refusal is not None:
        return refusal
    try:
        services.delete_attachment(attachment, request.user)
    except DocumentError as error:
        return refuse(request, error.message, document)
    messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": attachment.name})
    return redirect(safe_next(request, detail_url(document)))


# ---------------------------------------------------------------- what a recipient sends back


def _recipient(request, pk, code):
    """(document, recipient): the document in the user's view, the recipient row in it, and
    the right to change the recipient unit's data (403 otherwise) for an issued document."""
    document = get_document(request, pk)
    recipient = get_in_scope_or_404(
        Recipient.objects.select_related("unit", "plan"),
        request.user,
        VIEW,
        document=document,
        unit__code=code,
    )
    if not can(request.user, CHANGE, recipient.unit):
        return (
            document,
            recipient,
            refuse(
                request,
                _("Chỉ cán bộ của %(unit)s hoặc của đơn vị cấp trên mới báo cáo thay đơn vị được.")
                % {"unit": recipient.unit.name},
                document,
            ),
        )
    if document.status != Document.Status.ISSUED:
        return (
            document,
            recipient,
            refuse(
                request,
                _("Văn bản %(doc)s không còn hiệu lực (%(status)s): không ghi nhận thêm.")
                % {"doc": document, "status": services.status_label(document)},
                document,
                code=409,
            ),
        )
    return document, recipient, None


def recipient_url(document, recipient):
    return reverse("documents:recipient", kwargs={"pk": document.pk, "code": recipient.unit.code})


def _recipient_context(document, recipient, form, role):
    standings = {s.obligation.key: s for s in obligations.standings(document, recipient)}
    return {
        "document": document,
        "recipient": recipient,
        "form": form,
        "files": list(recipient.attachments.filter(role=role)),
        "standing": standings.get(obligations.REPORT if role == R.RESULTS else obligations.PLAN),
        "recipient_url": recipient_url(document, recipient),
    }


@login_required
@require_http_methods(["GET", "POST"])
def results(request, pk, code):
    """Báo cáo kết quả thực hiện: a text, with files."""
    document, recipient, refusal = _recipient(request, pk, code)
    if refusal is not None:
        return refusal
    initial = {"results_text": recipient.results_text}
    form = forms.ResultsForm(*posted(request, files=True), initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            files = form.cleaned_data["files"]
            try:
                with transaction.atomic():
                    services.record_results(
                        recipient, request.user, form.cleaned_data["results_text"]
                    )
                    if files:  # last: the files are stored only when all else is written
                        services.attach_files(document, request.user, files, R.RESULTS, recipient)
            except DocumentError as error:
                if error.forbidden:
                    return refuse(request, error.message, document)
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("Đã ghi báo cáo kết quả của %(unit)s.") % {"unit": recipient.unit.name},
                )
                return redirect(recipient_url(document, recipient))
    context = _recipient_context(document, recipient, form, R.RESULTS)
    return render(request, "documents/results.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_upload(request, pk, code):
    """Tải lên kế hoạch triển khai: the plan obligation is met on the first upload's day."""
    document, recipient, refusal = _recipient(request, pk, code)
    if refusal is not None:
        return refusal
    form = forms.PlanForm(*posted(request, files=True))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.mark_plan_uploaded(recipient)
                    rows = services.attach_files(
                        document, request.user, form.cleaned_data["files"], R.PLAN, recipient
                    )
            except DocumentError as error:
                if error.forbidden:
                    return refuse(request, error.message, document)
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận kế hoạch triển khai của %(unit)s: %(names)s.")
                    % {"unit": recipient.unit.name, "names": _names(rows)},
                )
                return redirect(recipient_url(document, recipient))
    context = _recipient_context(document, recipient, form, R.PLAN)
    return render(request, "documents/plan_upload.html", context, status=status)


urlpatterns = [
    path("<int:pk>/tep/", attach, name="attach"),
    path("tep/<int:pk>/", file, name="file"),
    path("tep/<int:pk>/xoa/", file_delete, name="file_delete"),
    path("<int:pk>/noi-nhan/<str:code>/ket-qua/", results, name="results"),
    path("<int:pk>/noi-nhan/<str:code>/ke-hoach/", plan_upload, name="plan_upload"),
]
