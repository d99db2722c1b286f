"""Thông báo: the signed-in user's own notifications; marking read is a POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from giaoban.notifications import services
from giaoban.notifications.models import Notification

PAGE_SIZE = 50


def _own(user):
    return Notification.objects.filter(user=user)


def _back(request):
    """The list again, on the page the user was reading."""
    url = reverse("notifications:list")
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() and page != "1" else url)


@login_required
@require_GET
def notification_list(request):
    unread_first = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    notifications = _own(request.user).order_by(unread_first, "-created", "-pk")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "unread": services.unread_count(request.user)}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(_own(request.user), pk=pk)
    services.mark_read(request.user, [notification.pk])
    messages.success(request, _("Đã đánh dấu đã đọc: %(title)s.") % {"title": notification.title})
    return _back(request)


@login_required
@require_POST
def notification_read_all(request):
    n = services.mark_read(request.user)
    if n:
        text = ngettext(
            "Đã đánh dấu %(n)s thông báo là đã đọc.", "Đã đánh dấu %(n)s thông báo là đã đọc.", n
        ) % {"n": n}
    else:
        text = _("Không còn thông báo nào chưa đọc.")
    messages.success(request, text)
    return _back(request)
