"""What the report pages share: the period key in URLs, finding what a URL names inside
the user's scope, the links every report page offers, and refusals."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import register_converter, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from giaoban.core import periods, scope
from giaoban.reports import workflow
from giaoban.reports.models import Report, ReportForm
from giaoban.units.models import Unit


class PeriodKeyConverter:
    """A period key (2026-H1, 2026-M06, 2026-Q2, 2026-9M, 2026-Y) and nothing else."""

    regex = r"\d{4}-(?:M(?:0[1-9]|1[0-2])|Q[1-4]|H[12]|9M|Y)"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PeriodKeyConverter, "periodkey")


@dataclass
class Target:
    """What a report URL names: a form, a period and a unit, and the report if it exists."""

    form: ReportForm
    period: periods.Period
    unit: Unit
    report: Report | None

    @property
    def kwargs(self):
        return {"form": self.form.code, "period": self.period.key, "code": self.unit.code}

    def url(self, name):
        return reverse(f"reports:{name}", kwargs=self.kwargs)

    @property
    def expected(self):
        """Whether the unit must report on the form for the period (its level reports on
        it, and it existed at the period's end)."""
        return workflow.reports_on(self.form, self.unit, self.period)


def form_or_404(code, active_only=False):
    forms = ReportForm.objects.prefetch_related("levels", "deadlines")
    if active_only:
        forms = forms.filter(is_active=True)
    return get_object_or_404(forms, code=code)


def period_or_404(form, key):
    try:
        return form.parse_period(key)
    except periods.PeriodError:
        raise Http404(_("Kỳ báo cáo không đúng loại kỳ của mẫu.")) from None


def unit_or_404(request, code, action=scope.VIEW):
    """The unit if the user may see it (else 404) and perform `action` on it (else 403)."""
    units = Unit.objects.select_related("level", "parent")
    return scope.get_in_scope_or_404(units, request.user, action, code=code)


def lookup(request, form_code, period_key, code, action=scope.VIEW, active_only=False):
    """The Target of a report URL, everything looked up inside the user's scope."""
    unit = unit_or_404(request, code, action)
    form = form_or_404(form_code, active_only)
    period = period_or_404(form, period_key)
    report = (
        Report.objects.restrict(request.user, scope.VIEW)
        .filter(form=form, unit=unit, period_key=period.key)
        .select_related("version", "unit__level", "form")
        .first()
    )
    return Target(form, period, unit, report)


def why_no_report(user, target):
    """Why a unit has no report for the period, and whether the user may start one."""
    if not target.expected:
        return _("%(unit)s không thuộc diện báo cáo mẫu này trong kỳ %(period)s.") % {
            "unit": target.unit.name,
            "period": target.period.label,
        }
    if not target.form.is_active:
        return _("Mẫu báo cáo này đã ngừng sử dụng, không lập báo cáo mới.")
    if target.period.start > timezone.localdate():
        return _("Kỳ báo cáo chưa bắt đầu (từ ngày %(d)s).") % {
            "d": target.period.start.strftime("%d/%m/%Y")
        }
    if scope.can(user, scope.CHANGE, target.unit):
        return _("Đơn vị chưa lập báo cáo kỳ này: báo cáo được lập khi lưu số liệu lần đầu.")
    return _("Đơn vị chưa lập báo cáo kỳ này.")


def may_start(user, target):
    """Whether the user's first save will open the report (officer of the unit, a form in
    use, a period begun, a unit that must report)."""
    return (
        target.report is None
        and target.expected
        and target.form.is_active
        and target.period.start <= timezone.localdate()
        and scope.can(user, scope.CHANGE, target.unit)
    )


def page_links(user, target):
    """The pages and files of this unit and period, for the tabs and toolbars."""
    kwargs = target.kwargs
    links = {
        "rollup": reverse("reports:rollup", kwargs=kwargs),
        "dashboard": reverse("reports:dashboard", kwargs=kwargs),
        "completeness": reverse("reports:completeness", kwargs=kwargs),
        "rollup_xlsx": reverse("reports:rollup_xlsx", kwargs=kwargs),
        "docx": reverse("reports:report_docx", kwargs=kwargs) if target.report else "",
    }
    if target.form.is_active and scope.can(user, scope.CHANGE, target.unit):
        links["template"] = reverse("reports:template", kwargs=kwargs)
        links["upload"] = reverse("reports:upload", kwargs=kwargs)
    return links


def forbidden(request, message):
    return render(request, "reports/entry/forbidden.html", {"message": message}, status=403)


def wants_json(request):
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def safe_next(request, default):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
