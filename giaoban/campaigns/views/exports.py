"""Tiến độ đợt as Excel, for anyone who may see the campaign (out of scope: 404): every unit
of the subtree the page is about (`?unit=CODE` of the user's scope, else where the user
stands), from one `progress.compute` over it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from giaoban.campaigns import excel, progress
from giaoban.campaigns.views.common import campaign_or_404, node_of, start_path
from giaoban.exports.xlsx import XLSX_TYPE


@login_required
@require_GET
def campaign_xlsx(request, pk):
    campaign = campaign_or_404(request, pk)
    node, _default = node_of(request, campaign)
    node_path = start_path(campaign, node)
    if not campaign.is_launched or node_path is None:
        raise Http404(_("Đợt chưa phát động hoặc đơn vị không thuộc phạm vi đợt."))
    result = progress.compute(campaign, timezone.localdate(), within=node_path)
    data = excel.progress_xlsx(campaign, result, node, node_path)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, excel.filename(campaign, node)
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [path("<int:pk>/tien-do.xlsx", campaign_xlsx, name="campaign_xlsx")]
