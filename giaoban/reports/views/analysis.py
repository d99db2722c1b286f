"""Roll-up, dashboard and completeness pages (tổng hợp, bảng điều khiển, tiến độ báo cáo).

The node is looked up through `Unit.objects.restrict(user, "view")` first, so a unit
outside the user's subtree is a 404. Figures come from `services` (which read the
live Rollup rows), never from a per-child query, so the root at national scale
renders in one pass.
"""

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from giaoban.audit.models import AuditEntry
from giaoban.audit.registry import write as audit_write
from giaoban.core import periods, registry
from giaoban.core.paths import PATH_SEP
from giaoban.core.scope import APPROVE, CHANGE, VIEW, can, role_paths
from giaoban.exports import charts
from giaoban.reports import reminders, rollup, services, statuses, versioning, workflow
from giaoban.reports.models import Indicator, Report, Rollup
from giaoban.reports.views import common
from giaoban.units import history
from giaoban.units.models import Unit

CHILDREN_PAGE_SIZE = 50
MISSING_PAGE_SIZE = 50
DASHBOARD_TOP = 15
PICKER_PERIODS = 6
MODES = (rollup.ACCEPTED, rollup.COUNTED)
VIEWS = {
    "dashboard": "reports:dashboard",
    "rollup": "reports:rollup",
    "completeness": "reports:completeness",
}


class BadParameter(Exception):
    pass


# ------------------------------------------------------------------ lookups


def _mode(request, form):
    mode = request.GET.get("mode") or rollup.mode_for(form)
    if mode not in MODES:
        raise BadParameter(
            _(
                "Cách tính “%(mode)s” không hợp lệ: dùng “accepted” (chỉ báo cáo đã chấp nhận) "
                "hoặc “counted” (cả báo cáo đã gửi, chờ duyệt)."
            )
            % {"mode": mode}
        )
    return mode


def _bad_request(request, message):
    return render(request, "reports/analysis/bad_request.html", {"message": message}, status=400)


# ------------------------------------------------------------------ shared context


