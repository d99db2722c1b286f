"""Files: download an Excel template, upload it filled in, export a roll-up table as .xlsx,
download a unit's report as .docx.

Every lookup goes through the user's scope first: a unit outside it is a 404; a unit in
view without the right to enter data is a 403 for templates and uploads.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from giaoban.core.scope import CHANGE, VIEW
from giaoban.core.widgets import FilePickerInput
from giaoban.exports.docx import DOCX_TYPE
from giaoban.reports import excel, rollup, services
from giaoban.reports.docx import report_document
from giaoban.reports.views import common
from giaoban.reports.workflow import reports_on

SHOWN_PROBLEMS = 300
SHOWN_UNITS = 50


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel đã điền (.xlsx)"),
        help_text=gettext_lazy("Tối đa 5 MB. Chỉ nhận tệp mẫu tải về từ trang này."),
        error_messages={
            "required": gettext_lazy("Chưa chọn tệp để tải lên."),
            "empty": gettext_lazy("Tệp trống (0 byte): hãy chọn tệp Excel đã điền số liệu."),
        },
        # Vietnamese "Chọn tệp…" button and file name instead of the browser's English control.
        widget=FilePickerInput(attrs={"accept": f".xlsx,{excel.XLSX_TYPE}"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > excel.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn %(size)s MB, vượt giới hạn 5 MB.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")}
            )
        return upload


def _lookup(request, form_code, period_key, code, action, active_only=False):
    """(form, period, unit): 404 outside the user's view scope, 403 without `action`."""
    target = common.lookup(request, form_code, period_key, code, action, active_only)
    return target.form, target.period, target.unit


def _links(form, period, unit):
    kwargs = {"form": form.code, "period": period.key, "code": unit.code}
    return {
        "template_url": reverse("reports:template", kwargs=kwargs),
        "upload_url": reverse("reports:upload", kwargs=kwargs),
        "report_url": reverse("reports:report", kwargs=kwargs),
        "rollup_url": reverse("reports:rollup", kwargs=kwargs),
    }


def _xlsx(data, filename):
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _problem_page(request, form, period, unit, message, status=400):
    context = {"form": form, "period": period, "unit": unit, "message": message}
    return render(
        request,
        "reports/excel/problem.html",
        {**context, **_links(form, period, unit)},
        status=status,
    )


@login_required
@require_GET
def template(request, form, period, code):
    """Mẫu Excel: one unit's report, or (?subtree=1) one row per unit of the subtree."""
    form, period, unit = _lookup(request, form, period, code, CHANGE, active_only=True)
    if request.GET.get("subtree") in ("1", "true", "on"):
        units, locked = excel.template_units(form, period, unit, request.user)
        if not units:
            message = _(
                "Không có đơn vị nào thuộc %(unit)s cần nhập báo cáo kỳ %(period)s trong phạm vi "
                "của đồng chí"
            ) % {"unit": unit.name, "period": period.label}
            if locked:
                message += _(" (%(n)s đơn vị đã gửi hoặc đã được chấp nhận báo cáo)") % {
                    "n": len(locked)
                }
            return _problem_page(request, form, period, unit, message + ".")
        data = excel.subtree_template(form, period, unit, units, locked)
        return _xlsx(data, f"{form.code}_{period.key}_{unit.code}_cac-don-vi.xlsx")
    if not reports_on(form, unit, period):
        message = _(
            "%(unit)s không thuộc diện báo cáo mẫu này trong kỳ %(period)s; có thể tải mẫu "
            "nhiều đơn vị cho các đơn vị trực thuộc."
        ) % {"unit": unit.name, "period": period.label}
        return _problem_page(request, form, period, unit, message)
    data = excel.unit_template(form, period, unit)
    return _xlsx(data, f"{form.code}_{period.key}_{unit.code}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, form, period, code):
    """Nhập số liệu từ Excel: the whole file is written, or nothing and every problem listed."""
    form, period, unit = _lookup(request, form, period, code, CHANGE, active_only=True)
    upload_form = (
        UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    )
    context = {
        "form": form,
        "period": period,
        "unit": unit,
        "upload_form": upload_form,
        "reports_itself": reports_on(form, unit, period),
        "has_units_below": bool(services.children_on(unit, period)),
        **_links(form, period, unit),
    }
    status = 200
    if request.method == "POST":
        status = 400
        if upload_form.is_valid():
            data = upload_form.cleaned_data["file"].read()
            try:
                result = excel.read_upload(data, form, period, unit, request.user)
            except excel.UploadError as exc:
                errors = [p for p in exc.problems if p.severity == "error"]
                context["problems"] = errors[:SHOWN_PROBLEMS]
                context["problem_count"] = len(errors)
                context["more_problems"] = max(0, len(errors) - SHOWN_PROBLEMS)
                context["filename"] = upload_form.cleaned_data["file"].name
            else:
                status = 200
                context["result"] = result
                kwargs = {"form": form.code, "period": period.key}
                context["result_units"] = [
                    (u, reverse("reports:report", kwargs={**kwargs, "code": u.code}))
                    for u in result.units[:SHOWN_UNITS]
                ]
                context["more_units"] = max(0, len(result.units) - SHOWN_UNITS)
                context["upload_form"] = UploadForm()
    return render(request, "reports/excel/upload.html", context, status=status)


@login_required
@require_GET
def rollup_xlsx(request, form, period, code):
    """The roll-up table of a unit and period as .xlsx (?mode=accepted|counted)."""
    form, period, unit = _lookup(request, form, period, code, VIEW)
    mode = request.GET.get("mode") or rollup.mode_for(form)
    if mode not in (rollup.ACCEPTED, rollup.COUNTED):
        return _problem_page(
            request,
            form,
            period,
            unit,
            _("Tham số “mode” chỉ nhận “accepted” (đã chấp nhận) hoặc “counted” (cả đã gửi)."),
        )
    view = services.rollup_view(unit, form, period, mode)
    data = excel.rollup_workbook(view, timezone.now())
    return _xlsx(data, f"{form.code}_{period.key}_{unit.code}_tong-hop_{mode}.xlsx")


@login_required
@require_GET
def report_docx(request, form, period, code):
    """Báo cáo của đơn vị (.docx), in the state layout of Decree 30/2020."""
    target = common.lookup(request, form, period, code)
    if target.report is None:
        raise Http404(_("Đơn vị chưa lập báo cáo kỳ này."))
    data = report_document(target.report)
    response = HttpResponse(data, content_type=DOCX_TYPE)
    filename = f"{target.form.code}_{target.period.key}_{target.unit.code}_bao-cao.docx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("<str:form>/<str:period>/<str:code>/excel/mau/", template, name="template"),
    path("<str:form>/<str:period>/<str:code>/excel/tai-len/", upload, name="upload"),
    path("<str:form>/<str:period>/<str:code>/excel/tong-hop/", rollup_xlsx, name="rollup_xlsx"),
    path("<str:form>/<periodkey:period>/<str:code>/word/", report_docx, name="report_docx"),
]
