"""Nhắc các đơn vị chưa thực hiện: a leader of the issuing unit reminds every recipient
that has not met an obligation of the document (notifications, e-mail when configured),
once a day; audited as a reminder sent (AuditEntry.Action.NOTIFY)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giaoban.audit.models import AuditEntry
from giaoban.audit.registry import write as audit_write
from giaoban.core import roles
from giaoban.core.scope import VIEW, get_in_scope_or_404
from giaoban.documents import obligations, reminders
from giaoban.documents.models import Document


def may_remind(user, document):
    """A leader of the issuing unit itself (the document's page shows the button to them)."""
    return roles.is_leader_of(user, document.unit)


@login_required
@require_POST
def remind(request, pk):
    source = Document.objects.select_related("unit", "issuer")
    document = get_in_scope_or_404(source, request.user, VIEW, pk=pk)
    if not may_remind(request.user, document):
        raise PermissionDenied
    back = reverse("documents:detail", kwargs={"pk": document.pk})
    if document.status != Document.Status.ISSUED:
        messages.error(
            request,
            _("Chỉ nhắc được các đơn vị nhận của văn bản đang có hiệu lực (đã ban hành)."),
        )
        return redirect(back)
    if not obligations.asked(document):
        messages.info(
            request, _("Văn bản không giao hạn nào cho các đơn vị nhận: không có gì để nhắc.")
        )
        return redirect(back)
    with transaction.atomic():
        done = reminders.remind_owing(document)
        message = _("Nhắc thực hiện văn bản %(doc)s: %(units)s đơn vị.") % {
            "doc": document.symbol,
            "units": done.units,
        }
        audit_write(document, AuditEntry.Action.NOTIFY, message=message)
    _say_reminded(request, done)
    return redirect(back)


def _say_reminded(request, done):
    if done.units:
        messages.success(
            request,
            _("Đã gửi nhắc tới %(n)s đơn vị chưa thực hiện văn bản.") % {"n": done.units},
        )
    if done.already:
        messages.info(
            request, _("%(n)s đơn vị đã được nhắc hôm nay, không nhắc lại.") % {"n": done.already}
        )
    if done.unreachable:
        messages.warning(
            request,
            _(
                "%(n)s đơn vị chưa có tài khoản cán bộ, lãnh đạo nào đang hoạt động nên không "
                "nhắc được qua giaoban: cần liên hệ trực tiếp."
            )
            % {"n": done.unreachable},
        )
    if not (done.units or done.already or done.unreachable):
        messages.info(
            request, _("Mọi đơn vị nhận đã thực hiện văn bản: không có đơn vị nào cần nhắc.")
        )


urlpatterns = [
    path("<int:pk>/nhac/", remind, name="remind"),
]
