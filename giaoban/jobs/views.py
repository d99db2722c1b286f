"""Việc nền: the administrators' page of background jobs — what failed, what ran."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from giaoban.core import roles
from giaoban.jobs import services
from giaoban.jobs.models import Job

FAILED_CAP = 200
RECENT = 50


def _require_top_admin(user):
    if not roles.is_top_admin(user):
        raise PermissionDenied


@login_required
@require_GET
def job_list(request):
    _require_top_admin(request.user)
    failed = Job.objects.filter(status=Job.Status.FAILED).order_by("-finished_at", "-pk")
    recent = Job.objects.exclude(status=Job.Status.FAILED).order_by("-created", "-pk")
    failed_rows = list(failed[: FAILED_CAP + 1])
    recent_rows = list(recent[:RECENT])
    for job in (*failed_rows, *recent_rows):
        job.label = services.label_of(job.kind)
    context = {
        "failed": failed_rows[:FAILED_CAP],
        "failed_more": len(failed_rows) > FAILED_CAP,
        "recent": recent_rows,
        "stale_minutes": int(services.STALE_AFTER.total_seconds() // 60),
    }
    return render(request, "jobs/list.html", context)


@login_required
@require_POST
def job_retry(request, pk):
    _require_top_admin(request.user)
    job = get_object_or_404(Job, pk=pk)
    if services.retry(job):
        messages.success(
            request,
            _("Đã đưa việc “%(key)s” trở lại hàng chờ; việc sẽ chạy ở lượt chạy tới.")
            % {"key": job.key},
        )
    else:
        messages.warning(
            request, _("Việc “%(key)s” không còn ở trạng thái lỗi.") % {"key": job.key}
        )
    return redirect("jobs:list")
