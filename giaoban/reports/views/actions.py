"""The workflow's actions from the pages: submit, accept, return, reopen (POST only).

Who may is the workflow's own rule (`workflow.may_submit`, `workflow.may_decide`); a
refused action re-renders the page it came from (report or review) with the reason.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giaoban.reports import workflow
from giaoban.reports.forms import ReasonForm
from giaoban.reports.views import common
from giaoban.reports.views.entry import report_context
from giaoban.reports.views.review import review_context
from giaoban.reports.workflow import WorkflowError


def _run_action(target, request, action):
    """Run one workflow action; returns (done message, reason form)."""
    if action == "submit":
        workflow.submit(target.report, request.user)
        return _("Đã ký gửi báo cáo lên cấp trên."), None
    if action == "accept":
        workflow.accept(target.report, request.user)
        return _("Đã chấp nhận báo cáo của %(unit)s.") % {"unit": target.unit.name}, None
    reason_form = ReasonForm(request.POST, action=action)
    reason = reason_form.cleaned_data["reason"] if reason_form.is_valid() else ""
    try:
        if action == "return":
            workflow.return_report(target.report, request.user, reason)
            return _("Đã trả lại báo cáo cho %(unit)s.") % {"unit": target.unit.name}, reason_form
        workflow.reopen(target.report, request.user, reason)
    except WorkflowError as exc:
        exc.reason_form = reason_form
        raise
    return _("Đã mở lại báo cáo; đơn vị có thể sửa và gửi lại."), reason_form


def _decide(request, form, period, code, action):
    target = common.lookup(request, form, period, code)
    if target.report is None:
        raise Http404(_("Đơn vị chưa lập báo cáo kỳ này."))
    try:
        done, _reason_form = _run_action(target, request, action)
    except WorkflowError as exc:
        if exc.forbidden:
            return common.forbidden(request, exc.message)
        target.report.refresh_from_db()
        return _refused(request, target, action, exc, getattr(exc, "reason_form", None))
    messages.success(request, done)
    return redirect(common.safe_next(request, target.url("report")))


def _refused(request, target, action, exc, reason_form):
    """Show the page the action came from again, with why it was refused (status 400)."""
    extra = {"action_error": exc.message, "action_problems": exc.problems}
    if reason_form is not None and reason_form.errors:
        extra[f"{action}_form"] = reason_form
        extra["action_error"] = _("Chưa thực hiện được: %(why)s") % {
            "why": "; ".join(reason_form.errors["reason"])
        }
    if request.POST.get("from") == "review":
        context = review_context(request, target)
        context.update(extra)
        return render(request, "reports/entry/review.html", context, status=400)
    context = report_context(request, target, **extra)
    return render(request, "reports/entry/report.html", context, status=400)


@login_required
@require_POST
def submit(request, form, period, code):
    return _decide(request, form, period, code, "submit")


@login_required
@require_POST
def accept(request, form, period, code):
    return _decide(request, form, period, code, "accept")


@login_required
@require_POST
def return_report(request, form, period, code):
    return _decide(request, form, period, code, "return")


@login_required
@require_POST
def reopen(request, form, period, code):
    return _decide(request, form, period, code, "reopen")


urlpatterns = [
    path("<str:form>/<periodkey:period>/<str:code>/gui/", submit, name="submit"),
    path("<str:form>/<periodkey:period>/<str:code>/chap-nhan/", accept, name="accept"),
    path("<str:form>/<periodkey:period>/<str:code>/tra-lai/", return_report, name="return"),
    path("<str:form>/<periodkey:period>/<str:code>/mo-lai/", reopen, name="reopen"),
]
