"""Editing report forms in the app (quản lý mẫu báo cáo) — administrators at the top only.

Everyone else gets 403. Sections, indicators, narrative fields and rules are edited on
the form's current version through `versioning`: in place while no report uses it, on
a fresh copy (version N+1) once one does. Every change is audited.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from giaoban.audit.registry import write as audit
from giaoban.core import roles
from giaoban.reports import computed, versioning
from giaoban.reports.admin_forms import (
    DeadlinesForm,
    IndicatorForm,
    NarrativeForm,
    ReportFormForm,
    RuleForm,
    SectionForm,
)
from giaoban.reports.models import (
    FormDeadline,
    FormVersion,
    Indicator,
    NarrativeField,
    Report,
    ReportForm,
    Section,
    ValidationRule,
)
from giaoban.units.models import Unit


def _require_top_admin(request):
    if not roles.is_top_admin(request.user):
        raise PermissionDenied(_("Chỉ quản trị viên cấp Bộ được sửa mẫu báo cáo."))


def _get_form(code):
    return get_object_or_404(ReportForm.objects.select_related("owner"), code=code)


def _structure(version):
    """Sections with their indicators and narrative fields, and the rules, of one version."""
    if version is None:
        return [], []
    sections = list(version.sections.order_by("order", "pk"))
    by_section = {s.pk: s for s in sections}
    for s in sections:
        s.indicator_list, s.narrative_list = [], []
    for ind in version.indicators.order_by("order", "pk"):
        if ind.source:
            ind.source_text = computed.describe(ind)
        by_section[ind.section_id].indicator_list.append(ind)
    for nar in version.narratives.order_by("order", "pk"):
        by_section[nar.section_id].narrative_list.append(nar)
    rules = list(version.rules.select_related("indicator", "other", "narrative").order_by("pk"))
    return sections, rules


def _versions(form):
    return list(form.versions.annotate(n_reports=Count("reports")).order_by("-number"))


def _audit_levels(form, before, after):
    if before != after:
        audit(
            form,
            "update",
            before={"levels": sorted(before)},
            after={"levels": sorted(after)},
            message=_("Đổi các cấp báo cáo"),
            unit_path=form.owner.path,
        )


@login_required
@require_GET
def form_list(request):
    _require_top_admin(request)
    forms = list(
        ReportForm.objects.annotate(n_reports=Count("reports", distinct=True)).order_by("code")
    )
    for f in forms:
        f.current = f.current_version()
        f.n_indicators = f.current.indicators.count() if f.current else 0
    return render(request, "reports/forms/list.html", {"forms": forms})


@login_required
@require_http_methods(["GET", "POST"])
def form_create(request):
    _require_top_admin(request)
    root = Unit.objects.filter(depth=0).order_by("path").first()
    instance = ReportForm(owner=root, is_active=False, cutoff_day=15)
    bound = ReportFormForm(request.POST or None, instance=instance)
    if request.method == "POST" and bound.is_valid():
        with transaction.atomic():
            form = bound.save()
            FormVersion.objects.create(form=form, number=1, note=_("Phiên bản đầu tiên"))
            _audit_levels(form, set(), {lvl.code for lvl in form.levels.all()})
        messages.success(
            request,
            _("Đã tạo mẫu %(code)s. Thêm mục, chỉ tiêu rồi bật “đang dùng”.") % {"code": form.code},
        )
        return redirect("reports:form_edit", form=form.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/forms/create.html", {"bound": bound}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def form_edit(request, form):
    """The form's header (POST saves it) and its current version's whole structure."""
    _require_top_admin(request)
    form = _get_form(form)
    has_reports = Report.objects.filter(form=form).exists()
    before_levels = {lvl.code for lvl in form.levels.all()}
    bound = ReportFormForm(request.POST or None, instance=form, has_reports=has_reports)
    status = 200
    if request.method == "POST":
        if bound.is_valid():
            with transaction.atomic():
                form = bound.save()
                after_levels = {lvl.code for lvl in form.levels.all()}
                _audit_levels(form, before_levels, after_levels)
                stale = FormDeadline.objects.filter(form=form).exclude(level__code__in=after_levels)
                for deadline in stale:
                    deadline.delete()
            messages.success(request, _("Đã lưu thông tin mẫu báo cáo."))
            return redirect("reports:form_edit", form=form.code)
        status = 400
    version = form.current_version()
    sections, rules = _structure(version)
    context = {
        "form_obj": form,
        "bound": bound,
        "version": version,
        "version_in_use": versioning.in_use(version),
        "sections": sections,
        "rules": rules,
        "versions": _versions(form),
        "deadlines": list(form.deadlines.select_related("level").order_by("level__rank")),
        "editable": True,
    }
    return render(request, "reports/forms/edit.html", context, status=status)


@login_required
@require_GET
def form_version(request, form, pk):
    """One version's structure, read-only (what the reports filed on it were asked)."""
    _require_top_admin(request)
    form = _get_form(form)
    version = get_object_or_404(FormVersion, form=form, pk=pk)
    sections, rules = _structure(version)
    context = {
        "form_obj": form,
        "version": version,
        "sections": sections,
        "rules": rules,
        "n_reports": version.reports.count(),
        "is_current": version == form.current_version(),
        "editable": False,
    }
    return render(request, "reports/forms/version.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def form_deadlines(request, form):
    _require_top_admin(request)
    form = _get_form(form)
    bound = DeadlinesForm(request.POST or None, form=form)
    if request.method == "POST" and bound.is_valid():
        with transaction.atomic():
            for level, days in bound.days_by_level().items():
                row = FormDeadline.objects.filter(form=form, level=level).first()
                if row is None:
                    FormDeadline.objects.create(form=form, level=level, days_after_end=days)
                elif row.days_after_end != days:
                    row.days_after_end = days
                    row.save()
        messages.success(request, _("Đã lưu hạn báo cáo theo cấp."))
        return redirect("reports:form_edit", form=form.code)
    status = 400 if request.method == "POST" else 200
    context = {"form_obj": form, "bound": bound}
    return render(request, "reports/forms/deadlines.html", context, status=status)


# ------------------------------------------------------------ versioned items

ITEMS = {
    "section": (Section, SectionForm, gettext_lazy("mục")),
    "indicator": (Indicator, IndicatorForm, gettext_lazy("chỉ tiêu")),
    "narrative": (NarrativeField, NarrativeForm, gettext_lazy("phần thuyết minh")),
    "rule": (ValidationRule, RuleForm, gettext_lazy("quy tắc kiểm tra")),
}
TITLES = {
    ("section", False): gettext_lazy("Thêm mục"),
    ("section", True): gettext_lazy("Sửa mục"),
    ("indicator", False): gettext_lazy("Thêm chỉ tiêu"),
    ("indicator", True): gettext_lazy("Sửa chỉ tiêu"),
    ("narrative", False): gettext_lazy("Thêm phần thuyết minh"),
    ("narrative", True): gettext_lazy("Sửa phần thuyết minh"),
    ("rule", False): gettext_lazy("Thêm quy tắc kiểm tra"),
    ("rule", True): gettext_lazy("Sửa quy tắc kiểm tra"),
}


def _current_item(form, model, pk):
    """An object of the form's current version (older versions are read-only: 404)."""
    version = form.current_version()
    if version is None:
        raise Http404
    return version, get_object_or_404(model, version=version, pk=pk)


def _saved_message(kind, target):
    _model, _form_class, noun = ITEMS[kind]
    if target.cloned:
        return _(
            "Đã lưu %(noun)s vào phiên bản %(new)s (mới tạo). Các báo cáo đã lập giữ phiên bản "
            "%(old)s."
        ) % {"noun": noun, "new": target.version.number, "old": target.source.number}
    return _("Đã lưu %(noun)s (phiên bản %(n)s).") % {"noun": noun, "n": target.version.number}


def _item_edit(request, form_code, kind, pk=None):
    _require_top_admin(request)
    form = _get_form(form_code)
    model, form_class, _noun = ITEMS[kind]
    if pk is None:
        version = form.current_version()
        if version is None:
            raise Http404
        original, instance = None, model(version=version)
    else:
        version, original = _current_item(form, model, pk)
        instance = original
    initial = {}
    if pk is None and kind in ("indicator", "narrative"):
        section = request.GET.get("section", "")
        if section.isdigit() and version.sections.filter(pk=section).exists():
            initial["section"] = int(section)
    bound = form_class(request.POST or None, instance=instance, version=version, initial=initial)
    status = 200
    if request.method == "POST":
        if bound.is_valid():
            names = [*bound._meta.fields, *getattr(bound, "extra_fields", ())]
            data = {name: bound.cleaned_data[name] for name in names}
            try:
                target, _obj = versioning.save_item(form, model, original, data, bound.note_text())
            except versioning.VersionConflict as exc:
                messages.error(request, exc.message)
                return redirect("reports:form_edit", form=form.code)
            messages.success(request, _saved_message(kind, target))
            anchor = "#rules" if kind == "rule" else "#sections"
            return redirect(reverse("reports:form_edit", kwargs={"form": form.code}) + anchor)
        status = 400
    context = {
        "form_obj": form,
        "bound": bound,
        "kind": kind,
        "title": TITLES[(kind, pk is not None)],
        "version": version,
        "version_in_use": versioning.in_use(version),
        "original": original,
    }
    return render(request, "reports/forms/item.html", context, status=status)


def _item_delete(request, form_code, kind, pk):
    _require_top_admin(request)
    form = _get_form(form_code)
    model, _form_class, noun = ITEMS[kind]
    version, original = _current_item(form, model, pk)
    if request.method == "POST":
        note = (request.POST.get("version_note") or "").strip()[:255]
        try:
            target = versioning.delete_item(form, original, note)
        except versioning.VersionConflict as exc:
            messages.error(request, exc.message)
            return redirect("reports:form_edit", form=form.code)
        if target.cloned:
            messages.success(
                request,
                _("Đã xóa %(noun)s khỏi phiên bản %(new)s (mới tạo); phiên bản %(old)s giữ nguyên.")
                % {"noun": noun, "new": target.version.number, "old": target.source.number},
            )
        else:
            messages.success(request, _("Đã xóa %(noun)s.") % {"noun": noun})
        return redirect("reports:form_edit", form=form.code)
    consequences = []
    if kind == "section":
        consequences = [
            *(str(i) for i in original.indicators.order_by("order")),
            *(str(n) for n in original.narratives.order_by("order")),
        ]
    elif kind == "indicator":
        rules = version.rules.filter(Q(indicator=original) | Q(other=original))
        consequences = [r.message for r in rules.order_by("pk")]
    elif kind == "narrative":
        consequences = [r.message for r in version.rules.filter(narrative=original)]
    context = {
        "form_obj": form,
        "kind": kind,
        "noun": noun,
        "original": original,
        "version": version,
        "version_in_use": versioning.in_use(version),
        "consequences": consequences,
    }
    return render(request, "reports/forms/delete.html", context)


def _pair(kind):
    @login_required
    @require_http_methods(["GET", "POST"])
    def create(request, form):
        return _item_edit(request, form, kind)

    @login_required
    @require_http_methods(["GET", "POST"])
    def edit(request, form, pk):
        return _item_edit(request, form, kind, pk)

    @login_required
    @require_http_methods(["GET", "POST"])
    def delete(request, form, pk):
        return _item_delete(request, form, kind, pk)

    for view, action in ((create, "create"), (edit, "edit"), (delete, "delete")):
        view.__name__ = f"{kind}_{action}"
        view.__qualname__ = view.__name__
    return create, edit, delete


section_create, section_edit, section_delete = _pair("section")
indicator_create, indicator_edit, indicator_delete = _pair("indicator")
narrative_create, narrative_edit, narrative_delete = _pair("narrative")
rule_create, rule_edit, rule_delete = _pair("rule")

urlpatterns = [
    path("mau/", form_list, name="form_list"),
    path("mau/them/", form_create, name="form_create"),
    path("mau/<str:form>/", form_edit, name="form_edit"),
    path("mau/<str:form>/han-bao-cao/", form_deadlines, name="form_deadlines"),
    path("mau/<str:form>/phien-ban/<int:pk>/", form_version, name="form_version"),
    path("mau/<str:form>/muc/them/", section_create, name="section_create"),
    path("mau/<str:form>/muc/<int:pk>/", section_edit, name="section_edit"),
    path("mau/<str:form>/muc/<int:pk>/xoa/", section_delete, name="section_delete"),
    path("mau/<str:form>/chi-tieu/them/", indicator_create, name="indicator_create"),
    path("mau/<str:form>/chi-tieu/<int:pk>/", indicator_edit, name="indicator_edit"),
    path("mau/<str:form>/chi-tieu/<int:pk>/xoa/", indicator_delete, name="indicator_delete"),
    path("mau/<str:form>/thuyet-minh/them/", narrative_create, name="narrative_create"),
    path("mau/<str:form>/thuyet-minh/<int:pk>/", narrative_edit, name="narrative_edit"),
    path("mau/<str:form>/thuyet-minh/<int:pk>/xoa/", narrative_delete, name="narrative_delete"),
    path("mau/<str:form>/quy-tac/them/", rule_create, name="rule_create"),
    path("mau/<str:form>/quy-tac/<int:pk>/", rule_edit, name="rule_edit"),
    path("mau/<str:form>/quy-tac/<int:pk>/xoa/", rule_delete, name="rule_delete"),
]
