"""Việc nền bị lỗi — the jobs' part of the home page: a failed job must not stay silent.

Administrators at the top see, among what awaits them, that background jobs have failed
for good, with a link to the jobs page. Registered with `core.registry.due` in
`JobsConfig.ready()`; for everybody else it costs no query.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from giaoban.core import roles
from giaoban.core.due import Awaiting, DueContribution
from giaoban.jobs.models import Job


def failed_jobs(user, anchors, today):
    """The `core.registry.due` provider: failed jobs, for administrators at the top."""
    if not anchors or not roles.is_top_admin(user):
        return DueContribution()
    failed = Job.objects.filter(status=Job.Status.FAILED)
    latest = failed.order_by("-finished_at", "-pk").values("kind", "finished_at").first()
    if latest is None:
        return DueContribution()
    total = failed.count()
    detail = ngettext(
        "%(n)s việc đã chạy hết số lần mà vẫn lỗi; gần nhất: %(kind)s",
        "%(n)s việc đã chạy hết số lần mà vẫn lỗi; gần nhất: %(kind)s",
        total,
    ) % {"n": total, "kind": latest["kind"]}
    notice = Awaiting(
        kind=_("Việc nền bị lỗi"),
        title=_("Việc nền bị lỗi"),
        detail=detail,
        unit=anchors[0],
        since=latest["finished_at"],
        url=reverse("jobs:list"),
        # Before any report awaiting a decision: nothing else runs while jobs fail.
        sort_key=(datetime.date.min, 0),
    )
    return DueContribution(awaiting=[notice], awaiting_total=total)