def _breadcrumbs(request, node, period):
    """The node's ancestors as the tree stood at the period's end, those the user may see."""
    path = services.node_path(node, period) or node.path
    codes = path.strip(PATH_SEP).split(PATH_SEP)[:-1]
    found = {u.code: u for u in Unit.objects.restrict(request.user, VIEW).filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def _period_choices(form, period):
    today = timezone.localdate()
    choices = periods.recent(today, form.period_type, form.cutoff_day, PICKER_PERIODS)
    if period.key not in {p.key for p in choices}:
        choices = sorted([*choices, period], key=lambda p: p.start, reverse=True)
    return choices


def _links(request, form, period, node, mode_query):
    """The files and pages of this node and period (Excel, its own report, data entry)."""
    kwargs = {"form": form.code, "period": period.key, "code": node.code}
    links = {"rollup_xlsx": reverse("reports:rollup_xlsx", kwargs=kwargs) + mode_query}
    if workflow.reports_on(form, node, period):
        links["report"] = reverse("reports:report", kwargs=kwargs)
    if form.is_active and can(request.user, CHANGE, node):
        if services.children_on(node, period):  # a template of the units below: if any
            links["template"] = reverse("reports:template", kwargs=kwargs)
        links["upload"] = reverse("reports:upload", kwargs=kwargs)
    return links


def _base_context(request, form, period, node, mode, page):
    query = {"mode": mode} if request.GET.get("mode") else {}
    mode_query = ("?" + urlencode(query)) if query else ""
    return {
        "links": _links(request, form, period, node, mode_query),
        "form_obj": form,
        "period": period,
        "node": node,
        "mode": mode,
        "default_mode": rollup.mode_for(form),
        "mode_query": mode_query,
        "page_name": page,
        "url_name": VIEWS[page],
        "periods": _period_choices(form, period),
        "breadcrumbs": _breadcrumbs(request, node, period),
        "existed": node.active_on(period.end),
        "today": timezone.localdate(),
    }


class _ChildLinks:
    """Links to the same page of each child: one `reverse` for the whole table, and only
    for children the user may see (a child moved out of scope since gets no link)."""

    PLACEHOLDER = "__CODE__"

    def __init__(self, request, url_name, form, period, query=""):
        self.user = request.user
        kwargs = {"form": form.code, "period": period.key, "code": self.PLACEHOLDER}
        self.pattern = reverse(url_name, kwargs=kwargs)
        self.query = query

    def __call__(self, unit):
        if not can(self.user, VIEW, unit):
            return ""
        return self.pattern.replace(self.PLACEHOLDER, quote(unit.code)) + self.query


def _analysis_page(page):
    """Decorator: resolve form, period, node (404 out of scope) and mode (400 if bad)."""

    def wrap(view):
        @login_required
        @require_GET
        def inner(request, form, period, code):
            form_obj = common.form_or_404(form)
            period_obj = common.period_or_404(form_obj, period)
            node = common.unit_or_404(request, code)
            try:
                mode = _mode(request, form_obj)
            except BadParameter as exc:
                return _bad_request(request, str(exc))
            # One page reads the tree of the period several times: one stamp query.
            with history.pinned():
                context = _base_context(request, form_obj, period_obj, node, mode, page)
                return view(request, context)

        inner.__name__ = view.__name__
        inner.__doc__ = view.__doc__
        return inner

    return wrap


# ------------------------------------------------------------------ roll-up


def _indicator_columns(request, version, indicators, sections):
    """Which indicators the per-child table shows: main ones, one section, or all."""
    choice = request.GET.get("cols") or "main"
    by_section = {str(s.pk): s for s in sections}
    if choice == "all":
        chosen = indicators
    elif choice in by_section:
        chosen = [i for i in indicators if i.section_id == by_section[choice].pk]
    else:
        choice = "main"
        chosen = [i for i in indicators if i.is_main] or indicators[:8]
    options = [("main", _("Chỉ tiêu chính"))]
    # The sections holding any indicator (of any aggregation): one query, not one a section.
    filled = set(
        Indicator.objects.filter(section__in=sections).values_list("section_id", flat=True)
    )
    options += [(str(s.pk), f"{s.number}. {s.title}") for s in sections if s.pk in filled]
    options.append(("all", _("Tất cả chỉ tiêu")))
    return choice, chosen, options


@_analysis_page("rollup")
def rollup_page(request, ctx):
    """Tổng hợp: every indicator over the node's subtree, compared, and one row per child."""
    form, period, node, mode = ctx["form_obj"], ctx["period"], ctx["node"], ctx["mode"]
    version = versioning.version_for_period(form, period.key)
    view = services.rollup_view(node, form, period, mode, version=version)
    sections = {}
    for ind in view.indicators:
        sections.setdefault(ind.section_id, []).append(
            {
                "indicator": ind,
                "comparison": view.comparisons[ind.code],
                "units": view.counts.get(ind.code, 0),
            }
        )
    all_sections = list(version.sections.order_by("order")) if version else []
    section_list = []
    for section in all_sections:
        if section.pk in sections:
            section_list.append({"section": section, "rows": sections[section.pk]})
    choice, columns, col_options = _indicator_columns(
        request, version, view.indicators, all_sections
    )
    page = Paginator(view.children, CHILDREN_PAGE_SIZE).get_page(request.GET.get("page"))
    link = _ChildLinks(request, "reports:rollup", form, period, ctx["mode_query"])
    for child in page.object_list:
        child.href = link(child.unit)
        child.cells = [child.values.get(i.code) for i in columns]
    previous = periods.previous(period)
    last_year = periods.same_period_last_year(period)
    ctx.update(
        view=view,
        version=version,
        sections=section_list,
        columns=columns,
        col_choice=choice,
        col_options=col_options,
        children=page,
        previous=previous,
        last_year=last_year,
        last_year_by_lineage=not node.active_on(last_year.end),
        previous_by_lineage=not node.active_on(previous.end),
        basis_notes=services.basis_notes(view),
        common_basis=view.basis.kind == services.COMMON,
        common_last_year=view.last_year_basis.kind == services.COMMON,
    )
    return render(request, "reports/analysis/rollup.html", ctx)


# ------------------------------------------------------------------ completeness


def _completeness_counts(c):
    """Reports by status plus "no report yet", adding up to the expected number."""
    counts = {
        "accepted": c.accepted,
        "submitted": c.submitted,
        "returned": c.returned,
        "draft": c.drafted,
    }
    counts["missing"] = max(0, c.expected - sum(counts.values()))
    return counts


def _deadlines(form, period):
    days = {d.level_id: d.days_after_end for d in form.deadlines.all()}
    return lambda level_id: period.end + datetime.timedelta(days=days.get(level_id, 0))


def _level_deadlines(form, period, node):
    """[(level, deadline)] of each level with units expected to report below the node in
    the period (not the districts after they closed), highest level first."""
    deadline_of = _deadlines(form, period)
    path = services.node_path(node, period)
    present = services.expected_counts(form, period).get(path, {}) if path else {}
    levels = sorted(
        (level for level in form.levels.all() if present.get(level.pk)), key=lambda lv: lv.rank
    )
    return [(level, deadline_of(level.pk)) for level in levels]


def _missing_page(request, node, form, period):
    units = services.missing_units(node, form, period)
    page = Paginator(units, MISSING_PAGE_SIZE).get_page(request.GET.get("mpage"))
    rows = list(page.object_list)
    deadline_of = _deadlines(form, period)
    today = timezone.localdate()
    held = dict(
        Report.objects.filter(
            form=form, period_key=period.key, unit__in=[u.pk for u in rows]
        ).values_list("unit_id", "status")
    )
    paths = history.paths_on(period.end)
    node_path = services.node_path(node, period) or ""
    codes = set()
    for unit in rows:
        unit.day_path = paths.get(unit.pk, unit.path)
        codes.update(unit.day_path[len(node_path) :].strip(PATH_SEP).split(PATH_SEP)[:-1])
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "short_name"))
    link = _ChildLinks(request, "reports:report", form, period)
    for unit in rows:
        inner = unit.day_path[len(node_path) :].strip(PATH_SEP).split(PATH_SEP)[:-1]
        unit.trail = [names.get(c, c) for c in inner]
        unit.deadline = deadline_of(unit.level_id)
        unit.overdue = max(0, (today - unit.deadline).days)
        status = held.get(unit.pk)
        unit.report_status = statuses.label(status)
        unit.report_css = statuses.css(status)
        unit.href = link(unit)
    page.rows = rows
    return page


