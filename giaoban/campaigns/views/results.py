"""Báo cáo kết quả: a unit's results for a requirement met by results (a text and files),
sent by its officers (or those above), and the files downloaded by who may see them.

The text is sent again to correct it (the first day counts for the deadline); files are
added. Each file goes through `core.uploads.check` (type, size, empty, content against the
extension) before the service stores it, all or nothing. A file is downloaded only by who
may see the unit's results (`ResultFile.objects.restrict`: the unit's subtree and above).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from giaoban.campaigns import services
from giaoban.campaigns.forms import ResultsForm
from giaoban.campaigns.models import Requirement, Result, ResultFile
from giaoban.campaigns.views.common import REFUSALS, part_or_404, posted, put_error, refuse, url
from giaoban.core import uploads
from giaoban.core.scope import VIEW
from giaoban.units.models import Unit

FORM = "campaigns/results.html"


@login_required
@require_http_methods(["GET", "POST"])
def results(request, pk, code):
    """Gửi báo cáo kết quả of unit `code` for requirement `pk`."""
    requirement = part_or_404(request, Requirement, pk)
    campaign = requirement.campaign
    unit = Unit.objects.restrict(request.user, VIEW).filter(code=code.upper()).first()
    if unit is None or not unit.path.startswith(campaign.path):
        raise Http404(_("Không có đơn vị này trong phạm vi đợt mà đồng chí được xem."))
    if not services.may_send_results(request.user, campaign, unit):
        if not campaign.is_launched:
            return refuse(request, _("Đợt chưa phát động."), campaign)
        return refuse(
            request,
            _("Đồng chí không gửi được báo cáo kết quả của %(unit)s.") % {"unit": unit.name},
            campaign,
        )
    if requirement.kind != Requirement.Kind.RESULTS or not services.applies(requirement, unit):
        return refuse(
            request,
            _("Yêu cầu “%(t)s” không đáp ứng bằng báo cáo kết quả của %(unit)s.")
            % {"t": requirement.title, "unit": unit.name},
            campaign,
            status=400,
        )
    sent = Result.objects.filter(requirement=requirement, unit=unit).first()
    initial = {"text": sent.text} if sent else {}
    form = ResultsForm(*posted(request, files=True), initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.send_results(request.user, requirement, unit, data["text"], data["files"])
            except REFUSALS as error:
                if error.forbidden:
                    return refuse(request, error.message, campaign)
                put_error(form, error)
            else:
                messages.success(
                    request,
                    _("Đã gửi báo cáo kết quả của %(unit)s: “%(t)s”.")
                    % {"unit": unit.name, "t": requirement.title},
                )
                return redirect(url(campaign, "#own", unit=unit))
    context = {
        "campaign": campaign,
        "requirement": requirement,
        "unit": unit,
        "sent": sent,
        "sent_files": list(sent.files.all()) if sent else [],
        "form": form,
        "max_size": uploads.MAX_BYTES,
    }
    return render(request, FORM, context, status=status)


@login_required
@require_GET
def result_file(request, pk):
    """Tải tệp kèm báo cáo kết quả (nosniff, as an attachment), for who may see it."""
    found = ResultFile.objects.restrict(request.user, VIEW).filter(pk=pk).first()
    if found is None:
        raise Http404(_("Không tìm thấy tệp."))
    return found.download()


urlpatterns = [
    path("yeu-cau/<int:pk>/ket-qua/<str:code>/", results, name="results"),
    path("ket-qua/tep/<int:pk>/", result_file, name="result_file"),
]
