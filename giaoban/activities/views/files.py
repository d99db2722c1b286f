"""Excel: the template of a unit's log, and its upload (many activities at once, all or
nothing, every problem named by row and column and shown as a table)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from giaoban.activities import excel
from giaoban.activities.forms import UploadForm
from giaoban.activities.views import common
from giaoban.core.scope import CHANGE

SHOWN_PROBLEMS = 300


@login_required
@require_GET
def template(request):
    """Mẫu Excel nhập nhiều hoạt động của một đơn vị."""
    unit = common.unit_from(request, CHANGE)
    data = excel.template(unit, request.user)
    return common.xlsx_response(data, f"mau-nhat-ky-hoat-dong_{unit.code}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Nhập hoạt động từ Excel: the whole file is written, or nothing and every problem."""
    unit = common.unit_from(request, CHANGE)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    context = {"unit": unit, "upload_form": form, "log_url": common.log_url(unit, scope="subtree")}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                result = excel.read_upload(data, unit, request.user)
            except excel.UploadError as error:
                problems = [p for p in error.problems if p.severity == "error"]
                context["problems"] = problems[:SHOWN_PROBLEMS]
                context["problem_count"] = len(problems)
                context["more_problems"] = max(0, len(problems) - SHOWN_PROBLEMS)
                context["filename"] = form.cleaned_data["file"].name
            else:
                status = 200
                context["result"] = result
                context["upload_form"] = UploadForm()
    return render(request, "activities/upload.html", context, status=status)


urlpatterns = [
    path("excel/mau/", template, name="template"),
    path("excel/tai-len/", upload, name="upload"),
]