@_analysis_page("completeness")
def completeness_page(request, ctx):
    """Tiến độ báo cáo: expected, drafted, submitted, accepted, returned, missing, late."""
    form, period, node = ctx["form_obj"], ctx["period"], ctx["node"]
    overall, per_child = services.completeness(node, form, period)
    page = Paginator(per_child, CHILDREN_PAGE_SIZE).get_page(request.GET.get("page"))
    link = _ChildLinks(request, "reports:completeness", form, period)
    for c in page.object_list:
        c.href = link(c.unit)
        c.done = c.submitted + c.accepted
    ctx.update(
        overall=overall,
        children=page,
        missing=_missing_page(request, node, form, period) if overall else None,
        may_remind=can(request.user, APPROVE, node),
        level_deadlines=_level_deadlines(form, period, node),
    )
    return render(request, "reports/analysis/completeness.html", ctx)


@login_required
@require_POST
def remind(request, form, period, code):
    """Nhắc các đơn vị chưa gửi: a leader reminds every unit of the subtree that has not
    submitted this period's report (notifications, and e-mail when it is configured)."""
    form_obj = common.form_or_404(form)
    period_obj = common.period_or_404(form_obj, period)
    node = common.unit_or_404(request, code, APPROVE)
    with transaction.atomic():
        done = reminders.remind_missing(node, form_obj, period_obj)
        message = _("Nhắc hạn gửi báo cáo %(form)s %(period)s: %(units)s đơn vị.") % {
            "form": form_obj.name,
            "period": period_obj.label,
            "units": done.units,
        }
        audit_write(node, AuditEntry.Action.NOTIFY, message=message)
    _say_reminded(request, done)
    kwargs = {"form": form_obj.code, "period": period_obj.key, "code": node.code}
    return redirect(reverse("reports:completeness", kwargs=kwargs) + "#chua-gui")


