"""Giao ban — the start page: the conferences the user may see (hosted in their subtree or
attended by a unit of it), newest first, with their attendance and conclusions; the
consolidated reports of their subtree; the way to the follow-up tasks.

Counts are of what the user may see: a province that took part in the ministry's
conference counts its own attendance and tasks, never a sibling's.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from giaoban.conferences.models import Conference, Consolidation, Participant
from giaoban.conferences.views.conference_common import STATUS_CSS
from giaoban.core import periods
from giaoban.core.scope import CHANGE, VIEW, can, may, scope_q

PAGE_SIZE = 20
REPORTS_SHOWN = 10
REPORT_PAGE = "trang_bao_cao"  # the page parameter of the reports' list
CHOICE_ERRORS = {"invalid_choice": _("Lựa chọn không hợp lệ.")}
ALL = [("", _("— tất cả —"))]


class FilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Kỳ"), required=False, error_messages=CHOICE_ERRORS)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=ALL + list(Conference.Status.choices),
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = ALL + [(k, periods.period(k).label) for k in keys]

    def apply(self, rows):
        data = self.cleaned_data
        if data.get("period"):
            rows = rows.filter(period_key=data["period"])
        if data.get("status"):
            rows = rows.filter(status=data["status"])
        return rows


def visible_conferences(user):
    return Conference.objects.restrict(user, VIEW)


def counted(user, rows):
    """Each conference with the participants, those present, the delegates, conclusions and
    tasks the user may see (one query for a page)."""
    seen = scope_q(user, VIEW, "participants__path")
    present = seen & Q(participants__attendance=Participant.Attendance.PRESENT)
    tasks = scope_q(user, VIEW, "conclusions__tasks__path") | scope_q(
        user, VIEW, "conclusions__tasks__assigner_path"
    )
    return rows.annotate(
        n_participants=Count("participants", filter=seen, distinct=True),
        n_present=Count("participants", filter=present, distinct=True),
        n_conclusions=Count("conclusions", distinct=True),
        n_tasks=Count("conclusions__tasks", filter=tasks, distinct=True),
    )


def delegates(user, conferences):
    """{conference id: delegates present} of the rows the user may see."""
    rows = (
        Participant.objects.restrict(user, VIEW)
        .filter(conference__in=[c.pk for c in conferences], attendance="present")
        .values_list("conference_id", "delegates")
    )
    out = {}
    for conference_id, n in rows:
        out[conference_id] = out.get(conference_id, 0) + (n or 0)
    return out


def period_keys(rows):
    keys = rows.order_by().values_list("period_key", flat=True).distinct()
    return sorted(set(keys), reverse=True)


@login_required
@require_GET
def index(request):
    user = request.user
    rows = visible_conferences(user)
    form = FilterForm(keys=period_keys(rows))
    status = 200
    if request.GET.keys() - {"page", REPORT_PAGE}:
        form = FilterForm(request.GET, keys=period_keys(rows))
        if form.is_valid():
            rows = form.apply(rows)
        else:
            rows, status = rows.none(), 400
    rows = counted(user, rows.select_related("unit", "form")).order_by("-date", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    conferences = list(page.object_list)
    sent = delegates(user, conferences)
    for c in conferences:
        c.period_label = c.period.label
        c.status_css = STATUS_CSS.get(c.status, "")
        c.delegates = sent.get(c.pk, 0)
        c.sees_host = can(user, VIEW, c.unit)
    reports = (
        Consolidation.objects.restrict(user, VIEW)
        .select_related("unit", "form")
        .order_by("-period_key", "path")
    )
    report_page = Paginator(reports, REPORTS_SHOWN).get_page(request.GET.get(REPORT_PAGE))
    for r in report_page.object_list:
        r.period_label = r.period.label
    context = {
        "form": form,
        "page": page,
        "conferences": conferences,
        "report_page": report_page,
        "report_param": REPORT_PAGE,
        "may_change": may(user, CHANGE),
        "filtered": form.is_bound,
    }
    return render(request, "conferences/index.html", context, status=status)


urlpatterns = [path("", index, name="index")]