def _say_reminded(request, done):
    if done.units:
        messages.success(
            request, _("Đã gửi nhắc hạn tới %(n)s đơn vị chưa gửi báo cáo.") % {"n": done.units}
        )
    if done.already:
        messages.info(
            request, _("%(n)s đơn vị đã được nhắc hôm nay, không nhắc lại.") % {"n": done.already}
        )
    if done.unreachable:
        messages.warning(
            request,
            _(
                "%(n)s đơn vị chưa có tài khoản cán bộ, lãnh đạo nào đang hoạt động nên không "
                "nhắc được qua giaoban: cần liên hệ trực tiếp."
            )
            % {"n": done.unreachable},
        )
    if not (done.units or done.already or done.unreachable):
        messages.info(request, _("Không có đơn vị nào cần nhắc."))


# ------------------------------------------------------------------ dashboard


def _comparison_groups(view, main, compared):
    """The chart's bars, like with like: this period beside each period it can honestly be
    compared with, on the page's basis (the same units); the others are left out."""
    names = [_("Kỳ này"), _("Kỳ trước"), _("Cùng kỳ năm trước")]
    first = next((view.comparisons[i.code] for i in main), None)
    shown = [0]
    if first is not None and first.previous_pair is not None:
        shown.append(1)
    same_basis = (view.last_year_basis.kind == view.basis.kind) or view.basis.kind == "full"
    if first is not None and first.last_year_pair is not None and same_basis:
        shown.append(2)
    groups = []
    for i in main:
        c = view.comparisons[i.code]
        now = c.base_value if view.basis.comparable else c.value
        others = (
            now,
            c.previous_pair[1] if c.previous_pair else None,
            c.last_year_pair[1] if c.last_year_pair else None,
        )
        groups.append(charts.IndicatorGroup(i.name, i.unit_of_measure, [others[k] for k in shown]))
    series = [names[k] for k in shown]
    legend = [f"{names[k]}: {compared[k].label}" for k in shown]
    return groups, series, legend


@_analysis_page("dashboard")
def dashboard_page(request, ctx):
    """Bảng điều khiển: headline figures, completeness by child, main indicators compared."""
    form, period, node, mode = ctx["form_obj"], ctx["period"], ctx["node"], ctx["mode"]
    version = versioning.version_for_period(form, period.key)
    # The dashboard shows no per-child figures: the roll-up without its child table.
    view = services.rollup_view(node, form, period, mode, version=version, with_children=False)
    overall, per_child = services.completeness(node, form, period)
    link = _ChildLinks(request, "reports:dashboard", form, period, ctx["mode_query"])
    segments = statuses.segments()
    bars = [
        charts.StackedBar(c.unit.short_name, c.expected, _completeness_counts(c), link(c.unit))
        for c in per_child
        if c.expected
    ]
    bars.sort(key=lambda b: (b.rate(segments), b.label))
    shown = bars[:DASHBOARD_TOP]
    previous = periods.previous(period)
    last_year = periods.same_period_last_year(period)
    main = [i for i in view.indicators if i.is_main]
    groups, series, legend = _comparison_groups(view, main, (period, previous, last_year))
    if len(bars) > DASHBOARD_TOP:
        bar_title = _("%(n)s đơn vị có tỷ lệ gửi báo cáo thấp nhất") % {"n": len(shown)}
    else:
        bar_title = _("Tiến độ báo cáo theo đơn vị trực thuộc")
    cmp_title = _("Chỉ tiêu chính so với kỳ trước và cùng kỳ năm trước")
    empty = _("Chưa có đơn vị cấp dưới nào phải báo cáo.")
    ctx.update(
        view=view,
        overall=overall,
        done=(overall.submitted + overall.accepted) if overall else 0,
        bars_total=len(bars),
        bars_shown=len(shown),
        bar_title=bar_title,
        cmp_title=cmp_title,
        completeness_wide=charts.stacked_chart(shown, segments, bar_title, "wide", empty),
        completeness_narrow=charts.stacked_chart(shown, segments, bar_title, "narrow", empty),
        comparison_wide=charts.comparison_chart(groups, series, cmp_title, "wide", legend),
        comparison_narrow=charts.comparison_chart(groups, series, cmp_title, "narrow", legend),
        main=[(i, view.comparisons[i.code]) for i in main],
        previous=previous,
        last_year=last_year,
        last_year_by_lineage=not node.active_on(last_year.end),
        basis_notes=services.basis_notes(view, _("mọi cột của biểu đồ tính trên các đơn vị đó")),
        common_basis=view.basis.kind == services.COMMON,
        # Other apps' figures for the same subtree and period (the activity log's totals).
        panels=[
            html
            for panel in registry.dashboard
            if (html := panel(request, node, period.start, period.end))
        ],
    )
    return render(request, "reports/analysis/dashboard.html", ctx)


# ------------------------------------------------------------------ entry point


def _default_period(form):
    """The newest recent period that has any data, else the current one."""
    recent = periods.recent(timezone.localdate(), form.period_type, form.cutoff_day, PICKER_PERIODS)
    # A report anywhere moves the row of every ancestor, the root's included: the root's
    # rows say which periods have data (a handful of rows, not every node's).
    roots = Unit.objects.filter(parent__isnull=True).values("pk")
    with_data = set(
        Rollup.objects.filter(
            node__in=roots, form=form, period_key__in=[p.key for p in recent]
        ).values_list("period_key", flat=True)
    )
    return next((p for p in recent if p.key in with_data), recent[0])


@login_required
@require_GET
def analysis_start(request, form):
    """Bảng điều khiển của mẫu: to the user's own top unit and the latest period with data.

    ?view=dashboard|rollup|completeness, ?period=<key> and ?code=<unit> may be given.
    """
    form_obj = common.form_or_404(form)
    page = request.GET.get("view") or "dashboard"
    if page not in VIEWS:
        return _bad_request(
            request,
            _("Trang “%(view)s” không có: chọn dashboard, rollup hoặc completeness.")
            % {"view": page},
        )
    key = request.GET.get("period")
    period = common.period_or_404(form_obj, key) if key else _default_period(form_obj)
    code = request.GET.get("code")
    if code:
        node = common.unit_or_404(request, code.strip().upper())
    else:
        paths = role_paths(request.user, VIEW)
        if not paths:
            raise Http404(_("Đồng chí chưa được giao vai trò ở đơn vị nào."))
        node = get_object_or_404(Unit, path=paths[0])
    url = reverse(
        VIEWS[page], kwargs={"form": form_obj.code, "period": period.key, "code": node.code}
    )
    mode = request.GET.get("mode")
    return redirect(url + (f"?{urlencode({'mode': mode})}" if mode else ""))


urlpatterns = [
    path("bang-dieu-khien/<str:form>/", analysis_start, name="analysis_start"),
    path("bang-dieu-khien/<str:form>/<str:period>/<str:code>/", dashboard_page, name="dashboard"),
    path("tong-hop/<str:form>/<str:period>/<str:code>/", rollup_page, name="rollup"),
    path("tien-do/<str:form>/<str:period>/<str:code>/", completeness_page, name="completeness"),
    path("tien-do/<str:form>/<str:period>/<str:code>/nhac/", remind, name="remind"),
]
